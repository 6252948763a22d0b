/**
 * Phase A of an incoming call on a Class 1 modem (V.250 §6.3.5, V.253 §9.2.3 +VCID): caller id switched
 * on, RINGs counted with the caller id reported around them (at/callerId.ts). Answering (ATA) and +FRM
 * data are Class1Modem.answer / receiveData (receiveData.ts). Layer: modem.
 */
import type { AtChannel } from "../at/AtChannel.js";
import { RingTracker, describeCallerId, type CallerId } from "../at/callerId.js";
import { finalCodeOf } from "../at/resultCodes.js";
import type { Tracer } from "../core/trace.js";

export type { CallerId } from "../at/callerId.js";

/** What the ring watch needs from its modem. */
export interface ReceiveDeps {
	channel: AtChannel;
	tracer: Tracer;
}

/** A call that rang: how many RINGs and who called. */
export interface IncomingCall {
	rings: number;
	callerId: CallerId;
}

/**
 * Wait until the line has rung `rings` times (RING lines; caller id collected on the way). Resolves with
 * the call; rejects with the signal's reason when cancelled. `onRing` sees each RING.
 */
export function waitForRings(d: ReceiveDeps, rings: number, signal?: AbortSignal, onRing?: (n: number, id: CallerId) => void): Promise<IncomingCall> {
	const tracker = new RingTracker();
	return new Promise<IncomingCall>((resolve, reject) => {
		if (signal?.aborted) return reject(signal.reason);
		const done = () => {
			off();
			signal?.removeEventListener("abort", onAbort);
		};
		const onAbort = () => {
			done();
			reject(signal!.reason);
		};
		const off = d.channel.onUnsolicited((line) => {
			if (!tracker.feed(line)) return;
			d.tracer.trace("info", "rx", `RING ${tracker.rings}${tracker.hasCallerId ? ` from ${describeCallerId(tracker.callerId)}` : ""}`);
			onRing?.(tracker.rings, tracker.callerId);
			if (tracker.rings >= Math.max(1, rings)) {
				done();
				resolve({ rings: tracker.rings, callerId: tracker.callerId });
			}
		});
		signal?.addEventListener("abort", onAbort, { once: true });
	});
}

/**
 * Ask the modem to report caller id with RING (V.253 +VCID=1). Modems without it answer ERROR: that is
 * fine, RINGs still come. Returns whether the modem accepted it.
 */
export async function enableCallerId(d: ReceiveDeps, cmd = "AT+VCID=1"): Promise<boolean> {
	if (!cmd) return false;
	const r = await d.channel.command(cmd, { timeoutMs: 3000 }).catch(() => undefined);
	return r?.code === "OK";
}

/**
 * The modem answers by itself (V.250 §6.3.8 S0 = n: auto-answer after n RINGs): wait for its unsolicited
 * CONNECT (or NO CARRIER when the answer failed), counting RINGs and caller id on the way.
 */
export function waitForAutoAnswer(d: ReceiveDeps, signal?: AbortSignal, onRing?: (n: number, id: CallerId) => void): Promise<IncomingCall & { connected: boolean }> {
	const tracker = new RingTracker();
	return new Promise((resolve, reject) => {
		if (signal?.aborted) return reject(signal.reason);
		const done = () => {
			off();
			signal?.removeEventListener("abort", onAbort);
		};
		const onAbort = () => {
			done();
			reject(signal!.reason);
		};
		const off = d.channel.onUnsolicited((line) => {
			const code = finalCodeOf(line);
			if ((code === "CONNECT" || code === "NO CARRIER") && tracker.rings > 0) {
				done();
				d.tracer.trace("info", "rx", `the modem answered by itself: ${line}`);
				resolve({ rings: tracker.rings, callerId: tracker.callerId, connected: code === "CONNECT" });
				return;
			}
			if (!tracker.feed(line)) return;
			d.tracer.trace("info", "rx", `RING ${tracker.rings}${tracker.hasCallerId ? ` from ${describeCallerId(tracker.callerId)}` : ""}`);
			onRing?.(tracker.rings, tracker.callerId);
		});
		signal?.addEventListener("abort", onAbort, { once: true });
	});
}
