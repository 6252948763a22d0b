/**
 * The theoretical minimum duration of a non-ECM T.30 call on the SpanDSP line, ATD to hang-up, for the
 * benchmark (issue 5): the mandated phases at their nominal lengths, nothing for host or modem latency.
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
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import type { Bitmap } from "../../src/core/bitmap.js";
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
