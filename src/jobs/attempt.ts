/**
 * One call of the outgoing queue (outgoing-job.md §9.1-§9.5): open the spooled document (with the
 * branding banner if on), enforce our block list, run FaxModem.send with the job's AbortSignal, map its
 * SendEvents to job fields, and settle the job from the result (COMPLETED, CANCELED, or the failure
 * rules via OutgoingEngine.applyFailure); re-initialise the modem after an aborted call. Layer: jobs.
 */
import type { FaxPageSource } from "../core/bitmap.js";
import { FaxError, isFaxError } from "../core/FaxError.js";
import type { FaxModem, SendEvent, SendResult } from "../modem/FaxModem.js";
import { checkDialString } from "../core/dialString.js";
import { brandDocument } from "./branding.js";
import type { JobDocument } from "./codec.js";
import { FaxJobExtendedStatus as X, FaxJobStatus as S, baseStatus } from "./enums.js";
import { mapFailure } from "./failureMap.js";

/** Numbers the queue never dials unless configured otherwise (emergency services). */
export const DEFAULT_BLOCKED_NUMBERS: readonly string[] = ["911", "112"];
import type { Attempt, OutgoingEngine } from "./OutgoingEngine.js";
import type { JobRecord } from "./types.js";

/** Run one attempt of job `j` on `modem`; never throws. */
export async function runAttempt(e: OutgoingEngine, a: Attempt, j: JobRecord, modem: FaxModem): Promise<void> {
	let result: SendResult | undefined;
	let thrown: unknown;
	let opened: JobDocument | undefined;
	try {
		// the one dial-string rule (core/dialString.ts): emergency numbers in every form ("911#", "9T911", "*911")
		checkDialString(j.recipient.faxNumber, { blockList: e.o.blockedNumbers ?? DEFAULT_BLOCKED_NUMBERS, allowNumbers: e.o.allowNumbers ?? [] });
		opened = await e.o.codec.open(e.spool.path(j.docFile));
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
function onSendEvent(e: OutgoingEngine, a: Attempt, ev: SendEvent): void {
	if (ev.type === "dialing") a.dialed = true; // even for a job canceled meanwhile: the modem did dial
	const cur = e.store.getJob(a.jobId);
	if (!cur || cur.removedAt !== null) return;
	const b = baseStatus(cur.status);
	if (b !== S.INPROGRESS && b !== S.CANCELING) return;
	let patch: Partial<JobRecord> | null = null;
	switch (ev.type) {
		case "dialing":
			patch = { extCode: X.DIALING, transmissionStart: e.clock.now() };
			break;
		case "connected":
			patch = { extCode: X.TRANSMITTING };
			break;
		case "remoteId":
			patch = { csid: ev.csid.slice(0, 20) };
			break;
		case "pageStart":
			if (ev.page !== cur.currentPage) patch = { currentPage: ev.page };
			break;
		default:
			break;
	}
	if (patch) e.emitChanged(e.store.updateJob(a.jobId, patch, false)); // progress: no fsync (see JobStore)
}

function finish(e: OutgoingEngine, a: Attempt, result: SendResult | undefined, thrown: unknown): void {
	const cur = e.store.getJob(a.jobId);
	if (!cur || cur.removedAt !== null) return;
	const b = baseStatus(cur.status);
	if (b !== S.INPROGRESS && b !== S.CANCELING) return; // canceled before ATD: already final
	const now = e.clock.now();
	if (result?.ok) {
		// CANCELING + last page confirmed before the abort took effect -> COMPLETED (§2.2, §9.4)
		const r = e.store.updateJob(a.jobId, { status: S.COMPLETED, extCode: X.CALL_COMPLETED, transmissionEnd: now, csid: result.csid ? result.csid.slice(0, 20) : cur.csid });
		e.trace(`completed ${a.jobId}`);
		e.emitChanged(r);
		e.ops.afterFinal(r);
		return;
	}
	const err = result?.error ?? (isFaxError(thrown) ? thrown : new FaxError("DIAL_ERROR", `modem failure: ${String((thrown as Error)?.message ?? thrown)}`, { cause: thrown }));
	if (a.canceled) {
		const r = e.store.updateJob(a.jobId, { status: S.CANCELED, extCode: X.CALL_ABORTED, transmissionStart: null, failure: { code: "CALL_ABORTED", text: "canceled by user" } });
		e.trace(`canceled ${a.jobId} during the call`);
		e.emitChanged(r);
		e.ops.afterFinal(r);
		return;
	}
	let outcome = mapFailure(err, a.dialed);
	if (a.shutdown) outcome = { kind: "retry", ext: X.DISCONNECTED, detail: { code: "CARRIER_LOST", text: "interrupted by daemon shutdown" }, minDelayMs: 0 };
	else if (outcome.kind === "abort") outcome = { kind: "retry", ext: X.DISCONNECTED, detail: outcome.detail, minDelayMs: 0 };
	if (outcome.kind === "line") e.pool.markDown(a.slot, err);
	e.trace(`attempt ${a.jobId} failed: ${err.code} -> ${outcome.kind}`);
	e.applyFailure(cur, outcome, a.prevBase);
}
