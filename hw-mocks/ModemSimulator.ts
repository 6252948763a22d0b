/**
 * ModemSimulator: a T.31 Class 1 fax DCE (modelled on SpanDSP t31.c and the behaviour recorded in
 * class1.md "SpanDSP 0.0.6 as a peer") with a simulated far-end fax machine (FarEndFax.ts) behind it.
 * It attaches to any byte duplex: the master of a pty (ptyPair.ts), so a driver runs through the real
 * serialport binding, or an in-memory pipe (MemoryDuplex.ts). The AT half is AtDce.ts.
 *
 * - T.31 §8.3: +FTH=3 (frames DLE-stuffed, no FCS; control 0x03 -> CONNECT for the next frame, 0x13 ->
 *   OK after the frame's line time), +FRH=3 (CONNECT, frame + 2 FCS octets + DLE ETX, OK/ERROR), frames
 *   after ATD without +FRH, +FTM (CONNECT after training, OK after the data's line time at the rate),
 *   +FRM, +FTS, +FRS; any byte but DC1/DC3 aborts a pending +FRH/+FRM (-> OK).
 * - The other direction (option `caller`, `faxline sim --call`): the line rings the idle host (RING, +VCID
 *   caller id), ATA or S0=n answers (T.31 §8.2: CONNECT in V.21 HDLC transmit), FarEndCaller.ts sends,
 *   +FRM delivers its TCF and pages at the line rate (DLE ETX, NO CARRIER when its carrier drops).
 * - Line time (lineTime.ts) with a time scale; per call records (records.ts) hold the turnaround gaps
 *   seen on the line (FarLine.ts) and what the far end made of everything.
 *
 * Layer: hw-mocks (test side; imports pure modules of src only).
 */
import { appendFcs } from "../src/hdlc/fcs.js";
import { fcfLabel } from "../src/t30/fcf.js";
import type { HandlerResult } from "./atCommands.js";
import { AtDce, type AtDceOptions } from "./AtDce.js";
import { parseDialString } from "./dialString.js";
import { DLE, DleDecoder, ETX, dleStuff } from "./dle.js";
import { FarEndCaller, type CallerPort } from "./FarEndCaller.js";
import { FarEndFax, type FarEndOptions } from "./FarEndFax.js";
import { FarLine } from "./FarLine.js";
import type { FarFrameName } from "./faults.js";
import { HighSpeedTx } from "./HighSpeedTx.js";
import { PageSpool } from "./pageSpool.js";
import { MODULATIONS, dataMs, V21_CLOSING_FLAG_MS, V21_PREAMBLE_MS, v21FrameMs, type LineTimer } from "./lineTime.js";
import type { ByteDuplex } from "./MemoryDuplex.js";
import { waitForCallEnd, type CallEnd, type CallRecord } from "./records.js";
import { Ringer, type IncomingOptions } from "./Ringer.js";

export type { ModemIdentity } from "./AtDce.js";
export { parseDialString } from "./dialString.js";
export type { IncomingOptions } from "./Ringer.js";

export interface ModemSimulatorOptions extends AtDceOptions {
	farEnd?: FarEndOptions;
	/** line ms from the far end's first flags to CONNECT; default 60 */
	flagDetectMs?: number;
	/**
	 * When +FTM says CONNECT: "afterTraining" (default: once the training sequence has gone out) or
	 * "atOnce" (SpanDSP t31: CONNECT at once, data buffered and sent after the training; nothing lost).
	 */
	ftmConnect?: "afterTraining" | "atOnce";
	/** a calling far end (sim --call): the line rings the host and the far end sends these pages */
	caller?: IncomingOptions;
}


/** Per-receive state (+FRH=3 or after ATD). */
interface RxState {
	connected: boolean;
	dial: boolean;
	timer?: LineTimer;
	issuedAt: number;
}

/** One high-speed transmission of the calling far end (TCF or a page). */
interface FarData {
	code: number;
	startAt: number;
	trainedAt: number;
	endAt: number;
	data: Uint8Array;
	/** the line drops after this many bytes (hang-up mid-page) */
	cut?: number;
	delivered: boolean;
}

/** line ms between the end of the far end's DCN and the DCE noticing the line is gone */
const FAR_HANGUP_MS = 500;

