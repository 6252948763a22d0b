/**
 * Class1Modem: the T.31 primitives of Class1Link over an AtChannel (class1.md §2.1-2.8; T.31 §8.3;
 * HylaFAX Class1Modem; SpanDSP t31.c behaviour in class1.md's SpanDSP section).
 *
 * Receive: AT+FRH=3 -> CONNECT -> frame bytes (with 2 FCS bytes) DLE ETX -> OK (good FCS) | ERROR (bad).
 * After ATD's CONNECT the first frame follows with no +FRH=3 (the DCE behaves as if it had been given).
 * After each frame's OK/ERROR the DCE is back in command state, so +FRH=3 is re-issued per frame
 * (class1.md §2.1; SpanDSP hdlc_accept_frame). Immediate NO CARRIER -> re-issue; +FCERROR -> wait 200 ms
 * and re-issue; timeout -> abort with CAN. Transmit: AT+FTH=3 -> CONNECT -> frame DLE ETX -> CONNECT
 * (non-final) / OK (final); AT+FTM=n -> CONNECT -> data DLE ETX -> OK, the OK timeout scaled with what
 * is still queued at line rate. The quirk knobs of the profile (drivers/_schema.ts) apply here.
 * Cancel (outgoing-job.md §9.4): every primitive rejects with the signal's reason only once the DCE is
 * back in command state (the AtChannel winds aborted commands down: CAN for receives, DLE ETX for an open
 * transmission); mid-data, feeding stops at once, DLE ETX closes the block and its OK is awaited for the
 * line time still queued — so the engine's DCN (+FTH=3) and ATH0 meet a DCE ready for commands.
 * Layer: modem (imports at, transport types, core, hdlc, drivers).
 */
import type { ModemIdentity, ModemProfile } from "../../drivers/_schema.js";
import type { Clock } from "../core/Clock.js";
import { hex } from "../core/bytes.js";
import { FaxError } from "../core/FaxError.js";
import { nullTracer, type Tracer } from "../core/trace.js";
import { checkFcs } from "../hdlc/fcs.js";
import type { AtChannel, AtResult, DleBlock } from "../at/AtChannel.js";
import { DLE_ETX, dleFrame } from "../at/dle.js";
import { delayedSeconds } from "../at/resultCodes.js";
import type { AnswerOutcome, Class1Link, DataOutcome, DataSink, DialOutcome, ModulationCode, ReceivedFrame, SendDataOptions, TurnaroundKind } from "./Class1Link.js";
import type { FlowControl } from "../transport/Transport.js";
import { assertSafeDialString } from "../core/dialString.js";
import { feedData } from "./feedData.js";
import { receiveData } from "./receiveData.js";
import { enableCallerId, waitForAutoAnswer, waitForRings, type CallerId, type IncomingCall } from "./class1Receive.js";
import { MODULATIONS } from "./rates.js";

export interface Class1ModemOptions {
	profile: ModemProfile;
	clock: Clock;
	tracer?: Tracer;
	/** AT+FTM=? result (or the profile override). */
	transmitRates: readonly ModulationCode[];
	/** AT+FRM=? result. */
	receiveRates?: readonly ModulationCode[];
	/** Flow control in use in command mode; XON/XOFF is switched off for the call (binary data). */
	flowControl?: FlowControl;
	/** Bytes per write while streaming data. Default 1024 (about 0.6 s at 14400 bit/s). */
	chunkBytes?: number;
	/** What the probe found (identity, classes), when the modem was opened by openClass1Modem. */
	info?: Class1ModemInfo;
}

/** Identity and capabilities found by the probe (modem/probe.ts). */
export interface Class1ModemInfo {
	identity: ModemIdentity;
	/** AT+FCLASS=? reply, e.g. ["0", "1", "1.0"] */
	classes: string[];
	/** The class selected with AT+FCLASS= */
	serviceClass: "1" | "1.0";
}

/** Immediate NO CARRIER answers to +FRH=3 re-issued in a row before reporting noCarrier (HylaFAX rhcnt 30). */
const MAX_QUICK_NO_CARRIER = 30;
/** Class1HasRHConnectBug re-issues (HylaFAX rhcnt < 30). */
const MAX_RH_CONNECT_BUG = 30;
/** hangup() waits this long for a command still in flight to finish before forcing it with CAN, ms. */
const HANGUP_IDLE_MS = 4000;
/** ATA to CONNECT: CED (2.6-4 s, T.30 §5.2.2) + 75 ms + V.21 flags, with margin, ms. */
const ANSWER_TIMEOUT_MS = 15000;
/** A frame that has begun gets this long to finish even past the caller's deadline: 3 s +15% (T.30 §5.3.1). */
const FRAME_COMPLETION_MS = 3450;

