/**
 * Job operations on the live job (outgoing-job.md §2.4: cancel, pause, resume, restart; §6
 * cancelSubmission), each checked against AvailableOperations of the stored job (§2.3) by the pure
 * transitions (transitions.ts) and committed through the ledger. Layer: jobs.
 */
import { FaxError } from "../core/FaxError.js";
import type { EngineContext } from "./engineContext.js";
import { FaxJobStatus as S, baseStatus, isWaitingStatus } from "./enums.js";
import { cancelRequested, pauseRequested, restartRequested, resumeRequested } from "./transitions.js";
import type { JobRecord } from "./types.js";

export class JobOps {
	constructor(private readonly e: EngineContext) {}

	/** The queued job or MESSAGE_NOT_FOUND. */
	live(id: string): JobRecord {
		const j = this.e.jobs.get(id);
		if (!j || j.removedAt !== null) throw new FaxError("MESSAGE_NOT_FOUND", `job ${id} is not in the queue`);
		return j;
	}

	/** §2.4 cancel: waiting -> CANCELED; INPROGRESS before ATD -> CANCELED; during the call -> CANCELING + abort. */
	cancel(id: string): void {
		const j = this.live(id);
		const a = this.e.active.get(id);
		const { patch, abort } = cancelRequested(j, a);
		if (abort && a) {
			a.canceled = true;
			if (patch.status === S.CANCELING) {
				this.e.jobs.commit(id, patch);
				this.e.trace(`cancel ${id}: aborting the call`);
				a.ctrl.abort(new FaxError("CALL_ABORTED", "canceled by user"));
				return;
			}
			a.ctrl.abort(new FaxError("CALL_ABORTED", "canceled by user"));
		}
		this.e.trace(`cancel ${id}`);
		this.e.jobs.commit(id, patch);
	}

	/** §2.4 pause: sets PAUSED on a waiting job (NOLINE goes: it is no longer due). */
	pause(id: string): void {
		this.e.jobs.commit(id, pauseRequested(this.live(id)));
	}

	/** §2.4 resume: clears PAUSED; eligible again per scheduledTime. */
	resume(id: string): void {
		this.e.jobs.commit(id, resumeRequested(this.live(id)));
		this.e.tick();
	}

	/** §2.4 restart: RETRIES_EXCEEDED -> PENDING, counters and times reset, AgeLimit clock restarts. */
	restart(id: string): void {
		const patch = restartRequested(this.live(id), this.e.settings, this.e.clock.now());
		this.e.trace(`restart ${id}`);
		this.e.jobs.commit(id, patch);
		this.e.tick();
	}

	/** §6 [ours]: cancel every non-final member of a submission. */
	cancelSubmission(submissionId: string): void {
		const members = this.e.jobs.table.select({ submission_id: submissionId }).filter((j) => j.removedAt === null);
		if (members.length === 0) throw new FaxError("MESSAGE_NOT_FOUND", `submission ${submissionId} is not in the queue`);
		for (const j of members) {
			const b = baseStatus(j.status);
			if (isWaitingStatus(j.status) || b === S.INPROGRESS) this.cancel(j.id);
		}
	}
}