export class ModemSimulator extends AtDce {
	readonly calls: CallRecord[] = [];
	private readonly opts: ModemSimulatorOptions;
	private call: CallRecord | undefined;
	private farEnd: FarEndFax | FarEndCaller | undefined;
	/** AT+VCID: report caller id with RING (V.253 §9.2.3) */
	callerIdReporting = 0;
	private readonly ringer: Ringer | undefined;
	private farData: FarData[] = [];
	private rxData: { code: number; timer?: LineTimer; data?: FarData; sent: number } | undefined;
	private readonly far = new FarLine();
	private farHungUp = false;
	private hostLastEnd: { end: number; what: string } | undefined;
	private rx: RxState | undefined;
	private tx: { frames: Uint8Array[]; cursor: number; dec: DleDecoder } | undefined;
	private data: { hs: HighSpeedTx; dec: DleDecoder; page?: number; vanishAfter?: number } | undefined;
	private finishing = new Map<CallRecord, Promise<CallRecord>>();
	/** the far end's received pages, on disk (pageSpool.ts), shared by every call */
	readonly pageSpool = new PageSpool();

	constructor(port: ByteDuplex, opts: ModemSimulatorOptions = {}) {
		super(port, opts);
		this.opts = opts;
		if (opts.caller) {
			this.ringer = new Ringer(opts.caller, {
				after: (ms, fn) => this.after(ms, fn),
				commandCount: () => this.commands.length,
				noCall: () => !this.call,
				canRing: () => !this.call && this.mode === "command" && !this.busy && (this.settings.fclass === "1" || this.settings.fclass === "1.0"),
				result: (code) => this.result(code),
				info: (text) => this.info(text),
				callerIdReporting: () => this.callerIdReporting,
				autoAnswerRings: () => this.settings.sregs[0] ?? 0,
				autoAnswer: () => this.answerCall(() => undefined),
				unanswered: (n) => this.emit("unanswered", n),
			});
			this.on("result", () => this.ringer?.arm());
		}
	}

	/** The call in progress (between ATD and ATH), if any. */
	get currentCall(): CallRecord | undefined {
		return this.call;
	}

	/** Resolve with the record of call `index` (1-based) once it has ended; reject after `ms` real ms. */
	waitForCallEnd(index: number, ms: number): Promise<CallRecord> {
		return waitForCallEnd(this, this.calls, this.finishing, index, ms);
	}

	protected callNumber(): number {
		return this.call?.index ?? this.calls.length;
	}

	private note(s: string): void {
		this.call?.notes.push(s);
	}

	protected wentSilent(): void {
		this.note("modem went silent (fault)");
		if (this.call) this.endCall("silent");
	}

	protected dataByte(b: number): void {
		if (this.mode === "hdlcTx") {
			if (this.tx!.dec.push(b)) this.hdlcFrameDone();
		} else if (this.data!.dec.push(b)) {
			this.flushData();
			this.imageTxEnd();
		} else if (this.data!.dec.length >= 4096) this.flushData();
	}

	// ------------------------------------------------------------------ reset / hang-up

	/** ATZ / AT&F: hang up and restore defaults. */
	reset(why: string): void {
		if (this.call) this.hangup("host");
		this.settings.echo = true;
		this.settings.verbose = true;
		this.settings.quiet = false;
		this.settings.fclass = "0";
		this.settings.sregs = {};
		void why;
	}

	/** ATH or a reset: drop the line. */
	hangup(_who: "host"): void {
		if (!this.call) return;
		this.endCall("hostHangup");
	}

	/**
	 * The host closed the port mid-call (a process that exits without ATH): a real modem sees DTR drop and,
	 * with the usual AT&D2, hangs up and returns to command state (V.250 §6.2.9). Pending input and timers
	 * of the old call are dropped so the next opener finds a modem answering AT.
	 */
	protected hostClosed(): void {
		if (this.mode === "dead" || this.mode === "silent") return;
		// in any state (a command running, dialling, HDLC rx/tx, TCF or page data on the line): the timers
		// that would finish that state are cancelled, so nothing of the old state may wait for them
		this.cancelTimers();
		this.resetInput();
		if (this.call) {
			if (this.mode === "dialing") this.call.outcome = "aborted";
			this.endCall("hostHangup");
		}
		this.rx = undefined;
		this.tx = undefined;
		this.data = undefined;
		this.mode = "command";
	}