export class Class1Modem implements Class1Link {
	readonly transmitRates: readonly ModulationCode[];
	readonly receiveRates: readonly ModulationCode[];
	readonly profile: ModemProfile;
	readonly info: Class1ModemInfo | undefined;
	private readonly clock: Clock;
	private readonly tracer: Tracer;
	private readonly flow: FlowControl;
	private readonly chunkBytes: number;
	/** The DCE is already delivering V.21 frames (after ATD CONNECT): skip +FRH=3 once. */
	private receiving = false;
	private binaryMode = false;
	/** After CONNECT to +FTH/+FTM until the closing OK: the DCE takes every byte as data. */
	private txOpen = false;
	/** After ATA's CONNECT the DCE is already in V.21 HDLC transmit (T.31 §8.2): skip +FTH=3 once. */
	private hdlcTxReady = false;
	/** A V.21 frame a +FRM delivered instead of data (+FAR=1 "+FRH:3"): the next receiveFrame() returns it. */
	private heldFrame: Uint8Array | undefined;

	constructor(
		readonly channel: AtChannel,
		opts: Class1ModemOptions,
	) {
		this.profile = opts.profile;
		this.clock = opts.clock;
		this.tracer = opts.tracer ?? nullTracer;
		this.transmitRates = [...opts.transmitRates];
		this.receiveRates = [...(opts.receiveRates ?? opts.transmitRates)];
		this.flow = opts.flowControl ?? opts.profile.flowControl;
		this.chunkBytes = opts.chunkBytes ?? 1024;
		this.info = opts.info;
		channel.setAbortOkMs(opts.profile.class1.recvAbortOkMs);
	}

	/** Release the port (no hang-up: call hangup() first during a call). Idempotent. */
	async close(): Promise<void> {
		await this.channel.transport.close();
	}

	// --- Class1Link ----------------------------------------------------------------------------------

	async dial(number: string, signal?: AbortSignal): Promise<DialOutcome> {
		assertSafeDialString(number);
		signal?.throwIfAborted();
		await this.settleTx();
		await this.enterBinary();
		const k = this.profile.class1;
		let fcErrors = 0;
		let r: AtResult;
		try {
			r = await this.channel.command(`${this.profile.dialPrefix}${number}`, {
				timeoutMs: this.profile.dialTimeoutMs,
				signal,
				dataAfterConnect: true,
				// class1.md §2.1: ignore up to 3 +FCERROR (adaptive-answer modems).
				ignoreFinal: (code) => code === "+FCERROR" && ++fcErrors <= k.dialFcErrorsIgnored,
			});
		} catch (e) {
			if (e instanceof FaxError && e.code === "AT_TIMEOUT") {
				// Any character aborts dialling (V.250 §6.3.1); then make sure we are on hook.
				this.tracer.trace("info", "-", "dial timed out: aborting");
				await this.channel.abortReceive(k.recvAbortOkMs).catch(() => false);
				await this.hangup();
				return { kind: "noAnswer" };
			}
			// Cancelled while dialling: the channel stopped the dial with a byte (CAN); now hang up (§9.4).
			if (signal?.aborted) await this.hangup();
			throw e;
		}
		switch (r.code) {
			case "CONNECT":
				this.receiving = true;
				return { kind: "connect" };
			case "BUSY":
				return { kind: "busy" };
			case "NO ANSWER":
				return { kind: "noAnswer" };
			case "NO DIALTONE":
				return { kind: "noDialtone" };
			case "NO CARRIER":
				return { kind: "noCarrier" };
			case "BLACKLISTED":
			case "DIALING DISABLED":
				return { kind: "blacklisted", line: r.line };
			case "DELAYED":
				return { kind: "delayed", seconds: delayedSeconds(r.line), line: r.line };
			default:
				// ERROR, OK (no carrier or a V.8 failure in class 1.0), too many +FCERROR.
				return { kind: "error", line: r.line };
		}
	}

