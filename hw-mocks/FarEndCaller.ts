/**
 * FarEndCaller: the simulated CALLING fax machine behind ModemSimulator (T.30 calling terminal, transmit
 * side, non-ECM; the mirror of FarEndFax.ts). Once the host answered (ATA or its auto-answer) it waits
 * for the host's CSI/DIS (T.30 §5.2, Figure 5-2a), sends TSI/DCS and a TCF of 1.5 s of zeros at the best
 * rate both sides have (T.30 §5.3.2.4), falls back one rate on FTT, sends each page T.4-coded (src/t4, MH,
 * LSB first, fill for the DIS scan-line time, RTC) and MPS/EOP, retrains and resends a page after RTN,
 * retrains and goes on after RTP, goes on after MCF, ends with DCN. A command that gets no answer is
 * repeated after T4 (3 s) up to three times (T.30 §5.4.2), then DCN; CRP from the host makes it repeat
 * its last command. Faults (faults.ts): badPage, hangup (mid-page or after page N), noDcs, badFcs on its
 * frames, crp (it answers a host frame with CRP). Everything lands in the call's record. Layer: hw-mocks.
 */
import type { FaxPage, FaxResolution } from "../src/core/bitmap.js";
import { buildFrame } from "../src/hdlc/frame.js";
import { Fcf, fcfName, type FcfName } from "../src/t30/fcf.js";
import { buildDis, dcsMinScanCode, decodeId, disMinScanMs, disRates, disResolutions, disWidths, emptyDis, encodeId, parseDis, type DisFields, type Rate } from "../src/t30/dis.js";
import { encodeBitmap, minBitsPerRow } from "../src/t4/index.js";
import type { FaultSet } from "./faults.js";
import type { FarEndPort } from "./FarEndFax.js";
import type { CallEnd, CallRecord } from "./records.js";

/** What the calling far end needs from the line beyond V.21 frames. */
export interface CallerPort extends FarEndPort {
	/**
	 * Send high-speed data (training, then `data`) at T.31 code `code` after `delayMs` of silence.
	 * `cutAfter`: the line drops after that many bytes (hang-up mid-page). Returns the line ms it ends.
	 */
	transmitData(code: number, data: Uint8Array, delayMs: number, cutAfter?: number): number;
	/** Go on-hook now without DCN (the DCE notices the line is gone). */
	hangup(): void;
}

export interface CallerOptions {
	/** the document to send: one fax page each (width 1728/2048/2432, yRes 98/196/391) */
	pages: FaxPage[];
	/** transmitting subscriber id sent in TSI; default "+1 555 0199" */
	tsi?: string;
	/** caller id the line reports with RING (NMBR=), default "5550199"; "" for none */
	number?: string;
	/** caller name (NAME=), default "SIM CALLER"; "" for none */
	name?: string;
	/** rates the calling modem has (T.31 codes), default all */
	rateCodes?: number[];
	/** line ms between the host's carrier dropping and our transmission; default 100 */
	responseDelayMs?: number;
	/** T4: line ms we wait for an answer before repeating a command; default 3000 */
	t4Ms?: number;
}

/** What we sent last and wait an answer to. */
type Waiting = "dis" | "cfr" | "ppr" | "none";

const frame = (name: FcfName, fif?: Uint8Array, final = true): Uint8Array => buildFrame(Fcf[name] | 1, fif, final);
const resolutionOf = (yRes: number): FaxResolution => (yRes >= 300 ? "superfine" : yRes >= 150 ? "fine" : "standard");
const TCF_MS = 1500;

export class FarEndCaller {
	/** True once the host sent DCN: the call is over (our own DCN drops the line through the DCE). */
	gotDcn = false;
	waiting: Waiting = "dis";
	private dis: DisFields | undefined;
	private rates: Rate[] = [];
	private rateIx = 0;
	private pageIx = 0;
	private lastTx: Uint8Array[] = [];
	private lastTxHangup = false;
	private repeats = 0;
	private t4: { cancel(): void } | undefined;
	private done = false;
	private readonly o: CallerOptions;

	constructor(
		private readonly line: CallerPort,
		private readonly call: CallRecord,
		opts: CallerOptions,
		private readonly faults: FaultSet,
	) {
		this.o = opts;
	}

	private get delay(): number {
		return this.o.responseDelayMs ?? 100;
	}

	/** The host's carrier came on: it is answering, our T4 stops. */
	hostCarrierOn(): void {
		this.t4?.cancel();
		this.t4 = undefined;
	}

	/** Not used in this direction (the host only receives pages). */
	nextDataIsPage(): number | undefined {
		return undefined;
	}

	hostData(code: number, data: Uint8Array): void {
		this.call.notes.push(`high-speed data from the answering host (+FTM=${code}, ${data.length} bytes) ignored`);
	}

	// ------------------------------------------------------------------ sending

	private send(frames: Uint8Array[], hangupAfter = false, expect: Waiting = this.waiting): void {
		this.lastTx = frames;
		this.lastTxHangup = hangupAfter;
		this.waiting = expect;
		const end = this.line.transmit(frames, this.delay, hangupAfter);
		if (!hangupAfter && expect !== "none") this.armT4(end);
	}

