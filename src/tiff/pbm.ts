/**
 * Netpbm PBM (bilevel) images: P1 (plain) and P4 (raw) in, several images per file allowed, P4 out
 * (netpbm "pbm" format spec: http://netpbm.sourceforge.net/doc/pbm.html). P4 rows are packed MSB
 * first with 1 = black, exactly our Bitmap layout. Errors: PBM_MALFORMED. Layer: tiff (pure).
 */
import { FaxError } from "../core/FaxError.js";
import type { Bitmap } from "../core/bitmap.js";
import { createBitmap, strideOf } from "../core/bitmap.js";
import { concatBytes } from "../core/bytes.js";
import { MAX_HEIGHT, MAX_PAGE_BYTES, MAX_WIDTH } from "./tiffDirectory.js";

/** One image found in a PBM file; P4 images are located (not copied) so they can be read lazily. */
export interface PbmImage {
	width: number;
	height: number;
	/** "P4": raster at `offset` (height*stride bytes); "P1": already decoded */
	kind: "P4" | "P1";
	offset: number;
	bitmap?: Bitmap;
}

const isSpace = (c: number): boolean => c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d || c === 0x0b || c === 0x0c;
const bad = (msg: string, offset?: number): FaxError => new FaxError("PBM_MALFORMED", msg, offset === undefined ? {} : { context: { offset } });

/** True if the bytes start like a PBM file ("P1" or "P4"). */
export const looksLikePbm = (b: Uint8Array): boolean => b.length >= 2 && b[0] === 0x50 && (b[1] === 0x31 || b[1] === 0x34);

interface PbmHeader {
	kind: "P4" | "P1";
	width: number;
	height: number;
	/** offset of the first raster byte (P4) or pixel character (P1) */
	dataOffset: number;
}

/** Parses one image header starting at `p` (leading whitespace allowed). */
function parseHeader(buf: Uint8Array, p: number, imageNo: number): PbmHeader {
	const skipSpaceAndComments = (): void => {
		while (p < buf.length) {
			if (isSpace(buf[p])) p++;
			else if (buf[p] === 0x23) while (p < buf.length && buf[p] !== 0x0a && buf[p] !== 0x0d) p++;
			else break;
		}
	};
	const readInt = (what: string): number => {
		skipSpaceAndComments();
		const start = p;
		let v = 0;
		while (p < buf.length && buf[p] >= 0x30 && buf[p] <= 0x39 && p - start < 9) v = v * 10 + (buf[p++] - 0x30);
		if (p === start) throw bad(`PBM ${what} missing at byte ${start}`, start);
		if (p < buf.length && buf[p] >= 0x30 && buf[p] <= 0x39) throw bad(`PBM ${what} too large`, start);
		return v;
	};
	while (p < buf.length && isSpace(buf[p])) p++;
	if (p + 2 > buf.length || buf[p] !== 0x50 || (buf[p + 1] !== 0x31 && buf[p + 1] !== 0x34)) {
		if (imageNo === 1) throw bad("not a PBM file (P1 or P4 expected)", p);
		throw bad(`garbage after PBM image ${imageNo - 1} at byte ${p}`, p);
	}
	const kind = buf[p + 1] === 0x34 ? "P4" : "P1";
	p += 2;
	const width = readInt("width");
	const height = readInt("height");
	if (width < 1 || height < 1) throw bad(`bad PBM size ${width}x${height}`);
	if (width > MAX_WIDTH || height > MAX_HEIGHT || strideOf(width) * height > MAX_PAGE_BYTES)
		throw new FaxError("TIFF_TOO_LARGE", `PBM image ${width}x${height} exceeds the limits (${MAX_WIDTH}x${MAX_HEIGHT})`);
	if (p >= buf.length || !isSpace(buf[p])) throw bad("PBM header must end with one whitespace byte", p);
	return { kind, width, height, dataOffset: p + 1 };
}

/** Decodes a P1 raster starting at `p`; returns the bitmap and the offset after it. */
function parsePlain(buf: Uint8Array, h: PbmHeader, imageNo: number): { bitmap: Bitmap; end: number } {
	const bitmap = createBitmap(h.width, h.height);
	let p = h.dataOffset;
	for (let y = 0; y < h.height; y++) {
		const row = y * bitmap.stride;
		for (let x = 0; x < h.width; x++) {
			while (p < buf.length && (isSpace(buf[p]) || buf[p] === 0x23)) {
				if (buf[p] === 0x23) while (p < buf.length && buf[p] !== 0x0a && buf[p] !== 0x0d) p++;
				else p++;
			}
			if (p >= buf.length) throw bad(`PBM image ${imageNo} truncated at row ${y}`, p);
			const c = buf[p++];
			if (c === 0x31) bitmap.data[row + (x >> 3)] |= 0x80 >> (x & 7);
			else if (c !== 0x30) throw bad(`bad P1 pixel byte 0x${c.toString(16)} at ${p - 1}`, p - 1);
		}
	}
	return { bitmap, end: p };
}

