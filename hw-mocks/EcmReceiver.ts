/**
 * The simulated far end's ECM receiver (T.30 Annex A receiver side; T.4 Annex A): takes each high-speed
 * burst of a block, deframes it with src/hdlc/deframer.ts (the same software HDLC the engine frames with,
 * whose bits are checked against SpanDSP's), keeps the FCD frames by number, and answers PPS with MCF or a
 * PPR naming the frames still missing, CTC with CTR, EOR with ERR, RR with RNR while "not ready". When the
 * last block of a page is complete (or abandoned with EOR) it decodes the page (MH/MR/MMR, LSB first) into
 * a PageRecord. Faults (faults.ts): ecmCorrupt (frames N..M of a block arrive bad, some bursts or always),
 * rnr (not ready for S seconds), noReply to PPS (a lost reply), pprPhantom (PPR for a frame never sent).
 * Layer: hw-mocks.
 */
import { HdlcDeframer } from "../src/hdlc/deframer.js";
import { buildFrame } from "../src/hdlc/frame.js";
import { buildPprMap, EcmFcf, frameRanges, parseEorFif, parsePpsFif, type EcmPpm, type PpsFields } from "../src/t30/ecmBlocks.js";
import { Fcf } from "../src/t30/fcf.js";
import { dcsRate, parseDis } from "../src/t30/dis.js";
import { decodeToBitmap } from "../src/t4/index.js";
import type { FaultSet } from "./faults.js";
import type { HostDataInfo } from "./FarEndFax.js";
import type { CallRecord, DcsRecord, PageRecord } from "./records.js";

/** What the ECM side of a page looked like, for tests (PageRecord.ecm). */
export interface EcmPageRecord {
	frameSize: number;
	blocks: number;
	/** FCD frames in the page (first transmissions) */
	frames: number;
	/** high-speed bursts heard for the page */
	bursts: number;
	/** frames received again after a PPR */
	resentFrames: number;
	/** each PPR we sent: page, block, the frames it named */
	pprs: { block: number; frames: number[] }[];
	ctcs: number;
	/** blocks given up with EOR (answered ERR): the page is damaged */
	eorBlocks: number[];
	rnrs: number;
}

/** The far end's answer to one V.21 command of the ECM phase. */
export interface EcmAnswer {
	/** frames to send back (none = stay silent) */
	reply?: Uint8Array[];
	/** hang up after the reply (DCN) */
	hangup?: boolean;
	/** go back to phase B: send NSF/CSI/DIS and expect DCS + TCF (the burst was lost) */
	phaseB?: boolean;
	/** the page ended with this PPS/EOR and our answer: its record, and the PPM */
	page?: { record: PageRecord; ppm: Exclude<EcmPpm, "NULL">; keep: boolean };
}

const frame = (fcf: number, fif?: Uint8Array): Uint8Array => buildFrame(fcf, fif, true);

export class EcmReceiver {
	/** 0-based page counter as the PPS carries it */
	private page = 0;
	private block = 0;
	private frames = new Map<number, Uint8Array>();
	/** data of the page's finished blocks */
	private pageData: Uint8Array[] = [];
	private rec: EcmPageRecord;
	private burstStats = { bytes: 0, durationMs: 0, underrunMs: 0, lostBytes: 0, code: 0, at: 0 };
	/** the last PPS we answered, and how (the sender repeats a PPS whose answer it missed) */
	private answered: { page: number; block: number; reply: Uint8Array[] } | undefined;
	private rnrUntil: number | undefined;
	/** the answer held back while not ready */
	private pendingPps: PpsFields | undefined;
	/** frames in the current block, as its last PPS said */
	private blockFrames = 0;
	/** the last burst was lost (fault ecmLostBurst): the next PPS is answered with DIS */
	private lostBurst = false;
	/** frames of the block heard at least once (good or damaged) */
	private firstSeen = new Set<number>();

	constructor(
		private readonly call: CallRecord,
		private readonly faults: FaultSet,
		private dcs: DcsRecord,
		private readonly now: () => number,
	) {
		this.rec = this.freshRecord();
	}

	private freshRecord(): EcmPageRecord {
		return { frameSize: this.dcs.fields.ecmFrame64 ? 64 : 256, blocks: 0, frames: 0, bursts: 0, resentFrames: 0, pprs: [], ctcs: 0, eorBlocks: [], rnrs: 0 };
	}

	/** 1-based page number for faults and records. */
	private get pageNo(): number {
		return this.page + 1;
	}

