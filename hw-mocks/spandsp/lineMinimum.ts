/**
 * The theoretical minimum duration of a T.30 call on the SpanDSP line, ATD to hang-up, for the benchmarks
 * (issue 5 non-ECM, issue 9 ECM with MMR: minimumEcmCallMs below): the mandated phases at their nominal
 * lengths, nothing for host or modem latency.
 *
 *   answer: CED as SpanDSP sends it (200 ms silence + 2.6 s, the T.30 minimum of 2.6-4 s)
 *   every V.21 burst: 75 ms silence (T.30 5.3.2.2) + 1 s -15% of flags (T.30 5.3.1, 32 octets as SpanDSP
 *     sends them) + each frame's octets with 2 FCS octets and a closing flag, at 300 bit/s
 *   phase B: CSI + DIS (lengths SpanDSP's receiver sends), DCS (3-octet FIF, no optional TSI),
 *     75 ms + long training + 1.5 s TCF, CFR
 *   each page: 75 ms + short training + coded page bits / rate, PPM (MPS/EOP), MCF
 *   end: DCN
 * Training times (ITU-T T.30 / V.17 / V.29 / V.27ter): V.17 long 1393 ms, short 142 ms; V.29 253 ms;
 * V.27ter 708 ms at 4800, 943 ms at 2400. Bit stuffing and modem turn-on delays are left out.
 * Page bits come from libtiff's own T.4 coders (tiffcp -c g3:1d / g3:2d, one strip) plus RTC.
 * Layer: hw-mocks (benchmarks only).
 */
import { execFile } from "node:child_process";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import type { Bitmap } from "../../src/core/bitmap.js";
import { HdlcFramer } from "../../src/hdlc/framer.js";
import { writeG3Pages } from "./pages.js";

const run = promisify(execFile);

const V21_BPS = 300;
const TURNAROUND_MS = 75;
const PREAMBLE_MS = (32 * 8 * 1000) / V21_BPS;
const CED_MS = 200 + 2600;
/** octets with address, control, FCF, FIF and FCS */
const FRAME = { csi: 25, dis: 15, dcs: 8, cfr: 5, ppm: 5, mcf: 5, dcn: 5 } as const;

/** Long and short training of the modem used at `rate` bit/s (ms). */
export function trainingMs(rate: number): { long: number; short: number } {
	if (rate >= 12000) return { long: 1393, short: 142 };
	if (rate === 9600 || rate === 7200) return { long: 253, short: 253 }; // V.29 (V.17 9600/7200 are avoided)
	if (rate === 4800) return { long: 708, short: 708 };
	return { long: 943, short: 943 };
}

const v21Burst = (...octets: number[]): number =>
	TURNAROUND_MS + PREAMBLE_MS + octets.reduce((ms, n) => ms + ((n * 8 + 8) * 1000) / V21_BPS, 0);

/** Minimum call time (ms) for pages of `pageBits` coded bits each, sent at `rate` bit/s. */
export function minimumCallMs(pageBits: number[], rate: number): number {
	const t = trainingMs(rate);
	let ms = CED_MS + v21Burst(FRAME.csi, FRAME.dis) + v21Burst(FRAME.dcs) + TURNAROUND_MS + t.long + 1500 + v21Burst(FRAME.cfr);
	for (const bits of pageBits) ms += TURNAROUND_MS + t.short + (bits * 1000) / rate + v21Burst(FRAME.ppm) + v21Burst(FRAME.mcf);
	return ms + v21Burst(FRAME.dcn);
}

/** Coded size in bits of a page as libtiff's T.4 encoder writes it (MH or MR), plus RTC. */
export async function codedPageBits(page: Bitmap, yDpi: number, coding: "mh" | "mr"): Promise<number> {
	const dir = mkdtempSync(join(tmpdir(), "faxline-min-"));
	const [src] = await writeG3Pages([page], yDpi, { dir }); // min-is-white G3 from efix
	const g3 = join(dir, "g3.tif");
	await run("tiffcp", ["-c", coding === "mh" ? "g3:1d" : "g3:2d", "-r", String(page.height), src!, g3]);
	const { stdout } = await run("tiffdump", [g3]);
	const m = /StripByteCounts \(279\) (?:SHORT|LONG) \(\d+\) 1<(\d+)>/.exec(stdout);
	if (!m) throw new Error(`no single StripByteCounts in ${g3}`);
	return Number(m[1]) * 8 + (coding === "mh" ? 6 * 12 : 6 * 13);
}

// ---- ECM (T.30 Annex A) with MMR on the line ----