const trailingSpaceEnd = (buf: Uint8Array, p: number): number => {
	while (p < buf.length && isSpace(buf[p])) p++;
	return p;
};

/** Finds every image of a P1/P4 file held in memory (P1 rasters are decoded here, P4 only located). */
export function scanPbm(buf: Uint8Array): PbmImage[] {
	const images: PbmImage[] = [];
	let p = 0;
	do {
		const h = parseHeader(buf, p, images.length + 1);
		if (h.kind === "P4") {
			const size = strideOf(h.width) * h.height;
			if (h.dataOffset + size > buf.length) throw bad(`PBM image ${images.length + 1} truncated: ${size} raster bytes expected, ${buf.length - h.dataOffset} present`, h.dataOffset);
			images.push({ width: h.width, height: h.height, kind: "P4", offset: h.dataOffset });
			p = h.dataOffset + size;
		} else {
			const { bitmap, end } = parsePlain(buf, h, images.length + 1);
			images.push({ width: h.width, height: h.height, kind: "P1", offset: h.dataOffset, bitmap });
			p = end;
		}
		p = trailingSpaceEnd(buf, p);
	} while (p < buf.length);
	return images;
}

/**
 * Like scanPbm for a file of `size` bytes read through `read(offset, length)`: only the image headers
 * are read for P4 (rasters stay on disk); a P1 file is read whole. Headers over 64 KiB are refused.
 */
export async function scanPbmFile(size: number, read: (offset: number, length: number) => Promise<Uint8Array>): Promise<PbmImage[] | Uint8Array> {
	const images: PbmImage[] = [];
	let p = 0;
	while (p < size) {
		const win = await read(p, Math.min(65536, size - p));
		if (trailingSpaceEnd(win, 0) === win.length && p + win.length >= size) break; // trailing whitespace
		const h = parseHeader(win, 0, images.length + 1);
		if (h.kind === "P1") return read(0, size); // plain PBM: the caller scans it in memory
		const size4 = strideOf(h.width) * h.height;
		const offset = p + h.dataOffset;
		if (offset + size4 > size) throw bad(`PBM image ${images.length + 1} truncated: ${size4} raster bytes expected, ${size - offset} present`, offset);
		images.push({ width: h.width, height: h.height, kind: "P4", offset });
		p = offset + size4;
	}
	if (images.length === 0) throw bad("not a PBM file (P1 or P4 expected)", 0);
	return images;
}

/** Reads the P4 raster of `img` from the file bytes (copy, padding bits cleared). */
function pbmRaster(buf: Uint8Array, img: PbmImage): Bitmap {
	if (img.bitmap) return img.bitmap;
	const b = createBitmap(img.width, img.height);
	b.data.set(buf.subarray(img.offset, img.offset + b.data.length));
	clearPadding(b);
	return b;
}

/** Decodes all images of a PBM file. */
export function readPbm(buf: Uint8Array): Bitmap[] {
	return scanPbm(buf).map((img) => pbmRaster(buf, img));
}

/** Zeroes the unused bits at the end of each row (the Bitmap invariant). */
export function clearPadding(b: Bitmap): void {
	const extra = b.stride * 8 - b.width;
	if (extra === 0) return;
	const mask = (0xff << extra) & 0xff;
	for (let y = 0; y < b.height; y++) b.data[y * b.stride + b.stride - 1] &= mask;
}

/** Encodes one or more bitmaps as a (multi-image) P4 file. */
export function writePbm(bitmaps: Bitmap | Bitmap[]): Uint8Array {
	const list = Array.isArray(bitmaps) ? bitmaps : [bitmaps];
	const parts: Uint8Array[] = [];
	for (const b of list) {
		parts.push(new TextEncoder().encode(`P4\n${b.width} ${b.height}\n`));
		const copy = { ...b, data: b.data.slice(0, b.stride * b.height) };
		clearPadding(copy);
		parts.push(copy.data);
	}
	return concatBytes(parts);
}
