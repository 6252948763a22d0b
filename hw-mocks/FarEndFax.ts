/**
 * FarEndFax: the simulated answering fax machine behind ModemSimulator (T.30 called terminal, receive
 * side, non-ECM). After ATD it answers and sends NSF/CSI/DIS (T.30 §5.2, Figure 5-2a; DIS repeated
 * every T4 while the caller is silent), takes TSI/DCS, judges TCF with HylaFAX's rule and answers
 * CFR/FTT, receives pages at the DCS rate and decodes them with src/t4, answers MPS/EOM/EOP (MCF/RTN,
 * or what a fault asks for), and on DCN writes the pages it kept as a TIFF Class F file. With `ecm` it
 * offers ECM and T.6 (MMR) in its DIS and takes ECM pages through EcmReceiver.ts (PPS/PPR/CTC/EOR/RR).
 * Everything it sees goes into the call's record (records.ts); each page's data goes to disk as it ends
 * (pageSpool.ts) and `PageRecord.bitmap` decodes it from there on demand, so memory stays bounded
 * whatever the page count. Layer: hw-mocks.
 */
import { join } from "node:path";
import { mkdir } from "node:fs/promises";
import { yResOf, type Bitmap, type FaxResolution } from "../src/core/bitmap.js";
import { buildFrame } from "../src/hdlc/frame.js";
import { Fcf, fcfName, hasXBit, type FcfName } from "../src/t30/fcf.js";
import { buildDis, dcsMinScanMs, dcsRate, dcsResolution, dcsWidth, decodeId, disMinScanMs, disRates, disResolutions, disWidths, emptyDis, encodeId, parseDis, type DisFields } from "../src/t30/dis.js";
import { ClassFWriter } from "../src/tiff/ClassFWriter.js";
import type { FaultSet, PostPageName } from "./faults.js";
import { judgeTcf } from "./lineChecks.js";
import { decodePage, samePage } from "./pageReceiver.js";
import { PageSpool, spooledProperty } from "./pageSpool.js";
import { EcmReceiver, type EcmAnswer } from "./EcmReceiver.js";
import type { CallEnd, CallRecord, DcsRecord, PageRecord } from "./records.js";

/** What the far end needs from the line (the DCE). */
export interface FarEndPort {
	/** line ms */
	now(): number;
	timer(lineMs: number, fn: () => void): { cancel(): void };
	/** A line-time watchdog (T4) that does not speed the line up while the caller is busy. */
	watchdog(lineMs: number, fn: () => void): { cancel(): void };
	/** Send V.21 frames (complete, without FCS) after `delayMs` of silence; `hangupAfter` = line drops after. Returns the line ms when it ends. */
	transmit(frames: Uint8Array[], delayMs: number, hangupAfter?: boolean): number;
}

export interface FarEndOptions {
	/** line ms from ATD to the first V.21 flags (ringing, answer, CED); default 4000 */
	answerDelayMs?: number;
	/** called subscriber id sent in CSI; default "+1 555 0100" */
	csi?: string;
	/** NSF FIF to send before CSI (none by default) */
	nsf?: Uint8Array;
	/** DIS bits 11-14 (dis.ts DisFields.modemCode packing); default 0xD = V.27ter, V.29, V.17 */
	modemCode?: number;
	/** fine resolution accepted; default true */
	fine?: boolean;
	/** superfine accepted; default false */
	superfine?: boolean;
	/** widest page accepted; default 1728 (A4) */
	maxWidth?: 1728 | 2048 | 2432;
	/** T.4 2-D (MR) accepted; default true */
	twoD?: boolean;
	/** offer error correction mode and, with it, T.6 (MMR) coding (DIS bits 27, 31); default false */
	ecm?: boolean;
	/** DIS bits 21-23 minimum scan-line time code (dis.ts minScanCode); default 7 = 0 ms */
	minScanCode?: number;
	/** line ms between the caller's carrier dropping and our answer's flags; default 100 */
	responseDelayMs?: number;
	/** T4: line ms of silence after our DIS before repeating it; default 3000 */
	disRepeatMs?: number;
	/** how many times DIS is sent at most when the caller stays silent; default 12 (about T1) */
	disMaxSends?: number;
	/** RTN when more than this fraction of rows is bad; default 0.1 */
	maxBadLineFraction?: number;
	/**
	 * When the TCF must begin after the DCS's carrier drops, line ms (T.30 §5.3.2.4: 75 ± 20 ms; a TCF
	 * outside the window is answered FTT, as a receiver that missed the training would). Default
	 * {min: 0, max: 6000} (only T2 enforced); the gap is always recorded.
	 */
	tcfGapMs?: { min: number; max: number };
	/** RTN a page whose rows are shorter than the scan-line time (a receiver that cannot keep up); default true */
	strictScanTime?: boolean;
	/** directory for one TIFF Class F per call with the pages kept (none when unset) */
	outDir?: string;
}

