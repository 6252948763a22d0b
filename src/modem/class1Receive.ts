/**
 * The receive-side T.31 primitives of Class1Modem (T.31 §8.3.3 +FRM, §8.3.5; V.250 §6.3.5 ATA; class1.md
 * §2.8; HylaFAX Class1Recv / Class1Modem::recvRawFrame; SpanDSP t31.c): waiting for RINGs (with caller
 * id, at/callerId.ts), answering, and high-speed data reception.
 *
 * - ATA: the DCE sends CED, then V.21 flags and CONNECT, and takes the DTE's next bytes as HDLC frames
 *   exactly as after AT+FTH=3 (SpanDSP t31: CED -> V21_TX, "CONNECT" on the preamble); so the first
 *   frames after the answer go out without +FTH=3.
 * - +FRM=n: CONNECT once the carrier trained, data (DLE-stuffed) up to DLE ETX when it drops, then
 *   NO CARRIER (or OK). +FCERROR when V.21 is heard instead; with adaptive receive (+FAR=1, T.31 §8.5.1)
 *   the DCE says "+FRH:3", CONNECT and delivers the V.21 frame: it is handed back with the result; an immediate
 *   NO CARRIER when the last carrier just dropped is re-issued (as for +FRH); nothing within the wait:
 *   the receive is aborted (any byte, CAN) — a T.31 DCE never times out +FRM by itself.
 * Layer: modem.
 */
import type { AtChannel, AtResult, DleBlock } from "../at/AtChannel.js";
import { RingTracker, describeCallerId, type CallerId } from "../at/callerId.js";

export type { CallerId } from "../at/callerId.js";
import type { Clock } from "../core/Clock.js";
import { FaxError } from "../core/FaxError.js";
import type { Tracer } from "../core/trace.js";

/** What the receive primitives need from their modem. */
export interface ReceiveDeps {
	channel: AtChannel;
	clock: Clock;
	tracer: Tracer;
	/** Class1RecvAbortOK, ms */
	recvAbortOkMs: number;
	/** pause after +FCERROR before listening again, ms */
	fcErrorDelayMs: number;
}

/** How long ATA may take to CONNECT: CED (2.6-4 s) + V.21 preamble, with HylaFAX's margin (AnswerResponseTimeout). */
export const ANSWER_TIMEOUT_MS = 60_000;
/** A page's data may last this long once its carrier is up: HylaFAX PageDoneTimeout (3 min). */
export const PAGE_DONE_TIMEOUT_MS = 180_000;
/** Immediate NO CARRIER answers to +FRM re-issued before giving up (HylaFAX: "last carrier just dropped"). */
const MAX_QUICK_NO_CARRIER = 3;

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

export type AnswerResult = { kind: "connect" } | { kind: "noCarrier" } | { kind: "error"; line: string };

/** ATA: CONNECT when the fax answer sequence is done and V.21 transmission may begin. */
export async function answerCall(d: ReceiveDeps, signal?: AbortSignal): Promise<AnswerResult> {
	let r: AtResult;
	try {
		r = await d.channel.command("ATA", { timeoutMs: ANSWER_TIMEOUT_MS, signal });
	} catch (e) {
		if (e instanceof FaxError && e.code === "AT_TIMEOUT") {
			await d.channel.abortReceive(d.recvAbortOkMs).catch(() => false);
			return { kind: "noCarrier" };
		}
		throw e;
	}
	if (r.code === "CONNECT") return { kind: "connect" };
	if (r.code === "NO CARRIER") return { kind: "noCarrier" };
	return { kind: "error", line: r.line };
}

export type DataResult =
	| { kind: "data"; bytes: number }
	| { kind: "timeout" }
	| { kind: "fcError"; frame?: Uint8Array } // frame: +FAR=1 reported the V.21 frame heard instead ("+FRH:3"), FCS included
	| { kind: "noCarrier" };

/**
 * AT+FRM=mod: wait at most `timeoutMs` for the carrier, then hand the DLE-decoded data to `onData` and
 * resolve when the carrier dropped. The AtChannel delivers a DLE block whole (up to DLE ETX), so a page
 * arrives in one piece; PAGE_DONE_TIMEOUT_MS bounds it.
 */
export async function receiveHighSpeed(d: ReceiveDeps, mod: number, onData: (chunk: Uint8Array) => void, timeoutMs: number, signal?: AbortSignal): Promise<DataResult> {
	const deadline = d.clock.now() + Math.max(0, timeoutMs);
	let quick = 0;
	for (;;) {
		const left = deadline - d.clock.now();
		if (left <= 0) return { kind: "timeout" };
		let r: AtResult;
		try {
			r = await d.channel.command(`AT+FRM=${mod}`, { timeoutMs: left, signal, dataAfterConnect: true });
		} catch (e) {
			if (e instanceof FaxError && e.code === "AT_TIMEOUT") {
				d.tracer.trace("timer", "-", `no carrier for +FRM=${mod} in time: aborting`);
				await d.channel.abortReceive(d.recvAbortOkMs);
				return { kind: "timeout" };
			}
			throw e;
		}
		if (r.code === "NO CARRIER") {
			if (++quick > MAX_QUICK_NO_CARRIER) return { kind: "noCarrier" };
			continue; // the previous carrier just dropped (class1.md §2.8)
		}
		if (r.code === "+FCERROR") return { kind: "fcError" };
		if (r.code !== "CONNECT") {
			d.tracer.trace("info", "-", `+FRM=${mod} answered ${r.line}`);
			return { kind: "noCarrier" };
		}
		let block: DleBlock;
		try {
			block = await d.channel.readDleBlock(PAGE_DONE_TIMEOUT_MS, signal);
		} catch (e) {
			if (e instanceof FaxError && e.code === "AT_TIMEOUT") {
				await d.channel.abortReceive(d.recvAbortOkMs);
				throw new FaxError("RX_PAGE_ERROR", `high-speed data did not end within ${PAGE_DONE_TIMEOUT_MS} ms`, { context: { mod } });
			}
			throw e;
		}
		if (block.final) return block.final.code === "+FCERROR" ? { kind: "fcError" } : { kind: "noCarrier" };
		if (r.info.some((l) => /^\+FRH:\s*3/i.test(l))) {
			// +FAR=1: V.21 was heard instead of the high-speed carrier and this block is an HDLC frame;
			// its OK / ERROR (FCS verdict) follows like after +FRH=3
			const fin = await d.channel.waitFinal({ timeoutMs: 5000, signal }).catch(() => undefined);
			const frame = block.data.slice();
			d.tracer.trace("info", "-", `+FRM=${mod}: +FRH:3, a V.21 frame instead of data${fin?.code === "OK" ? "" : " (bad FCS)"}`);
			return fin?.code === "OK" ? { kind: "fcError", frame } : { kind: "fcError" };
		}
		if (block.data.length) onData(block.data);
		if (!block.events.includes("eot")) {
			// the carrier dropped: NO CARRIER (T.31) or OK follows
			await d.channel.waitFinal({ timeoutMs: 5000, signal }).catch((e: unknown) => {
				if (e instanceof FaxError && e.code === "AT_TIMEOUT") return undefined;
				throw e;
			});
		}
		return { kind: "data", bytes: block.data.length };
	}
}
