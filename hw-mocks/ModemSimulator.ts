/**
 * ModemSimulator: a T.31 Class 1 fax DCE (modelled on SpanDSP t31.c and the behaviour recorded in
 * class1.md "SpanDSP 0.0.6 as a peer") with a simulated far-end fax machine (FarEndFax.ts) behind it.
 * It attaches to any byte duplex: the master of a pty (ptyPair.ts), so a driver runs through the real
 * serialport binding, or an in-memory pipe (MemoryDuplex.ts).
 *
 * - AT interpreter (V.250 line syntax, handler table in atCommands.ts), echo, verbose/numeric codes.
 * - T.31 §8.3: +FTH=3 (frames DLE-stuffed, no FCS; control 0x03 -> CONNECT for the next frame, 0x13 ->
 *   OK after the frame's line time), +FRH=3 (CONNECT, frame + 2 FCS octets + DLE ETX, OK/ERROR), frames
 *   after ATD without +FRH, +FTM (CONNECT after training, OK after the data's line time at the rate),
 *   +FRM, +FTS, +FRS; any byte but DC1/DC3 aborts a pending +FRH/+FRM (-> OK).
 * - Line time (lineTime.ts) with a time scale; every line and byte is kept in `transcript`; per call
 *   records (records.ts) hold the turnaround gaps seen on the line.
 *
 * Layer: hw-mocks (test side; imports pure modules of src only).
 */
import { EventEmitter } from "node:events";
import { appendFcs } from "../src/hdlc/fcs.js";
import { fcfLabel } from "../src/t30/fcf.js";
import { findHandler, defaultHandlers, parseCommandLine, type AtCommand, type AtHandler, type HandlerResult } from "./atCommands.js";
import { FaultSet, type Fault, type FarFrameName } from "./faults.js";
import { FarEndFax, type FarEndOptions, type FarEndPort } from "./FarEndFax.js";
import { DEFAULT_RATE_LIST, LineClock, MODULATIONS, V21_CLOSING_FLAG_MS, V21_PREAMBLE_MS, dataMs, v21FrameMs, type LineTimer } from "./lineTime.js";
import type { ByteDuplex } from "./MemoryDuplex.js";
import type { CallEnd, CallRecord, DialRecord, TranscriptEntry } from "./records.js";

const DLE = 0x10;
const ETX = 0x03;
const SUB = 0x1a;
const DC1 = 0x11;
const DC3 = 0x13;

/** Identity the modem reports (ATI n, +FMI?, +FMM?, +FMR?), so driver profile matching can be tested. */
export interface ModemIdentity {
	manufacturer: string;
	model: string;
	revision: string;
	/** ATI<n> replies (lines separated by \n) */
	ati: Record<number, string>;
}

export interface ModemSimulatorOptions {
	/** real seconds per line second; default 1 (real time). 0.02 runs 50x faster. */
	timeScale?: number;
	identity?: Partial<ModemIdentity>;
	/** AT+FTM=? / AT+FRM=? reply; default "24,48,72,73,74,96,97,98,121,122,145,146" */
	rates?: string;
	/** AT+FCLASS=? classes; default ["0","1","1.0"] */
	classes?: string[];
	faults?: readonly Fault[];
	farEnd?: FarEndOptions;
	/** extra or replacement AT handlers */
	handlers?: Record<string, AtHandler>;
	/** line ms from the far end's first flags to CONNECT; default 60 */
	flagDetectMs?: number;
}

/** Per-receive state (+FRH=3 or after ATD). */
interface RxState {
	connected: boolean;
	dial: boolean;
	timer?: LineTimer;
	issuedAt: number;
}

/** A V.21 transmission of the far end as it sits on the line. */
interface FarTx {
	startAt: number;
	endAt: number;
	frames: { bytes: Uint8Array; name: string; endAt: number; badFcs: boolean; delivered: boolean }[];
	hangupAfter: boolean;
}

/** line ms between the end of the far end's DCN and the DCE noticing the line is gone */
const FAR_HANGUP_MS = 500;

const NUMERIC: Record<string, string> = { OK: "0", CONNECT: "1", RING: "2", "NO CARRIER": "3", ERROR: "4", "NO DIALTONE": "6", BUSY: "7", "NO ANSWER": "8", "+FCERROR": "+F4" };