/** What the DCE measured about a high-speed transmission from the caller. */
export interface HostDataInfo {
	durationMs: number;
	underrunMs: number;
	lostBytes: number;
	/** silence on the line before it began, ms (undefined when nothing was on the line before) */
	gapMs?: number;
}

type State = "answering" | "awaitDcs" | "awaitTcf" | "awaitPage" | "awaitPpm" | "awaitDcn" | "done";

const frame = (name: FcfName, fif?: Uint8Array, final = true): Uint8Array => buildFrame(Fcf[name], fif, final);

export class FarEndFax {
	readonly answerDelayMs: number;
	readonly dis: DisFields;
	state: State = "answering";
	private readonly o: FarEndOptions;
	private dcs: DcsRecord | undefined;
	/** page data heard since our last post-page answer */
	private lastPage: PageRecord | undefined;
	private lastResponse: string | undefined;
	private lastTx: Uint8Array[] = [];
	private kept: PageRecord[] = [];
	private disTimer: { cancel(): void } | undefined;
	/** the page we last answered RTN/PIN to (a resend must match it) */
	private lastRejected: { page: number; bitmap?: Bitmap; data: Uint8Array } | undefined;
	private lastData: Uint8Array | undefined;
	private lastPageNo = 0;
	private disSends = 0;
	/** the ECM receiver of this call (one per call: the PPS page counter runs across EOM) */
	private ecm: EcmReceiver | undefined;

	constructor(
		private readonly line: FarEndPort,
		private readonly call: CallRecord,
		opts: FarEndOptions,
		private readonly faults: FaultSet,
		/** where received pages go (the simulator shares one across its calls) */
		private readonly spool: PageSpool = new PageSpool(),
	) {
		this.o = opts;
		this.answerDelayMs = opts.answerDelayMs ?? 4000;
		const d = emptyDis();
		d.t4Receiver = true;
		d.modemCode = opts.modemCode ?? 0xd;
		d.fine = opts.fine ?? true;
		d.superfine = opts.superfine ?? false;
		d.twoD = opts.twoD ?? true;
		d.ecm = opts.ecm ?? false;
		d.t6 = opts.ecm ?? false; // T.6 only with ECM (T.30 §5.3.6.2.1 note: MMR needs ECM)
		const w = opts.maxWidth ?? 1728;
		d.width255 = w === 2048;
		d.width303 = w === 2432;
		d.minScanCode = opts.minScanCode ?? 7;
		this.dis = d;
	}

	/** True once the caller sent DCN: the call is over. */
	gotDcn = false;

	private get delay(): number {
		return this.o.responseDelayMs ?? 100;
	}

	private send(frames: Uint8Array[], hangupAfter = false): number {
		this.lastTx = frames;
		return this.line.transmit(frames, this.delay, hangupAfter);
	}

	private disFrames(): Uint8Array[] {
		const fs: Uint8Array[] = [];
		if (this.o.nsf) fs.push(frame("NSF", this.o.nsf, false));
		fs.push(frame("CSI", encodeId(this.o.csi ?? "+1 555 0100"), false));
		fs.push(frame("DIS", buildDis(this.dis), true));
		return fs;
	}

