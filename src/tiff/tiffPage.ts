/**
 * Decodes one TIFF page's strips into a Bitmap (1 = black): Compression 1 and 32773 (PackBits, TIFF 6.0
 * §9), 2/3/4 through the T.4/T.6 codec (ccitt.ts); FillOrder 2 handled as libtiff does (raw bytes
 * reversed before decoding for 1/32773, codec bit order for CCITT); Photometric 1 (BlackIsZero)
 * inverted so every page comes out 1 = black. Output is always exactly width x height. Layer: tiff (pure).
 */
import { FaxError } from "../core/FaxError.js";
import type { Bitmap } from "../core/bitmap.js";
import { createBitmap } from "../core/bitmap.js";
import { decodeCcittStrip } from "./ccitt.js";
import { clearPadding } from "./pbm.js";
import { reverseBits } from "../t4/index.js";
import { unpackBits } from "./packbits.js";
import type { TiffPageInfo } from "./tiffDirectory.js";

/** A decoded TIFF page plus what the decoder found. */
export interface DecodedTiffPage {
	bitmap: Bitmap;
	/** rows the codec could not decode (resynchronised or filled) */
	badLines: number;
	consecutiveBadLines: number;
	/** true when a strip ended before all its rows were decoded (rest of those rows are white) */
	truncated: boolean;
}

/** Decodes page `info`, fetching strip `s`'s compressed bytes through `readStrip(s)`. */
export function decodeTiffPage(info: TiffPageInfo, readStrip: (s: number) => Uint8Array): DecodedTiffPage {
	if (info.stripOffsets.length === 1 && info.compression >= 2 && info.compression <= 4) {
		// Class F's one strip per page: the codec's bitmap is the page (no second page-sized copy)
		const r = decodeCcittStrip(readStrip(0), { compression: info.compression, t4Options: info.t4Options, fillOrder: info.fillOrder, width: info.width, rows: info.height });
		if (r.bitmap.height === info.height && r.bitmap.stride === Math.ceil(info.width / 8)) {
			if (info.photometric === 1) for (let i = 0; i < r.bitmap.data.length; i++) r.bitmap.data[i] ^= 0xff;
			clearPadding(r.bitmap);
			return r;
		}
	}
	const out = createBitmap(info.width, info.height);
	const stride = out.stride;
	let badLines = 0;
	let consecutiveBadLines = 0;
	let truncated = false;
	for (let s = 0, y0 = 0; s < info.stripOffsets.length && y0 < info.height; s++, y0 += info.rowsPerStrip) {
		const rows = Math.min(info.rowsPerStrip, info.height - y0);
		let raw = readStrip(s);
		const dest = out.data.subarray(y0 * stride, (y0 + rows) * stride);
		switch (info.compression) {
			case 1: {
				if (info.fillOrder === 2) raw = reverseBits(raw.subarray(0, dest.length), new Uint8Array(Math.min(raw.length, dest.length)));
				dest.set(raw.subarray(0, dest.length));
				if (raw.length < dest.length) truncated = true;
				break;
			}
			case 32773: {
				if (info.fillOrder === 2) raw = reverseBits(raw, new Uint8Array(raw.length));
				const r = unpackBits(raw, dest.length);
				dest.set(r.data);
				if (r.short) truncated = true;
				break;
			}
			case 2:
			case 3:
			case 4: {
				const r = decodeCcittStrip(raw, { compression: info.compression, t4Options: info.t4Options, fillOrder: info.fillOrder, width: info.width, rows });
				const got = Math.min(rows, r.bitmap.height);
				if (r.bitmap.stride !== stride) throw new FaxError("T4_DECODE_ERROR", `codec returned ${r.bitmap.width}-px rows for a ${info.width}-px page`);
				dest.set(r.bitmap.data.subarray(0, got * stride));
				badLines += r.badLines + (rows - got);
				consecutiveBadLines = Math.max(consecutiveBadLines, r.consecutiveBadLines, rows - got);
				if (r.truncated || got < rows) truncated = true;
				break;
			}
			default:
				throw new FaxError("TIFF_UNSUPPORTED", `TIFF compression ${info.compression} is not supported`);
		}
	}
	if (info.photometric === 1) for (let i = 0; i < out.data.length; i++) out.data[i] ^= 0xff;
	clearPadding(out);
	return { bitmap: out, badLines, consecutiveBadLines, truncated };
}
