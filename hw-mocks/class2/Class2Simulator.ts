/**
 * Class2Simulator: a Class 2 (EIA/TIA SP-2388) or Class 2.0 (ITU-T T.32) fax modem whose firmware runs
 * the T.30 caller itself against the simulated far end (FarEndFax.ts), on the same AT half (AtDce.ts),
 * line model, faults and call records as the Class 1 simulator, so a host is tested the way a real
 * Class 2 modem would test it. The dialect (dialect.ts) is a data row: report names, hang-up code
 * format, page end, XON after CONNECT, page result.
 *
 * Send flow (T.32 §8.3.2-8.3.3, SP-2388 §8): ATD -> far answers, NSF/CSI/DIS -> +FCO/+FCON, +FCI/+FCSI,
 * +FIS/+FDIS, OK. AT+FDT -> TSI/DCS + TCF (fallback on FTT, +FMS floor) -> +FCS/+FDCS, CONNECT (+XON in
 * Class 2). Page data with DLE transparency (T.32 Table 22: <DLE><DLE>, <DLE><SUB> = two DLEs), ended by
 * <DLE><,|;|.> (2.0, MPS/EOM/EOP) or <DLE><ETX> then AT+FET=0|1|2 (Class 2). PPM answers: MCF -> OK /
 * +FPTS:1; RTN -> ERROR / +FPTS:2 (+FPS:2 readable); EOP+MCF -> DCN, +FHS:00 / +FHNG:0, OK.
 * Failures end the call with the T.32 Table 23 cause (dialect.ts SIM_HANGUP) and ERROR.
 *
 * Layer: hw-mocks (imports pure src modules only).
 */
import { buildFrame } from "../../src/hdlc/frame.js";
import { reverseBits } from "../../src/hdlc/bitOrder.js";
import { Fcf, fcfName, withX, type FcfName } from "../../src/t30/fcf.js";
import { buildDis, decodeId, encodeId, parseDis, type DisFields } from "../../src/t30/dis.js";
import { AtDce, type AtDceOptions } from "../AtDce.js";
import type { AtHandler } from "../atCommands.js";
import { parseDialString } from "../dialString.js";
import { DLE, ETX, SUB } from "../dle.js";
import { FarEndFax, type FarEndOptions } from "../FarEndFax.js";
import { HighSpeedTx } from "../HighSpeedTx.js";
import { MODULATIONS } from "../lineTime.js";
import { waitForCallEnd, type CallEnd, type CallRecord } from "../records.js";
import { class2Handlers } from "./commands.js";
import { SIM_DIALECTS, SIM_HANGUP, dialectHangupCode, type Class2DialectName, type SimDialect } from "./dialect.js";
import { FarLink } from "./FarLink.js";
import { IncomingCall, type IncomingCallOptions, type IncomingHost } from "./incomingCall.js";
import { atRate, dcsFor, formatParams, negotiate, paramsFromDis, type Session, type T30Params } from "./sessionParams.js";

export interface Class2SimulatorOptions extends AtDceOptions {
	dialect: Class2DialectName;
	farEnd?: FarEndOptions;
}

type Ppm = "MPS" | "EOM" | "EOP";
/** A handler result meaning "the final result code has been written" (AtDce adds none after "online"). */
type Written = "online";
const PPM_BY_FET: Record<string, Ppm> = { "0": "MPS", "1": "EOM", "2": "EOP" };
const PPM_BY_CHAR: Record<number, Ppm> = { 0x2c: "MPS", 0x3b: "EOM", 0x2e: "EOP", [ETX]: "EOP" };
/** T.30 T4 (response wait), ms; T1 (call set-up), ms */
const T4 = 3000;
const T1 = 35000;
/** DCE transmit buffer watermarks for XON/XOFF, bytes */
const FLOW_HIGH = 2048;
const FLOW_LOW = 512;
const DC1 = 0x11;
const DC3 = 0x13;