export class ModemSimulator extends EventEmitter {
	readonly clock: LineClock;
	readonly identity: ModemIdentity;
	readonly rateList: string;
	readonly rateCodes: number[];
	readonly classes: string[];
	readonly faults: FaultSet;
	readonly settings = { echo: true, verbose: true, quiet: false, fclass: "0", sregs: {} as Record<number, number> };
	/** Every byte both ways. */
	readonly transcript: TranscriptEntry[] = [];
	/** Every command executed, in order. */
	readonly commands: { at: number; text: string }[] = [];
	readonly calls: CallRecord[] = [];

	mode: "command" | "dialing" | "hdlcTx" | "hdlcRx" | "imageTx" | "imageRx" | "silent" | "dead" = "command";

	private readonly handlers: Record<string, AtHandler>;
	private readonly opts: ModemSimulatorOptions;
	private line = "";
	private busy = false;
	/** a handler that returned "online" keeps the input held until its result is sent */
	private hold = false;
	private pending: number[] = [];
	private call: CallRecord | undefined;
	private farEnd: FarEndFax | undefined;
	private farTxs: FarTx[] = [];
	private farHungUp = false;
	private hostLastEnd: { end: number; what: string } | undefined;
	private rx: RxState | undefined;
	private tx: { frames: Uint8Array[]; cursor: number; cur: number[]; dle: boolean } | undefined;
	private data: { code: number; gapMs?: number; chunks: Uint8Array[]; bytes: number; cur: number[]; dle: boolean; readyAt: number; cursor: number; underrunMs: number; lostBytes: number; page?: number; vanishAfter?: number } | undefined;
	private timers = new Set<LineTimer>();
	private commandSeq = 0;
	private readonly onData = (b: Buffer) => this.input(b);
	private readonly onClose = () => this.portClosed();
	private writeChain: Promise<void> = Promise.resolve();

	constructor(
		readonly port: ByteDuplex,
		opts: ModemSimulatorOptions = {},
	) {
		super();
		this.opts = opts;
		this.clock = new LineClock(opts.timeScale ?? 1);
		this.identity = {
			manufacturer: opts.identity?.manufacturer ?? "faxline",
			model: opts.identity?.model ?? "T.31 simulator",
			revision: opts.identity?.revision ?? "1.0",
			ati: opts.identity?.ati ?? { 0: "faxline T.31 simulator", 3: "faxline sim 1.0" },
		};
		this.rateList = opts.rates ?? DEFAULT_RATE_LIST;
		this.rateCodes = this.rateList.split(",").map((s) => Number(s.trim())).filter((n) => MODULATIONS.has(n));
		this.classes = opts.classes ?? ["0", "1", "1.0"];
		this.faults = new FaultSet(opts.faults ?? []);
		this.handlers = { ...defaultHandlers, ...(opts.handlers ?? {}) };
		port.on("data", this.onData);
		port.on("close", this.onClose);
	}

	/** Stop listening to the port and cancel every timer (the port itself is the caller's). */
	detach(): void {
		this.port.off("data", this.onData);
		this.port.off("close", this.onClose);
		this.cancelTimers();
		this.mode = "dead";
	}

	/** The call in progress (between ATD and its end), if any. */
	get currentCall(): CallRecord | undefined {
		return this.call;
	}

	/** Resolve with the record of call `index` (1-based) once it has ended; reject after `ms` real ms. */
	waitForCallEnd(index: number, ms: number): Promise<CallRecord> {
		const done = this.calls[index - 1];
		if (done?.end !== undefined) return this.settled(done);
		return new Promise((resolve, reject) => {
			const t = setTimeout(() => {
				this.off("callEnd", on);
				reject(new Error(`call ${index} did not end within ${ms} ms`));
			}, ms);
			const on = (c: CallRecord) => {
				if (c.index !== index) return;
				clearTimeout(t);
				this.off("callEnd", on);
				resolve(c);
			};
			this.on("callEnd", on);
		});
	}

	private settled(c: CallRecord): Promise<CallRecord> {
		return this.finishing.get(c) ?? Promise.resolve(c);
	}
	private finishing = new Map<CallRecord, Promise<CallRecord>>();