	/** Send NSF/CSI/DIS and repeat them every T4 while the caller says nothing (T.30 §5.2 / Fig. 5-2a). */
	private sendDis(): void {
		this.state = "awaitDcs";
		const fs = this.disFrames();
		const end = this.send(fs);
		this.disSends++;
		if (this.faults.take("dcn", this.call.index, (f) => f.after === "dis")) {
			// a machine that offers DIS and then gives up (no paper, busy): DCN right after, then on-hook
			this.state = "done";
			this.line.transmit([frame("DCN")], end - this.line.now() + 75, true);
			return;
		}
		this.disTimer?.cancel();
		// repeat after our transmission plus T4 of silence (the DCE cancels it when the host transmits)
		const txMs = 1000 + fs.reduce((a, f) => a + ((f.length + 3) * 8 * 1000) / 300, 0);
		if (this.disSends < (this.o.disMaxSends ?? 12)) this.disTimer = this.line.watchdog(this.delay + txMs + (this.o.disRepeatMs ?? 3000), () => this.sendDis());
	}

	/** The line was answered: CED is over, send the DIS set. */
	answer(): void {
		this.sendDis();
	}

	/** The caller started a transmission: stop repeating DIS. */
	hostCarrierOn(): void {
		this.disTimer?.cancel();
		this.disTimer = undefined;
	}

	/** Page number the next high-speed data would be (for the vanish fault), or undefined. */
	nextDataIsPage(): number | undefined {
		if (this.state === "awaitPage" || (this.state === "awaitDcs" && this.dcs && this.lastResponse !== undefined)) return this.lastRejected ? this.lastRejected.page : this.lastPageNo + 1;
		return undefined;
	}

	// ------------------------------------------------------------------ V.21 frames from the caller

	/** A complete V.21 transmission from the caller (carrier dropped after its final frame). */
	hostFrames(frames: Uint8Array[]): void {
		if (this.state === "done") return;
		let dcs: DisFields | undefined;
		let ppm: PostPageName | undefined;
		let ecmCommand: { name: "PPS" | "EOR" | "CTC" | "RR"; fif: Uint8Array } | undefined;
		for (const f of frames) {
			const name = fcfName(f[2] ?? 0);
			const fif = f.subarray(3);
			if (f[0] !== 0xff || (f[1] !== 0x03 && f[1] !== 0x13)) this.call.notes.push(`frame ${name ?? "?"} with address/control ${f[0]?.toString(16)} ${f[1]?.toString(16)}`);
			// T.30 §5.3.6.1: the station that received the DIS sets the X bit on every frame it sends
			if (hasXBit(f[2] ?? 0) && ((f[2] ?? 0) & 1) === 0) this.call.notes.push(`${name} from the caller without the X bit`);
			switch (name) {
				case "TSI":
					this.call.tsi = decodeId(fif);
					break;
				case "DCS":
					dcs = parseDis(fif);
					break;
				case "MPS":
				case "EOM":
				case "EOP":
					ppm = name;
					break;
				case "DCN":
					this.gotDcn = true;
					this.state = "done";
					this.disTimer?.cancel();
					return;
				case "CRP":
					this.send(this.lastTx);
					return;
				case "PPS":
				case "EOR":
				case "CTC":
				case "RR":
					ecmCommand = { name, fif };
					break;
				case "SUB":
				case "SID":
				case "PWD":
				case "NSS":
					break;
				default:
					this.call.notes.push(`unexpected frame ${name ?? f[2]} from the caller in state ${this.state}`);
			}
		}
		if (dcs) this.onDcs(dcs);
		else if (ppm) this.onPostPage(ppm);
		else if (ecmCommand) this.onEcmCommand(ecmCommand.name, ecmCommand.fif);
	}

