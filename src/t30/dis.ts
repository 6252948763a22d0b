/**
 * DIS / DTC / DCS information fields (T.30 §5.3.6.2.1, Table 2) and identity fields (§5.3.6.2.4).
 * Bit n of Table 2 is bit (n-1)%8 (LSB = first sent) of FIF octet (n-1)/8 on the DTE link; octets from the
 * third on end with an extension bit (24, 32, 40, ...) saying another octet follows. Bit numbers checked
 * against SpanDSP t30_dis_dtc_dcs_bits.h and HylaFAX t.30.h (17 = 255 mm, 18 = 303 mm, 19 = B4 length,
 * 20 = unlimited). Layer: t30, pure (Uint8Array in/out, no I/O).
 */
import type { FaxResolution } from "../core/bitmap.js";
import type { ModulationCode } from "../modem/Class1Link.js";

/** Single-bit fields of Table 2 by name (DIS/DTC meaning; in DCS the same bit selects the mode). */
export const DisBit = {
	t37: 1, // T.37 simple mode
	t38: 3, // T.38
	mobile3g: 4, // 3G mobile network
	v8: 6, // V.8 capabilities
	ecmFrame64Preferred: 7, // DIS: 64-octet ECM frames preferred
	readyToTransmit: 9, // DIS/DTC: document ready to be polled
	t4Receiver: 10, // DIS: receiver fax operation; DCS: set receiver to receive
	fine: 15, // R8 x 7.7 l/mm and/or 200 x 200
	twoD: 16, // 2-D coding (T.4 MR)
	width255: 17, // DIS: 215+255 mm; DCS: 255 mm (2048 px)
	width303: 18, // DIS: 215+255+303 mm; DCS: 303 mm (2432 px)
	lengthB4: 19, // DIS: A4+B4; DCS: B4
	lengthUnlimited: 20, // unlimited length
	uncompressed: 26, // uncompressed mode
	ecm: 27, // error correction mode
	ecmFrame64: 28, // DCS: 64-octet frames
	t6: 31, // T.6 (MMR) coding
	fnv: 33, // field not valid capability
	multipleSelectivePolling: 34,
	polledSubaddress: 35,
	t43: 36,
	planeInterleave: 37,
	g726: 38,
	superfine: 41, // R8 x 15.4 l/mm and/or 200 x 400
	r300: 42, // 300 x 300 pels/25.4 mm
	r400: 43, // R16 x 15.4 l/mm and/or 400 x 400
	inchPreferred: 44, // DIS: inch-based preferred; DCS: inch-based used
	metricPreferred: 45,
	minScanHalvesAtSuperfine: 46, // T15.4 = 1/2 T7.7
	selectivePolling: 47,
	subaddressing: 49,
	password: 50,
	readyToTransmitDataFile: 51,
	bft: 53,
	dtm: 54,
	edi: 55,
	btm: 57,
	readyToTransmitMixed: 59,
	characterMode: 60,
	mixedMode: 62,
	processable26: 65,
	digitalNetwork: 66,
	duplex: 67,
	jpeg: 68,
	fullColour: 69,
	huffmanPreferred: 70,
	bits12: 71,
	noSubsampling: 73,
	customIlluminant: 74,
	customGamut: 75,
	letter: 76,
	legal: 77,
	t85: 78,
	t85L0: 79,
} as const;
export type DisBitName = keyof typeof DisBit;

/** A parsed DIS, DTC or DCS information field. Build it back with `buildDis`. */
export type DisFields = Record<DisBitName, boolean> & {
	/** bits 11-14 as b11·8 + b12·4 + b13·2 + b14 (HylaFAX order): DIS 0xD = V.27ter+V.29+V.17; see `disRates`/`dcsRate` */
	modemCode: number;
	/** bits 21-23 as b21·4 + b22·2 + b23; see `disMinScan` / `dcsMinScanMs` */
	minScanCode: number;
	/** other set bits (1-based Table 2 numbers, extension bits excluded), kept so build(parse(x)) == x */
	otherBits: number[];
	/** octets the FIF had (parse) / at least this many octets (build); trailing empty octets are kept */
	octets?: number;
};

const EXTENSION_BITS_FROM = 24; // 24, 32, 40 ... are extension bits (T.30 Table 2)
const isExtensionBit = (n: number): boolean => n >= EXTENSION_BITS_FROM && n % 8 === 0;
const RATE_BITS = [11, 12, 13, 14];
const SCAN_BITS = [21, 22, 23];
const namedBitSet = new Set<number>(Object.values(DisBit));

