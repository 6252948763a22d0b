/**
 * T.4 / T.6 fax codec (ITU-T T.4 MH and MR, T.6 MMR) over packed 1-bit rows (src/core/bitmap.ts):
 * streaming T4Encoder / T4Decoder plus whole-page helpers. Pure: no I/O.
 */
import type { Bitmap } from "../core/bitmap.js";
import { concatBytes } from "../core/bytes.js";
import { FaxError } from "../core/FaxError.js";
import { T4Decoder } from "./decoder.js";
import { T4Encoder } from "./encoder.js";
import type { T4DecodeOptions, T4DecodeResult, T4EncodeOptions } from "./types.js";

export type { T4Coding, T4DecodeEnd, T4DecodeOptions, T4DecodeResult, T4EncodeOptions, T4EndMarker } from "./types.js";
export { T4Decoder } from "./decoder.js";
export type { T4DecodeStats, T4RowSink } from "./decoder.js";
export { T4Encoder } from "./encoder.js";
export { reverseBits } from "./tables.js";

/** Encode a whole bitmap; returns the coded bytes (incl. RTC/EOFB when `rtc`). */
export function encodeBitmap(b: Bitmap, o: Omit<T4EncodeOptions, "width">): Uint8Array {
	const enc = new T4Encoder({ ...o, width: b.width });
	const parts: Uint8Array[] = [];
	let total = 0;
	for (let y = 0; y < b.height; y++) {
		enc.encodeRow(b.data.subarray(y * b.stride, (y + 1) * b.stride));
		if ((y & 255) === 255) {
			const p = enc.take();
			parts.push(p);
			total += p.length;
		}
	}
	const last = enc.finish();
	if (parts.length === 0) return last;
	parts.push(last);
	total += last.length;
	return concatBytes(parts, total);
}

/**
 * Bits a scan line must have for a minimum scan-line time: ceil(bitRate × ms / 1000)
 * (bitRate in bit/s, scanLineMs the ST of DCS, e.g. 20 ms at 9600 → 192 bits).
 */
export function minBitsPerRow(bitRate: number, scanLineMs: number): number {
	return Math.ceil((bitRate * scanLineMs) / 1000);
}

/**
 * Decode a whole coded page. With `rows`, the bitmap has exactly that height (missing rows are white
 * and counted as bad lines, `truncated` set). Throws FaxError T4_TRUNCATED / T4_DECODE_ERROR /
 * T4_UNSUPPORTED only when no row can be decoded at all.
 */
export function decodeToBitmap(data: Uint8Array, o: T4DecodeOptions): T4DecodeResult {
	const dec = new T4Decoder(o);
	const stride = (o.width + 7) >>> 3;
	const maxRows = Math.max(1, Math.floor(o.maxRows ?? 65536));
	const want = o.rows !== undefined && o.rows > 0 ? Math.min(Math.floor(o.rows), maxRows) : 0;
	// without a row count, guess from the data size (grown as needed)
	const guess = want > 0 ? want : Math.max(64, Math.ceil((data.length * 8) / (o.width * 0.25 + 16)));
	const page = dec.decodePage(data, guess);
	let { badLines, consecutiveBadLines, truncated } = page.stats;
	let h = page.height;
	let buf = page.data;
	if (want > h) {
		const missing = want - h;
		badLines += missing;
		consecutiveBadLines = Math.max(consecutiveBadLines, missing);
		truncated = true;
		h = want;
	}
	if (h === 0) throw new FaxError("T4_DECODE_ERROR", "T.4 decoder: no rows", { context: { bytes: data.length } });
	if (buf.length < h * stride) {
		const next = new Uint8Array(h * stride);
		next.set(buf);
		buf = next;
	}
	const bitmap: Bitmap = { width: o.width, height: h, stride, data: h * stride === buf.length ? buf : buf.slice(0, h * stride) };
	return { bitmap, badLines, consecutiveBadLines, truncated, endMarker: page.stats.endMarker };
}