	private onDcs(fields: DisFields): void {
		const at = this.line.now();
		const rate = dcsRate(fields.modemCode);
		const resolution: FaxResolution = dcsResolution(fields);
		const rec: DcsRecord = {
			at,
			fields,
			bitRate: rate?.bitRate ?? 0,
			modulation: rate?.modulation ?? "unknown",
			tcfCode: rate?.longTrain ?? 0,
			pageCodes: rate ? [...new Set([rate.shortTrain, rate.longTrain])] : [],
			resolution,
			width: dcsWidth(fields),
			coding: fields.t6 ? "mmr" : fields.twoD ? "mr" : "mh",
			minScanMs: dcsMinScanMs(fields.minScanCode),
		};
		this.call.dcs.push(rec);
		if (this.faults.take("noReply", this.call.index, (f) => f.to === "DCS")) {
			this.call.notes.push("DCS ignored (fault)");
			return;
		}
		if (this.faults.take("dcn", this.call.index, (f) => f.after === "dcs")) return this.disconnect();
		const problems: string[] = [];
		if (!rate || !disRates(this.dis.modemCode).some((r) => r.bitRate === rate.bitRate && r.modulation === rate.modulation)) problems.push(`rate ${rec.modulation} ${rec.bitRate} not offered`);
		if (!disWidths(this.dis).includes(rec.width as 1728)) problems.push(`width ${rec.width} not offered`);
		if (!disResolutions(this.dis).includes(resolution)) problems.push(`resolution ${resolution} not offered`);
		if (rec.coding === "mr" && !this.dis.twoD) problems.push("2-D not offered");
		if (fields.ecm && !this.dis.ecm) problems.push("ECM not offered");
		if (rec.coding === "mmr" && !(this.dis.t6 && fields.ecm)) problems.push(fields.ecm ? "MMR not offered" : "MMR without ECM");
		if (!fields.t4Receiver) problems.push("DCS lacks the receive bit (10)");
		if (rec.minScanMs < disMinScanMs(this.dis, resolution)) problems.push(`scan-line time ${rec.minScanMs} ms below ours`);
		if (problems.length) {
			this.call.notes.push(`DCS rejected: ${problems.join("; ")}`);
			return this.disconnect();
		}
		this.dcs = rec;
		this.state = "awaitTcf";
		if (fields.ecm) this.ecm = this.ecm ? this.ecm.withDcs(rec) : new EcmReceiver(this.call, this.faults, rec, () => this.line.now());
	}

	private disconnect(): void {
		this.state = "done";
		this.disTimer?.cancel();
		this.send([frame("DCN")], true);
	}

	// ------------------------------------------------------------------ high-speed data from the caller

	/** High-speed data heard (after the carrier dropped). */
	hostData(code: number, data: Uint8Array, info: HostDataInfo): void {
		const dcs = this.dcs;
		if (this.state === "awaitTcf" && dcs) return this.onTcf(dcs, code, data, info);
		if (dcs?.fields.ecm && this.ecm && this.state === "awaitPage") return this.ecm.onBurst(code, data, info);
		if (dcs && (this.state === "awaitPage" || (this.state === "awaitDcs" && this.lastResponse !== undefined))) return this.onPage(dcs, code, data, info);
		this.call.notes.push(`high-speed data (+FTM=${code}, ${data.length} bytes) in state ${this.state} ignored`);
	}

	private onTcf(dcs: DcsRecord, code: number, data: Uint8Array, info: HostDataInfo): void {
		const lostBytes = info.lostBytes;
		const j = judgeTcf(data, dcs.bitRate);
		const rec = {
			at: this.line.now(),
			code,
			expectedCode: dcs.tcfCode,
			bytes: j.bytes,
			durationMs: j.durationMs,
			zeroRunMs: j.zeroRunMs,
			nonZeroFraction: j.nonZeroFraction,
			lostBytes,
			verdict: "none" as "CFR" | "FTT" | "DIS" | "DCN" | "none",
		};
		this.call.tcf.push(rec);
		const n = this.call.index;
		if (this.faults.take("disAfterDcs", n)) {
			rec.verdict = "DIS";
			this.dcs = undefined;
			return this.sendDis();
		}
		if (this.faults.take("dcn", n, (f) => f.after === "tcf")) {
			rec.verdict = "DCN";
			return this.disconnect();
		}
		const ftt = this.faults.has("fttAbove", n, (f) => dcs.bitRate > f.bitRate);
		const win = this.o.tcfGapMs ?? { min: 0, max: 6000 };
		const gapBad = info.gapMs !== undefined && (info.gapMs < win.min || info.gapMs > win.max);
		if (gapBad) this.call.notes.push(`TCF began ${info.gapMs!.toFixed(0)} ms after the DCS (window ${win.min}-${win.max} ms): training missed`);
		if (code !== dcs.tcfCode) this.call.notes.push(`TCF sent with +FTM=${code}; the DCS asks for ${dcs.tcfCode} (long train)`);
		if (ftt || gapBad || code !== dcs.tcfCode || !j.ok) {
			rec.verdict = "FTT";
			this.state = "awaitDcs";
			this.dcs = undefined;
			this.send([frame("FTT")]);
			return;
		}
		rec.verdict = "CFR";
		this.state = "awaitPage";
		this.send([frame("CFR")]);
	}