/** Page data being received from the DTE after +FDT's CONNECT. */
interface PageTx {
	hs: HighSpeedTx;
	dle: boolean;
	buf: number[];
	page: number;
	vanishAfter?: number;
}

export class Class2Simulator extends AtDce implements IncomingHost {
	readonly dialect: SimDialect;
	readonly calls: CallRecord[] = [];
	/** T.32 parameters by command name (+FLI, +FNR, +FBO, ...), as the DTE set them */
	readonly params: Record<string, string> = {};
	/** +FCC/+FDCC: what the DCE may use; +FIS/+FDIS: what the DTE wants for the next session */
	caps: T30Params = { vr: 3, br: 5, wd: 2, ln: 2, df: 1, ec: 0, bf: 0, st: 0 };
	want: T30Params = { vr: 0, br: 5, wd: 0, ln: 2, df: 0, ec: 0, bf: 0, st: 0 };
	/** +FCS/+FDCS: the session in use (read-only) */
	session: T30Params | undefined;
	/** last page status (+FPS/+FPTS) and hang-up status (+FHS/+FHNG), T.32 values */
	pageStatus = 0;
	hangupStatus = 0;
	private readonly opts: Class2SimulatorOptions;
	private call: CallRecord | undefined;
	private far: FarEndFax | undefined;
	private link: FarLink | undefined;
	private dis: DisFields | undefined;
	private neg: Session | undefined;
	private rateIndex = 0;
	private needTrain = true;
	private pageNo = 0;
	private tx: PageTx | undefined;
	private finishing = new Map<CallRecord, Promise<CallRecord>>();

	constructor(port: ConstructorParameters<typeof AtDce>[0], opts: Class2SimulatorOptions) {
		const dialect = SIM_DIALECTS[opts.dialect];
		super(port, {
			classes: ["0", dialect.name],
			identity: { manufacturer: "faxline", model: `Class ${dialect.name} simulator`, revision: "1.0", ati: { 0: `faxline Class ${dialect.name} simulator`, 3: "faxline sim 1.0" } },
			...opts,
			handlers: { ...(class2Handlers(dialect) as unknown as Record<string, AtHandler>), ...(opts.handlers ?? {}) },
		});
		this.dialect = dialect;
		this.opts = opts;
		this.resetParams();
	}

	private resetParams(): void {
		for (const k of Object.keys(this.params)) delete this.params[k];
		// T.32 §8.5 defaults: +FNR=0,0,0,0 (2.0); SP-2388 always reports
		this.params["+FNR"] = this.dialect.name === "2.0" ? "0,0,0,0" : "1,1,1,1";
		this.params[this.dialect.bitOrder] = "0";
		this.params[this.dialect.minSpeed] = "0";
		this.params[this.dialect.localId] = "";
		// Rockwell RC144AC defaults (+FDCC/+FDIS 0,5,0,2,0,0,0,0; mgetty doc/class2doc 7.5.1)
		this.want = { vr: 0, br: 5, wd: 0, ln: 2, df: 0, ec: 0, bf: 0, st: 0 };
	}

	/** Is the DCE in a fax class of its dialect? */
	get inFaxClass(): boolean {
		return this.settings.fclass === this.dialect.name;
	}

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

	report(name: string, value: string): void {
		this.info(`${name}:${this.dialect.reportSpace ? " " : ""}${value}`);
	}

	// ------------------------------------------------------------------ incoming calls (receive)

	/** The incoming call in progress (ringing or answered), if any. */
	incoming: IncomingCall | undefined;
	/** Every incoming call, in order. */
	readonly incomingCalls: IncomingCall[] = [];

	/** A caller rings (RING every 6 s of line time) until ATA or `maxRings`. */
	ring(o: IncomingCallOptions): IncomingCall {
		const c = new IncomingCall(this, o);
		this.incoming = c;
		this.incomingCalls.push(c);
		return c;
	}

