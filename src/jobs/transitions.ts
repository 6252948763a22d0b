/**
 * Status transitions of an outgoing job as pure functions (outgoing-job.md §2.1-§2.4, §9.1-§9.5; issue 14
 * "retries resume"): each takes the current record (and what happened) and returns the patch to commit,
 * or null when the event does not apply to the job's state. The engine commits the patch through the
 * ledger (jobLedger.ts); nothing here touches the store, a clock or a modem. Case tables:
 * test/unit/jobs/transitions.test.ts. Layer: jobs (pure).
 */
import { FaxError } from "../core/FaxError.js";
import type { SendEvent } from "../modem/FaxModem.js";
import { FaxJobExtendedStatus as X, FaxJobOperations as Op, FaxJobStatus as S, availableOperations, baseStatus, isWaitingStatus } from "./enums.js";
import type { FailureOutcome } from "./failureMap.js";
import { earliestAttempt } from "./schedule.js";
import type { AttemptRecord, AttemptResult, JobRecord, QueueSettings } from "./types.js";

export type Patch = Partial<JobRecord>;

const DAY_MS = 86_400_000;

/** INPROGRESS or CANCELING: a call is (or was, before a crash) running. */
export const inCall = (status: number): boolean => baseStatus(status) === S.INPROGRESS || baseStatus(status) === S.CANCELING;

/** The operation `op` must be in AvailableOperations (§2.3), else INVALID_OPERATION. */
export function requireOperation(j: JobRecord, op: Op, what: string): void {
	if (!(availableOperations(j.status) & op)) throw new FaxError("INVALID_OPERATION", `cannot ${what} job ${j.id} in state 0x${j.status.toString(16)}`);
}

/** Document pages (1-based, in order) not yet confirmed by the far end: what the next attempt sends. */
export function pagesToSend(j: JobRecord): number[] {
	const done = new Set(j.confirmedPages);
	const out: number[] = [];
	for (let p = 1; p <= j.pages; p++) if (!done.has(p)) out.push(p);
	return out;
}

/** The last attempt with a new value (attempts are never edited in place: records stay immutable). */
function withLast(j: JobRecord, change: Partial<AttemptRecord>): AttemptRecord[] {
	const last = j.attempts.at(-1);
	if (!last) return j.attempts;
	return [...j.attempts.slice(0, -1), { ...last, ...change }];
}

/** Close the running attempt (if the last one still runs). */
function endAttempt(j: JobRecord, result: AttemptResult, endTime: number | null, failure: AttemptRecord["failure"], pageInDoubt: number | null = null): AttemptRecord[] {
	const last = j.attempts.at(-1);
	if (!last || last.result !== "inProgress") return j.attempts;
	return withLast(j, { result, endTime, failure, pageInDoubt });
}

/** A modem was claimed for the job (§9.1 INITIALIZING): a new attempt that sends `pages`. */
export function claimed(j: JobRecord, c: { deviceId: number; tsid: string; now: number; pages: number[] }): Patch {
	const attempt: AttemptRecord = { attempt: j.attempts.length + 1, deviceId: c.deviceId, startTime: c.now, endTime: null, pages: c.pages, pagesDelivered: [], pageInDoubt: null, result: "inProgress", failure: null };
	return {
		status: S.INPROGRESS,
		extCode: X.INITIALIZING,
		extText: "",
		failure: null,
		deviceId: c.deviceId,
		currentPage: 0,
		csid: "",
		tsid: c.tsid,
		transmissionStart: null,
		transmissionEnd: null,
		attempts: [...j.attempts, attempt],
	};
}

/**
 * A SendEvent of the running call -> job fields (§9.1), or null (nothing changes, or the job is no longer
 * in its call). Page numbers of the event index the attempt's page list (the call may send a subset of the
 * document); the job's fields carry document page numbers. A confirmed page is added to the job's
 * confirmed pages and the attempt's delivered pages; one that an interrupted attempt left in doubt is
 * then counted as possibly delivered twice.
 */
