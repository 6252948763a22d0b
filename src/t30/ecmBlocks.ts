/**
 * The ECM block model (T.4 Annex A; T.30 Annex A, §A.3-A.4; class1.md §2.7): a page's coded bytes cut into
 * facsimile coded data (FCD) frames of 256 or 64 octets, numbered 0-255 within a partial page ("block") of
 * at most 256 frames; the block as HDLC on the high-speed carrier (flags, FCD frames, 3 × RCP); and the
 * information fields of the ECM post-message frames: PPS (FCF2 NULL/MPS/EOM/EOP, page counter, block
 * counter, frame count − 1), PPR (the 256-bit map of frames to resend), CTC (DCS octets 1-2 with the new
 * rate), EOR (FCF2). Frames are in DTE-link form like fcf.ts (address 0xFF, control 0x03, FCD 0x06,
 * RCP 0x86 as in SpanDSP t30_fcf.h T4_FCD/T4_RCP; FCD and RCP carry no X bit).
 * Layer: t30 (pure: no I/O, no timers).
 */
import { FaxError } from "../core/FaxError.js";
import { CONTROL_NON_FINAL, HDLC_ADDRESS } from "../hdlc/frame.js";
import { HdlcFramer } from "../hdlc/framer.js";
import { dcsRate, parseDis } from "./dis.js";
import { baseFcf, Fcf, fcfName, withX } from "./fcf.js";

/** T.4 Annex A frame types in DTE-link form. */
export const EcmFcf = {
	FCD: 0x06, // 0110 0000 facsimile coded data
	RCP: 0x86, // 0110 0001 return to control for partial page
} as const;

/** FCD frame data size (T.30 Table 2 DCS bit 28: 0 = 256, 1 = 64 octets). */
export type EcmFrameSize = 256 | 64;

/** Frames in a partial page at most (T.4 A.3.6.1: frame numbers 0-255). */
export const FRAMES_PER_BLOCK = 256;

/** RCP frames at the end of every block (T.4 A.3.6.2: "three RCP frames"). */
export const RCP_FRAMES = 3;

/** Flags before the first FCD frame, ms (HylaFAX: 200 ms of flags; T.4 A.3.5 needs at least one). */
export const ECM_PREAMBLE_MS = 200;

/** Frames sent after the last RCP before the carrier drops: a few flags so the RCP is clear of the turn-off. */
export const ECM_TAIL_FLAGS = 2;

/** One partial page of a page: its frames' data (all `frameSize` long but the page's very last). */
export interface EcmBlock {
	/** 0-based block number within the page (PPS block counter, taken modulo 256 on the line) */
	block: number;
	frames: Uint8Array[];
	/** the page's coded data ends in this block: its PPS carries the PPM instead of NULL */
	lastOfPage: boolean;
}

/**
 * Cut a page's coded bytes into blocks of at most 256 frames of `frameSize` octets; the last frame keeps
 * its true length (SpanDSP: "some people pad at the end, and some do not"). An empty page still gives one
 * block of one empty frame, so the far end gets a PPS with the PPM.
 */
export function partitionPage(data: Uint8Array, frameSize: EcmFrameSize): EcmBlock[] {
	const frames = framesOf(data, frameSize);
	const blocks: EcmBlock[] = [];
	for (let i = 0; i < frames.length; i += FRAMES_PER_BLOCK) {
		blocks.push({ block: blocks.length, frames: frames.slice(i, i + FRAMES_PER_BLOCK), lastOfPage: i + FRAMES_PER_BLOCK >= frames.length });
	}
	return blocks;
}

/** `data` cut into frames of `frameSize` octets, the last one short; one empty frame for no data. */
export function framesOf(data: Uint8Array, frameSize: EcmFrameSize): Uint8Array[] {
	const frames: Uint8Array[] = [];
	for (let o = 0; o < data.length; o += frameSize) frames.push(data.subarray(o, Math.min(data.length, o + frameSize)));
	if (frames.length === 0) frames.push(new Uint8Array(0));
	return frames;
}

