/**
 * T.30 session parameters as a Class 2/2.0 DCE writes them (T.32 §8.5.1.1 / SP-2388 +FDCC:
 * "VR,BR,WD,LN,DF,EC,BF,ST"), and what the simulated firmware does with them: the remote's DIS as a
 * +FIS/+FDIS report, the DTE's +FIS/+FDCC intersected with the DIS into the session (+FCS/+FDCS) and the
 * DCS that carries it. VR is T.32's bit mask (1 = R8x7.7 fine, 2 = R8x15.4 superfine; 0 = normal only),
 * BR 0-5 = 2400..14400, WD 0/1/2 = 1728/2048/2432, LN 0/1/2 = A4/B4/unlimited, DF 0 MH, 1 MR, 3 MMR,
 * ST 0-7 = 0/5/10(5 fine)/10/20(10)/20/40(20)/40 ms. Layer: hw-mocks (imports pure src/t30/dis.ts).
 */
import type { FaxResolution } from "../../src/core/bitmap.js";
import { RATES, dcsMinScanCode, disMinScanMs, disRates, disResolutions, disWidths, emptyDis, type DisFields, type Rate } from "../../src/t30/dis.js";

export interface T30Params {
	vr: number;
	br: number;
	wd: number;
	ln: number;
	df: number;
	ec: number;
	bf: number;
	st: number;
}

export const PARAM_KEYS = ["vr", "br", "wd", "ln", "df", "ec", "bf", "st"] as const;

/** Highest value the simulated DCE supports per field (no ECM, no BFT, no MMR: the far end is non-ECM). */
export const DCE_LIMITS: T30Params = { vr: 3, br: 5, wd: 2, ln: 2, df: 1, ec: 0, bf: 0, st: 7 };

/** Reply to `AT+FCC=?` / `AT+FIS=?` (T.32 §8.5.1.1: one range per field). */
export const PARAM_RANGES = "(0-3),(0-5),(0-2),(0-2),(0,1),(0),(0),(0-7)";

export const BIT_RATES = [2400, 4800, 7200, 9600, 12000, 14400] as const;
export const WIDTHS = [1728, 2048, 2432] as const;

export function formatParams(p: T30Params): string {
	return PARAM_KEYS.map((k) => p[k]).join(",");
}

/**
 * Apply `AT+FIS=...` to `base`: empty fields keep their value (T.32 §8.5.1: "a parameter may be
 * omitted"). Returns undefined on a value out of range (ERROR).
 */
export function applyParams(base: T30Params, arg: string, limits: T30Params = DCE_LIMITS): T30Params | undefined {
	const parts = arg.split(",");
	if (parts.length > 9) return undefined; // a ninth JP field is allowed and ignored
	const out = { ...base };
	for (let i = 0; i < Math.min(parts.length, 8); i++) {
		const s = parts[i]!.trim();
		if (s === "") continue;
		const k = PARAM_KEYS[i]!;
		// SP-2388 modems accept hex digits for VR; T.32 VR is a hex bit mask
		const v = k === "vr" ? parseInt(s, 16) : /^\d+$/.test(s) ? Number(s) : NaN;
		if (!(v >= 0 && v <= limits[k])) return undefined;
		out[k] = v;
	}
	return out;
}

/** The remote's DIS as +FIS/+FDIS values. */
export function paramsFromDis(d: DisFields): T30Params {
	const rates = disRates(d.modemCode);
	const best = rates[0]?.bitRate ?? 2400;
	const res = disResolutions(d);
	const widths = disWidths(d);
	return {
		vr: (res.includes("fine") ? 1 : 0) | (res.includes("superfine") ? 2 : 0),
		br: BIT_RATES.indexOf(best as 2400),
		wd: WIDTHS.indexOf(widths.at(-1)!),
		ln: d.lengthUnlimited ? 2 : d.lengthB4 ? 1 : 0,
		df: d.t6 && d.ecm ? 3 : d.twoD ? 1 : 0,
		ec: 0,
		bf: 0,
		st: scanCodeOf(disMinScanMs(d, "standard"), disMinScanMs(d, "fine")),
	};
}

/** T.32 ST code for a receiver's scan-line times at normal / fine resolution. */
function scanCodeOf(std: number, fine: number): number {
	const base = ({ 0: 0, 5: 1, 10: 3, 20: 5, 40: 7 } as Record<number, number>)[std] ?? 5;
	return std > 5 && fine < std ? base - 1 : base;
}

export const resolutionOfVr = (vr: number): FaxResolution => (vr & 2 ? "superfine" : vr & 1 ? "fine" : "standard");

export interface Session {
	params: T30Params;
	resolution: FaxResolution;
	width: number;
	coding: "mh" | "mr";
	/** rates to try, fastest first, not below the DTE's minimum */
	rates: Rate[];
}

/**
 * The session for the DTE's wanted parameters against the remote's DIS (what a Class 2 firmware does in
 * phase B): each field the lower of wanted and offered; resolution falls back fine -> normal; rates
 * from the fastest both sides allow down to `minBr` (+FMS/+FMINSP).
 */
export function negotiate(want: T30Params, dis: DisFields, minBr: number): Session | undefined {
	const remote = paramsFromDis(dis);
	const wantRes = resolutionOfVr(want.vr);
	const offered = disResolutions(dis);
	const resolution: FaxResolution = offered.includes(wantRes) ? wantRes : wantRes === "superfine" && offered.includes("fine") ? "fine" : "standard";
	const vr = resolution === "superfine" ? 2 : resolution === "fine" ? 1 : 0;
	const maxRate = BIT_RATES[Math.min(want.br, remote.br)]!;
	const minRate = BIT_RATES[Math.min(minBr, 5)]!;
	const rates = disRates(dis.modemCode).filter((r) => r.bitRate <= maxRate && r.bitRate >= minRate);
	if (!rates.length) return undefined;
	const wd = Math.min(want.wd, remote.wd);
	const df = Math.min(want.df, remote.df, 1);
	const st = scanCodeOf(disMinScanMs(dis, "standard"), disMinScanMs(dis, "fine"));
	return {
		params: { vr, br: BIT_RATES.indexOf(rates[0]!.bitRate as 2400), wd, ln: Math.min(want.ln, remote.ln), df, ec: 0, bf: 0, st },
		resolution,
		width: WIDTHS[wd]!,
		coding: df === 1 ? "mr" : "mh",
		rates,
	};
}

/** The DCS for a session at `rate`, with the scan-line time the DIS asks for. */
export function dcsFor(s: Session, rate: Rate, dis: DisFields): DisFields {
	const d = emptyDis();
	d.t4Receiver = true;
	d.modemCode = rate.dcsCode;
	d.fine = s.resolution === "fine";
	d.superfine = s.resolution === "superfine";
	d.twoD = s.coding === "mr";
	d.width255 = s.width === 2048;
	d.width303 = s.width === 2432;
	d.lengthB4 = s.params.ln === 1;
	d.lengthUnlimited = s.params.ln === 2;
	d.minScanCode = dcsMinScanCode(disMinScanMs(dis, s.resolution));
	return d;
}

/** Session parameters with BR set for the rate in use. */
export function atRate(s: Session, rate: Rate): T30Params {
	return { ...s.params, br: BIT_RATES.indexOf(rate.bitRate as 2400) };
}

export { RATES };
