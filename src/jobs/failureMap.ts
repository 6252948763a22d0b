/**
 * Maps a failed attempt's FaxError to the job's next state (outgoing-job.md §9.2 dial results, §9.3 T.30
 * failures, §9.3 last line: a vanished modem). The spec is the contract here, not FaxError.disposition:
 * every T.30 failure retries; only BAD_ADDRESS, CALL_BLACKLISTED and a user abort skip retries.
 * Layer: jobs (pure).
 */
import type { FaxError } from "../core/FaxError.js";
import { FaxErrorCodes } from "../core/FaxError.js";
import { FaxJobExtendedStatus as X } from "./enums.js";

/** Extra non-COM detail of the last failure (§4 "failureDetail"). */
export interface FailureDetail {
	code: string;
	text: string;
}

/** What the scheduler does after a failed attempt. */
export type FailureOutcome =
	/** retryable: RETRYING with retries+1 if any are left, else RETRIES_EXCEEDED; not before `minDelayMs` */
	| { kind: "retry"; ext: X; detail: FailureDetail; minDelayMs: number }
	/** never retried: straight to RETRIES_EXCEEDED */
	| { kind: "fail"; ext: X; detail: FailureDetail }
	/** the modem failed init or vanished: mark it unavailable, requeue the job as LINE_UNAVAILABLE without bumping retries */
	| { kind: "line"; ext: X.LINE_UNAVAILABLE; detail: FailureDetail }
	/** our own abort (user cancel) */
	| { kind: "abort"; ext: X.CALL_ABORTED; detail: FailureDetail };

/**
 * Classify `err`. `dialed` tells whether the attempt got as far as `ATD` (a "dialing" event): an AT
 * timeout or a modem error before it means the line is unusable, after it a failed call.
 */
export function mapFailure(err: FaxError, dialed: boolean): FailureOutcome {
	const detail: FailureDetail = { code: err.code, text: err.text };
	const retry = (ext: X, minDelayMs = 0): FailureOutcome => ({ kind: "retry", ext, detail, minDelayMs });
	switch (err.code) {
		// §9.2 dial results
		case "DIAL_BUSY":
			return retry(X.BUSY);
		case "DIAL_NO_DIALTONE":
			return retry(X.NO_DIAL_TONE);
		case "DIAL_NO_ANSWER":
		case "DIAL_NO_CARRIER":
			return retry(X.NO_ANSWER);
		case "BLACKLISTED":
			return { kind: "fail", ext: X.CALL_BLACKLISTED, detail };
		case "DIAL_DELAYED": {
			const s = Number(err.context?.seconds);
			return retry(X.CALL_DELAYED, Number.isFinite(s) && s > 0 ? s * 1000 : 0);
		}
		case "BAD_DIAL_STRING":
			return { kind: "fail", ext: X.BAD_ADDRESS, detail };
		case "DIAL_ERROR":
			return retry(X.FATAL_ERROR);
		// §9.3 T.30 failures after CONNECT
		case "T1_TIMEOUT":
			return retry(X.NO_ANSWER);
		case "REMOTE_DCN":
		case "CARRIER_LOST":
			return retry(X.DISCONNECTED);
		case "CALL_ABORTED":
			return { kind: "abort", ext: X.CALL_ABORTED, detail };
		case "PORT_CLOSED":
			// the device vanished (at init or mid-call): not the far end's fault (§9.3 last line)
			return { kind: "line", ext: X.LINE_UNAVAILABLE, detail };
		default:
			break;
	}
	const n = FaxErrorCodes[err.code];
	if (n >= 100 && n < 400) {
		// transport, AT channel, modem: before ATD the line is unusable; after it a failed call (§9.2 "ERROR / timeout")
		return dialed ? retry(X.FATAL_ERROR) : { kind: "line", ext: X.LINE_UNAVAILABLE, detail };
	}
	if (n >= 700) return { kind: "fail", ext: X.FATAL_ERROR, detail }; // the document cannot be rendered, or a job/input error
	return retry(X.FATAL_ERROR); // every other T.30 failure (§9.3 "All retryable")
}