	private onPage(dcs: DcsRecord, code: number, data: Uint8Array, info: HostDataInfo): void {
		// the caller's page number: a resend of the page we last rejected (RTN/PIN) carries the same
		// pixels; anything else means the caller gave up on that page and moved on
		const decoded = decodePage(dcs, code, data);
		const rejected = this.lastRejected;
		const resend = rejected !== undefined && samePage(rejected, decoded, data);
		const page = resend ? rejected.page : this.lastPageNo + 1;
		this.lastPageNo = page;
		const attempt = this.call.pages.filter((p) => p.page === page).length + 1;
		const requiredScanMs = Math.max(dcs.minScanMs, disMinScanMs(this.dis, dcs.resolution));
		const rec: PageRecord = {
			page,
			attempt,
			resolution: dcs.resolution,
			width: dcs.width,
			at: this.line.now(),
			code,
			modulationOk: dcs.pageCodes.includes(code),
			bytes: data.length,
			durationMs: info.durationMs,
			underrunMs: info.underrunMs,
			lostBytes: info.lostBytes,
			rows: 0,
			badLines: 0,
			minRowBits: 0,
			minRowMs: 0,
			shortRows: 0,
			requiredScanMs,
			rtc: false,
			accepted: false,
			...(this.state === "awaitDcs" ? { noRetrain: true } : {}),
		};
		if (rec.noRetrain) this.call.notes.push(`page ${page} sent without retraining after ${this.lastResponse}`);
		Object.assign(rec, decoded.fields);
		if (decoded.bitmap) {
			// to disk now; the record reads it back when asked (bounded memory for any page count)
			const ref = this.spool.put(data);
			const spool = this.spool;
			spooledProperty(rec, "bitmap", decoded.bitmap, () => decodePage(dcs, code, spool.read(ref)).bitmap);
		}
		rec.shortRows = decoded.rowBits.filter((b) => b < (requiredScanMs * dcs.bitRate) / 1000).length;
		this.lastData = data;
		this.call.pages.push(rec);
		this.lastPage = rec;
		this.state = "awaitPpm";
	}

	// ------------------------------------------------------------------ post-page

	private quality(p: PageRecord | undefined): "MCF" | "RTN" {
		if (!p || !p.bitmap || p.rows === 0 || p.decodeError) return "RTN";
		if (p.shortRows > 0 && (this.o.strictScanTime ?? true)) return "RTN";
		return p.badLines / p.rows > (this.o.maxBadLineFraction ?? 0.1) ? "RTN" : "MCF";
	}