/** `FF 03 06 n data…` (T.4 A.3.6.1). */
export function fcdFrame(n: number, data: Uint8Array): Uint8Array {
	const f = new Uint8Array(4 + data.length);
	f[0] = HDLC_ADDRESS;
	f[1] = CONTROL_NON_FINAL;
	f[2] = EcmFcf.FCD;
	f[3] = n & 0xff;
	f.set(data, 4);
	return f;
}

/** `FF 03 86` (T.4 A.3.6.2). */
export const rcpFrame = (): Uint8Array => Uint8Array.of(HDLC_ADDRESS, CONTROL_NON_FINAL, EcmFcf.RCP);

/**
 * A block's high-speed data in line order, ready for +FTM: `preambleFlags` flags, the listed frames
 * (number → data) in increasing order, 3 × RCP, a few closing flags. `repeat` lists frame numbers sent
 * twice (HylaFAX sends a lone resent frame 0 twice).
 */
export function blockStream(frames: ReadonlyMap<number, Uint8Array>, preambleFlags: number, repeat: ReadonlySet<number> = new Set()): Uint8Array {
	let bytes = preambleFlags + 8;
	for (const d of frames.values()) bytes += Math.ceil((d.length + 6) * 1.25);
	const f = new HdlcFramer(bytes);
	f.flags(Math.max(1, preambleFlags));
	for (const n of [...frames.keys()].sort((a, b) => a - b)) {
		const fr = fcdFrame(n, frames.get(n)!);
		f.frame(fr);
		if (repeat.has(n)) f.frame(fr);
	}
	for (let i = 0; i < RCP_FRAMES; i++) f.frame(rcpFrame());
	f.flags(ECM_TAIL_FLAGS);
	return f.finish();
}

/** A block given up with EOR: its page is not confirmed. Page 1-based, block 0-based. */
export interface UndeliveredBlock {
	page: number;
	block: number;
	/** frame numbers the far end still lacked */
	frames: number[];
}

/** The ECM part of the call state: the PPS page counter and whether the next burst needs long train. */
export interface EcmCallState {
	/** pages sent under ECM so far (PPS page counter, 0-based) */
	pageCounter: number;
	/** the next burst uses long train (first burst after CTC, T.30 §5 note 5) */
	longTrain: boolean;
}

// ---- post-message frames (T.30 §5.3.6.1.7, A.4) ----

/** FCF2 of PPS / EOR: NULL inside a page, the page's PPM on its last block. */
export type EcmPpm = "NULL" | "MPS" | "EOM" | "EOP";

/** T.30 §5.3.6.1.7: NULL = 0000 0000. */
const NULL_FCF2 = 0x00;

const ppmByte = (ppm: EcmPpm): number => (ppm === "NULL" ? NULL_FCF2 : withX(Fcf[ppm]));

function ppmOf(b: number): EcmPpm {
	if (b === NULL_FCF2) return "NULL";
	const n = fcfName(b);
	if (n === "MPS" || n === "EOM" || n === "EOP") return n;
	// PRI-Q variants are read as their plain PPM (we never send them)
	const base = baseFcf(b);
	if (base === Fcf.PRI_MPS) return "MPS";
	if (base === Fcf.PRI_EOM) return "EOM";
	if (base === Fcf.PRI_EOP) return "EOP";
	throw new FaxError("PROTOCOL_ERROR", `PPS/EOR with an unknown FCF2 0x${b.toString(16)}`);
}

/** The fields of a PPS (T.30 A.4.1): FCF2, page counter, block counter, frames in the block. */
export interface PpsFields {
	ppm: EcmPpm;
	/** page counter, 0-based, modulo 256 on the line */
	page: number;
	/** block counter within the page, 0-based, modulo 256 */
	block: number;
	/** FCD frames in the block (1-256; the line carries count − 1, and 0 for none as HylaFAX does) */
	frames: number;
}

/** PPS FIF: `FCF2 page block frames-1`. */
export function ppsFif(p: PpsFields): Uint8Array {
	return Uint8Array.of(ppmByte(p.ppm), p.page & 0xff, p.block & 0xff, p.frames <= 0 ? 0 : (p.frames - 1) & 0xff);
}