	async answer(signal?: AbortSignal): Promise<AnswerOutcome> {
		signal?.throwIfAborted();
		await this.settleTx();
		await this.enterBinary();
		this.receiving = false;
		const r = await this.channel.command("ATA", { timeoutMs: ANSWER_TIMEOUT_MS, signal });
		if (r.code === "CONNECT") {
			this.hdlcTxReady = true;
			this.txOpen = true; // the DCE takes bytes as HDLC data until a frame ends with DLE ETX
			return { kind: "connect" };
		}
		if (r.code === "NO CARRIER") return { kind: "noCarrier" };
		return { kind: "error", line: r.line };
	}

	/** AT+VCID=1 (caller id with RING, V.253); false when the modem refuses it (RINGs still come). */
	enableCallerId(): Promise<boolean> {
		return enableCallerId({ channel: this.channel, tracer: this.tracer });
	}

	/** Wait for `rings` RINGs (caller id collected on the way; class1Receive.ts). */
	waitForRings(rings: number, signal?: AbortSignal, onRing?: (n: number, id: CallerId) => void): Promise<IncomingCall> {
		return waitForRings({ channel: this.channel, tracer: this.tracer }, rings, signal, onRing);
	}

	/**
	 * Let the modem answer by itself after `rings` RINGs (ATS0=n) and wait for its CONNECT; S0 is set back
	 * to 0 afterwards (also when cancelled), so the modem never answers while nobody receives.
	 */
	async autoAnswer(rings: number, signal?: AbortSignal, onRing?: (n: number, id: CallerId) => void): Promise<IncomingCall & { connected: boolean }> {
		signal?.throwIfAborted();
		await this.settleTx();
		const r = await this.channel.command(`ATS0=${Math.max(1, Math.min(255, rings))}`, { timeoutMs: 3000, signal });
		if (r.code !== "OK") throw this.unexpected(r, "OK to ATS0");
		try {
			const call = await waitForAutoAnswer({ channel: this.channel, tracer: this.tracer }, signal, onRing);
			if (call.connected) {
				await this.enterBinary();
				this.receiving = false;
				this.hdlcTxReady = true; // as after ATA: the DCE is in V.21 HDLC transmit
				this.txOpen = true;
			}
			return call;
		} catch (e) {
			await this.channel.command("ATS0=0", { timeoutMs: 3000 }).catch(() => undefined);
			throw e;
		}
	}

	/** Auto-answer off (ATS0=0), after a call answered by the modem. */
	async autoAnswerOff(): Promise<void> {
		await this.channel.command("ATS0=0", { timeoutMs: 3000 }).catch(() => undefined);
	}

	/** AT+FRM=mod: high-speed data streamed to `sink`, DLE-decoded (receiveData.ts). */
	async receiveData(mod: ModulationCode, sink: DataSink, timeoutMs: number, signal?: AbortSignal): Promise<DataOutcome> {
		signal?.throwIfAborted();
		await this.settleTx();
		await this.enterBinary();
		this.receiving = false;
		this.heldFrame = undefined;
		return receiveData(
			{
				channel: this.channel,
				tracer: this.tracer,
				class1: this.profile.class1,
				unexpected: (r: AtResult, wanted: string) => this.unexpected(r, wanted),
				onV21Frame: (frame: Uint8Array) => void (this.heldFrame = frame),
			},
			mod,
			sink,
			timeoutMs,
			signal,
		);
	}