	/** Resolve when a command matching `pred` is executed; reject after `ms` real ms. */
	expectCommand(pred: (text: string) => boolean, ms: number): Promise<string> {
		return new Promise((resolve, reject) => {
			const t = setTimeout(() => {
				this.off("command", on);
				reject(new Error(`no matching command within ${ms} ms`));
			}, ms);
			const on = (text: string) => {
				if (!pred(text)) return;
				clearTimeout(t);
				this.off("command", on);
				resolve(text);
			};
			this.on("command", on);
		});
	}

	// ------------------------------------------------------------------ output

	private write(bytes: Uint8Array | string): void {
		if (this.mode === "dead") return;
		const buf = typeof bytes === "string" ? Buffer.from(bytes, "latin1") : Buffer.from(bytes);
		this.transcript.push({ t: this.clock.now(), dir: "modem", data: buf });
		this.writeChain = this.writeChain.then(() => this.port.write(buf)).catch(() => undefined);
	}

	/** Send a result code (verbose or numeric per ATV; nothing under ATQ1). */
	result(code: string): void {
		if (this.settings.quiet) return;
		this.write(this.settings.verbose ? `\r\n${code}\r\n` : `${NUMERIC[code] ?? code}\r`);
		this.emit("result", code);
	}

	/** Send an information text line. */
	info(text: string): void {
		this.write(this.settings.verbose ? `\r\n${text}\r\n` : `${text}\r\n`);
	}

	// ------------------------------------------------------------------ input

	private input(chunk: Buffer): void {
		if (this.mode === "dead") return;
		this.transcript.push({ t: this.clock.now(), dir: "host", data: Buffer.from(chunk) });
		this.feed(chunk);
	}

	private feed(chunk: Uint8Array): void {
		for (let i = 0; i < chunk.length; i++) {
			if (this.busy) {
				for (let j = i; j < chunk.length; j++) this.pending.push(chunk[j]!);
				return;
			}
			const b = chunk[i]!;
			switch (this.mode) {
				case "command":
					this.commandByte(b);
					break;
				case "hdlcTx":
					this.hdlcTxByte(b);
					break;
				case "imageTx":
					this.imageTxByte(b);
					break;
				case "hdlcRx":
				case "imageRx":
				case "dialing":
					if (b === DC1 || b === DC3) break; // T.31 §8.3.x: flow-control characters do not abort
					this.abortReceive();
					break;
				default:
					return; // silent or dead
			}
		}
	}

	/** Process bytes that arrived while a command was running. */
	private release(): void {
		this.busy = false;
		if (this.pending.length === 0) return;
		const p = Uint8Array.from(this.pending);
		this.pending = [];
		this.feed(p);
	}

	private commandByte(b: number): void {
		if (b === DC1 || b === DC3) return; // XON/XOFF are not command characters
		if (this.settings.echo) this.write(Uint8Array.of(b));
		if (b === 0x0d) {
			const line = this.line;
			this.line = "";
			this.processLine(line);
		} else if (b === 0x08 || b === 0x7f) this.line = this.line.slice(0, -1);
		else if (b === 0x0a) return;
		else if (this.line.length < 256) this.line += String.fromCharCode(b);
	}

	private processLine(raw: string): void {
		const text = raw.trim();
		if (!/^AT/i.test(text)) return; // V.250: anything else is ignored
		let cmds: AtCommand[];
		try {
			cmds = parseCommandLine(text.slice(2));
		} catch {
			this.result("ERROR");
			return;
		}
		this.busy = true;
		void this.runCommands(cmds);
	}

	private async runCommands(cmds: AtCommand[]): Promise<void> {
		let final: "OK" | "ERROR" | undefined = "OK";
		for (const cmd of cmds) {
			const seq = ++this.commandSeq;
			this.commands.push({ at: this.clock.now(), text: cmd.text });
			this.emit("command", cmd.text);
			const norm = cmd.text.toUpperCase();
			const silent = this.faults.active("silent", this.callNo()).find((f) => norm.startsWith(f.command.toUpperCase()));
			if (silent && this.countMatching(silent.command) >= (silent.nth ?? 1)) {
				this.goSilent();
				return;
			}
			void seq;
			if (this.faults.take("error", this.callNo(), (f) => norm.startsWith(f.command.toUpperCase()))) {
				final = "ERROR";
				break;
			}
			const h = findHandler(this.handlers, cmd.name);
			let r: HandlerResult;
			try {
				r = h ? await h(this, cmd) : "error";
			} catch {
				r = "error";
			}
			if (this.mode === "dead" || this.mode === "silent") return;
			if (r === "error") {
				final = "ERROR";
				break;
			}
			if (r === "online") {
				final = undefined;
				break;
			}
		}
		if (final) this.result(final);
		if (this.hold) this.hold = false;
		else this.release();
	}

