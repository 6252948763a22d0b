/**
 * The per-call context of the T.30 engine (architecture.md "How to write T.30"): the link, clock, tracer,
 * cancel signal, timers and options, plus the traced primitives the phase scripts use — `enter()` for the
 * flow-chart node vocabulary on the `state` channel, `send()` / `receive()` for V.21 frames decoded on the
 * `hdlc` channel, and timer records on `timer`. Layer: t30.
 */
import type { Clock } from "../core/Clock.js";
import { FaxError } from "../core/FaxError.js";
import type { Tracer } from "../core/trace.js";
import { hex } from "../core/bytes.js";
import { buildFrame, parseFrame, type HdlcFrame } from "../hdlc/frame.js";
import type { Class1Link, ReceivedFrame, TurnaroundKind } from "../modem/Class1Link.js";
import type { FaxEvent, ReceiveEvent, SendEvent } from "../modem/FaxModem.js";
import type { Reply } from "./decisions.js";
import { decodeId, describeDis, parseDis } from "./dis.js";
import { fcfLabel, fcfName, withX } from "./fcf.js";
import type { Phase, T30Node } from "./nodes.js";
import type { T30Timers } from "./timers.js";

export type { Phase, T30Node } from "./nodes.js";

/**
 * Who this station is in the call. `station`: who placed the call (T.30 §5.1: the calling station is
 * normally the transmitter, the answerer the receiver; polling swaps the document direction, not these).
 * `disReceived`: this station has received a valid DIS — T.30 §5.3.6.1: the X bit (LSB of the FCF as
 * sent here) is 1 in frames from the station that received DIS and 0 from the station that sent it
 * (SpanDSP `s->dis_received`). The caller of a normal send learns DIS in phase B; set it as it happens.
 */
export interface T30Role {
	readonly station: "caller" | "answerer";
	disReceived: boolean;
}

/** The usual role of each station: the caller receives DIS (X = 1), the answerer sends it (X = 0). */
export const callerRole = (): T30Role => ({ station: "caller", disReceived: true });
export const answererRole = (): T30Role => ({ station: "answerer", disReceived: false });

/** What one receive gave, as the phase scripts see it: a parsed good frame, or why there is none. */
export type Heard = { kind: "frame"; frame: HdlcFrame } | Exclude<Reply, { kind: "frames" }>;

/** A frame to send: FCF from the table (X bit added by `send`) and its FIF. */
export interface OutFrame {
	fcf: number;
	fif?: Uint8Array;
}

/** Human text for a frame on the hdlc channel: "DCS V.17 14400, fine, 2-D", "CSI +1 555 0100". */
function describeFrame(f: HdlcFrame): string {
	const name = fcfName(f.fcf);
	const label = fcfLabel(f.fcf);
	if (name === "DIS" || name === "DTC" || name === "DCS") return `${label} ${describeDis(parseDis(f.fif), name)}`;
	if (name === "CSI" || name === "TSI" || name === "CIG") return `${label} "${decodeId(f.fif)}"`;
	return label;
}

/**
 * One call's context, for either direction: `E` narrows the events the caller's listener takes
 * (SendEvent for transmit, ReceiveEvent for receive); the engine emits members of the one FaxEvent union.
 */
export class T30Context<E extends FaxEvent = FaxEvent> {
	/** The flow-chart node the call is in (last `enter`). */
	node: T30Node | undefined;

	constructor(
		readonly link: Class1Link,
		readonly clock: Clock,
		readonly tracer: Tracer,
		readonly signal: AbortSignal,
		readonly timers: T30Timers,
		private readonly onEvent: (e: E) => void,
		readonly role: T30Role = callerRole(),
	) {}

	/** Enter a flow-chart node, e.g. enter("B", "D_TCF"); traced as state "B:D_TCF". */
	enter(phase: Phase, node: T30Node): void {
		this.node = node;
		this.tracer.trace("state", "-", `${phase}:${node}`);
	}