	/** Resolves when incoming call `index` (1-based) is over; rejects after `ms` real ms. */
	waitForIncomingEnd(index: number, ms: number): Promise<IncomingCall> {
		return new Promise((resolve, reject) => {
			const t = setTimeout(() => reject(new Error(`incoming call ${index} did not end within ${ms} ms`)), ms);
			const check = () => {
				const c = this.incomingCalls[index - 1];
				if (c?.state === "done") {
					clearTimeout(t);
					this.off("incomingEnd", check);
					resolve(c);
				}
			};
			this.on("incomingEnd", check);
			check();
		});
	}

	incomingDone(): void {
		this.incoming = undefined;
		this.mode = "command";
		this.emit("incomingEnd");
	}

	writeData(bytes: Uint8Array): void {
		this.write(bytes);
	}

	sleep(lineMs: number): Promise<void> {
		return new Promise((r) => this.after(Math.max(0, lineMs), r));
	}

	lineTimer(lineMs: number, fn: () => void): { cancel(): void } {
		return this.after(lineMs, fn);
	}

	holdInput(): void {
		this.busy = true;
	}

	releaseInput(): void {
		this.release();
	}

	/** ATA */
	async answerCall(): Promise<"online" | "error"> {
		if (!this.incoming || !this.inFaxClass) return "error";
		return this.incoming.answer();
	}

	/** AT+FDR */
	async receiveData(): Promise<"online" | "error"> {
		if (!this.incoming || !this.inFaxClass) return "error";
		return this.incoming.receive();
	}

	// ------------------------------------------------------------------ AtDce hooks

	protected wentSilent(): void {
		this.call?.notes.push("modem went silent (fault)");
		if (this.call) this.endCall("silent");
	}

	protected abortByte(): void {
		// bytes are held while the firmware works; nothing reaches here but keep the contract
	}

	protected portClosed(): void {
		if (this.call) this.endCall("portClosed");
		this.cancelTimers();
		this.mode = "dead";
	}

	protected hostClosed(): void {
		if (this.mode === "dead" || this.mode === "silent") return;
		this.cancelTimers();
		this.resetInput();
		if (this.call) this.endCall("hostHangup");
		this.mode = "command";
	}

	reset(_why: string): void {
		if (this.call) this.endCall("hostHangup");
		this.settings.echo = true;
		this.settings.verbose = true;
		this.settings.quiet = false;
		this.settings.fclass = "0";
		this.resetParams();
	}

	/** ATH: drop the line (a DCN first when a session is up, as firmware does). */
	hangup(_who: "host"): void {
		if (this.incoming) {
			this.incoming.state = "done";
			this.incomingDone();
		}
		if (!this.call) return;
		this.endCall("hostHangup");
	}

	// ------------------------------------------------------------------ call lifecycle