export function progressed(cur: JobRecord, ev: SendEvent, now: number): Patch | null {
	if (cur.removedAt !== null || !inCall(cur.status)) return null;
	const docPage = (p: number): number => cur.attempts.at(-1)?.pages[p - 1] ?? p;
	switch (ev.type) {
		case "dialing":
			return { extCode: X.DIALING, transmissionStart: now };
		case "connected":
			return { extCode: X.TRANSMITTING };
		case "remoteId":
			return { csid: ev.csid.slice(0, 20) };
		case "pageStart": {
			const p = docPage(ev.page);
			return p === cur.currentPage ? null : { currentPage: p };
		}
		case "pageEnd": {
			const p = docPage(ev.page);
			if (!ev.confirmed || cur.confirmedPages.includes(p)) return null;
			const last = cur.attempts.at(-1);
			const doubted = cur.attempts.some((a) => a.pageInDoubt === p) && !cur.possiblyDuplicatedPages.includes(p);
			return {
				confirmedPages: [...cur.confirmedPages, p].sort((a, b) => a - b),
				attempts: last ? withLast(cur, { pagesDelivered: [...last.pagesDelivered, p] }) : cur.attempts,
				...(doubted ? { possiblyDuplicatedPages: [...cur.possiblyDuplicatedPages, p].sort((a, b) => a - b) } : {}),
			};
		}
		default:
			return null;
	}
}

/** How a call ended, as the attempt saw it. */
export type CallEnd =
	/** every page confirmed (also when a cancel came after the last MCF, §9.4) */
	| { kind: "completed"; csid: string }
	/** the user canceled it during the call */
	| { kind: "canceled" }
	/** a failure, classified by failureMap; `prevBase` is the status before the claim (PENDING or RETRYING) */
	| { kind: "failed"; outcome: FailureOutcome; prevBase: number };

/**
 * Settle a job after its call (§2.2, §9.3-§9.5), or null when it is no longer in a call (canceled before
 * ATD: already final). Failures: a line failure requeues without a retry; a retryable one becomes
 * RETRYING (retries+1, after retryDelay or the failure's minimum delay, inside the discount window for
 * DISCOUNT_PERIOD jobs) while retries are left; anything else RETRIES_EXCEEDED.
 */
export function settled(cur: JobRecord, end: CallEnd, s: QueueSettings, now: number): Patch | null {
	if (cur.removedAt !== null || !inCall(cur.status)) return null;
	if (end.kind === "completed") {
		return { status: S.COMPLETED, extCode: X.CALL_COMPLETED, transmissionEnd: now, csid: end.csid ? end.csid.slice(0, 20) : cur.csid, attempts: endAttempt(cur, "completed", now, null) };
	}
	if (end.kind === "canceled") {
		const failure = { code: "CALL_ABORTED", text: "canceled by user" };
		return { status: S.CANCELED, extCode: X.CALL_ABORTED, transmissionStart: null, failure, attempts: endAttempt(cur, "canceled", now, failure) };
	}
	return failed(cur, end.outcome, end.prevBase, s, now, endAttempt(cur, "failed", now, end.outcome.detail));
}

/** The failure rules of §2.2/§9.5 on a job that was in a call. */
function failed(cur: JobRecord, outcome: FailureOutcome, prevBase: number, s: QueueSettings, now: number, attempts: AttemptRecord[]): Patch {
	const common = { extCode: outcome.ext, extText: "", failure: outcome.detail, transmissionStart: null, transmissionEnd: null, attempts };
	if (outcome.kind === "line") {
		// not the far end's fault: back in the queue at once, retries untouched (§9.3 last line)
		return { ...common, status: isWaitingStatus(prevBase) ? prevBase : S.PENDING };
	}
	if (outcome.kind === "retry" && cur.retries < s.retries) {
		const at = earliestAttempt(now + Math.max(s.retryDelay * 60_000, outcome.minDelayMs), cur.scheduleType, s);
		return { ...common, status: S.RETRYING, retries: cur.retries + 1, scheduledTime: at };
	}
	return { ...common, status: S.RETRIES_EXCEEDED };
}

/**
 * Start-up recovery of a job left by a dead daemon: a call left INPROGRESS was interrupted and becomes a
 * retry (DISCONNECTED, CARRIER_LOST "interrupted by daemon restart"); the page it had on the wire is in
 * doubt (its MCF may have come and not been committed). CANCELING becomes CANCELED; a stale NOLINE goes.
 */