	private armT4(afterLineMs: number): void {
		this.t4?.cancel();
		const ms = afterLineMs - this.line.now() + (this.o.t4Ms ?? 3000);
		this.t4 = this.line.watchdog(ms, () => {
			this.t4 = undefined;
			if (this.done) return;
			if (++this.repeats > 3) {
				this.call.notes.push(`no answer to our ${this.lastName()} after 3 repeats: DCN`);
				return this.disconnect();
			}
			this.call.notes.push(`T4 expired: repeating ${this.lastName()}`);
			this.send(this.lastTx, this.lastTxHangup);
		});
	}

	private lastName(): string {
		return this.lastTx.map((f) => fcfName(f[2] ?? 0) ?? "?").join("/");
	}

	private disconnect(): void {
		this.done = true;
		this.t4?.cancel();
		this.send([frame("DCN")], true, "none");
	}

	// ------------------------------------------------------------------ frames from the answering host

	/** V.21 frames the host sent (+FTH=3 or straight after ATA). */
	hostFrames(frames: Uint8Array[]): void {
		if (this.done) return;
		let name: FcfName | undefined;
		for (const f of frames) {
			const n = fcfName(f[2] ?? 0);
			if (n === "CSI") this.call.tsi = decodeId(f.subarray(3)); // the answerer's id, recorded in the same field
			if (n === "DIS") this.dis = parseDis(f.subarray(3));
			if (n !== "CSI" && n !== "NSF") name = n;
		}
		if (!name) return;
		this.repeats = 0;
		this.t4?.cancel();
		this.t4 = undefined;
		if (name === "DCN") {
			this.done = true;
			this.gotDcn = true;
			return;
		}
		if (name === "CRP") return this.send(this.lastTx, this.lastTxHangup);
		if (this.faults.take("crp", this.call.index, (f) => f.to === name)) {
			this.call.notes.push(`answered ${name} with CRP (fault)`);
			this.lastTx = [frame("CRP")];
			this.line.transmit(this.lastTx, this.delay, false);
			return;
		}
		switch (name) {
			case "DIS":
				if (this.waiting !== "dis") this.call.notes.push("DIS repeated by the host");
				return this.phaseB();
			case "CFR":
				if (this.waiting === "cfr") return this.sendPage();
				break;
			case "FTT":
				if (this.waiting === "cfr") {
					if (this.rateIx + 1 >= this.rates.length) {
						this.call.notes.push("FTT at the lowest rate: DCN");
						return this.disconnect();
					}
					this.rateIx++;
					return this.phaseB();
				}
				break;
			case "MCF":
			case "RTP":
			case "RTN":
				if (this.waiting === "ppr") return this.postPageResponse(name);
				break;
			default:
		}
		this.call.notes.push(`unexpected ${name} from the host while waiting for ${this.waiting}`);
	}

	// ------------------------------------------------------------------ phase B

	/** Send TSI/DCS and the TCF at the current rate (first time: the best common rate). */
	private phaseB(): void {
		const dis = this.dis;
		if (!dis) return;
		if (this.rates.length === 0) {
			const ours = this.o.rateCodes;
			this.rates = disRates(dis.modemCode).filter((r) => !ours || (ours.includes(r.longTrain) && ours.includes(r.shortTrain)));
			if (this.rates.length === 0) {
				this.call.notes.push("no rate in common with the host's DIS: DCN");
				return this.disconnect();
			}
		}
		if (this.faults.take("noDcs", this.call.index)) {
			this.call.notes.push("no DCS sent (fault): the host must give up on T1");
			this.waiting = "none";
			return;
		}
		const page = this.o.pages[this.pageIx];
		if (!page) return this.disconnect();
		const res = resolutionOf(page.yRes);
		const problems: string[] = [];
		if (!disResolutions(dis).includes(res)) problems.push(`resolution ${res} not offered`);
		if (!disWidths(dis).includes(page.bitmap.width as 1728)) problems.push(`width ${page.bitmap.width} not offered`);
		if (problems.length) {
			this.call.notes.push(`cannot send page ${this.pageIx + 1}: ${problems.join("; ")}: DCN`);
			return this.disconnect();
		}
		const rate = this.rates[this.rateIx]!;
		const d = emptyDis();
		d.t4Receiver = true;
		d.modemCode = rate.dcsCode;
		d.fine = res === "fine";
		d.superfine = res === "superfine";
		d.width255 = page.bitmap.width === 2048;
		d.width303 = page.bitmap.width === 2432;
		d.minScanCode = dcsMinScanCode(disMinScanMs(dis, res));
		this.call.dcs.push({
			at: this.line.now(),
			fields: d,
			bitRate: rate.bitRate,
			modulation: rate.modulation,
			tcfCode: rate.longTrain,
			pageCodes: [rate.shortTrain],
			resolution: res,
			width: page.bitmap.width,
			coding: "mh",
			minScanMs: disMinScanMs(dis, res),
		});
		const frames = [frame("TSI", encodeId(this.o.tsi ?? "+1 555 0199"), false), frame("DCS", buildDis(d), true)];
		this.lastTx = frames;
		this.lastTxHangup = false;
		this.waiting = "cfr";
		const dcsEnd = this.line.transmit(frames, this.delay, false);
		// TCF 75 ms after the DCS (T.30 §5.3.2.4)
		const tcfEnd = this.line.transmitData(rate.longTrain, new Uint8Array((rate.bitRate * TCF_MS) / 8000), dcsEnd - this.line.now() + 75);
		this.call.tcf.push({ at: tcfEnd, code: rate.longTrain, expectedCode: rate.longTrain, bytes: (rate.bitRate * TCF_MS) / 8000, durationMs: TCF_MS, zeroRunMs: TCF_MS, nonZeroFraction: 0, lostBytes: 0, verdict: "none" });
		this.armT4(tcfEnd);
	}