	protected portClosed(): void {
		if (this.call) this.endCall("portClosed");
		this.cancelTimers();
		this.mode = "dead";
	}

	/**
	 * The call's record is complete (DCN exchanged, far end gone, line dropped): the far end writes its
	 * TIFF, then "callEnd" is emitted. The DCE may still be off-hook (until ATH). Idempotent.
	 */
	private finishCall(end: CallEnd): void {
		const call = this.call;
		if (!call || call.end !== undefined) return;
		call.end = end;
		call.endedAt = this.clock.now();
		this.farHungUp = true;
		const far = this.farEnd;
		const p = (far ? far.finish(end) : Promise.resolve()).then(
			() => call,
			(e: unknown) => {
				call.notes.push(`finishing failed: ${String(e)}`);
				return call;
			},
		);
		this.finishing.set(call, p);
		void p.then((c) => this.emit("callEnd", c));
	}

	/** On hook: finish the record (if not yet) and forget the call. */
	private endCall(end: CallEnd): void {
		if (!this.call) return;
		this.finishCall(end);
		this.call = undefined;
		this.farEnd = undefined;
		this.far.clear();
		this.rx?.timer?.cancel();
		this.rx = undefined;
		this.rxData?.timer?.cancel();
		this.rxData = undefined;
		this.farData = [];
		if (this.mode !== "silent" && this.mode !== "dead") this.mode = "command";
		this.ringer?.arm();
	}

	// ------------------------------------------------------------------ dial

	/** ATD: parse the dial string, consult the faults, let the far end answer. */
	dial(arg: string): HandlerResult {
		if (this.call) return "error";
		this.ringer?.stop(); // the caller hears busy and tries again once the host is idle
		const dial = parseDialString(arg);
		if (dial.modifiers.includes(";")) return "ok"; // voice dial: nothing to simulate
		const call = this.beginCall({ dial });
		this.mode = "dialing";
		const far = new FarEndFax(this.port_(), call, this.opts.farEnd ?? {}, this.faults, this.pageSpool);
		this.farEnd = far;
		const n = call.index;
		const fail = (code: string, outcome: CallRecord["outcome"], ms: number) => {
			this.after(ms, () => {
				call.outcome = outcome;
				this.mode = "command";
				this.result(code);
				this.endCall("dialFailed");
			});
		};
		if (this.faults.take("noDialtone", n)) fail("NO DIALTONE", "noDialtone", 2000);
		else if (this.faults.take("busy", n)) fail("BUSY", "busy", 4000);
		else if (this.faults.take("noAnswer", n)) fail("NO ANSWER", "noAnswer", 30000);
		else if (this.faults.take("noCarrier", n)) fail("NO CARRIER", "noCarrier", far.answerDelayMs + 5000);
		else {
			this.after(far.answerDelayMs, () => {
				if (this.call !== call) return;
				this.mode = "hdlcRx";
				this.rx = { connected: false, dial: true, issuedAt: this.clock.now() };
				far.answer();
				this.serviceRx();
			});
		}
		return "online";
	}

	// ------------------------------------------------------------------ far end's side of the line

	private port_(): CallerPort {
		return {
			now: () => this.clock.now(),
			timer: (ms, fn) => this.after(ms, fn),
			watchdog: (ms, fn) => {
				const h = this.clock.watchdog(
					ms,
					() => {
						this.timers.delete(h);
						if (this.mode !== "dead") fn();
					},
					// fast only while the DCE just listens with nothing to deliver: no host latency to magnify
					() => this.mode === "hdlcRx" && this.rx !== undefined && this.rx.timer === undefined,
				);
				this.timers.add(h);
				return h;
			},
			transmit: (frames, delayMs, hangupAfter) => this.farTransmit(frames, delayMs, hangupAfter ?? false),
			transmitData: (code, data, delayMs, cut) => this.farTransmitData(code, data, delayMs, cut),
			hangup: () => this.farGone(),
		};
	}