	/** A high-speed burst of the current block. */
	onBurst(code: number, data: Uint8Array, info: HostDataInfo): void {
		if (this.faults.take("ecmLostBurst", this.call.index, (f) => f.page === undefined || f.page === this.pageNo)) {
			this.call.notes.push(`ECM fault: burst of page ${this.pageNo} block ${this.block} lost (training missed)`);
			this.lostBurst = true;
			return;
		}
		const d = new HdlcDeframer({ maxLength: 4 + 256 });
		const events = d.push(data);
		const corrupt = this.faults.take(
			"ecmCorrupt",
			this.call.index,
			(f) => (f.page === undefined || f.page === this.pageNo) && (f.block === undefined || f.block === this.block) && (f.aboveBitRate === undefined || this.dcs.bitRate > f.aboveBitRate),
		);
		let rcp = 0;
		const dropped: number[] = [];
		for (const e of events) {
			if (e.kind !== "frame") continue;
			const f = e.frame;
			if (f[2] === EcmFcf.RCP) {
				rcp++;
				continue;
			}
			if (f[2] !== EcmFcf.FCD || f.length < 4) {
				this.call.notes.push(`ECM burst: frame 0x${(f[2] ?? 0).toString(16)} is not FCD/RCP`);
				continue;
			}
			const n = f[3]!;
			if (corrupt && n >= corrupt.from && n <= (corrupt.to ?? corrupt.from)) {
				dropped.push(n);
				this.firstSeen.add(n); // heard, damaged: its next copy is a resend
				continue;
			}
			if (f.length - 4 > this.rec.frameSize) this.call.notes.push(`FCD frame ${n} has ${f.length - 4} octets (frame size ${this.rec.frameSize})`);
			if (this.firstSeen.has(n)) this.rec.resentFrames++;
			this.firstSeen.add(n);
			this.frames.set(n, f.slice(4));
		}
		if (rcp === 0) this.call.notes.push(`ECM burst of page ${this.pageNo} block ${this.block} without RCP`);
		if (dropped.length) this.call.notes.push(`ECM fault: frames ${frameRanges(dropped)} of page ${this.pageNo} block ${this.block} arrived with a bad FCS`);
		if (d.stats.badFrames) this.call.notes.push(`ECM burst: ${d.stats.badFrames} frames with a bad FCS or length`);
		this.rec.bursts++;
		const b = this.burstStats;
		b.bytes += data.length;
		b.durationMs += info.durationMs;
		b.underrunMs += info.underrunMs;
		b.lostBytes += info.lostBytes;
		b.code = code;
		if (b.at === 0) b.at = this.now();
	}

	/** PPS from the caller. */
	onPps(fif: Uint8Array): EcmAnswer {
		const p = parsePpsFif(fif);
		const n = this.call.index;
		if (this.faults.take("noReply", n, (f) => f.to === "PPS" && (f.page === undefined || f.page === this.pageNo))) {
			this.call.notes.push(`PPS-${p.ppm} page ${p.page} block ${p.block} ignored (fault: lost reply)`);
			return {};
		}
		if (this.faults.take("dcn", n, (f) => f.after === "pps" && (f.page === undefined || f.page === this.pageNo))) return { reply: [frame(Fcf.DCN)], hangup: true };
		if (this.lostBurst) {
			// like SpanDSP when its T2 runs out in phase C: back to phase B (start_receiving_document)
			this.lostBurst = false;
			return { phaseB: true };
		}
		const a = this.answered;
		if (!(a && a.page === p.page && a.block === p.block)) this.blockFrames = Math.max(this.blockFrames, p.frames);
		if (a && a.page === p.page && a.block === p.block) return { reply: a.reply }; // a repeat: it missed our MCF
		if ((p.page & 0xff) !== (this.page & 0xff) || (p.block & 0xff) !== (this.block & 0xff)) {
			this.call.notes.push(`PPS for page ${p.page} block ${p.block}, expected ${this.page & 0xff}/${this.block & 0xff}`);
			return { reply: [frame(Fcf.DCN)] };
		}
		const rnr = this.rnrUntil === undefined ? this.faults.take("rnr", n, (f) => f.page === undefined || f.page === this.pageNo) : undefined;
		if (rnr) this.rnrUntil = this.now() + rnr.seconds * 1000;
		if (this.rnrUntil !== undefined && this.now() < this.rnrUntil) {
			this.pendingPps = p;
			this.rec.rnrs++;
			return { reply: [frame(Fcf.RNR)] };
		}
		return this.answerPps(p);
	}

	/** RR from the caller (polling after our RNR). */
	onRr(): EcmAnswer {
		if (this.rnrUntil !== undefined && this.now() < this.rnrUntil) {
			this.rec.rnrs++;
			return { reply: [frame(Fcf.RNR)] };
		}
		const p = this.pendingPps;
		if (!p) return this.answered ? { reply: this.answered.reply } : { reply: [frame(Fcf.DCN)] };
		this.pendingPps = undefined;
		return this.answerPps(p);
	}