	async receiveFrame(timeoutMs: number, signal?: AbortSignal): Promise<ReceivedFrame> {
		signal?.throwIfAborted();
		await this.settleTx();
		await this.enterBinary();
		const k = this.profile.class1;
		if (this.heldFrame) {
			const frame = this.trimFrame(this.heldFrame);
			this.heldFrame = undefined;
			if (frame.length >= 3) return { kind: "frame", frame, fcsOk: true };
		}
		const deadline = this.clock.now() + Math.max(0, timeoutMs);
		let quickNoCarrier = 0;
		let rhBug = 0;
		for (;;) {
			const left = deadline - this.clock.now();
			if (left <= 0) return this.receiveTimeout();
			let r: AtResult;
			if (this.receiving) {
				this.receiving = false; // after ATD CONNECT the frame data is already flowing
				r = { code: "CONNECT", line: "CONNECT", info: [] };
			} else {
				try {
					r = await this.channel.command("AT+FRH=3", { timeoutMs: left, signal, dataAfterConnect: true });
				} catch (e) {
					// (an abort was already wound down by the channel: CAN, OK)
					if (e instanceof FaxError && e.code === "AT_TIMEOUT") return this.receiveTimeout();
					throw e;
				}
			}
			if (r.code === "NO CARRIER") {
				// The previous carrier just dropped (class1.md §2.8): listen again.
				if (++quickNoCarrier > MAX_QUICK_NO_CARRIER) return { kind: "noCarrier" };
				continue;
			}
			if (r.code === "+FCERROR") {
				// A non-V.21 carrier is on the line: wait 200 ms and listen again (class1.md §2.8).
				await this.clock.sleep(Math.min(k.fcErrorDelayMs, Math.max(0, deadline - this.clock.now())), signal);
				if (deadline - this.clock.now() <= 0) return { kind: "fcError" };
				continue;
			}
			if (r.code !== "CONNECT") {
				// ERROR to the command itself: possibly on hook (HylaFAX Class1HookSensitivity).
				this.tracer.trace("info", "-", `+FRH=3 answered ${r.line}`);
				return { kind: "noCarrier" };
			}
			const frameDeadline = Math.max(deadline, this.clock.now() + FRAME_COMPLETION_MS);
			let block: DleBlock;
			try {
				block = await this.channel.readDleBlock(Math.max(1, frameDeadline - this.clock.now()), signal);
			} catch (e) {
				if (e instanceof FaxError && e.code === "AT_TIMEOUT") return this.receiveTimeout();
				throw e;
			}
			if (block.final) {
				// CONNECT, then a result instead of a frame: the carrier went away.
				if (block.final.code === "NO CARRIER" && k.hasRhConnectBug && rhBug++ < MAX_RH_CONNECT_BUG) continue;
				return block.final.code === "+FCERROR" ? { kind: "fcError" } : { kind: "noCarrier" };
			}
			if (block.events.includes("eot")) {
				// Class 1.0: DLE EOT = the far end hung up (T.31 Amd.1 Table B.1); no result code follows.
				return { kind: "noCarrier" };
			}
			let fin: AtResult;
			try {
				fin = await this.channel.waitFinal({ timeoutMs: Math.max(1000, frameDeadline - this.clock.now()), signal });
			} catch (e) {
				if (e instanceof FaxError && e.code === "AT_TIMEOUT") return this.receiveTimeout();
				throw e;
			}
			const frame = this.trimFrame(block.data);
			if (fin.code === "NO CARRIER" && frame.length === 0 && k.hasRhConnectBug && rhBug++ < MAX_RH_CONNECT_BUG) continue;
			if (fin.code !== "OK" && fin.code !== "ERROR") return { kind: "noCarrier" };
			if (frame.length < 3) {
				// Not a frame (noise, or an RH CONNECT bug without the flag): listen again.
				if (k.hasRhConnectBug && rhBug++ < MAX_RH_CONNECT_BUG) continue;
				this.tracer.trace("info", "-", `runt frame (${frame.length} bytes) dropped`);
				continue;
			}
			let fcsOk = fin.code === "OK" && !block.events.includes("fcsError");
			if (fcsOk && k.validateV21Frames && k.frameOverhead === 4) fcsOk = checkFcs(this.withFcs(block.data));
			if (!fcsOk) this.tracer.trace("info", "-", `bad FCS on received frame ${hex(frame)}`);
			return { kind: "frame", frame, fcsOk };
		}
	}

	async sendFrames(frames: readonly Uint8Array[], signal?: AbortSignal): Promise<void> {
		if (frames.length === 0) throw new FaxError("PROTOCOL_ERROR", "sendFrames: no frames");
		frames.forEach((f, i) => {
			const want = i === frames.length - 1 ? 0x13 : 0x03;
			if (f.length < 3 || f[0] !== 0xff || f[1] !== want) {
				throw new FaxError("PROTOCOL_ERROR", `sendFrames: frame ${i} must start ff ${want.toString(16).padStart(2, "0")}`, { context: { frame: hex(f) } });
			}
		});
		signal?.throwIfAborted();
		if (this.hdlcTxReady) {
			this.hdlcTxReady = false; // after ATA: already in HDLC transmit (T.31 §8.2), no +FTH=3
		} else {
			await this.settleTx();
			await this.enterBinary();
			this.receiving = false;
			// An abort is wound down by the channel: CONNECT is closed with DLE ETX and its OK awaited.
			const r = await this.channel.command("AT+FTH=3", { timeoutMs: this.profile.class1.connectTimeoutMs, signal });
			this.expectConnect(r, "AT+FTH=3");
			this.txOpen = true;
		}
		const k = this.profile.class1;
		for (let i = 0; i < frames.length; i++) {
			const last = i === frames.length - 1;
			this.tracer.trace("at", "tx", `<${hex(frames[i]!)}> <DLE><ETX>`);
			// The DCE appends the FCS; a non-final frame is answered CONNECT, the final one OK (T.31 §8.3.6).
			let a: AtResult;
			try {
				a = await this.channel.sendAndWait(dleFrame(frames[i]!), { timeoutMs: k.frameSendTimeoutMs, signal, abortStyle: "transmit" });
			} catch (e) {
				// an abort or a timeout was wound down to command state by the channel (DLE ETX, OK)
				if (signal?.aborted || (e instanceof FaxError && e.code === "AT_TIMEOUT")) this.txOpen = false;
				throw e;
			}
			if (last ? a.code !== "OK" : a.code !== "CONNECT") {
				this.txOpen = false; // OK/ERROR/NO CARRIER: the DCE is back in command state
				throw this.unexpected(a, last ? "OK after the final frame" : "CONNECT after a frame");
			}
		}
		this.txOpen = false;
	}