	private farTransmit(frames: Uint8Array[], delayMs: number, hangupAfter: boolean): number {
		const call = this.call;
		if (!call) return this.clock.now();
		const tx = this.far.add(frames, this.clock.now() + delayMs, hangupAfter, (name) => this.faults.take("badFcs", call.index, (f) => f.frame === (name as FarFrameName)) !== undefined);
		if (hangupAfter) {
			// the far end goes on-hook after its DCN; the DCE notices the line is gone a little later
			this.after(tx.endAt + FAR_HANGUP_MS - this.clock.now(), () => {
				if (this.call !== call) return;
				for (const f of tx.frames) if (!f.delivered) call.frames.push({ at: f.endAt, dir: "far", name: f.name, bytes: f.bytes });
				tx.frames.forEach((f) => (f.delivered = true));
				this.finishCall("farDcn");
				if (this.mode === "hdlcRx" || this.mode === "imageRx") {
					// the DCE was listening: the carrier, then the line, is gone
					this.rx?.timer?.cancel();
					this.rx = undefined;
					this.mode = "command";
					this.result("NO CARRIER");
				}
			});
		}
		this.serviceRx();
		this.serviceData();
		return tx.endAt;
	}

	/** Record the gap before a host transmission and tell the far end a carrier started. */
	private hostCarrierOn(start: "v21" | number): number | undefined {
		const call = this.call;
		if (!call) return undefined;
		const now = this.clock.now();
		const last = this.far.lastActivity(now, this.hostLastEnd);
		if (last) call.gaps.push({ at: now, ms: now - last.end, start, after: { who: last.who, what: last.what } });
		if (this.far.carrierAt(now)) {
			call.collisions++;
			call.notes.push(`host started transmitting at ${now.toFixed(0)} ms while the far end was transmitting`);
		}
		this.farEnd?.hostCarrierOn();
		return last ? now - last.end : undefined;
	}

	// ------------------------------------------------------------------ +FRH / after ATD

	/** +FRH=3. */
	startHdlcReceive(): HandlerResult {
		const call = this.call;
		if (!call || this.farHungUp) {
			this.hold = true;
			this.after(200, () => {
				this.result("NO CARRIER");
				this.release();
			});
			return "online";
		}
		const next = this.far.nextFrame();
		if (next && this.faults.take("fcError", call.index, (f) => f.before === next.name)) {
			this.hold = true;
			this.after(50, () => {
				this.result("+FCERROR");
				this.release();
			});
			return "online";
		}
		this.mode = "hdlcRx";
		this.rx = { connected: false, dial: false, issuedAt: this.clock.now() };
		this.serviceRx();
		return "online";
	}

	/** Drive the receive state: CONNECT on flags, then the next frame at its line time. */
	private serviceRx(): void {
		const rx = this.rx;
		if (this.mode !== "hdlcRx" || !rx || rx.timer) return;
		const call = this.call;
		const tx = this.far.pending();
		if (!tx || !call) return; // wait for the far end (T.31: +FRH never times out by itself)
		const now = this.clock.now();
		if (!rx.connected) {
			const at = Math.max(now, tx.startAt + (this.opts.flagDetectMs ?? 60));
			rx.timer = this.after(at - now, () => {
				rx.timer = undefined;
				if (this.rx !== rx) return;
				rx.connected = true;
				if (rx.dial) call.outcome = "connected";
				call.listens.push({ at: rx.issuedAt, carrierAt: tx.startAt, ms: tx.startAt - rx.issuedAt, firstFrame: !tx.frames.some((f) => f.delivered), dial: rx.dial });
				if (now > tx.endAt) call.notes.push(`+FRH=3 issued ${(now - tx.endAt).toFixed(0)} ms after the far end's carrier ended (frames buffered)`);
				this.result("CONNECT");
				this.serviceRx();
			});
			return;
		}
		const f = tx.frames.find((x) => !x.delivered)!;
		rx.timer = this.after(Math.max(0, f.endAt - now), () => {
			rx.timer = undefined;
			if (this.rx !== rx) return;
			f.delivered = true;
			call.frames.push({ at: f.endAt, dir: "far", name: f.name, bytes: f.bytes, ...(f.badFcs ? { badFcs: true } : {}) });
			const withFcs = appendFcs(f.bytes);
			if (f.badFcs) withFcs[withFcs.length - 1]! ^= 0x5a;
			this.write(Buffer.concat([dleStuff(withFcs), Buffer.from([DLE, ETX])]));
			this.rx = undefined;
			this.mode = "command";
			this.result(f.badFcs ? "ERROR" : "OK");
			// the far end's DCN heard: the call's record is complete (the line drops right after)
			if (tx.hangupAfter && !f.badFcs && tx.frames.every((x) => x.delivered)) this.finishCall("farDcn");
		});
	}

