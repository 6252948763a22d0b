/**
 * Class 2 session parameters on the DTE side (T.32 §8.5.1.1 "VR,BR,WD,LN,DF,EC,BF,ST", SP-2388 Table
 * 8.2): parse the +FCS/+FDCS and +FIS/+FDIS reports into NegotiatedParams / capabilities, and write the
 * AT+FIS / AT+FDIS argument for the page about to be sent. VR is read as T.32's bit mask (1 fine,
 * 2 superfine; SP-2388 has only 0/1), BR 0-5 = 2400-14400, WD 0/1/2 = 1728/2048/2432, DF 0 MH, 1 MR,
 * 2 uncompressed, 3 MMR, EC 0 none. Layer: modem (pure).
 */
import type { FaxResolution } from "../core/bitmap.js";
import { FaxError } from "../core/FaxError.js";
import type { Coding, NegotiatedParams } from "./FaxModem.js";

export interface Class2Params {
	vr: number;
	br: number;
	wd: number;
	ln: number;
	df: number;
	ec: number;
	bf: number;
	st: number;
}

export const BIT_RATES = [2400, 4800, 7200, 9600, 12000, 14400] as const;
export const WIDTHS = [1728, 2048, 2432] as const;
/** ST code -> minimum scan-line time in ms at normal / fine resolution (T.32 Table 21). */
const SCAN_MS: readonly (readonly [number, number])[] = [
	[0, 0],
	[5, 5],
	[10, 5],
	[10, 10],
	[20, 10],
	[20, 20],
	[40, 20],
	[40, 40],
];

/** Parse "1,5,0,2,0,0,0,0" (spaces and a leading "+FCS:" tolerated). Throws AT_UNEXPECTED_RESPONSE. */
export function parseClass2Params(text: string): Class2Params {
	const body = text.replace(/^\+F\w+\s*:\s*/i, "").trim();
	const parts = body.split(",").map((s) => s.trim());
	const nums = parts.slice(0, 8).map((s, i) => (i === 0 ? parseInt(s, 16) : Number(s)));
	if (parts.length < 8 || nums.some((n) => !Number.isInteger(n) || n < 0)) throw new FaxError("AT_UNEXPECTED_RESPONSE", `bad Class 2 parameter report '${text}'`, { context: { line: text } });
	const [vr, br, wd, ln, df, ec, bf, st] = nums as [number, number, number, number, number, number, number, number];
	return { vr, br, wd, ln, df, ec, bf, st };
}

export const resolutionOfVr = (vr: number): FaxResolution => (vr & 2 ? "superfine" : vr & 1 ? "fine" : "standard");
export const vrOf = (r: FaxResolution): number => (r === "superfine" ? 2 : r === "fine" ? 1 : 0);

const CODING: Record<number, Coding | undefined> = { 0: "mh", 1: "mr", 3: "mmr" };

/** The session a +FCS/+FDCS report announces. Throws on values faxline cannot send (uncompressed, JBIG...). */
export function negotiatedFrom(p: Class2Params): NegotiatedParams {
	const coding = CODING[p.df];
	const width = WIDTHS[p.wd];
	const bitRate = BIT_RATES[p.br];
	if (!coding || !width || !bitRate) throw new FaxError("INCOMPATIBLE", `session ${formatClass2Params(p)} uses a format faxline does not send`, { context: { session: formatClass2Params(p) }, disposition: "fail" });
	const resolution = resolutionOfVr(p.vr);
	const [std, fine] = SCAN_MS[p.st & 7]!;
	return {
		bitRate,
		modulation: bitRate > 9600 ? "V.17" : bitRate >= 7200 ? "V.29" : "V.27ter", // the report names no modulation (T.32 BR is a rate)
		resolution,
		width,
		coding,
		ecm: p.ec !== 0,
		minScanLineMs: resolution === "standard" ? std : fine,
	};
}

export function formatClass2Params(p: Class2Params): string {
	return [p.vr.toString(16).toUpperCase(), p.br, p.wd, p.ln, p.df, p.ec, p.bf, p.st].join(",");
}

/**
 * The +FIS/+FDIS argument for a page: its resolution and width, our best rate and coding, no ECM
 * (faxline's Class 2 path sends non-ECM pages), scan time 0 (the DCE applies the receiver's).
 */
export function sessionFor(o: { resolution: FaxResolution; width: number; maxRate: number; allowMr: boolean; dialect: "2" | "2.0" }): Class2Params {
	const br = Math.max(0, BIT_RATES.findLastIndex((r) => r <= o.maxRate));
	const wd = Math.max(0, WIDTHS.indexOf(o.width as 1728));
	// SP-2388 VR has no superfine: a Class 2 modem is asked for fine and the page is re-fitted to what +FDCS says
	const vr = o.dialect === "2" ? Math.min(1, vrOf(o.resolution)) : vrOf(o.resolution);
	return { vr, br, wd, ln: 2, df: o.allowMr ? 1 : 0, ec: 0, bf: 0, st: 0 };
}