	async sendData(mod: ModulationCode, data: Uint8Array | AsyncIterable<Uint8Array>, signal?: AbortSignal, opts: SendDataOptions = {}): Promise<void> {
		const m = MODULATIONS[mod];
		if (!m) throw new FaxError("PROTOCOL_ERROR", `Unknown modulation ${String(mod)}`);
		signal?.throwIfAborted();
		await this.settleTx();
		await this.enterBinary();
		this.receiving = false;
		const k = this.profile.class1;
		const r = await this.channel.command(`AT+FTM=${mod}`, { timeoutMs: k.connectTimeoutMs, signal });
		this.expectConnect(r, `AT+FTM=${mod}`);
		this.txOpen = true;
		await feedData(
			{
				channel: this.channel,
				clock: this.clock,
				tracer: this.tracer,
				chunkBytes: this.chunkBytes,
				class1: k,
				preambleMs: opts.preambleMs ?? 0,
				closed: () => (this.txOpen = false),
				unexpected: (res: AtResult, wanted: string) => this.unexpected(res, wanted),
			},
			mod,
			data,
			signal,
		);
	}

	async transmitSilence(ms: number, signal?: AbortSignal): Promise<void> {
		await this.settleTx();
		await this.waitCommand(`AT+FTS=${tens(ms)}`, ms, signal);
	}

	async receiveSilence(ms: number, signal?: AbortSignal): Promise<void> {
		await this.settleTx();
		const sw = this.profile.class1.switchingCmd;
		const delay = /^<delay:(\d+)>$/.exec(sw);
		if (delay) {
			// Class1SwitchingCmd "<delay:n>": the modem mishandles +FRS (USR, Topic): host pause.
			await this.clock.sleep(Math.max(ms, Number(delay[1]) * 10), signal);
			return;
		}
		await this.waitCommand(`AT+FRS=${tens(ms)}`, ms, signal, true);
	}

	/**
	 * Run one of the profile's turnaround commands ("AT+FTS=7", "<delay:7>", "" = nothing): the
	 * Class1TCFWaitCmd / PPMWaitCmd / EOPWaitCmd / ResponseWaitCmd / SwitchingCmd knobs. The engine may
	 * call this instead of transmitSilence/receiveSilence to honour a modem's quirk (Class1Link's optional
	 * `turnaround`).
	 */
	async turnaround(kind: TurnaroundKind, signal?: AbortSignal): Promise<void> {
		const k = this.profile.class1;
		const cmd = { tcf: k.tcfWaitCmd, ppm: k.ppmWaitCmd, eop: k.eopWaitCmd, response: k.responseWaitCmd, switching: k.switchingCmd }[kind];
		if (cmd === "") return;
		const delay = /^<delay:(\d+)>$/.exec(cmd);
		if (delay) return this.clock.sleep(Number(delay[1]) * 10, signal);
		const n = /^AT\+F[TR]S=(\d+)$/i.exec(cmd);
		await this.waitCommand(cmd, n ? Number(n[1]) * 10 : 0, signal, /^AT\+FRS/i.test(cmd));
	}

	async hangup(): Promise<void> {
		this.receiving = false;
		this.hdlcTxReady = false;
		this.heldFrame = undefined;
		try {
			// A command still in flight (the caller gave up waiting for it) is wound down by the channel in
			// bounded time: let it finish (the DCE then is in command state); only then force it with CAN.
			if (this.channel.isBusy && !(await this.channel.idle(HANGUP_IDLE_MS))) await this.channel.abortReceive(this.profile.class1.recvAbortOkMs);
			await this.settleTx();
			await this.channel.command("ATH0", { timeoutMs: 5000 });
		} catch (e) {
			this.tracer.trace("info", "-", `hangup: ${(e as Error).message}`);
		}
		await this.leaveBinary().catch(() => undefined);
	}