	protected abortByte(): void {
		if (this.mode === "dialing") {
			this.cancelTimers();
			if (this.call) this.call.outcome = "aborted";
			this.mode = "command";
			this.result("NO CARRIER");
			this.endCall("hostHangup");
			return;
		}
		if (this.rxData) {
			this.rxData.timer?.cancel();
			if (this.rxData.data) this.rxData.data.delivered = true; // what was on the line is gone
			this.rxData = undefined;
		}
		const rx = this.rx;
		rx?.timer?.cancel();
		if (rx?.timer) this.timers.delete(rx.timer);
		this.rx = undefined;
		this.mode = "command";
		if (rx?.dial && !rx.connected) {
			if (this.call) this.call.outcome = "aborted";
			this.result("NO CARRIER");
			this.endCall("hostHangup");
			return;
		}
		this.result("OK");
	}

	// ------------------------------------------------------------------ +FTH

	/** +FTH=3: V.21 carrier on, CONNECT, then frames until a final one. */
	startHdlcTransmit(): HandlerResult {
		if (!this.call) return "error";
		this.hostCarrierOn("v21");
		this.tx = { frames: [], cursor: this.clock.now() + V21_PREAMBLE_MS, dec: new DleDecoder(512) };
		this.mode = "hdlcTx";
		this.result("CONNECT");
		return "online";
	}

	private hdlcFrameDone(): void {
		const tx = this.tx!;
		const call = this.call;
		const frame = tx.dec.take();
		this.busy = true;
		if (frame.length === 0) {
			// empty frame: end of transmission (T.31 §8.3.4 treats DLE ETX alone as "no more frames")
			return this.hdlcTxEnd();
		}
		const now = this.clock.now();
		tx.cursor = Math.max(tx.cursor, now) + v21FrameMs(appendFcs(frame));
		tx.frames.push(frame);
		call?.frames.push({ at: tx.cursor, dir: "host", name: fcfLabel(frame[2] ?? 0), bytes: frame });
		if (frame[1] === 0x13) return this.hdlcTxEnd();
		this.after(tx.cursor - now, () => {
			this.result("CONNECT"); // ready for the next frame
			this.release();
		});
	}

	private hdlcTxEnd(): void {
		const tx = this.tx!;
		const end = tx.cursor + V21_CLOSING_FLAG_MS;
		this.after(end - this.clock.now(), () => {
			this.tx = undefined;
			this.mode = "command";
			const last = tx.frames.at(-1);
			this.hostLastEnd = { end, what: last ? fcfLabel(last[2] ?? 0) : "flags" };
			this.result("OK");
			if (tx.frames.length) this.farEnd?.hostFrames(tx.frames);
			if (this.call && this.farEnd?.gotDcn) this.finishCall("dcn");
			this.release();
		});
	}

	// ------------------------------------------------------------------ +FTM

	/** +FTM=code: carrier on, training, CONNECT; data until DLE ETX; OK when the line has sent it. */
	startDataTransmit(code: number): HandlerResult {
		const call = this.call;
		if (!call) return "error";
		const m = MODULATIONS.get(code)!;
		const gapMs = this.hostCarrierOn(code);
		const now = this.clock.now();
		const trainedAt = now + m.trainingMs;
		const early = this.faults.take("connectEarly", call.index);
		const page = this.farEnd?.nextDataIsPage();
		const vanish = page !== undefined ? this.faults.take("vanish", call.index, (f) => f.page === page) : undefined;
		this.data = {
			hs: new HighSpeedTx(code, trainedAt, early ? now + (early.notReadyMs ?? 400) : this.opts.ftmConnect === "atOnce" ? now : trainedAt, gapMs),
			dec: new DleDecoder(),
			...(page !== undefined ? { page } : {}),
			...(vanish ? { vanishAfter: vanish.afterBytes ?? 1024 } : {}),
		};
		this.mode = "imageTx";
		if (early || this.opts.ftmConnect === "atOnce") {
			this.result("CONNECT"); // CONNECT before ready (T.31 §8.3.3; HylaFAX Class1TMConnectDelay)
			return "online";
		}
		this.hold = true;
		this.after(m.trainingMs, () => {
			this.result("CONNECT");
			this.release();
		});
		return "online";
	}