	// ------------------------------------------------------------------ phase C / D

	private sendPage(): void {
		const tcf = this.call.tcf.at(-1);
		if (tcf) tcf.verdict = "CFR";
		const page = this.o.pages[this.pageIx]!;
		const no = this.pageIx + 1;
		const n = this.call.index;
		const dcs = this.call.dcs.at(-1)!;
		const rate = this.rates[this.rateIx]!;
		let data = encodeBitmap(page.bitmap, { coding: "mh", rtc: true, bitOrder: "lsb", minBitsPerRow: minBitsPerRow(rate.bitRate, dcs.minScanMs) });
		const bad = this.faults.take("badPage", n, (f) => f.page === no);
		if (bad) data = damageRows(data, bad.fraction ?? 0.5);
		const mid = this.faults.take("hangup", n, (f) => f.page === no && (f.when ?? "mid") === "mid");
		const last = no === this.o.pages.length;
		this.call.pages.push({ page: no, attempt: this.call.pages.filter((p) => p.page === no).length + 1, resolution: dcs.resolution, width: dcs.width, at: this.line.now(), code: rate.shortTrain, modulationOk: true, bytes: data.length, durationMs: (data.length * 8000) / rate.bitRate, underrunMs: 0, lostBytes: 0, rows: page.bitmap.height, badLines: 0, minRowBits: 0, minRowMs: 0, shortRows: 0, requiredScanMs: dcs.minScanMs, rtc: true, accepted: false, ...(bad ? { decodeError: "rows damaged (fault)" } : {}) });
		if (mid) {
			const cut = Math.floor(data.length / 2);
			this.call.notes.push(`hung up after ${cut} of ${data.length} bytes of page ${no} (fault)`);
			this.done = true;
			this.waiting = "none";
			this.line.transmitData(rate.shortTrain, data, this.delay, cut);
			return;
		}
		const end = this.line.transmitData(rate.shortTrain, data, this.delay);
		const ppm: FcfName = last ? "EOP" : "MPS";
		this.lastTx = [frame(ppm)];
		this.lastTxHangup = false;
		this.waiting = "ppr";
		// the post-page message 75 ms after the page's carrier drops (T.30 §5.3.2.4)
		const ppmEnd = this.line.transmit(this.lastTx, end - this.line.now() + 75, false);
		this.call.ppms.push({ at: ppmEnd, name: ppm, page: no, response: "" });
		this.armT4(ppmEnd);
	}

	private postPageResponse(name: "MCF" | "RTP" | "RTN"): void {
		const no = this.pageIx + 1;
		const entry = [...this.call.ppms].reverse().find((p) => p.page === no);
		if (entry) entry.response = name;
		const p = [...this.call.pages].reverse().find((x) => x.page === no);
		if (p) {
			p.response = name;
			p.ppm = entry?.name ?? "";
			p.accepted = name !== "RTN";
		}
		if (this.faults.take("hangup", this.call.index, (f) => f.page === no && f.when === "after")) {
			this.call.notes.push(`hung up after page ${no} without DCN (fault)`);
			this.done = true;
			this.waiting = "none";
			this.line.hangup();
			return;
		}
		if (name !== "RTN") this.pageIx++;
		if (this.pageIx >= this.o.pages.length) return this.disconnect();
		if (name === "MCF") return this.sendPage();
		this.phaseB(); // RTN (resend) and RTP (next page) both retrain first (T.30 §5.3.6.2.3)
	}

	/** The call ended: nothing to write (the host keeps the pages). */
	finish(_end: CallEnd): Promise<void> {
		this.done = true;
		this.t4?.cancel();
		return Promise.resolve();
	}
}

/** Damage a middle stretch of a coded page (every 7th byte flipped): the rows there decode as bad lines. */
export function damageRows(data: Uint8Array, fraction: number): Uint8Array {
	const out = data.slice();
	const from = Math.floor(out.length * (0.5 - fraction / 2));
	const to = Math.floor(out.length * (0.5 + fraction / 2));
	for (let i = from; i < to; i += 7) out[i] = out[i]! ^ 0x5a;
	return out;
}
