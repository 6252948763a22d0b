/**
 * What happens when an outgoing job becomes final (outgoing-job.md §2.2): its receipt (§8: one MAIL
 * receipt per job at COMPLETED or RETRIES_EXCEEDED, none for CANCELED; or one summary per broadcast once
 * every member is final) and retention (§6, transitions.ts `leaving`), which archives jobs and deletes a
 * document no queued job uses any more. Run by the ledger (jobLedger.ts onFinal), nowhere else. Layer: jobs.
 */
import { copyFileSync, mkdtempSync, rmSync } from "node:fs";
import { rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import type { EngineContext } from "./engineContext.js";
import { FaxJobStatus as S, FaxReceiptType, baseStatus, isFinalStatus } from "./enums.js";
import { faxAttachment } from "./faxAttachment.js";
import type { JobStore } from "./JobStore.js";
import type { ReceiptSender } from "./receipts.js";
import { groupReceipt, jobReceipt } from "./receipts.js";
import { leaving, removed } from "./transitions.js";
import type { JobRecord } from "./types.js";

export interface FinalWorkOptions {
	store: JobStore;
	receipts?: ReceiptSender;
	/** a MAIL receipt could not be delivered */
	onReceiptError: (jobId: string, error: Error) => void;
}

export class FinalWork {
	constructor(
		private readonly e: EngineContext,
		private readonly o: FinalWorkOptions,
	) {}

	/** A job just became final (COMPLETED, CANCELED, RETRIES_EXCEEDED): receipts, then retention. */
	run(j: JobRecord): void {
		const b = baseStatus(j.status);
		const members = j.broadcastSize > 1 ? this.o.store.submissionJobs(j.submissionId) : [j];
		const queued = members.filter((m) => m.removedAt === null);
		if (j.receiptType & FaxReceiptType.MAIL) {
			if (!j.groupBroadcastReceipts || j.broadcastSize === 1) {
				if (b !== S.CANCELED) this.sendReceipt(j, () => jobReceipt(j)); // none for CANCELED (§8)
			} else if (queued.every((m) => isFinalStatus(m.status)) && members.some((m) => baseStatus(m.status) !== S.CANCELED)) {
				// the summary goes once every member is final, even when the last one was canceled (§8)
				this.sendReceipt(j, () => groupReceipt(members));
			}
		}
		this.retention(j.submissionId, this.e.clock.now());
	}

	private sendReceipt(j: JobRecord, make: () => ReturnType<typeof jobReceipt>): void {
		const sender = this.o.receipts;
		if (!sender) {
			this.e.trace(`receipt for ${j.id} dropped: no SMTP server configured`);
			return;
		}
		const msg = make();
		let copy: string | undefined;
		if (j.attachFaxToReceipt) {
			// copied now: the document leaves the spool with the job (§8 attachFaxToReceipt); made a PDF
			// (or kept as the TIFF: queue setting receiptAttachment) on the way out
			try {
				copy = join(mkdtempSync(join(tmpdir(), "faxline-receipt-")), "fax.tif");
				copyFileSync(this.e.spool.path(j.docFile), copy);
			} catch (err) {
				this.e.trace(`receipt for ${j.id}: cannot attach the fax: ${(err as Error).message}`);
				if (copy) rmSync(dirname(copy), { recursive: true, force: true });
				copy = undefined;
			}
		}
		const attach = async (): Promise<void> => {
			if (!copy) return;
			try {
				const { note, ...a } = await faxAttachment(copy, `fax-${j.submissionId}`, this.e.settings.receiptAttachment);
				if (note) this.e.trace(`receipt for ${j.id}: ${note}`);
				msg.attachments = [a];
			} finally {
				await rm(dirname(copy), { recursive: true, force: true });
			}
		};
		attach()
			.then(() => sender.send(msg))
			.then(
			() => this.e.trace(`receipt for ${j.id} sent to ${msg.to}`),
			(err: unknown) => {
				this.e.trace(`receipt for ${j.id} failed: ${(err as Error)?.message}`);
				this.o.onReceiptError(j.id, err instanceof Error ? err : new Error(String(err)));
			},
		);
	}

	/** §6 retention of a submission's queued jobs (also run at start-up for jobs final before a crash). */
	retention(submissionId: string, now: number): void {
		const queued = this.o.store.submissionJobs(submissionId).filter((m) => m.removedAt === null);
		for (const m of leaving(queued, isFinalStatus)) this.remove(m, now);
	}

	/** The job leaves the queue (archived row kept; its document goes when no queued job uses it). */
	remove(j: JobRecord, now: number): void {
		// row first, file second: a crash in between leaves an orphan file that the next start sweeps
		const r = this.e.jobs.commit(j.id, removed(j, now), { event: "removed" });
		if (!this.o.store.docInUse(j.docFile, j.id)) this.e.spool.remove(j.docFile);
		this.e.trace(`removed ${r.id}`);
	}
}