	emit(e: E): void {
		this.tracer.trace("job", "-", e.type, e);
		try {
			this.onEvent(e);
		} catch (err) {
			this.tracer.trace("error", "-", `event listener threw: ${String(err)}`);
		}
	}

	/**
	 * Send frames as one V.21 burst: all but the last non-final, the X bit from the role (T.30 §5.3.6.1:
	 * 1 when this station received DIS). `uncancellable` ignores the call's signal (the DCN that ends a
	 * cancelled call, spec §9.4).
	 */
	async send(frames: readonly OutFrame[], uncancellable = false): Promise<void> {
		const x = this.role.disReceived;
		const built = frames.map((f, i) => buildFrame(withX(f.fcf, x), f.fif, i === frames.length - 1));
		for (const b of built) {
			const p = parseFrame(b);
			this.tracer.trace("hdlc", "tx", `-> ${describeFrame(p)}`, hex(b));
		}
		await this.link.sendFrames(built, uncancellable ? undefined : this.signal);
	}

	/**
	 * Receive one reply: frames until the final one (each within `timeoutMs`), traced. The named timer ("T4")
	 * goes on the `timer` channel.
	 */
	async receive(timeoutMs: number, timer: string): Promise<Reply> {
		const frames: HdlcFrame[] = [];
		this.tracer.trace("timer", "-", `${timer} start ${timeoutMs} ms`);
		for (let i = 0; i < 16; i++) {
			const h = this.hear(await this.link.receiveFrame(timeoutMs, this.signal));
			if (h.kind === "timeout") this.tracer.trace("timer", "-", `${timer} expired`);
			if (h.kind !== "frame") return h;
			frames.push(h.frame);
			if (h.frame.final) return { kind: "frames", frames, final: h.frame };
		}
		throw new FaxError("PROTOCOL_ERROR", "more than 16 frames without a final frame");
	}

	/** One receive result, parsed and traced on the hdlc channel (timeouts are the caller's to trace). */
	hear(r: ReceivedFrame): Heard {
		switch (r.kind) {
			case "timeout":
				return r;
			case "noCarrier":
				this.tracer.trace("hdlc", "rx", "<- NO CARRIER");
				return r;
			case "fcError":
				this.tracer.trace("hdlc", "rx", "<- +FCERROR");
				return r;
		}
		if (!r.fcsOk) {
			this.tracer.trace("hdlc", "rx", "<- frame with bad FCS (ignored)", hex(r.frame));
			return { kind: "badFrame" };
		}
		let frame: HdlcFrame;
		try {
			frame = parseFrame(r.frame);
		} catch {
			this.tracer.trace("hdlc", "rx", "<- malformed frame (ignored)", hex(r.frame));
			return { kind: "badFrame" };
		}
		this.tracer.trace("hdlc", "rx", `<- ${safeDescribe(frame)}${frame.final ? "" : " (more)"}`, hex(r.frame));
		return { kind: "frame", frame };
	}

	/**
	 * The pause at a turnaround point: the link's profile-driven `turnaround` when it has one, else
	 * +FRS (switching) / +FTS (tcf, ppm, eop) with the timers' values (T.30 §5.3.2.4: 75 ± 20 ms).
	 * `uncancellable` as for `send`.
	 */
	async turn(kind: TurnaroundKind, uncancellable = false): Promise<void> {
		const signal = uncancellable ? undefined : this.signal;
		if (this.link.turnaround) return this.link.turnaround(kind, signal);
		const t = this.timers;
		if (kind === "switching") return this.link.receiveSilence(t.switchingMs, signal); // AT+FRS
		if (kind === "response") return;
		return this.link.transmitSilence(kind === "eop" ? t.eopTurnaroundMs : t.turnaroundMs, signal); // AT+FTS
	}
}

/** The transmitter's context (transmit.ts, phaseB.ts, page transfers) and the receiver's (issue 10). */
export type TxContext = T30Context<SendEvent>;
export type RxContext = T30Context<ReceiveEvent>;

function safeDescribe(f: HdlcFrame): string {
	try {
		return describeFrame(f);
	} catch {
		return fcfLabel(f.fcf);
	}
}
