/**
 * One incoming call on a Class 1 modem from ring to hang-up: phase A (RINGs counted, caller id taken,
 * ATA after N rings; T.30 §5.1 / V.250 §6.3.5) and then the answerer (receive.ts) for phases B-E.
 * Used by Class1Session.receive. Layer: t30.
 */
import type { Clock } from "../core/Clock.js";
import { FaxError } from "../core/FaxError.js";
import type { Tracer } from "../core/trace.js";
import type { CallerId, IncomingCall } from "../modem/class1Receive.js";
import type { Class1Link } from "../modem/Class1Link.js";
import type { ReceiveEvent, ReceiveResult, ReceiveSink } from "../modem/FaxModem.js";
import { T30Context, answererRole } from "./context.js";
import { receive, type ReceiveOptions } from "./receive.js";
import type { T30Timers } from "./timers.js";

/** A link that can also wait for the phone to ring. */
export interface AnsweringLink extends Class1Link {
	enableCallerId?(): Promise<boolean>;
	autoAnswer?(rings: number, signal?: AbortSignal, onRing?: (n: number, id: CallerId) => void): Promise<IncomingCall & { connected: boolean }>;
	autoAnswerOff?(): Promise<void>;
	waitForRings(rings: number, signal?: AbortSignal, onRing?: (n: number, id: CallerId) => void): Promise<IncomingCall>;
}

export interface ReceiveCallRequest {
	sink: ReceiveSink;
	/** answer after this many RINGs (default 1); 0 = answer now (ATA without waiting) */
	rings?: number;
	/** the modem answers by itself after `rings` RINGs (ATS0=n) instead of our ATA */
	autoAnswer?: boolean;
	signal?: AbortSignal;
	onEvent?: (e: ReceiveEvent) => void;
	/** called with the caller id when the call is answered */
	onCall?: (call: IncomingCall) => void;
}

export interface ReceiveCallResult extends ReceiveResult {
	rings: number;
	/** when phase B began (ms on the clock), undefined when never answered */
	answeredAt?: number;
}

export async function receiveCall(
	link: AnsweringLink,
	deps: { clock: Clock; tracer: Tracer; timers: T30Timers },
	req: ReceiveCallRequest,
	o: ReceiveOptions,
): Promise<ReceiveCallResult> {
	const signal = req.signal ?? new AbortController().signal;
	const emit = (e: ReceiveEvent) => {
		deps.tracer.trace("job", "-", e.type, e);
		try {
			req.onEvent?.(e);
		} catch (err) {
			deps.tracer.trace("error", "-", `event listener threw: ${String(err)}`);
		}
	};
	await link.enableCallerId?.();
	const rings = req.rings ?? 1;
	const onRing = (count: number, id: CallerId) => emit({ type: "ring", count, ...(id.number || id.name ? { callerId: { number: id.number, name: id.name } } : {}) });
	if (req.autoAnswer && link.autoAnswer) return autoAnswered(link, deps, req, o, signal, emit, Math.max(1, rings), onRing);
	let call: IncomingCall = { rings: 0, callerId: { number: "", name: "" } };
	if (rings > 0) {
		deps.tracer.trace("state", "-", "A:wait_ring");
		call = await link.waitForRings(rings, signal, onRing);
	}
	req.onCall?.(call);
	deps.tracer.trace("state", "-", "A:answer");
	emit({ type: "answering" });
	const a = await link.answer(signal);
	if (a.kind !== "connect") {
		const error = new FaxError("CARRIER_LOST", `answer failed: ${a.kind === "error" ? a.line : "NO CARRIER"}`, { context: { rings: call.rings } });
		deps.tracer.trace("error", "-", `${error.code}: ${error.message}`);
		await link.hangup();
		return { ok: false, pagesReceived: 0, tsid: "", error, rings: call.rings, callerId: idOf(call) };
	}
	emit({ type: "connected" });
	const answeredAt = deps.clock.now();
	const ctx = new T30Context<ReceiveEvent>(link, deps.clock, deps.tracer, signal, deps.timers, (e) => req.onEvent?.(e), answererRole());
	const r = await receive(ctx, link, req.sink, o);
	return { ...r, rings: call.rings, callerId: idOf(call), answeredAt };
}

/** Phase A by the modem's own auto-answer (ATS0=n), then phases B-E as after ATA. */
async function autoAnswered(
	link: AnsweringLink,
	deps: { clock: Clock; tracer: Tracer; timers: T30Timers },
	req: ReceiveCallRequest,
	o: ReceiveOptions,
	signal: AbortSignal,
	emit: (e: ReceiveEvent) => void,
	rings: number,
	onRing: (count: number, id: CallerId) => void,
): Promise<ReceiveCallResult> {
	deps.tracer.trace("state", "-", "A:wait_ring");
	const call = await link.autoAnswer!(rings, signal, onRing);
	req.onCall?.(call);
	try {
		deps.tracer.trace("state", "-", "A:answer");
		emit({ type: "answering" });
		if (!call.connected) {
			const error = new FaxError("CARRIER_LOST", "the modem's auto-answer failed (NO CARRIER)", { context: { rings: call.rings } });
			await link.hangup();
			return { ok: false, pagesReceived: 0, tsid: "", error, rings: call.rings, callerId: idOf(call) };
		}
		emit({ type: "connected" });
		const answeredAt = deps.clock.now();
		const ctx = new T30Context<ReceiveEvent>(link, deps.clock, deps.tracer, signal, deps.timers, (e) => req.onEvent?.(e), answererRole());
		const r = await receive(ctx, link, req.sink, o);
		return { ...r, rings: call.rings, callerId: idOf(call), answeredAt };
	} finally {
		await link.autoAnswerOff?.();
	}
}

const idOf = (c: IncomingCall): NonNullable<ReceiveResult["callerId"]> => ({
	number: c.callerId.number,
	name: c.callerId.name,
	...(c.callerId.calledNumber ? { calledNumber: c.callerId.calledNumber } : {}),
});