export function recovered(j: JobRecord, s: QueueSettings, now: number): Patch | null {
	const b = baseStatus(j.status);
	if (b === S.INPROGRESS) {
		const detail = { code: "CARRIER_LOST", text: "interrupted by daemon restart" };
		const doubt = j.currentPage > 0 && !j.confirmedPages.includes(j.currentPage) ? j.currentPage : null;
		return failed(j, { kind: "retry", ext: X.DISCONNECTED, detail, minDelayMs: 0 }, b, s, now, endAttempt(j, "interrupted", null, detail, doubt));
	}
	if (b === S.CANCELING) return { status: S.CANCELED, extCode: X.CALL_ABORTED, transmissionStart: null, attempts: endAttempt(j, "interrupted", null, { code: "CALL_ABORTED", text: "canceled; interrupted by daemon restart" }) };
	if (j.status & S.NOLINE) return { status: j.status & ~S.NOLINE };
	return null;
}

/** What a user's cancel does (§2.4): the patch, and whether the running call must be aborted. */
export function cancelRequested(j: JobRecord, call: { dialed: boolean } | undefined): { patch: Patch; abort: boolean } {
	requireOperation(j, Op.DELETE, "cancel");
	if (baseStatus(j.status) === S.INPROGRESS && call) {
		// after ATD: CANCELING until the call ends (it may still complete, §9.4); before it: CANCELED now
		if (call.dialed) return { patch: { status: S.CANCELING }, abort: true };
		return { patch: { status: S.CANCELED, transmissionStart: null }, abort: true };
	}
	return { patch: { status: S.CANCELED, transmissionStart: null }, abort: false };
}

/** §2.4 pause: sets PAUSED on a waiting job (NOLINE goes: it is no longer due). */
export function pauseRequested(j: JobRecord): Patch {
	requireOperation(j, Op.PAUSE, "pause");
	return { status: (j.status | S.PAUSED) & ~S.NOLINE };
}

/** §2.4 resume: clears PAUSED; eligible again per scheduledTime. */
export function resumeRequested(j: JobRecord): Patch {
	requireOperation(j, Op.RESUME, "resume");
	return { status: j.status & ~S.PAUSED };
}

/**
 * §2.4 restart: RETRIES_EXCEEDED -> PENDING, counters and times reset, AgeLimit clock restarts. Pages the
 * far end confirmed stay confirmed (they are not sent again); the attempt history stays.
 */
export function restartRequested(j: JobRecord, s: QueueSettings, now: number): Patch {
	requireOperation(j, Op.RESTART, "restart");
	return {
		status: S.PENDING,
		retries: 0,
		scheduledTime: earliestAttempt(now, j.scheduleType, s),
		extCode: X.NONE,
		extText: "",
		failure: null,
		currentPage: 0,
		deviceId: 0,
		csid: "",
		transmissionStart: null,
		transmissionEnd: null,
		ageStart: now,
	};
}

/** Due, but no fax device is configured at all: it can never be attempted (§2.2). */
export const noDevice = (): Patch => ({ status: S.RETRIES_EXCEEDED, extCode: X.LINE_UNAVAILABLE, failure: { code: "NO_DEVICE", text: "no fax device is configured" } });

/** Due, but every modem is busy or down: NOLINE (once). */
export const noLine = (j: JobRecord): Patch | null => (j.status & S.NOLINE ? null : { status: j.status | S.NOLINE });

/** AgeLimit (§5): an undelivered job expires `ageLimit` days after submission/restart (never mid-call). */
export function expired(j: JobRecord, ageLimitDays: number, now: number): boolean {
	if (ageLimitDays <= 0 || inCall(j.status)) return false;
	return now >= j.ageStart + ageLimitDays * DAY_MS;
}

/** The job leaves the queue (archived; modifier bits go). */
export const removed = (j: JobRecord, now: number): Patch => ({ removedAt: now, status: j.status & ~(S.NOLINE | S.PAUSED) });

/**
 * §6 retention: which queued members of a submission leave now. A single-recipient job leaves once
 * COMPLETED or CANCELED; a broadcast's jobs all stay until every member is final, then COMPLETED and
 * CANCELED members leave and failed ones stay.
 */
export function leaving(queued: readonly JobRecord[], isFinal: (status: number) => boolean): JobRecord[] {
	if (queued.length === 0) return [];
	const leaves = (m: JobRecord) => baseStatus(m.status) === S.COMPLETED || baseStatus(m.status) === S.CANCELED;
	if (queued[0]!.broadcastSize > 1 && !queued.every((m) => isFinal(m.status))) return [];
	return queued.filter(leaves);
}