const bitOf = (fif: Uint8Array, n: number): boolean => ((fif[(n - 1) >> 3] ?? 0) & (1 << ((n - 1) & 7))) !== 0;

/** An all-zero DisFields (DCS building starts here). */
export function emptyDis(): DisFields {
	const d = { modemCode: 0, minScanCode: 0, otherBits: [] as number[] } as DisFields;
	for (const k of Object.keys(DisBit) as DisBitName[]) d[k] = false;
	return d;
}

/**
 * Parse a DIS/DTC/DCS FIF. Octets past the first with a clear extension bit are ignored (T.30 §5.3.6.2.1);
 * a FIF shorter than 3 octets is read as if zero-padded (old terminals).
 */
export function parseDis(fif: Uint8Array): DisFields {
	let len = Math.min(fif.length, 3);
	while (len < fif.length && len >= 3 && (fif[len - 1]! & 0x80) !== 0) len++;
	const f = fif.subarray(0, len);
	const d = emptyDis();
	d.octets = Math.max(3, len);
	for (const k of Object.keys(DisBit) as DisBitName[]) d[k] = bitOf(f, DisBit[k]);
	d.modemCode = RATE_BITS.reduce((a, n) => (a << 1) | (bitOf(f, n) ? 1 : 0), 0);
	d.minScanCode = SCAN_BITS.reduce((a, n) => (a << 1) | (bitOf(f, n) ? 1 : 0), 0);
	for (let n = 1; n <= len * 8; n++) {
		if (!bitOf(f, n) || namedBitSet.has(n) || isExtensionBit(n) || RATE_BITS.includes(n) || SCAN_BITS.includes(n)) continue;
		d.otherBits.push(n);
	}
	return d;
}

/** Build a FIF (at least 3 octets; extension bits set on every octet but the last). */
export function buildDis(d: DisFields): Uint8Array {
	const bits: number[] = [...d.otherBits.filter((n) => n >= 1 && !isExtensionBit(n))];
	for (const k of Object.keys(DisBit) as DisBitName[]) if (d[k]) bits.push(DisBit[k]);
	RATE_BITS.forEach((n, i) => {
		if (d.modemCode & (8 >> i)) bits.push(n);
	});
	SCAN_BITS.forEach((n, i) => {
		if (d.minScanCode & (4 >> i)) bits.push(n);
	});
	const octets = Math.max(3, d.octets ?? 0, ...bits.map((n) => ((n - 1) >> 3) + 1));
	const out = new Uint8Array(octets);
	for (const n of bits) out[(n - 1) >> 3]! |= 1 << ((n - 1) & 7);
	for (let i = 2; i < octets - 1; i++) out[i]! |= 0x80;
	return out;
}

// ---- data signalling rates (bits 11-14) ----

export type Modulation = "V.27ter" | "V.29" | "V.17" | "V.33";

/** One high-speed rate and its T.31 +FTM codes. */
export interface Rate {
	modulation: Modulation;
	/** bit/s */
	bitRate: number;
	/** +FTM code for TCF (long train) */
	longTrain: ModulationCode;
	/** +FTM code for page data (short train; V.27ter/V.29 have no short train, same code) */
	shortTrain: ModulationCode;
	/** DCS bits 11-14 (same packing as DisFields.modemCode) */
	dcsCode: number;
}

/** Every rate we can send, fastest first (T.31 Table 2 codes; DCS codes per T.30 Table 2). V.33 has no T.31 code. */
export const RATES: readonly Rate[] = [
	{ modulation: "V.17", bitRate: 14400, longTrain: 145, shortTrain: 146, dcsCode: 0x1 },
	{ modulation: "V.17", bitRate: 12000, longTrain: 121, shortTrain: 122, dcsCode: 0x5 },
	{ modulation: "V.17", bitRate: 9600, longTrain: 97, shortTrain: 98, dcsCode: 0x9 },
	{ modulation: "V.29", bitRate: 9600, longTrain: 96, shortTrain: 96, dcsCode: 0x8 },
	{ modulation: "V.17", bitRate: 7200, longTrain: 73, shortTrain: 74, dcsCode: 0xd },
	{ modulation: "V.29", bitRate: 7200, longTrain: 72, shortTrain: 72, dcsCode: 0xc },
	{ modulation: "V.27ter", bitRate: 4800, longTrain: 48, shortTrain: 48, dcsCode: 0x4 },
	{ modulation: "V.27ter", bitRate: 2400, longTrain: 24, shortTrain: 24, dcsCode: 0x0 },
];

