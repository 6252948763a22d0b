/**
 * One call of the outgoing queue (outgoing-job.md §9.1-§9.5): open the spooled document (with the
 * branding banner if on), enforce our block list, run FaxModem.send with the job's AbortSignal, commit its
 * SendEvents as job fields (transitions.ts `progressed`), and settle the job from the result (COMPLETED,
 * CANCELED, or the failure rules, transitions.ts `settled`); re-initialise the modem after an aborted
 * call. Layer: jobs.
 */
import type { FaxPageSource } from "../core/bitmap.js";
import { FaxError, isFaxError } from "../core/FaxError.js";
import type { FaxModem, SendEvent, SendResult } from "../modem/FaxModem.js";
import { checkDialString } from "../core/dialString.js";
import { brandDocument } from "./branding.js";
import type { DocumentCodec, JobDocument } from "./codec.js";
import type { Attempt, EngineContext } from "./engineContext.js";
import { FaxJobExtendedStatus as X } from "./enums.js";
import type { FailureOutcome } from "./failureMap.js";
import { mapFailure } from "./failureMap.js";
import type { ModemPool } from "./ModemPool.js";
import type { CallEnd } from "./transitions.js";
import { inCall, progressed, settled } from "./transitions.js";
import type { JobRecord } from "./types.js";

/** Numbers the queue never dials unless configured otherwise (emergency services). */
export const DEFAULT_BLOCKED_NUMBERS: readonly string[] = ["911", "112"];

/** What a call needs beyond the engine context. */
export interface CallContext extends EngineContext {
	readonly codec: DocumentCodec;
	readonly pool: ModemPool;
	readonly blockedNumbers: readonly string[];
	readonly allowNumbers: readonly string[];
}

/** Run one attempt of job `j` on `modem`; never throws. */
export async function runAttempt(e: CallContext, a: Attempt, j: JobRecord, modem: FaxModem): Promise<void> {
	let result: SendResult | undefined;
	let thrown: unknown;
	let opened: JobDocument | undefined;
	try {
		// the one dial-string rule (core/dialString.ts): emergency numbers in every form ("911#", "9T911", "*911", "+911", "9,911")
		checkDialString(j.recipient.faxNumber, { blockList: e.blockedNumbers, allowNumbers: e.allowNumbers });
		opened = await e.codec.open(e.spool.path(j.docFile));
		let doc: FaxPageSource = opened;
		if (e.settings.branding) doc = brandDocument(doc, { clock: e.clock, tsid: j.tsid, number: j.recipient.faxNumber });
		if (a.ctrl.signal.aborted) throw new FaxError("CALL_ABORTED", "canceled before dialing");
		result = await modem.send({ document: doc, number: j.recipient.faxNumber, tsid: j.tsid, signal: a.ctrl.signal, onEvent: (ev) => onSendEvent(e, a, ev), callId: `${j.id}-try${j.retries}` });
	} catch (err) {
		thrown = err;
	}
	await opened?.close?.().catch(() => undefined);
	e.active.delete(a.jobId);
	try {
		finish(e, a, result, thrown);
	} catch (err) {
		e.trace(`finish ${a.jobId} failed: ${(err as Error).message}`);
	}
	// an aborted call, or one that failed in the AT exchange, may leave the modem mid-command: re-init it
	const code = result?.error?.code ?? (isFaxError(thrown) ? thrown.code : undefined);
	const recycle = a.dialed && (a.ctrl.signal.aborted || (code !== undefined && /^(AT_|MODEM_)/.test(code)));
	e.pool.release(a.slot, recycle); // triggers a tick
}

/** Engine events -> job fields (§9.1); at most one Changed per event, one per page. */
function onSendEvent(e: CallContext, a: Attempt, ev: SendEvent): void {
	if (ev.type === "dialing") a.dialed = true; // even for a job canceled meanwhile: the modem did dial
	// progress needs no fsync (see JobStore); a page's confirmation does (a lost one means a page sent
	// twice) and raises no Changed: none of the §3 status fields moves with it
	const confirmation = ev.type === "pageEnd";
	e.jobs.commit(a.jobId, (cur) => progressed(cur, ev, e.clock.now()), { durable: confirmation, event: confirmation ? null : "changed" });
}

/** The call's end as the job sees it (a cancel or a shutdown overrides the engine's error). */
function callEnd(e: CallContext, a: Attempt, result: SendResult | undefined, thrown: unknown): CallEnd {
	if (result?.ok) return { kind: "completed", csid: result.csid }; // CANCELING + last MCF before the abort -> COMPLETED (§2.2, §9.4)
	const err = result?.error ?? (isFaxError(thrown) ? thrown : new FaxError("DIAL_ERROR", `modem failure: ${String((thrown as Error)?.message ?? thrown)}`, { cause: thrown }));
	if (a.canceled) return { kind: "canceled" };
	let outcome: FailureOutcome = mapFailure(err, a.dialed);
	if (a.shutdown) outcome = { kind: "retry", ext: X.DISCONNECTED, detail: { code: "CARRIER_LOST", text: "interrupted by daemon shutdown" }, minDelayMs: 0 };
	else if (outcome.kind === "abort") outcome = { kind: "retry", ext: X.DISCONNECTED, detail: outcome.detail, minDelayMs: 0 };
	if (outcome.kind === "line") e.pool.markDown(a.slot, err);
	e.trace(`attempt ${a.jobId} failed: ${err.code} -> ${outcome.kind}`);
	return { kind: "failed", outcome, prevBase: a.prevBase };
}

function finish(e: CallContext, a: Attempt, result: SendResult | undefined, thrown: unknown): void {
	const cur = e.jobs.get(a.jobId);
	if (!cur || cur.removedAt !== null || !inCall(cur.status)) return; // canceled before ATD: already final
	const end = callEnd(e, a, result, thrown);
	if (end.kind === "completed") e.trace(`completed ${a.jobId}`);
	else if (end.kind === "canceled") e.trace(`canceled ${a.jobId} during the call`);
	e.jobs.commit(a.jobId, (c) => settled(c, end, e.settings, e.clock.now()));
}