	/** Account the bytes decoded so far against the line (the DCE buffer drains at the bit rate). */
	private flushData(): void {
		const d = this.data!;
		if (d.dec.length === 0) return;
		d.hs.accept(d.dec.take(), this.clock.now());
		if (d.vanishAfter !== undefined && d.hs.bytes >= d.vanishAfter) {
			this.note(`port vanished after ${d.hs.bytes} bytes of page ${d.page}`);
			this.port.vanish?.();
			this.portClosed();
		}
	}

	private imageTxEnd(): void {
		const d = this.data;
		if (!d || this.mode === "dead") return;
		this.busy = true;
		const end = d.hs.cursor + 10; // a few ms of tail bits before the carrier drops
		this.after(end - this.clock.now(), () => {
			this.data = undefined;
			this.mode = "command";
			this.hostLastEnd = { end, what: "data" };
			this.result("OK");
			const hs = d.hs;
			this.farEnd?.hostData(hs.code, hs.data(), { durationMs: hs.durationMs, underrunMs: hs.underrunMs, lostBytes: hs.lostBytes, ...(hs.gapMs !== undefined ? { gapMs: hs.gapMs } : {}) });
			this.release();
		});
	}

	// ------------------------------------------------------------------ +FRM

	/**
	 * +FRM=code: the calling far end's TCF or page (CONNECT once trained, the data at the line rate,
	 * DLE ETX and NO CARRIER when the carrier drops); V.21 heard first or another modulation -> +FCERROR.
	 * With nothing on the line yet it waits, as +FRH does.
	 */
	startDataReceive(code: number): HandlerResult {
		if (!this.call) return "error";
		if (this.farHungUp) {
			this.hold = true;
			this.after(200, () => {
				this.result("NO CARRIER");
				this.release();
			});
			return "online";
		}
		this.mode = "imageRx";
		this.rxData = { code, sent: 0 };
		this.hold = true;
		this.serviceData();
		return "online";
	}

	private serviceData(): void {
		const rd = this.rxData;
		const code = rd?.code;
		if (this.mode !== "imageRx" || !rd || rd.timer || rd.data) return;
		const data = this.farData.find((d) => !d.delivered);
		const v21 = this.far.pending();
		const now = this.clock.now();
		if (v21 && (!data || v21.startAt < data.startAt)) {
			rd.timer = this.after(Math.max(0, v21.startAt - now) + 60, () => this.endDataReceive("+FCERROR"));
			return;
		}
		if (!data) return; // wait for the far end
		if (data.code !== code) {
			data.delivered = true;
			this.note(`+FRM=${code} while the far end sends at ${data.code}`);
			rd.timer = this.after(Math.max(0, data.startAt - now) + 60, () => this.endDataReceive("+FCERROR"));
			return;
		}
		rd.data = data;
		rd.timer = this.after(Math.max(0, data.trainedAt - now), () => {
			rd.timer = undefined;
			if (this.rxData !== rd) return;
			this.result("CONNECT");
			this.streamData(rd, data);
		});
	}

	/** Deliver the far end's bytes at the bit rate, in slices of 100 line ms. */
	private streamData(rd: NonNullable<ModemSimulator["rxData"]>, data: FarData): void {
		const bitRate = MODULATIONS.get(data.code)!.bitRate;
		const total = data.cut ?? data.data.length;
		const slice = Math.max(1, Math.round((bitRate * 100) / 8000));
		const n = Math.min(slice, total - rd.sent);
		rd.timer = this.after(dataMs(n, bitRate), () => {
			rd.timer = undefined;
			if (this.rxData !== rd) return;
			this.write(dleStuff(data.data.subarray(rd.sent, rd.sent + n)));
			rd.sent += n;
			if (rd.sent < total) return this.streamData(rd, data);
			data.delivered = true;
			this.write(Buffer.from([DLE, ETX]));
			this.endDataReceive("NO CARRIER");
			if (data.cut !== undefined) this.farGone();
		});
	}