/** Parse a PPS FIF (throws FaxError PROTOCOL_ERROR when short or with an unknown FCF2). */
export function parsePpsFif(fif: Uint8Array): PpsFields {
	if (fif.length < 4) throw new FaxError("PROTOCOL_ERROR", `PPS FIF of ${fif.length} octets (4 expected)`);
	return { ppm: ppmOf(fif[0]!), page: fif[1]!, block: fif[2]!, frames: fif[3]! + 1 };
}

/** EOR FIF: FCF2 (T.30 A.4.4). */
export const eorFif = (ppm: EcmPpm): Uint8Array => Uint8Array.of(ppmByte(ppm));

/** Parse an EOR FIF. */
export function parseEorFif(fif: Uint8Array): EcmPpm {
	if (fif.length < 1) throw new FaxError("PROTOCOL_ERROR", "EOR without FCF2");
	return ppmOf(fif[0]!);
}

/** PPR map length: 256 bits (T.30 A.4.2). */
export const PPR_MAP_OCTETS = 32;

/**
 * The frame numbers a PPR asks for: bit j of octet i (LSB = first on the line) set = frame 8i + j was not
 * received. Throws FaxError PROTOCOL_ERROR for a map shorter than 32 octets.
 */
export function parsePprMap(fif: Uint8Array): number[] {
	if (fif.length < PPR_MAP_OCTETS) throw new FaxError("PROTOCOL_ERROR", `PPR map of ${fif.length} octets (32 expected)`);
	const out: number[] = [];
	for (let i = 0; i < PPR_MAP_OCTETS; i++) for (let j = 0; j < 8; j++) if (fif[i]! & (1 << j)) out.push(i * 8 + j);
	return out;
}

/** A PPR map naming `frames` (the receiver's side; the simulator uses it). */
export function buildPprMap(frames: Iterable<number>): Uint8Array {
	const m = new Uint8Array(PPR_MAP_OCTETS);
	for (const n of frames) if (n >= 0 && n < 256) m[n >> 3]! |= 1 << (n & 7);
	return m;
}

/** CTC FIF: the first two DCS octets, bits 11-14 giving the new rate (T.30 Table 2, §5.3.6.1.7). */
export const ctcFif = (dcs: Uint8Array): Uint8Array => Uint8Array.of(dcs[0] ?? 0, dcs[1] ?? 0);

/** Trace text of an ECM post-message frame: "PPS-MPS page 0 block 1, 256 frames", "PPR frames 3-5,9", "CTC V.17 12000". */
export function describeEcmFrame(name: "PPS" | "EOR" | "PPR" | "CTC", fif: Uint8Array): string {
	try {
		if (name === "PPS") {
			const p = parsePpsFif(fif);
			return `PPS-${p.ppm} page ${p.page} block ${p.block}, ${p.frames} frames`;
		}
		if (name === "EOR") return `EOR-${parseEorFif(fif)}`;
		if (name === "PPR") return `PPR frames ${frameRanges(parsePprMap(fif))}`;
		const code = parseDis(Uint8Array.of(fif[0] ?? 0, fif[1] ?? 0, 0)).modemCode;
		const r = dcsRate(code);
		return `CTC ${r ? `${r.modulation} ${r.bitRate}` : `rate code 0x${code.toString(16)}`}`;
	} catch {
		return `${name} (malformed FIF)`;
	}
}

/** Compress frame numbers for traces: [0,1,2,5,7,8] -> "0-2,5,7-8". */
export function frameRanges(frames: readonly number[]): string {
	const s = [...frames].sort((a, b) => a - b);
	const parts: string[] = [];
	for (let i = 0; i < s.length; ) {
		let j = i;
		while (j + 1 < s.length && s[j + 1] === s[j]! + 1) j++;
		parts.push(i === j ? String(s[i]) : `${s[i]}-${s[j]}`);
		i = j + 1;
	}
	return parts.join(",");
}