/** DCS codes for V.33 (decoded only; we never send V.33). */
const V33_DCS: Record<number, number> = { 0x2: 14400, 0x6: 12000, 0xa: 9600, 0xe: 7200 };

/** The modulations a DIS/DTC offers (bits 11-14). V.27ter 2400 fallback is always there. */
function disModulations(modemCode: number): Modulation[] {
	switch (modemCode) {
		case 0x0:
			return ["V.27ter"]; // fallback mode: 2400 only
		case 0x4:
			return ["V.27ter"];
		case 0x8:
			return ["V.29", "V.27ter"]; // V.29 receivers can fall to V.27ter 2400 (fallback mode)
		case 0xc:
			return ["V.29", "V.27ter"];
		case 0xe:
			return ["V.33", "V.29", "V.27ter"]; // V.33 only on exactly 1,1,1,0 (HylaFAX dropToNextBR)
		case 0xd:
		case 0xf:
			return ["V.17", "V.29", "V.27ter"];
		case 0x1:
		case 0x5:
		case 0x9:
			return ["V.17", "V.29", "V.27ter"]; // V.17 bit alone: some modems (Supra) omit V.27/V.29 (HylaFAX Class2Params)
		default:
			return modemCode & 0x8 ? ["V.29", "V.27ter"] : ["V.27ter"];
	}
}

/** The rates (from RATES) a DIS's modem code allows, fastest first. */
export function disRates(modemCode: number): Rate[] {
	const mods = disModulations(modemCode);
	return RATES.filter((r) => mods.includes(r.modulation) && !(modemCode === 0x0 && r.bitRate === 4800));
}

/** The rate a DCS selects, or undefined for a V.33/reserved code. */
export const dcsRate = (modemCode: number): Rate | undefined => RATES.find((r) => r.dcsCode === modemCode);

/** Describe a DCS rate code: "V.17 14400", "V.33 12000", "reserved 0x3". */
function describeDcsRate(modemCode: number): string {
	const r = dcsRate(modemCode);
	if (r) return `${r.modulation} ${r.bitRate}`;
	const v33 = V33_DCS[modemCode];
	return v33 ? `V.33 ${v33}` : `reserved 0x${modemCode.toString(16)}`;
}

// ---- minimum scan-line time (bits 21-23, 46) ----

/** DIS min scan-line times per code: [ms at 3.85 l/mm, ms at 7.7 l/mm] (T.30 Table 2 bits 21-23). */
const DIS_SCAN: readonly (readonly [number, number])[] = [
	[20, 20], // 0,0,0
	[40, 40], // 0,0,1
	[10, 10], // 0,1,0
	[10, 5], // 0,1,1  T7.7 = 1/2 T3.85
	[5, 5], // 1,0,0
	[40, 20], // 1,0,1  T7.7 = 1/2 T3.85
	[20, 10], // 1,1,0  T7.7 = 1/2 T3.85
	[0, 0], // 1,1,1
];

/** DCS codes for a scan-line time in ms (T.30 Table 2, DCS column). */
const DCS_SCAN_CODE: Record<number, number> = { 20: 0x0, 40: 0x1, 10: 0x2, 5: 0x4, 0: 0x7 };

/** The receiver's minimum scan-line time in ms at a resolution, from a DIS (fine halving, bit 46 for superfine). */
export function disMinScanMs(d: Pick<DisFields, "minScanCode" | "minScanHalvesAtSuperfine">, resolution: FaxResolution): number {
	const [std, fine] = DIS_SCAN[d.minScanCode & 7]!;
	if (resolution === "standard") return std;
	if (resolution === "fine") return fine;
	return d.minScanHalvesAtSuperfine ? fine / 2 : fine;
}

/** DCS bits 21-23 for a time in ms (rounded up to the next codable value: 0/5/10/20/40). */
export function dcsMinScanCode(ms: number): number {
	const v = [0, 5, 10, 20, 40].find((x) => x >= ms) ?? 40;
	return DCS_SCAN_CODE[v]!;
}

/** The time in ms a DCS's bits 21-23 select (reserved codes read as 20 ms, the T.4 default). */
export const dcsMinScanMs = (code: number): number => ({ 0: 20, 1: 40, 2: 10, 4: 5, 7: 0 })[code & 7] ?? 20;

/**
 * HylaFAX-style scan-time code 0-7 = 0/5/10/10/20/20/40/40 ms, the even codes 2/4/6 halved at fine
 * (class1.md §2.5), from a DIS.
 */