	private finishCall(end: CallEnd): void {
		const call = this.call;
		if (!call || call.end !== undefined) return;
		call.end = end;
		call.endedAt = this.clock.now();
		const far = this.far;
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

	private endCall(end: CallEnd): void {
		if (!this.call) return;
		this.finishCall(end);
		this.call = undefined;
		this.far = undefined;
		this.link = undefined;
		this.dis = undefined;
		this.neg = undefined;
		this.session = undefined;
		this.tx = undefined;
		if (this.mode !== "silent" && this.mode !== "dead") this.mode = "command";
	}

	/** End the call with a T.32 cause: DCN when the line is still up, the hang-up report, the final code. */
	private async hangupWith(cause: number, final: "OK" | "ERROR", sendDcn: boolean): Promise<Written> {
		const call = this.call;
		if (call && sendDcn && this.link && !this.link.hungUp && this.far) await this.link.sendFrames([buildFrame(withX(Fcf.DCN))], this.far);
		this.hangupStatus = cause;
		if (call) this.finishCall(cause === 0 ? "dcn" : this.link?.hungUp ? "farDcn" : "hostHangup");
		this.endCall(call?.end ?? "hostHangup");
		this.report(this.dialect.hangupReport, dialectHangupCode(this.dialect, cause));
		this.result(final);
		return "online";
	}

	// ------------------------------------------------------------------ ATD: phase A/B up to the DIS

	async dial(arg: string): Promise<Written | "error"> {
		if (this.call || !this.inFaxClass) return "error";
		const call: CallRecord = { index: this.calls.length + 1, dial: parseDialString(arg), startedAt: this.clock.now(), dcs: [], tcf: [], pages: [], frames: [], gaps: [], collisions: 0, listens: [], ppms: [], notes: [] };
		this.calls.push(call);
		this.call = call;
		this.mode = "dialing";
		const link = new FarLink({ clock: this.clock, faults: this.faults, after: (ms, fn) => this.after(ms, fn), idle: () => this.mode === "dialing" }, call);
		const far = new FarEndFax(link.port(), call, this.opts.farEnd ?? {}, this.faults);
		this.link = link;
		this.far = far;
		this.pageNo = 0;
		this.needTrain = true;
		const n = call.index;
		const fail = async (code: string, outcome: CallRecord["outcome"], ms: number, cause?: number): Promise<Written> => {
			await link.sleep(ms);
			call.outcome = outcome;
			if (cause !== undefined) this.report(this.dialect.hangupReport, dialectHangupCode(this.dialect, cause));
			this.endCall("dialFailed");
			this.result(code);
			return "online";
		};
		if (this.faults.take("noDialtone", n)) return fail("NO DIALTONE", "noDialtone", 2000);
		if (this.faults.take("busy", n)) return fail("BUSY", "busy", 4000);
		if (this.faults.take("noAnswer", n)) return fail("NO ANSWER", "noAnswer", 30000);
		if (this.faults.take("noCarrier", n)) return fail("NO CARRIER", "noCarrier", far.answerDelayMs + T1, SIM_HANGUP.noAnswerT1);
		await link.sleep(far.answerDelayMs);
		if (this.call !== call) return "online";
		call.outcome = "connected";
		far.answer();
		const got = await this.awaitDis(T1);
		if (this.call !== call) return "online";
		if (!got) return this.hangupWith(SIM_HANGUP.noAnswerT1, "ERROR", false);
		this.mode = "command";
		return "online";
	}

	/** Read far-end frames until a DIS; report CSI/DIS per +FNR; OK. Returns false on T1/hang-up. */
	private async awaitDis(ms: number): Promise<boolean> {
		const link = this.link!;
		for (;;) {
			const ev = await link.next(ms);
			if (ev.kind !== "frames") return false;
			const dis = this.takeDis(ev.frames);
			if (dis) return true;
			if (ev.frames.some((f) => fcfName(f[2] ?? 0) === "DCN")) return false;
		}
	}

	/** Take CSI and DIS out of a far-end transmission; true when it had a DIS. */
	private takeDis(frames: Uint8Array[]): boolean {
		let dis: DisFields | undefined;
		let csi: string | undefined;
		for (const f of frames) {
			const name = fcfName(f[2] ?? 0);
			if (name === "CSI") csi = decodeId(f.subarray(3));
			if (name === "DIS") dis = parseDis(f.subarray(3));
		}
		if (!dis) return false;
		const first = this.dis === undefined;
		this.dis = dis;
		if (first) this.announce(csi, dis);
		return true;
	}

	/** The reports after the far end answered (T.32 §8.3.2.1 / SP-2388 +FCON sequence), then OK. */
	private announce(csi: string | undefined, dis: DisFields): void {
		const d = this.dialect;
		const [rpr, , idr] = (this.params["+FNR"] ?? "0,0,0,0").split(",").map((s) => s.trim() === "1");
		this.info(d.connectReport);
		if (idr && csi !== undefined) this.report(d.csiReport, `"${csi}"`);
		if (rpr) this.report(d.dis, formatParams(paramsFromDis(dis)));
		this.result("OK");
	}

	// ------------------------------------------------------------------ +FDT: phase B (DCS/TCF) and C start

	async transmitPage(): Promise<Written | "error"> {
		const call = this.call;
		const link = this.link;
		const far = this.far;
		if (!call || !link || !far || !this.inFaxClass) return "error";
		// repeated DIS the far end sent while the DTE was busy, or the DIS after an EOM
		const heard = link.drain();
		for (const fs of heard) this.takeDis(fs);
		// the far end said DCN after its DIS (no paper, busy): the session is over before it began
		if (link.hungUp || heard.some((fs) => fs.some((f) => fcfName(f[2] ?? 0) === "DCN"))) return this.hangupWith(SIM_HANGUP.phaseBUnspecified, "ERROR", false);
		if (this.needTrain && this.pageNo > 0 && this.lastPpm === "EOM") {
			// EOM: back to phase B: a new DIS, and a new session from the +FIS the DTE set meanwhile
			this.dis = undefined;
			this.neg = undefined;
			for (;;) {
				const ev = await link.next(T1);
				if (ev.kind !== "frames") return this.hangupWith(SIM_HANGUP.noAnswerT1, "ERROR", false);
				if (this.takeDisQuiet(ev.frames)) break;
			}
		}
		if (!this.dis) return this.hangupWith(SIM_HANGUP.noAnswerT1, "ERROR", false);
		if (!this.dis.t4Receiver) return this.hangupWith(SIM_HANGUP.remoteCannotReceive, "ERROR", true);
		let reportSession = false;
		if (this.needTrain) {
			const r = await this.train();
			if (r !== "trained") return this.hangupWith(r.cause, "ERROR", r.dcn);
			reportSession = true;
		}
		if (this.call !== call) return "online";
		const s = this.neg!;
		const rate = s.rates[this.rateIndex]!;
		if (reportSession) this.report(this.dialect.dcs, formatParams(this.session!));
		const page = this.pageNo + 1;
		const vanish = this.faults.take("vanish", call.index, (f) => f.page === page);
		const now = this.clock.now();
		far.hostCarrierOn();
		this.tx = { hs: new HighSpeedTx(rate.shortTrain, now + 75 + MODULATIONS.get(rate.shortTrain)!.trainingMs, now, 75), dle: false, buf: [], page, ...(vanish ? { vanishAfter: vanish.afterBytes ?? 1024 } : {}) };
		this.result("CONNECT");
		if (this.dialect.xonAfterConnect) this.write(Uint8Array.of(DC1));
		this.mode = "imageTx";
		return "online";
	}

	private takeDisQuiet(frames: Uint8Array[]): boolean {
		const f = frames.find((x) => fcfName(x[2] ?? 0) === "DIS");
		if (f) this.dis = parseDis(f.subarray(3));
		return f !== undefined;
	}

	/** TSI/DCS + TCF until CFR, falling back on FTT (T.30 Figure 5-2b), at most 3 tries per DCS. */
	private async train(): Promise<"trained" | { cause: number; dcn: boolean }> {
		const link = this.link!;
		const far = this.far!;
		const call = this.call!;
		if (!this.neg) {
			const minBr = Number(this.params[this.dialect.minSpeed] ?? "0");
			const want = { ...this.want, br: Math.min(this.want.br, this.caps.br), wd: Math.min(this.want.wd, this.caps.wd), df: Math.min(this.want.df, this.caps.df) };
			const neg = negotiate(want, this.dis!, minBr);
			if (!neg) return { cause: SIM_HANGUP.trainingFailed, dcn: true };
			this.neg = neg;
			this.rateIndex = 0;
		}
		const s = this.neg;
		let disCount = 0;
		let silent = 0;
		for (;;) {
			const rate = s.rates[this.rateIndex];
			if (!rate) return { cause: SIM_HANGUP.trainingFailed, dcn: true };
			const frames: Uint8Array[] = [];
			const lid = this.params[this.dialect.localId] ?? "";
			if (lid !== "") frames.push(buildFrame(withX(Fcf.TSI), encodeId(lid), false));
			frames.push(buildFrame(withX(Fcf.DCS), buildDis(dcsFor(s, rate, this.dis!)), true));
			await link.sendFrames(frames, far);
			await link.sendTcf(rate.longTrain, far);
			const ev = await link.next(T4);
			if (this.call !== call) return { cause: SIM_HANGUP.aborted, dcn: false };
			if (ev.kind === "hangup") return { cause: SIM_HANGUP.invalidResponse, dcn: false };
			if (ev.kind === "timeout") {
				if (++silent >= 3) return { cause: SIM_HANGUP.dcsNoResponse, dcn: true };
				continue;
			}
			const names = ev.frames.map((f) => fcfName(f[2] ?? 0));
			if (names.includes("CFR")) {
				this.needTrain = false;
				this.session = atRate(s, rate);
				return "trained";
			}
			if (names.includes("FTT")) {
				this.rateIndex++;
				continue;
			}
			if (names.includes("DIS")) {
				this.takeDisQuiet(ev.frames);
				if (++disCount >= 3) return { cause: SIM_HANGUP.disAfterDcs, dcn: true };
				continue;
			}
			return { cause: names.includes("DCN") ? SIM_HANGUP.invalidResponse : SIM_HANGUP.invalidResponse, dcn: !names.includes("DCN") };
		}
	}

	// ------------------------------------------------------------------ phase C data from the DTE

	protected dataByte(b: number): void {
		if (this.incoming?.waitingForStart) return this.incoming.startByte(b);
		const tx = this.tx;
		if (!tx) return;
		if (tx.dle) {
			tx.dle = false;
			if (b === DLE) tx.buf.push(DLE);
			else if (b === SUB) tx.buf.push(DLE, DLE);
			else if (b === ETX && this.dialect.pageEnd === "fet") return this.pageDataEnd(undefined);
			else if (this.dialect.pageEnd === "dleChar" && PPM_BY_CHAR[b]) return this.pageDataEnd(PPM_BY_CHAR[b]);
			// other <DLE> pairs (T.32 Table 22 optional commands) are ignored
		} else if (b === DLE) tx.dle = true;
		else tx.buf.push(b);
		if (tx.buf.length >= 256) this.flush();
	}

	private flush(): void {
		const tx = this.tx!;
		if (!tx.buf.length) return;
		let bytes: Uint8Array = Uint8Array.from(tx.buf);
		tx.buf = [];
		// +FBO/+FBOR bit 0: phase C data reversed (MSB first on the DTE link); 0 = "direct", LSB first
		if (Number(this.params[this.dialect.bitOrder] ?? "0") & 1) bytes = reverseBits(bytes);
		tx.hs.accept(bytes, this.clock.now());
		this.pace(tx);
		if (tx.vanishAfter !== undefined && tx.hs.bytes >= tx.vanishAfter) {
			this.call?.notes.push(`port vanished after ${tx.hs.bytes} bytes of page ${tx.page}`);
			this.port.vanish?.();
			this.portClosed();
		}
	}

	private lastPpm: Ppm | undefined;
	private xoff = false;

	/**
	 * Flow control (T.32 §8.5.4 +FLO, default XON/XOFF): a modem buffers a few KB and holds the DTE back
	 * while the line drains at the bit rate. Without it a DTE writes at pty speed (efax then divides by a
	 * zero elapsed time). XOFF above FLOW_HIGH bytes queued, XON once the line has drained to FLOW_LOW.
	 */
	private pace(tx: PageTx): void {
		if (this.xoff || this.params["+FLO"] === "0") return;
		const backlog = ((tx.hs.cursor - this.clock.now()) * tx.hs.bitRate) / 8000;
		if (backlog <= FLOW_HIGH) return;
		this.xoff = true;
		this.write(Uint8Array.of(DC3));
		this.after(((backlog - FLOW_LOW) * 8000) / tx.hs.bitRate, () => {
			this.xoff = false;
			this.write(Uint8Array.of(DC1));
		});
	}

	/** The DTE ended the page: the line finishes sending it; then (2.0) the post-page exchange. */
	private pageDataEnd(ppm: Ppm | undefined): void {
		this.flush();
		if (this.mode === "dead") return;
		this.busy = true;
		void this.afterPage(ppm);
	}

	private async afterPage(ppm: Ppm | undefined): Promise<void> {
		const tx = this.tx!;
		const link = this.link!;
		await link.sleep(tx.hs.cursor + 10 - this.clock.now());
		if (!this.call) return;
		link.hostTransmitted();
		this.far!.hostData(tx.hs.code, tx.hs.data(), { durationMs: tx.hs.durationMs, underrunMs: tx.hs.underrunMs, lostBytes: tx.hs.lostBytes, gapMs: 75 });
		this.pageNo = tx.page;
		this.tx = undefined;
		this.mode = "command";
		if (ppm) await this.postPage(ppm);
		else this.result("OK"); // Class 2: the page is out; AT+FET=n says what follows
		this.release();
	}

	/** AT+FET=n (Class 2 send): the post-page message for the page just sent. */
	async postPageCommand(arg: string): Promise<Written | "error"> {
		const ppm = PPM_BY_FET[arg];
		if (!ppm || !this.call || this.pageNo === 0) return "error";
		await this.postPage(ppm);
		return "online";
	}

	/** PPM, its answer (3 tries, T4 each), the page result and, after EOP+MCF, DCN and the hang-up report. */
	private async postPage(ppm: Ppm): Promise<void> {
		const link = this.link!;
		const far = this.far!;
		this.lastPpm = ppm;
		const noResponse = { MPS: SIM_HANGUP.noResponseMps, EOM: SIM_HANGUP.noResponseEom, EOP: SIM_HANGUP.noResponseEop }[ppm];
		const invalid = { MPS: SIM_HANGUP.invalidResponseMps, EOM: SIM_HANGUP.invalidResponseEom, EOP: SIM_HANGUP.invalidResponseEop }[ppm];
		for (let tries = 0; ; ) {
			await link.sendFrames([buildFrame(withX(Fcf[ppm]))], far);
			const ev = await link.next(T4);
			if (!this.call) return;
			if (ev.kind === "hangup") return void (await this.hangupWith(invalid, "ERROR", false));
			if (ev.kind === "timeout" || ev.frames.some((f) => fcfName(f[2] ?? 0) === "CRP")) {
				if (++tries >= 3) return void (await this.hangupWith(noResponse, "ERROR", true));
				continue;
			}
			const name = fcfName(ev.frames.at(-1)![2] ?? 0) as FcfName | undefined;
			const status = ({ MCF: 1, RTN: 2, RTP: 3, PIN: 4, PIP: 5 } as Partial<Record<FcfName, number>>)[name!];
			if (status === undefined) return void (await this.hangupWith(name === "DCN" ? invalid : invalid, "ERROR", name !== "DCN"));
			this.pageStatus = status;
			if (status !== 1) this.needTrain = true; // RTN/RTP/PIN/PIP: retrain before the next page (T.30 §5.3.6.2)
			if (ppm === "EOM") this.needTrain = true;
			const good = status === 1 || status === 3;
			if (this.dialect.pageResult === "report") this.report(this.dialect.pageStatus, String(status));
			if (ppm === "EOP" && good) {
				await this.hangupWith(SIM_HANGUP.normal, "OK", true);
				return;
			}
			if (status === 4 || status === 5) {
				await this.hangupWith(SIM_HANGUP.pinPip, "ERROR", true);
				return;
			}
			this.result(this.dialect.pageResult === "report" || good ? "OK" : "ERROR");
			return;
		}
	}

	/** AT+FKS / AT+FK: abort the session (DCN) with hang-up status 02. */
	async abortSession(): Promise<Written | "ok"> {
		if (!this.call) return "ok";
		return this.hangupWith(SIM_HANGUP.aborted, "OK", true);
	}
}

export type { Class2DialectName };