	private answerPps(p: PpsFields): EcmAnswer {
		const missing: number[] = [];
		for (let i = 0; i < p.frames; i++) if (!this.frames.has(i)) missing.push(i);
		const n = this.call.index;
		if (missing.length === 0) {
			const phantom = this.faults.take("pprPhantom", n, (f) => f.page === undefined || f.page === this.pageNo);
			if (phantom) missing.push(phantom.frame);
		}
		if (missing.length > 0) {
			this.rec.pprs.push({ block: p.block, frames: missing });
			return { reply: [frame(Fcf.PPR, buildPprMap(missing))] };
		}
		return this.blockDone(p, "MCF");
	}

	/** The block is settled (MCF to its PPS, or ERR to EOR): keep its data, move on. */
	private blockDone(p: { ppm: EcmPpm; frames: number; page: number; block: number }, answer: "MCF" | "ERR"): EcmAnswer {
		const count = Math.max(p.frames, ...[...this.frames.keys()].map((k) => k + 1), 0);
		for (let i = 0; i < count; i++) this.pageData.push(this.frames.get(i) ?? new Uint8Array(this.rec.frameSize)); // a lost frame reads as white fill
		this.rec.blocks++;
		this.rec.frames += count;
		const reply = [frame(answer === "MCF" ? Fcf.MCF : Fcf.ERR)];
		this.answered = { page: p.page, block: p.block, reply };
		this.frames = new Map();
		this.firstSeen = new Set();
		this.blockFrames = 0;
		if (p.ppm === "NULL") {
			this.block++;
			return { reply };
		}
		const record = this.finishPage(p.ppm, answer);
		this.page++;
		this.block = 0;
		return { reply, page: { record, ppm: p.ppm, keep: record.accepted } };
	}

	private finishPage(ppm: Exclude<EcmPpm, "NULL">, answer: "MCF" | "ERR"): PageRecord {
		const total = this.pageData.reduce((a, d) => a + d.length, 0);
		const data = new Uint8Array(total);
		let o = 0;
		for (const d of this.pageData) {
			data.set(d, o);
			o += d.length;
		}
		const dcs = this.dcs;
		const b = this.burstStats;
		const rec: PageRecord = {
			page: this.pageNo,
			attempt: 1,
			resolution: dcs.resolution,
			width: dcs.width,
			at: b.at,
			code: b.code,
			modulationOk: true,
			bytes: total,
			durationMs: b.durationMs,
			underrunMs: b.underrunMs,
			lostBytes: b.lostBytes,
			rows: 0,
			badLines: 0,
			minRowBits: 0,
			minRowMs: 0,
			shortRows: 0,
			requiredScanMs: 0, // T.30 Annex A: no minimum scan-line time under ECM
			rtc: false,
			ppm,
			response: this.rec.eorBlocks.length ? "ERR" : answer, // a block given up anywhere in the page damns it
			accepted: false,
			ecm: { ...this.rec },
		};
		try {
			const r = decodeToBitmap(data, { coding: dcs.coding, width: dcs.width, bitOrder: "lsb" });
			rec.bitmap = r.bitmap;
			rec.rows = r.bitmap.height;
			rec.badLines = r.badLines;
			rec.rtc = r.endMarker !== "none";
		} catch (e) {
			rec.decodeError = e instanceof Error ? e.message : String(e);
		}
		rec.accepted = answer === "MCF" && rec.bitmap !== undefined && rec.ecm!.eorBlocks.length === 0;
		this.pageData = [];
		this.rec = this.freshRecord();
		this.burstStats = { bytes: 0, durationMs: 0, underrunMs: 0, lostBytes: 0, code: 0, at: 0 };
		return rec;
	}

	/** CTC: the caller drops its rate and keeps correcting; CTR (T.30 A.4.3). */
	onCtc(fif: Uint8Array): EcmAnswer {
		this.rec.ctcs++;
		const fields = parseDis(Uint8Array.of(fif[0] ?? 0, fif[1] ?? 0, 0));
		const rate = dcsRate(fields.modemCode);
		if (rate) {
			this.dcs = { ...this.dcs, bitRate: rate.bitRate, modulation: rate.modulation, tcfCode: rate.longTrain, pageCodes: [...new Set([rate.shortTrain, rate.longTrain])] };
		} else this.call.notes.push(`CTC with an unusable rate code 0x${fields.modemCode.toString(16)}`);
		return { reply: [frame(Fcf.CTR)] };
	}

	/** A new DCS (after EOM or a retrain): same call, page counter runs on. */
	withDcs(dcs: DcsRecord): this {
		this.dcs = dcs;
		return this;
	}

	/** The rate after CTCs (the DCS record the far end now expects). */
	get currentDcs(): DcsRecord {
		return this.dcs;
	}

	/** EOR: the caller gives the block up; ERR, and the block's missing frames stay missing (T.30 A.4.4). */
	onEor(fif: Uint8Array): EcmAnswer {
		const ppm = parseEorFif(fif);
		this.rec.eorBlocks.push(this.block);
		return this.blockDone({ ppm, frames: this.blockFrames, page: this.page, block: this.block }, "ERR");
	}
}