	private countMatching(prefix: string): number {
		const p = prefix.toUpperCase();
		return this.commands.filter((c) => c.text.toUpperCase().startsWith(p)).length;
	}

	private goSilent(): void {
		this.mode = "silent";
		this.cancelTimers();
		this.notes("modem went silent (fault)");
		if (this.call) this.endCall("silent");
	}

	private callNo(): number {
		return this.call?.index ?? this.calls.length;
	}

	private notes(s: string): void {
		this.call?.notes.push(s);
	}

	// ------------------------------------------------------------------ timers

	private after(lineMs: number, fn: () => void): LineTimer {
		const h = this.clock.timer(lineMs, () => {
			this.timers.delete(h);
			if (this.mode === "dead") return;
			fn();
		});
		this.timers.add(h);
		return h;
	}

	private cancelTimers(): void {
		for (const t of this.timers) t.cancel();
		this.timers.clear();
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

	private portClosed(): void {
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
		this.farTxs = [];
		this.rx?.timer?.cancel();
		this.rx = undefined;
		if (this.mode !== "silent" && this.mode !== "dead") this.mode = "command";
	}

	// ------------------------------------------------------------------ dial

	/** ATD: parse the dial string, consult the faults, let the far end answer. */
	dial(arg: string): HandlerResult {
		if (this.call) return "error";
		const dial = parseDialString(arg);
		if (dial.modifiers.includes(";")) return "ok"; // voice dial: nothing to simulate
		const call: CallRecord = {
			index: this.calls.length + 1,
			dial,
			startedAt: this.clock.now(),
			dcs: [],
			tcf: [],
			pages: [],
			frames: [],
			gaps: [],
			collisions: 0,
			ppms: [],
			notes: [],
		};
		this.calls.push(call);
		this.call = call;
		this.farTxs = [];
		this.farHungUp = false;
		this.hostLastEnd = undefined;
		this.mode = "dialing";
		const far = new FarEndFax(this.port_(), call, this.opts.farEnd ?? {}, this.faults);
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

	private port_(): FarEndPort {
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
		};
	}

	private farTransmit(frames: Uint8Array[], delayMs: number, hangupAfter: boolean): number {
		const call = this.call;
		if (!call) return this.clock.now();
		const startAt = this.clock.now() + delayMs;
		let t = startAt + V21_PREAMBLE_MS;
		const fs = frames.map((bytes) => {
			const name = fcfLabel(bytes[2] ?? 0);
			const badFcs = this.faults.take("badFcs", call.index, (f) => f.frame === (name as FarFrameName)) !== undefined;
			t += v21FrameMs(appendFcs(bytes));
			return { bytes, name, endAt: t, badFcs, delivered: false };
		});
		const tx: FarTx = { startAt, endAt: t + V21_CLOSING_FLAG_MS, frames: fs, hangupAfter };
		// the last frame is complete when its closing flag has been heard; then the carrier drops
		if (fs.length) fs[fs.length - 1]!.endAt = tx.endAt;
		this.farTxs.push(tx);
		if (hangupAfter) {
			// the far end goes on-hook after its DCN; the DCE notices the line is gone a little later
			this.after(tx.endAt + FAR_HANGUP_MS - this.clock.now(), () => {
				if (this.call !== call) return;
				this.farHungUp = true;
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
		return tx.endAt;
	}

	/** The end of the last transmission on the line before `now` (either side). */
	private lastLineActivity(now: number): { end: number; who: "host" | "far"; what: string } | undefined {
		let best: { end: number; who: "host" | "far"; what: string } | undefined = this.hostLastEnd ? { ...this.hostLastEnd, who: "host" } : undefined;
		for (const tx of this.farTxs) {
			if (tx.endAt <= now && (!best || tx.endAt > best.end)) best = { end: tx.endAt, who: "far", what: tx.frames.at(-1)?.name ?? "?" };
		}
		return best;
	}

	private farCarrierAt(t: number): FarTx | undefined {
		return this.farTxs.find((tx) => tx.startAt <= t && t < tx.endAt);
	}

	/** Record the gap before a host transmission and tell the far end a carrier started. */
	private hostCarrierOn(start: "v21" | number): number | undefined {
		const call = this.call;
		if (!call) return undefined;
		const now = this.clock.now();
		const last = this.lastLineActivity(now);
		if (last) call.gaps.push({ at: now, ms: now - last.end, start, after: { who: last.who, what: last.what } });
		if (this.farCarrierAt(now)) {
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
		const next = this.nextFarFrame();
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

	private nextFarFrame(): FarTx["frames"][number] | undefined {
		for (const tx of this.farTxs) for (const f of tx.frames) if (!f.delivered) return f;
		return undefined;
	}

	/** Drive the receive state: CONNECT on flags, then the next frame at its line time. */
	private serviceRx(): void {
		const rx = this.rx;
		if (this.mode !== "hdlcRx" || !rx || rx.timer) return;
		const call = this.call;
		const tx = this.farTxs.find((t) => t.frames.some((f) => !f.delivered));
		if (!tx || !call) return; // wait for the far end (T.31: +FRH never times out by itself)
		const now = this.clock.now();
		if (!rx.connected) {
			const at = Math.max(now, tx.startAt + (this.opts.flagDetectMs ?? 60));
			rx.timer = this.after(at - now, () => {
				rx.timer = undefined;
				if (this.rx !== rx) return;
				rx.connected = true;
				if (rx.dial) call.outcome = "connected";
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
		});
	}

	private abortReceive(): void {
		if (this.mode === "dialing") {
			this.cancelTimers();
			if (this.call) this.call.outcome = "aborted";
			this.mode = "command";
			this.result("NO CARRIER");
			this.endCall("hostHangup");
			return;
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
		this.tx = { frames: [], cursor: this.clock.now() + V21_PREAMBLE_MS, cur: [], dle: false };
		this.mode = "hdlcTx";
		this.result("CONNECT");
		return "online";
	}

	private hdlcTxByte(b: number): void {
		const tx = this.tx!;
		if (tx.dle) {
			tx.dle = false;
			if (b === ETX) return this.hdlcFrameDone();
			if (b === DLE) tx.cur.push(DLE);
			else if (b === SUB) tx.cur.push(DLE, DLE);
			return; // other DLE pairs: ignored
		}
		if (b === DLE) tx.dle = true;
		else if (tx.cur.length < 512) tx.cur.push(b);
	}

	private hdlcFrameDone(): void {
		const tx = this.tx!;
		const call = this.call;
		const frame = Uint8Array.from(tx.cur);
		tx.cur = [];
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
			code,
			...(gapMs !== undefined ? { gapMs } : {}),
			chunks: [],
			bytes: 0,
			cur: [],
			dle: false,
			readyAt: early ? now + (early.notReadyMs ?? 400) : trainedAt,
			cursor: trainedAt,
			underrunMs: 0,
			lostBytes: 0,
			...(page !== undefined ? { page } : {}),
			...(vanish ? { vanishAfter: vanish.afterBytes ?? 1024 } : {}),
		};
		this.mode = "imageTx";
		if (early) {
			this.result("CONNECT");
			return "online";
		}
		this.hold = true;
		this.after(m.trainingMs, () => {
			this.result("CONNECT");
			this.release();
		});
		return "online";
	}

	private imageTxByte(b: number): void {
		const d = this.data!;
		if (d.dle) {
			d.dle = false;
			if (b === ETX) {
				this.flushData();
				return this.imageTxEnd();
			}
			if (b === DLE) d.cur.push(DLE);
			else if (b === SUB) d.cur.push(DLE, DLE);
			return;
		}
		if (b === DLE) d.dle = true;
		else d.cur.push(b);
		if (d.cur.length >= 4096) this.flushData();
	}

	/** Account a batch of received data bytes against the line (buffer drain at the bit rate). */
	private flushData(): void {
		const d = this.data!;
		if (d.cur.length === 0) return;
		const now = this.clock.now();
		const bytes = Uint8Array.from(d.cur);
		d.cur = [];
		const rate = MODULATIONS.get(d.code)!.bitRate;
		if (now < d.readyAt) {
			// CONNECT before ready: the modem is still training and drops what the host sends (T.31 §8.3.3)
			const lostMs = d.readyAt - now;
			const lost = Math.min(bytes.length, Math.ceil((lostMs * rate) / 8000) || bytes.length);
			d.lostBytes += lost;
			if (lost < bytes.length) this.acceptData(bytes.subarray(lost), now, rate);
			return;
		}
		this.acceptData(bytes, now, rate);
	}

	private acceptData(bytes: Uint8Array, now: number, rate: number): void {
		const d = this.data!;
		if (now > d.cursor && d.bytes > 0) d.underrunMs += now - d.cursor; // buffer ran dry: the modem sent fill
		d.cursor = Math.max(d.cursor, now) + dataMs(bytes.length, rate);
		d.chunks.push(bytes);
		d.bytes += bytes.length;
		if (d.vanishAfter !== undefined && d.bytes >= d.vanishAfter) {
			this.notes(`port vanished after ${d.bytes} bytes of page ${d.page}`);
			this.port.vanish?.();
			this.portClosed();
		}
	}

	private imageTxEnd(): void {
		const d = this.data!;
		this.busy = true;
		const m = MODULATIONS.get(d.code)!;
		const end = d.cursor + 10; // a few ms of tail bits before the carrier drops
		this.after(end - this.clock.now(), () => {
			this.data = undefined;
			this.mode = "command";
			this.hostLastEnd = { end, what: "data" };
			this.result("OK");
			const all = new Uint8Array(d.bytes);
			let o = 0;
			for (const c of d.chunks) {
				all.set(c, o);
				o += c.length;
			}
			this.farEnd?.hostData(d.code, all, { durationMs: dataMs(d.bytes, m.bitRate), underrunMs: d.underrunMs, lostBytes: d.lostBytes, ...(d.gapMs !== undefined ? { gapMs: d.gapMs } : {}) });
			this.release();
		});
	}

	// ------------------------------------------------------------------ +FRM

	/** +FRM=code: the far end never sends high-speed data in these scenarios; V.21 heard -> +FCERROR. */
	startDataReceive(_code: number): HandlerResult {
		if (!this.call) return "error";
		this.mode = "imageRx";
		const tx = this.farTxs.find((t) => t.frames.some((f) => !f.delivered));
		if (tx) {
			this.hold = true;
			this.after(Math.max(0, tx.startAt - this.clock.now()) + 60, () => {
				this.mode = "command";
				this.result("+FCERROR");
				this.release();
			});
		}
		return "online";
	}

	// ------------------------------------------------------------------ +FTS / +FRS

	async transmitSilence(ms: number): Promise<HandlerResult> {
		await new Promise<void>((r) => this.after(ms, r));
		return "ok";
	}

	/** Wait until the line has been silent for `ms` (the far end's carrier included). */
	async receiveSilence(ms: number): Promise<HandlerResult> {
		for (;;) {
			const now = this.clock.now();
			const on = this.farCarrierAt(now);
			if (on) {
				await new Promise<void>((r) => this.after(on.endAt - now, r));
				continue;
			}
			const starts = this.farTxs.find((tx) => tx.startAt > now && tx.startAt < now + ms);
			if (starts) {
				await new Promise<void>((r) => this.after(starts.endAt - now, r));
				continue;
			}
			await new Promise<void>((r) => this.after(ms, r));
			if (!this.farTxs.some((tx) => tx.startAt > now && tx.startAt < this.clock.now())) return "ok";
		}
	}
}

/** V.250 §6.3.1 dial string: digits, * # A-D, modifiers T P , W @ ! ; (others ignored). */
export function parseDialString(raw: string): DialRecord {
	let digits = "";
	let method: DialRecord["method"] = "";
	const modifiers: string[] = [];
	let ignored = "";
	for (const ch of raw) {
		const c = ch.toUpperCase();
		if (/[0-9*#ABCD]/.test(c)) digits += c;
		else if (c === "T" || c === "P") {
			if (!digits && !method) method = c;
			modifiers.push(c);
		} else if (",W@!;".includes(c)) modifiers.push(c);
		else if (c !== " " && c !== "-" && c !== "(" && c !== ")") ignored += ch;
	}
	return { raw, digits, method, modifiers, ignored };
}

/** Double every DLE (T.31 §8.3.2). */
export function dleStuff(bytes: Uint8Array): Buffer {
	const out: number[] = [];
	for (const b of bytes) {
		out.push(b);
		if (b === DLE) out.push(DLE);
	}
	return Buffer.from(out);
}
