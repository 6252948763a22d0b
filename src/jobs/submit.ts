/**
 * Submission (outgoing-job.md §6, §8, §5): validate a FaxDocument against the queue/server settings,
 * render its files into the job's TIFF, spool it atomically, then commit one job row per recipient in one
 * transaction (the row never exists without its document). Layer: jobs.
 */
import { randomBytes } from "node:crypto";
import type { Clock } from "../core/Clock.js";
import { FaxError } from "../core/FaxError.js";
import type { DocumentCodec } from "./codec.js";
import { FaxAccessRight, FaxCoverPageType, FaxJobExtendedStatus, FaxJobStatus, FaxPriorityType, FaxReceiptType, FaxScheduleType } from "./enums.js";
import type { JobStore } from "./JobStore.js";
import { SERVER_COVER_PAGES, renderCoverPage } from "./coverPage.js";
import { earliestAttempt } from "./schedule.js";
import type { Spool } from "./spool.js";
import type { JobRecord, SubmissionSpec } from "./types.js";

/** 16 hex digits (job and submission ids, §3). */
export const newId = (): string => randomBytes(8).toString("hex");

/** TSID/CSID rule (§5): ≤ 20 chars, printable ASCII. */
export function checkTsid(tsid: string): void {
	if (tsid.length > 20 || !/^[\x20-\x7e]*$/.test(tsid)) throw new FaxError("INVALID_ARG", `TSID must be at most 20 printable ASCII characters: ${JSON.stringify(tsid)}`);
}

const enumOk = (v: unknown, values: readonly number[]): boolean => typeof v === "number" && values.includes(v);

export interface SubmitContext {
	store: JobStore;
	spool: Spool;
	codec: DocumentCodec;
	clock: Clock;
	user: string;
	rights: number;
	/** daemon mode: Added is raised at once (true); client mode: the daemon raises it (false) */
	announced: boolean;
	/** commit the new records in one transaction (the daemon's ledger raises Added; a client only writes) */
	insert(recs: Omit<JobRecord, "seq">[]): JobRecord[];
}