export function disScanTimeCode(minScanCode: number): number {
	const [std, fine] = DIS_SCAN[minScanCode & 7]!;
	const base = { 0: 0, 5: 1, 10: 3, 20: 5, 40: 7 }[std]!;
	return std > 5 && fine < std ? base - 1 : base;
}

// ---- widths, lengths, resolutions ----

export type FaxWidth = 1728 | 2048 | 2432;
export type PageLength = "a4" | "b4" | "unlimited";

/** Widths a DIS accepts, narrowest first (bits 17/18; both set = invalid, read as A3 like HylaFAX). */
export function disWidths(d: Pick<DisFields, "width255" | "width303">): FaxWidth[] {
	if (d.width303) return [1728, 2048, 2432];
	if (d.width255) return [1728, 2048];
	return [1728];
}

/** The width a DCS selects. */
export const dcsWidth = (d: Pick<DisFields, "width255" | "width303">): FaxWidth => (d.width303 ? 2432 : d.width255 ? 2048 : 1728);

/** Maximum length a DIS accepts, or the length a DCS announces. */
export const pageLength = (d: Pick<DisFields, "lengthB4" | "lengthUnlimited">): PageLength => (d.lengthUnlimited ? "unlimited" : d.lengthB4 ? "b4" : "a4");

/** Resolutions a DIS accepts (standard always; superfine = bit 41 R8x15.4). */
export function disResolutions(d: Pick<DisFields, "fine" | "superfine">): FaxResolution[] {
	const r: FaxResolution[] = ["standard"];
	if (d.fine) r.push("fine");
	if (d.superfine) r.push("superfine");
	return r;
}

/** The resolution a DCS selects. */
export const dcsResolution = (d: Pick<DisFields, "fine" | "superfine">): FaxResolution => (d.superfine ? "superfine" : d.fine ? "fine" : "standard");

// ---- describe ----

/** One-line description for traces, like SpanDSP t30_log_dis_dtc_dcs: "V.17 14400, fine, 2-D, ECM". */
export function describeDis(d: DisFields, kind: "DIS" | "DTC" | "DCS" = "DIS"): string {
	const p: string[] = [];
	if (kind === "DCS") {
		p.push(describeDcsRate(d.modemCode));
		p.push(dcsResolution(d));
		p.push(d.t6 ? "MMR" : d.twoD ? "2-D" : "1-D");
		if (d.ecm) p.push(d.ecmFrame64 ? "ECM 64" : "ECM");
		if (d.width255 || d.width303) p.push(`${dcsWidth(d)} px`);
		if (pageLength(d) !== "a4") p.push(pageLength(d));
		p.push(`scan ${dcsMinScanMs(d.minScanCode)} ms`);
		if (!d.t4Receiver) p.push("no T.4 receive bit");
		return p.join(", ");
	}
	const mods = disModulations(d.modemCode);
	p.push(d.modemCode === 0 ? "V.27ter 2400" : mods.join("+"));
	p.push(disResolutions(d).slice(1).join("+") || "standard");
	if (d.r300) p.push("300 dpi");
	if (d.r400) p.push("400 dpi");
	const cod = ["1-D"];
	if (d.twoD) cod.push("2-D");
	if (d.t6) cod.push("MMR");
	p.push(cod.join("+"));
	if (d.ecm) p.push("ECM");
	if (d.uncompressed) p.push("uncompressed");
	p.push(`${Math.max(...disWidths(d))} px`);
	p.push(pageLength(d));
	p.push(`scan ${disMinScanMs(d, "standard")}/${disMinScanMs(d, "fine")} ms`);
	if (!d.t4Receiver) p.push("no T.4 receiver");
	if (d.readyToTransmit) p.push("polling");
	return p.join(", ");
}

// ---- identity fields (TSI/CSI/CIG, T.30 §5.3.6.2.4) ----

/** 20-octet identity FIF: printable ASCII, space padded to 20, sent last character first. */
export function encodeId(id: string): Uint8Array {
	const chars = Array.from(id)
		.map((c) => c.charCodeAt(0))
		.filter((c) => c >= 0x20 && c <= 0x7e)
		.slice(0, 20)
		.reverse(); // last character first; the padding comes after it (SpanDSP/HylaFAX order)
	while (chars.length < 20) chars.push(0x20);
	return Uint8Array.from(chars);
}

/** Decode an identity FIF back to text: reversed, non-printables dropped, trimmed. */
export function decodeId(fif: Uint8Array): string {
	return Array.from(fif)
		.reverse()
		.filter((c) => c >= 0x20 && c <= 0x7e)
		.map((c) => String.fromCharCode(c))
		.join("")
		.trim();
}