	// --- helpers -------------------------------------------------------------------------------------

	/** XON/XOFF would eat 0x11/0x13 in frames and data: off for the call (HylaFAX Class1Modem::sendSetup). */
	private async enterBinary(): Promise<void> {
		if (this.binaryMode || this.flow !== "xonxoff") return;
		this.binaryMode = true;
		await this.channel.transport.setFlowControl("none");
	}

	private async leaveBinary(): Promise<void> {
		if (!this.binaryMode) return;
		this.binaryMode = false;
		await this.channel.transport.setFlowControl(this.flow);
	}

	/**
	 * A transmission was cut short (abort, timeout) after CONNECT: end it with DLE ETX so the DCE returns
	 * to command state before we send an AT command it would otherwise take as data (T.31 §8.3.6:
	 * DLE ETX with no frame data ends HDLC transmission).
	 */
	private async settleTx(): Promise<void> {
		if (!this.txOpen || this.channel.isBusy) return;
		this.txOpen = false;
		this.hdlcTxReady = false;
		this.tracer.trace("info", "-", "closing an interrupted transmission with DLE ETX");
		try {
			await this.channel.sendAndWait(DLE_ETX, { timeoutMs: 3000 });
		} catch (e) {
			if (e instanceof FaxError && e.code === "PORT_CLOSED") throw e;
		}
	}

	private async waitCommand(cmd: string, ms: number, signal: AbortSignal | undefined, abortable = false): Promise<void> {
		const timeoutMs = ms + 3000;
		let r: AtResult;
		try {
			r = await this.channel.command(cmd, { timeoutMs, signal });
		} catch (e) {
			// +FRS waits for silence that may never come; any byte aborts it (T.31 §8.3.4).
			if (abortable && e instanceof FaxError && e.code === "AT_TIMEOUT") {
				await this.channel.abortReceive(this.profile.class1.recvAbortOkMs);
				return;
			}
			throw e;
		}
		if (r.code !== "OK") throw this.unexpected(r, `OK to ${cmd}`);
	}

	private async receiveTimeout(): Promise<ReceivedFrame> {
		this.tracer.trace("timer", "-", "no V.21 frame in time: aborting +FRH");
		await this.channel.abortReceive(this.profile.class1.recvAbortOkMs);
		return { kind: "timeout" };
	}

	/** Drop leading bytes before the 0xFF address (stray CR/LF) and the FCS bytes (Class1FrameOverhead). */
	private trimFrame(raw: Uint8Array): Uint8Array {
		const body = this.withFcs(raw);
		const fcsBytes = Math.max(0, this.profile.class1.frameOverhead - 2);
		return body.slice(0, Math.max(0, body.length - fcsBytes));
	}

	/** The frame from its 0xFF address on, FCS kept (stray leading bytes dropped; empty when no 0xFF). */
	private withFcs(raw: Uint8Array): Uint8Array {
		const start = raw.indexOf(0xff);
		return start < 0 ? new Uint8Array(0) : raw.subarray(start);
	}

	private expectConnect(r: AtResult, cmd: string): void {
		if (r.code === "CONNECT") return;
		if (r.code === "NO CARRIER") throw new FaxError("CARRIER_LOST", `${cmd}: NO CARRIER`, { context: { cmd } });
		if (r.code === "+FCERROR") throw new FaxError("AT_FCERROR", `${cmd}: +FCERROR`, { context: { cmd } });
		throw this.unexpected(r, `CONNECT to ${cmd}`);
	}

	private unexpected(r: AtResult, wanted: string): FaxError {
		if (r.code === "ERROR") return new FaxError("AT_ERROR", `Modem said ERROR, wanted ${wanted}`, { context: { line: r.line } });
		if (r.code === "NO CARRIER") return new FaxError("CARRIER_LOST", `NO CARRIER, wanted ${wanted}`, { context: { line: r.line } });
		return new FaxError("AT_UNEXPECTED_RESPONSE", `Modem said ${r.line}, wanted ${wanted}`, { context: { line: r.line } });
	}
}

/** n×10 ms for +FTS/+FRS, at least 1, at most 255 (T.31 §8.3.3-8.3.4). */
const tens = (ms: number): number => Math.min(255, Math.max(1, Math.round(ms / 10)));
