/**
 * FaxDocument (IFaxDocument, outgoing-job.md §6, §8): what to send and to whom. `connectedSubmit(server)`
 * / `submit(serverName)` create one job per recipient sharing one SubmissionId and return the job ids in
 * recipient order. A server name is the spool directory of a local queue [ours]: there is no registry of
 * connected servers. Layer: jobs.
 */
import { FaxError } from "../core/FaxError.js";
import { FaxCoverPageType, FaxPriorityType, FaxReceiptType, FaxScheduleType } from "./enums.js";
import { tiffCodec } from "./codec.js";
import { FaxServer } from "./FaxServer.js";
import type { FaxRecipient, FaxSender, SubmissionSpec } from "./types.js";

/** FaxRecipients: `add(faxNumber, name)`, 1-based `item`, `remove` [MS]. */
export class FaxRecipients implements Iterable<FaxRecipient> {
	private readonly list: FaxRecipient[] = [];
	add(faxNumber: string, name = ""): FaxRecipient {
		const r = { faxNumber, name };
		this.list.push(r);
		return r;
	}
	get count(): number {
		return this.list.length;
	}
	item(i: number): FaxRecipient {
		const r = this.list[i - 1];
		if (!r) throw new FaxError("INVALID_ARG", `recipient index ${i} out of 1..${this.list.length}`);
		return r;
	}
	remove(i: number): void {
		this.item(i);
		this.list.splice(i - 1, 1);
	}
	[Symbol.iterator](): Iterator<FaxRecipient> {
		return this.list[Symbol.iterator]();
	}
}

export class FaxDocument implements SubmissionSpec {
	/** the body file (TIFF; PBM) [MS: one file] */
	body = "";
	/** [ours] further body files appended after `body`, in order */
	moreBodies: string[] = [];
	readonly sender: FaxSender = {};
	readonly recipients = new FaxRecipients();
	/** NONE (default) or SERVER (our built-in cover page, coverPage '' or "generic"); LOCAL .cov files are refused */
	coverPageType: FaxCoverPageType = FaxCoverPageType.NONE;
	/** server cover page name */
	coverPage = "";
	subject = "";
	/** cover page note */
	note = "";
	/** display name only */
	documentName = "";
	/** default LOW [MS] */
	priority: FaxPriorityType = FaxPriorityType.LOW;
	receiptType: FaxReceiptType = FaxReceiptType.NONE;
	/** SMTP address for MAIL receipts */
	receiptAddress = "";
	attachFaxToReceipt = false;
	groupBroadcastReceipts = false;
	scheduleType: FaxScheduleType = FaxScheduleType.NOW;
	/** for SPECIFIC_TIME */
	scheduleTime: Date | null = null;
	/** set by a successful submit [MS] */
	submissionId = "";

	/** Submit to a connected server; returns one job id per recipient, in order. */
	async connectedSubmit(server: FaxServer): Promise<string[]> {
		const { submissionId, jobIds } = await server.submitDocument(this);
		this.submissionId = submissionId;
		return jobIds;
	}

	/**
	 * Submit to the queue whose spool directory is `serverName` [ours: the COM server name]: connects as a
	 * client (the running daemon picks the jobs up), submits, disconnects.
	 */
	async submit(serverName: string): Promise<string[]> {
		if (!serverName) throw new FaxError("INVALID_ARG", "submit needs the queue's spool directory as the server name");
		const server = FaxServer.connect({ spoolDir: serverName, codec: tiffCodec });
		try {
			return await this.connectedSubmit(server);
		} finally {
			await server.disconnect();
		}
	}
}