	private endDataReceive(code: string): void {
		this.rxData = undefined;
		this.mode = "command";
		this.result(code);
		this.release();
	}

	/** The calling far end sends high-speed data `delayMs` after now (or after its last transmission). */
	private farTransmitData(code: number, data: Uint8Array, delayMs: number, cut?: number): number {
		const m = MODULATIONS.get(code)!;
		const startAt = this.clock.now() + delayMs;
		const trainedAt = startAt + m.trainingMs;
		const endAt = trainedAt + dataMs(cut ?? data.length, m.bitRate);
		this.farData.push({ code, startAt, trainedAt, endAt, data, ...(cut !== undefined ? { cut } : {}), delivered: false });
		this.serviceData();
		return endAt;
	}

	/** The far end went on-hook without DCN: the DCE tells a listening host NO CARRIER. */
	private farGone(): void {
		const call = this.call;
		if (!call || this.farHungUp) return;
		this.finishCall("farHangup");
		if (this.mode === "hdlcRx" || (this.mode === "imageRx" && !this.rxData?.data)) {
			this.rx?.timer?.cancel();
			this.rx = undefined;
			this.rxData?.timer?.cancel();
			this.rxData = undefined;
			this.mode = "command";
			this.result("NO CARRIER");
			this.release();
		}
	}

	// ------------------------------------------------------------------ the line rings (sim --call)

	/** ATA: answer the ringing line (no ring: off-hook into silence, NO CARRIER). */
	answer(): HandlerResult {
		this.hold = true;
		if (this.ringer?.rings === undefined || this.call) {
			this.after(3000, () => {
				this.result("NO CARRIER");
				this.release();
			});
			return "online";
		}
		this.answerCall(() => this.release());
		return "online";
	}

	/** Off-hook: the call record, the calling far end, CED; then CONNECT in V.21 HDLC transmit (T.31 §8.2). */
	/** A new call record (outgoing or incoming), made the current call; the line's far-end state is reset. */
	private beginCall(fields: Pick<CallRecord, "dial"> & Partial<CallRecord>): CallRecord {
		const call: CallRecord = {
			index: this.calls.length + 1,
			startedAt: this.clock.now(),
			dcs: [],
			tcf: [],
			pages: [],
			frames: [],
			gaps: [],
			collisions: 0,
			listens: [],
			ppms: [],
			notes: [],
			...fields,
		};
		this.calls.push(call);
		this.call = call;
		this.far.clear();
		this.farHungUp = false;
		this.hostLastEnd = undefined;
		return call;
	}

	private answerCall(then: () => void): void {
		const o = this.opts.caller!;
		const rings = this.ringer!.answered();
		const call = this.beginCall({ dial: parseDialString(o.number ?? ""), direction: "in", callerId: { number: o.number ?? "5550199", name: o.name ?? "SIM CALLER" }, rings });
		this.farData = [];
		this.mode = "dialing"; // a byte from the host now aborts the answer
		this.farEnd = new FarEndCaller(this.port_(), call, o, this.faults);
		this.after(o.answerToneMs ?? 3500, () => {
			if (this.call !== call || this.mode !== "dialing") return;
			call.outcome = "connected";
			this.startHdlcTransmit();
			then();
		});
	}

	// ------------------------------------------------------------------ +FTS / +FRS	// ------------------------------------------------------------------ +FTS / +FRS

	async transmitSilence(ms: number): Promise<HandlerResult> {
		await new Promise<void>((r) => this.after(ms, r));
		return "ok";
	}

	/** Wait until the line has been silent for `ms` (the far end's carrier included). */
	async receiveSilence(ms: number): Promise<HandlerResult> {
		for (;;) {
			const now = this.clock.now();
			const on = this.far.carrierAt(now) ?? this.far.startingWithin(now, now + ms);
			if (on) {
				await new Promise<void>((r) => this.after(on.endAt - now, r));
				continue;
			}
			await new Promise<void>((r) => this.after(ms, r));
			if (!this.far.startingWithin(now, this.clock.now())) return "ok";
		}
	}
}