/** The page coded as T.6 (MMR) by libtiff (tiffcp -c g4, one strip, EOFB included), in line order (LSB first). */
export async function codedPageMmr(page: Bitmap, yDpi: number): Promise<Uint8Array> {
	const dir = mkdtempSync(join(tmpdir(), "faxline-min-"));
	const [src] = await writeG3Pages([page], yDpi, { dir });
	const g4 = join(dir, "g4.tif");
	await run("tiffcp", ["-c", "g4", "-f", "lsb2msb", "-r", String(page.height), src!, g4]);
	const { stdout } = await run("tiffdump", [g4]);
	const off = /StripOffsets \(273\) (?:SHORT|LONG) \(\d+\) 1<(\d+)>/.exec(stdout);
	const cnt = /StripByteCounts \(279\) (?:SHORT|LONG) \(\d+\) 1<(\d+)>/.exec(stdout);
	if (!off || !cnt) throw new Error(`no single strip in ${g4}`);
	const buf = readFileSync(g4);
	return buf.subarray(Number(off[1]), Number(off[1]) + Number(cnt[1]));
}

/** Bits of frames on an HDLC channel: flag + each frame (with FCS) stuffed + its closing flag (src/hdlc/framer.ts, bit-exact with SpanDSP's). */
const hdlcBits = (frames: Uint8Array[], leadingFlags = 1): number => {
	const f = new HdlcFramer();
	f.flags(leadingFlags);
	for (const x of frames) f.frame(x);
	return f.bitLength;
};

/** One V.21 burst of T.30 frames: 75 ms turnaround + 0.85 s of flags (T.30 §5.3.1, 32 octets as SpanDSP sends) + the frames at 300 bit/s, stuffing counted. */
const v21FramesMs = (frames: Uint8Array[]): number => TURNAROUND_MS + PREAMBLE_MS + ((hdlcBits(frames, 0) * 1000) / V21_BPS);

export interface EcmMinimum {
	totalMs: number;
	/** per page: MMR octets, FCD frames, bits on the line of its ECM burst */
	pages: { mmrBytes: number; frames: number; burstBits: number }[];
	/** how the total splits: answer + phase B, page bursts, post-page exchanges, DCN */
	parts: { phaseB: number; bursts: number; postPage: number; dcn: number };
}

/**
 * The theoretical minimum of an ECM call with MMR pages, ATD to hang-up, nothing for host or modem latency:
 * CED (2.8 s); CSI + DIS (the lengths SpanDSP sends, 23+2 and 13+2 octets); DCS with ECM (4-octet FIF),
 * 75 ms + long training + 1.5 s TCF; CFR; per page (each page one block here): 75 ms + short training +
 * 200 ms of flags (the preamble SpanDSP fax.c and HylaFAX send before the first frame) + each FCD frame
 * (FF 03 06 n + up to `frameSize` MMR octets + FCS, stuffed, closing flag) + 3 RCP, at `rate`; PPS
 * (4-octet FIF) and MCF; DCN. V.21 frames: every bit at 300 bit/s, zero insertion counted exactly.
 */
export function minimumEcmCallMs(pagesMmr: Uint8Array[], rate: number, frameSize: 64 | 256 = 256): EcmMinimum {
	const t = trainingMs(rate);
	const fr = (fcf: number, fifLen: number): Uint8Array => Uint8Array.from([0xff, 0x13, fcf, ...new Uint8Array(fifLen)]);
	const csi = Uint8Array.from([0xff, 0x03, 0x40, ...new Uint8Array(20).fill(0x20)]);
	const phaseB = CED_MS + v21FramesMs([csi, fr(0x80, 10)]) + v21FramesMs([fr(0x83, 4)]) + TURNAROUND_MS + t.long + 1500 + v21FramesMs([fr(0x84, 0)]);
	let bursts = 0;
	let postPage = 0;
	const pages: EcmMinimum["pages"] = [];
	for (const data of pagesMmr) {
		const frames: Uint8Array[] = [];
		for (let o = 0, n = 0; o < data.length; o += frameSize, n++) frames.push(Uint8Array.from([0xff, 0x03, 0x06, n & 0xff, ...data.subarray(o, o + frameSize)]));
		const rcp = Uint8Array.of(0xff, 0x03, 0x86);
		const burstBits = Math.ceil((200 * rate) / 1000) + hdlcBits([...frames, rcp, rcp, rcp], 0);
		pages.push({ mmrBytes: data.length, frames: frames.length, burstBits });
		bursts += TURNAROUND_MS + t.short + (burstBits * 1000) / rate;
		postPage += v21FramesMs([fr(0xbf, 4)]) + v21FramesMs([fr(0x8c, 0)]);
	}
	const dcn = v21FramesMs([fr(0xfb, 0)]);
	return { totalMs: phaseB + bursts + postPage + dcn, pages, parts: { phaseB, bursts, postPage, dcn } };
}