/** Validate, render, spool and commit; returns the new records in recipient order. */
export async function submitDocument(doc: SubmissionSpec, c: SubmitContext): Promise<JobRecord[]> {
	const s = c.store.getSettings();
	if (s.blocked) throw new FaxError("QUEUE_BLOCKED", "the outgoing queue is blocked");
	if (!enumOk(doc.priority, [FaxPriorityType.LOW, FaxPriorityType.NORMAL, FaxPriorityType.HIGH])) throw new FaxError("INVALID_ARG", `bad priority ${String(doc.priority)}`);
	const need = doc.priority === FaxPriorityType.HIGH ? FaxAccessRight.SUBMIT_HIGH : doc.priority === FaxPriorityType.NORMAL ? FaxAccessRight.SUBMIT_NORMAL : FaxAccessRight.SUBMIT_LOW;
	if (!(c.rights & need)) throw new FaxError("ACCESS_DENIED", `user ${c.user} may not submit at this priority`);
	const recipients = [...doc.recipients];
	if (recipients.length === 0) throw new FaxError("INVALID_ARG", "no recipient");
	if (s.recipientsLimit > 0 && recipients.length > s.recipientsLimit) throw new FaxError("RECIPIENTS_LIMIT", `${recipients.length} recipients exceed the server's limit of ${s.recipientsLimit}`);
	for (const r of recipients) if (!r.faxNumber.trim()) throw new FaxError("INVALID_ARG", "a recipient has no fax number");
	if (!enumOk(doc.coverPageType, [FaxCoverPageType.NONE, FaxCoverPageType.LOCAL, FaxCoverPageType.SERVER])) throw new FaxError("INVALID_ARG", `bad cover page type ${String(doc.coverPageType)}`);
	if (doc.coverPageType === FaxCoverPageType.LOCAL && !s.allowPersonalCoverPages) throw new FaxError("INVALID_ARG", "personal cover pages are not allowed on this server");
	if (doc.coverPageType === FaxCoverPageType.LOCAL) throw new FaxError("INVALID_ARG", "personal (.cov) cover pages are not supported: use a SERVER cover page");
	if (doc.coverPageType === FaxCoverPageType.SERVER && !SERVER_COVER_PAGES.includes(doc.coverPage)) throw new FaxError("INVALID_ARG", `no server cover page named ${JSON.stringify(doc.coverPage)}`);
	const cover = doc.coverPageType === FaxCoverPageType.SERVER;
	if (!enumOk(doc.receiptType, [FaxReceiptType.NONE, FaxReceiptType.MAIL, FaxReceiptType.MSGBOX])) throw new FaxError("INVALID_ARG", `bad receipt type ${String(doc.receiptType)}`);
	if (doc.receiptType !== FaxReceiptType.NONE && !(s.allowedReceipts & doc.receiptType)) throw new FaxError("INVALID_ARG", `receipt type ${doc.receiptType} is not allowed on this server`);
	if (doc.receiptType === FaxReceiptType.MAIL && !/^[^\s@]+@[^\s@]+$/.test(doc.receiptAddress)) throw new FaxError("INVALID_ARG", `MAIL receipts need an SMTP address, got ${JSON.stringify(doc.receiptAddress)}`);
	if (!enumOk(doc.scheduleType, [FaxScheduleType.NOW, FaxScheduleType.SPECIFIC_TIME, FaxScheduleType.DISCOUNT_PERIOD])) throw new FaxError("INVALID_ARG", `bad schedule type ${String(doc.scheduleType)}`);
	if (doc.scheduleType === FaxScheduleType.SPECIFIC_TIME && !(doc.scheduleTime instanceof Date && Number.isFinite(doc.scheduleTime.getTime()))) throw new FaxError("INVALID_ARG", "SPECIFIC_TIME needs a valid scheduleTime");
	checkTsid(doc.sender.tsid ?? "");
	const files = [doc.body, ...doc.moreBodies].filter((f) => f !== "");
	if (files.length === 0 && !cover) throw new FaxError("INVALID_ARG", "no body and no cover page");
	if (files.length === 0 && doc.attachFaxToReceipt) throw new FaxError("INVALID_ARG", "attachFaxToReceipt needs a body (cover-page-only fax)");

	const submissionId = newId();
	const bodyFile = `${submissionId}.tif`;
	const rendered = files.length ? await c.codec.render(files, c.spool.path(bodyFile)) : { pages: 0, size: 0 };
	const now = c.clock.now();
	const ids = recipients.map(() => newId());
	// with a cover page every recipient gets its own TIFF: its cover, then the body (§2.4 copyTiff)
	const perJob: Array<{ docFile: string; pages: number; size: number }> = [];
	try {
		for (const [i, r] of recipients.entries()) {
			if (!cover) {
				perJob.push({ docFile: bodyFile, pages: rendered.pages, size: rendered.size });
				continue;
			}
			const docFile = `${ids[i]}.tif`;
			const info = { sender: doc.sender, recipient: r, subject: doc.subject, note: doc.note, pages: rendered.pages + 1, time: now };
			const out = await c.codec.withCover((w, y) => renderCoverPage(info, w, y), files.length ? c.spool.path(bodyFile) : null, c.spool.path(docFile));
			perJob.push({ docFile, pages: out.pages, size: out.size });
		}
	} catch (e) {
		for (const p of perJob) c.spool.remove(p.docFile);
		c.spool.remove(bodyFile);
		throw e;
	}
	if (cover) c.spool.remove(bodyFile);
	c.spool.syncDocs(); // the documents are durable before their rows are committed
	const when = doc.scheduleType === FaxScheduleType.SPECIFIC_TIME ? doc.scheduleTime!.getTime() : earliestAttempt(now, doc.scheduleType, s);
	const recs: Omit<JobRecord, "seq">[] = recipients.map((r, i) => ({
		id: ids[i]!,
		submissionId,
		broadcastSize: recipients.length,
		status: FaxJobStatus.PENDING,
		extCode: FaxJobExtendedStatus.NONE,
		extText: "",
		failure: null,
		priority: doc.priority,
		scheduleType: doc.scheduleType,
		scheduledTime: when,
		originalScheduledTime: when,
		submissionTime: now,
		ageStart: now,
		transmissionStart: null,
		transmissionEnd: null,
		currentPage: 0,
		pages: perJob[i]!.pages,
		size: perJob[i]!.size,
		deviceId: 0,
		csid: "",
		tsid: doc.sender.tsid ?? "",
		retries: 0,
		recipient: { faxNumber: r.faxNumber, name: r.name },
		sender: { ...doc.sender },
		subject: doc.subject,
		documentName: doc.documentName,
		receiptType: doc.receiptType,
		receiptAddress: doc.receiptAddress,
		groupBroadcastReceipts: doc.groupBroadcastReceipts,
		attachFaxToReceipt: doc.attachFaxToReceipt,
		hasCoverPage: cover,
		docFile: perJob[i]!.docFile,
		removedAt: null,
		owner: c.user,
		announced: c.announced,
		confirmedPages: [],
		possiblyDuplicatedPages: [],
		attempts: [],
	}));
	try {
		return c.insert(recs);
	} catch (e) {
		for (const f of new Set(perJob.map((p) => p.docFile))) c.spool.remove(f);
		throw e instanceof FaxError ? e : new FaxError("STORE_ERROR", `cannot queue the jobs: ${(e as Error).message}`, { cause: e });
	}
}