	private onPostPage(ppm: PostPageName): void {
		const n = this.call.index;
		const p = this.lastPage;
		const pageNo = p?.page ?? this.kept.length;
		const entry = { at: this.line.now(), name: ppm, page: pageNo, response: "" };
		this.call.ppms.push(entry);
		if (!p && this.lastResponse === undefined) {
			this.call.notes.push(`${ppm} without a page`);
			return;
		}
		if (this.faults.take("noReply", n, (f) => f.to === ppm && (f.page === undefined || f.page === pageNo))) return;
		if (this.faults.take("dcn", n, (f) => (f.after === "mps" ? ppm === "MPS" || ppm === "EOM" : f.after === "eop" && ppm === "EOP") && (f.page === undefined || f.page === pageNo))) {
			entry.response = "DCN";
			return this.disconnect();
		}
		if (!p) {
			// the caller repeated its PPM (it missed our answer): answer the same again
			entry.response = this.lastResponse!;
			this.send([frame(this.lastResponse as FcfName)]);
			return;
		}
		const forced = this.faults.take("postPage", n, (f) => f.page === pageNo);
		const response = forced?.response ?? this.quality(p);
		entry.response = response;
		if (response === "CRP") {
			this.send([frame("CRP")]);
			return; // the page is still pending: the caller repeats its PPM
		}
		p.ppm = ppm;
		p.response = response;
		this.lastPage = undefined;
		this.lastResponse = response;
		const keep = response === "MCF" || response === "RTP" || response === "PIP";
		if (keep) {
			p.accepted = true;
			this.kept.push(p);
			this.lastRejected = undefined;
		} else this.lastRejected = { page: p.page, ...(p.bitmap ? { bitmap: p.bitmap } : {}), data: this.lastData ?? new Uint8Array(0) };
		if (keep && ppm === "EOP") this.state = "awaitDcn";
		else if (response === "MCF" && ppm === "MPS") this.state = "awaitPage";
		else this.state = "awaitDcs"; // RTN/RTP/PIN/PIP need a new DCS+TCF; EOM goes back to phase B
		this.send([frame(response as FcfName)]);
		if (response === "MCF" && ppm === "EOM") this.line.timer(this.delay + 1500, () => this.state === "awaitDcs" && this.sendDis());
	}

	// ------------------------------------------------------------------ ECM (T.30 Annex A)

	private onEcmCommand(name: "PPS" | "EOR" | "CTC" | "RR", fif: Uint8Array): void {
		const ecm = this.ecm;
		if (!ecm || this.state !== "awaitPage") {
			this.call.notes.push(`${name} in state ${this.state}${ecm ? "" : " without ECM"}`);
			return;
		}
		let a: EcmAnswer;
		try {
			a = name === "PPS" ? ecm.onPps(fif) : name === "EOR" ? ecm.onEor(fif) : name === "CTC" ? ecm.onCtc(fif) : ecm.onRr();
		} catch (e) {
			this.call.notes.push(`${name}: ${e instanceof Error ? e.message : String(e)}`);
			return this.disconnect();
		}
		if (a.hangup) {
			this.call.notes.push(`DCN in reply to ${name} (fault)`);
			return this.disconnect();
		}
		if (a.phaseB) {
			this.dcs = undefined;
			return this.sendDis();
		}
		if (name === "CTC") this.dcs = ecm.currentDcs;
		const done = a.page;
		if (done) {
			const r = done.record;
			this.call.pages.push(r);
			this.call.ppms.push({ at: this.line.now(), name: `${name}-${done.ppm}`, page: r.page, response: r.response ?? "" });
			this.lastPageNo = r.page;
			if (done.keep) this.kept.push(r);
			this.lastResponse = r.response;
			if (done.ppm === "EOP") this.state = "awaitDcn";
			else if (done.ppm === "EOM") this.state = "awaitDcs";
		}
		if (a.reply) this.send(a.reply);
		if (done?.ppm === "EOM") this.line.timer(this.delay + 1500, () => this.state === "awaitDcs" && this.sendDis());
	}

	// ------------------------------------------------------------------ end of call

	/** The call is over: write the kept pages as one TIFF Class F file. */
	async finish(_end: CallEnd): Promise<void> {
		this.disTimer?.cancel();
		this.state = "done";
		const dir = this.o.outDir;
		if (!dir || this.kept.length === 0) return;
		await mkdir(dir, { recursive: true });
		const stamp = new Date().toISOString().replace(/[-:]/g, "").replace(/\..*/, "");
		const path = join(dir, `fax-${stamp}-call${this.call.index}.tif`);
		const w = await ClassFWriter.create(path, { coding: "mh" });
		try {
			for (const p of this.kept) {
				await w.addPage({ bitmap: p.bitmap!, xRes: 204, yRes: yResOf(p.resolution), badLines: p.badLines });
			}
			await w.close();
		} catch (e) {
			await w.abort();
			throw e;
		}
		this.call.tiffPath = path;
	}
}
