/**
 * Helpers for winding AT commands down on abort (outgoing-job.md §9.4, T.31 §8.3): which style a command
 * needs, the abort reason, and a race of a reply against a Clock deadline and an AbortSignal that reports
 * which came first instead of rejecting. Layer: at (imports core).
 */
import type { Clock } from "../core/Clock.js";
import { FaxError } from "../core/FaxError.js";

/**
 * "final": wait for the command's own final result; "cancel": any byte stops it (CAN), then its final;
 * "transmit": wait for the final, and if it is CONNECT close the data mode with DLE ETX and wait for OK.
 */
export type AbortStyle = "final" | "cancel" | "transmit";

/** Which came first in race(). */
export type Outcome<T> = { kind: "value"; value: T } | { kind: "timeout" } | { kind: "abort" };

/** The signal's reason when it is an Error, else CALL_ABORTED. */
export const abortReason = (signal: AbortSignal | undefined): unknown =>
	signal?.reason instanceof Error ? signal.reason : new FaxError("CALL_ABORTED", "Aborted");

/** The abort style a command needs by default (receive commands stop on any byte; transmit ones end with DLE ETX). */
export function abortStyleOf(cmd: string | undefined): AbortStyle {
	if (cmd === undefined) return "final";
	const c = cmd.replace(/\s+/g, "").toUpperCase();
	if (/^AT\+F(RH|RM|RS)=/.test(c) || c.startsWith("ATD") || c === "ATA") return "cancel";
	if (/^AT\+F(TH|TM)=/.test(c)) return "transmit";
	return "final";
}

/** Race `p` against the clock and the signal; rejections of `p` pass through. */
export function race<T>(clock: Clock, p: Promise<T>, ms: number, signal?: AbortSignal): Promise<Outcome<T>> {
	return new Promise<Outcome<T>>((resolve, reject) => {
		let done = false;
		const finish = (): boolean => {
			if (done) return false;
			done = true;
			h.cancel();
			signal?.removeEventListener("abort", onAbort);
			return true;
		};
		const onAbort = () => {
			if (finish()) resolve({ kind: "abort" });
		};
		const h = clock.setTimer(ms, () => {
			if (finish()) resolve({ kind: "timeout" });
		});
		p.then(
			(value) => {
				if (finish()) resolve({ kind: "value", value });
			},
			(e: unknown) => {
				if (finish()) reject(e);
			},
		);
		if (signal?.aborted) return onAbort();
		signal?.addEventListener("abort", onAbort, { once: true });
	});
}

