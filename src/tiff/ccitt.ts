/**
 * Maps TIFF CCITT parameters onto the T.4/T.6 codec (src/t4): TIFF 6.0 §10 (Compression 2,
 * "Modified Huffman RLE": MH rows byte-aligned, no EOL), §11 (Compression 3 with T4Options bit0 2-D,
 * bit2 fill bits so EOLs end on a byte boundary; Compression 4 = T.6 MMR), FillOrder 2 = LSB first.
 * Each strip is coded independently: 2-D coding restarts at every strip. Layer: tiff (pure).
 */
import type { Bitmap, FaxResolution } from "../core/bitmap.js";
import { FaxError } from "../core/FaxError.js";
import type { T4Coding, T4DecodeResult } from "../t4/index.js";
import { decodeToBitmap, encodeBitmap } from "../t4/index.js";

/** What a CCITT strip decode reports back. */
export interface StripDecode {
	bitmap: Bitmap;
	badLines: number;
	consecutiveBadLines: number;
	truncated: boolean;
}

/** The codec coding for a TIFF Compression/T4Options pair. */
export function codingOf(compression: number, t4Options: number): T4Coding {
	if (compression === 4) return "mmr";
	if (compression === 3 && t4Options & 1) return "mr";
	return "mh";
}

/** Decodes one strip of a CCITT-compressed TIFF page into `rows` rows (missing rows are white). */
export function decodeCcittStrip(data: Uint8Array, p: { compression: number; t4Options: number; fillOrder: 1 | 2; width: number; rows: number }): StripDecode {
	let r: T4DecodeResult;
	try {
		r = decodeToBitmap(data, {
			coding: codingOf(p.compression, p.t4Options),
			width: p.width,
			bitOrder: p.fillOrder === 2 ? "lsb" : "msb",
			byteAlignRows: p.compression === 2,
			rows: p.rows,
			maxRows: p.rows,
		});
	} catch (e) {
		if (e instanceof FaxError) throw e;
		throw new FaxError("T4_DECODE_ERROR", `CCITT strip undecodable: ${(e as Error)?.message ?? String(e)}`, { cause: e });
	}
	return { bitmap: r.bitmap, badLines: r.badLines, consecutiveBadLines: r.consecutiveBadLines, truncated: r.truncated };
}

/** Class F write parameters for one page. */
export interface CcittWriteParams {
	/** "mh" = G3 1-D (default), "mr" = G3 2-D, "mmr" = G4 */
	coding: T4Coding;
	/** fill bits so every EOL ends on a byte boundary (T4Options bit 2); G3 only. Default false. */
	alignEol?: boolean;
	/** 2 = FillOrder LSB first; default 1 */
	fillOrder?: 1 | 2;
	/** K factor for MR; default by resolution (T.4 §4.2.1.3.1: 2 standard, 4 fine, 8 superfine) */
	k?: number;
}

/** K for 2-D coding by vertical resolution (T.4 §4.2.1.3.1). */
const kFor = (r: FaxResolution): number => (r === "standard" ? 2 : r === "fine" ? 4 : 8);

/** Encodes a page as one TIFF strip: G3 rows each begin with EOL (TIFF 6.0 §11), no RTC; G4 ends with EOFB. */
export function encodeCcittStrip(b: Bitmap, p: CcittWriteParams & { resolution: FaxResolution }): Uint8Array {
	const bitOrder = p.fillOrder === 2 ? "lsb" : "msb";
	if (p.coding === "mmr") return encodeBitmap(b, { coding: "mmr", bitOrder, rtc: true });
	return encodeBitmap(b, {
		coding: p.coding,
		k: p.coding === "mr" ? (p.k ?? kFor(p.resolution)) : undefined,
		eol: true,
		alignEol: p.alignEol ?? false,
		leadingEol: true, // libtiff and TIFF 6.0 §11: every G3 row, the first included, begins with EOL
		rtc: false,
		bitOrder,
	});
}

/** TIFF T4Options for a G3 page. */
export const t4OptionsFor = (p: CcittWriteParams): number => (p.coding === "mr" ? 1 : 0) | (p.alignEol ? 4 : 0);
/** TIFF Compression for a coding. */
export const compressionFor = (c: T4Coding): 3 | 4 => (c === "mmr" ? 4 : 3);
