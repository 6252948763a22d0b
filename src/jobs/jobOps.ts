/**
 * Job operations on the live job (outgoing-job.md §2.4: cancel, pause, resume, restart; §6
 * cancelSubmission), each checked against AvailableOperations of the stored job (§2.3), plus what
 * happens when a job becomes final: receipts (§8) and retention/removal (§6). Layer: jobs.
 */
import { readFileSync } from "node:fs";
import { FaxError } from "../core/FaxError.js";
import { FaxJobExtendedStatus as X, FaxJobOperations as Op, FaxJobStatus as S, FaxReceiptType, availableOperations, baseStatus, isFinalStatus, isWaitingStatus } from "./enums.js";
import type { OutgoingEngine } from "./OutgoingEngine.js";
import { groupReceipt, jobReceipt } from "./receipts.js";
import { earliestAttempt } from "./schedule.js";
import type { JobRecord } from "./types.js";

export class JobOps {
	constructor(private readonly e: OutgoingEngine) {}

	/** The queued job or MESSAGE_NOT_FOUND. */
	live(id: string): JobRecord {
		const j = this.e.store.getJob(id);
		if (!j || j.removedAt !== null) throw new FaxError("MESSAGE_NOT_FOUND", `job ${id} is not in the queue`);
		return j;
	}

	private need(j: JobRecord, bit: Op, what: string): void {
		if (!(availableOperations(j.status) & bit)) throw new FaxError("INVALID_OPERATION", `cannot ${what} job ${j.id} in state ${statusLabel(j.status)}`);
	}

	/** §2.4 cancel: waiting -> CANCELED; INPROGRESS before ATD -> CANCELED; during the call -> CANCELING + abort. */
	cancel(id: string): void {
		const j = this.live(id);
		this.need(j, Op.DELETE, "cancel");
		const b = baseStatus(j.status);
		const a = this.e.active.get(id);
		if (b === S.INPROGRESS && a) {
			a.canceled = true;
			if (a.dialed) {
				this.e.emitChanged(this.e.store.updateJob(id, { status: S.CANCELING }));
				this.e.trace(`cancel ${id}: aborting the call`);
				a.ctrl.abort(new FaxError("CALL_ABORTED", "canceled by user"));
				return;
			}
			a.ctrl.abort(new FaxError("CALL_ABORTED", "canceled by user"));
		}
		const r = this.e.store.updateJob(id, { status: S.CANCELED, transmissionStart: null });
		this.e.trace(`cancel ${id}`);
		this.e.emitChanged(r);
		this.afterFinal(r);
	}

	/** §2.4 pause: sets PAUSED on a waiting job (NOLINE goes: it is no longer due). */
	pause(id: string): void {
		const j = this.live(id);
		this.need(j, Op.PAUSE, "pause");
		this.e.emitChanged(this.e.store.updateJob(id, { status: (j.status | S.PAUSED) & ~S.NOLINE }));
	}

	/** §2.4 resume: clears PAUSED; eligible again per scheduledTime. */
	resume(id: string): void {
		const j = this.live(id);
		this.need(j, Op.RESUME, "resume");
		this.e.emitChanged(this.e.store.updateJob(id, { status: j.status & ~S.PAUSED }));
		this.e.tick();
	}

	/** §2.4 restart: RETRIES_EXCEEDED -> PENDING, counters and times reset, AgeLimit clock restarts. */
	restart(id: string): void {
		const j = this.live(id);
		this.need(j, Op.RESTART, "restart");
		const now = this.e.clock.now();
		const r = this.e.store.updateJob(id, {
			status: S.PENDING,
			retries: 0,
			scheduledTime: earliestAttempt(now, j.scheduleType, this.e.settings),
			extCode: X.NONE,
			extText: "",
			failure: null,
			currentPage: 0,
			deviceId: 0,
			csid: "",
			transmissionStart: null,
			transmissionEnd: null,
			ageStart: now,
		});
		this.e.trace(`restart ${id}`);
		this.e.emitChanged(r);
		this.e.tick();
	}

	/** §6 [ours]: cancel every non-final member of a submission. */
	cancelSubmission(submissionId: string): void {
		const members = this.e.store.submissionJobs(submissionId).filter((j) => j.removedAt === null);
		if (members.length === 0) throw new FaxError("MESSAGE_NOT_FOUND", `submission ${submissionId} is not in the queue`);
		for (const j of members) {
			const b = baseStatus(j.status);
			if (isWaitingStatus(j.status) || b === S.INPROGRESS) this.cancel(j.id);
		}
	}

	/** A job just became final (COMPLETED, CANCELED, RETRIES_EXCEEDED): receipts, then retention. */
	afterFinal(j: JobRecord): void {
		const b = baseStatus(j.status);
		const members = j.broadcastSize > 1 ? this.e.store.submissionJobs(j.submissionId) : [j];
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
		const sender = this.e.receipts;
		if (!sender) {
			this.e.trace(`receipt for ${j.id} dropped: no SMTP server configured`);
			return;
		}
		const msg = make();
		if (j.attachFaxToReceipt) {
			// read now: the document leaves the spool with the job (§8 attachFaxToReceipt)
			try {
				msg.attachments = [{ filename: `fax-${j.submissionId}.tif`, content: readFileSync(this.e.spool.path(j.docFile)) }];
			} catch (err) {
				this.e.trace(`receipt for ${j.id}: cannot attach the fax: ${(err as Error).message}`);
			}
		}
		sender.send(msg).then(
			() => this.e.trace(`receipt for ${j.id} sent to ${msg.to}`),
			(err: unknown) => {
				this.e.trace(`receipt for ${j.id} failed: ${(err as Error)?.message}`);
				this.e.emit({ type: "receiptError", jobId: j.id, error: err instanceof Error ? err : new Error(String(err)) });
			},
		);
	}

	/**
	 * §6 retention: a single-recipient job leaves once COMPLETED or CANCELED; a broadcast's jobs all stay
	 * until every member is final, then COMPLETED and CANCELED members leave and failed ones stay.
	 */
	retention(submissionId: string, now: number): void {
		const queued = this.e.store.submissionJobs(submissionId).filter((m) => m.removedAt === null);
		if (queued.length === 0) return;
		const leaves = (m: JobRecord) => baseStatus(m.status) === S.COMPLETED || baseStatus(m.status) === S.CANCELED;
		if (queued[0]!.broadcastSize <= 1) {
			for (const m of queued) if (leaves(m)) this.remove(m, now);
			return;
		}
		if (!queued.every((m) => isFinalStatus(m.status))) return;
		for (const m of queued) if (leaves(m)) this.remove(m, now);
	}

	/** The job leaves the queue (archived row kept; its document goes when no queued job uses it). */
	remove(j: JobRecord, now: number): void {
		// row first, file second: a crash in between leaves an orphan file that the next start sweeps
		const r = this.e.store.updateJob(j.id, { removedAt: now, status: j.status & ~(S.NOLINE | S.PAUSED) });
		if (!this.e.store.docInUse(j.docFile, j.id)) this.e.spool.remove(j.docFile);
		this.e.trace(`removed ${r.id}`);
		this.e.emit({ type: "removed", jobId: r.id });
	}
}

const statusLabel = (s: number): string => `0x${s.toString(16)}`;
