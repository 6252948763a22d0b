/**
 * Windows BMP reader (the image library we use has no BMP loader): BITMAPINFOHEADER and its V4/V5
 * extensions; 1, 4, 8-bit palette, 16-bit (5-5-5 or BI_BITFIELDS), 24 and 32-bit (BI_RGB or
 * BI_BITFIELDS); bottom-up or top-down. Decoded straight to 8-bit greyscale (ITU-R BT.601 luma), one
 * byte a pixel. RLE-compressed and OS/2 1.x files are refused (DOC_UNSUPPORTED); a header past the pixel
 * limit is refused before any allocation (DOC_TOO_LARGE); short pixel data is DOC_MALFORMED.
 * Layer: docs (pure).
 */
import { FaxError } from "../core/FaxError.js";

export interface BmpImage {
	width: number;
	height: number;
	/** dpi from the header, 0 when absent */
	dpi: number;
	grey: Uint8Array;
}

export function looksLikeBmp(b: Uint8Array): boolean {
	return b.length >= 2 && b[0] === 0x42 && b[1] === 0x4d;
}

const luma = (r: number, g: number, b: number): number => (r * 299 + g * 587 + b * 114 + 500) / 1000;

/** Width and height from the header, without decoding. */
export function bmpSize(buf: Uint8Array, what: string): { width: number; height: number; dpi: number } {
	const v = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
	if (buf.length < 54) throw new FaxError("DOC_MALFORMED", `${what}: BMP header truncated`);
	const hdr = v.getUint32(14, true);
	if (hdr < 40) throw new FaxError("DOC_UNSUPPORTED", `${what}: OS/2 1.x BMP is not supported`);
	const width = v.getInt32(18, true);
	const height = Math.abs(v.getInt32(22, true));
	if (width < 1 || height < 1) throw new FaxError("DOC_MALFORMED", `${what}: BMP size ${width}x${height}`);
	const ppm = v.getInt32(38, true);
	return { width, height, dpi: ppm > 0 ? Math.round(ppm * 0.0254) : 0 };
}

/** Decodes a whole BMP file; `maxPixels` is checked before allocating. */
export function decodeBmp(buf: Uint8Array, maxPixels: number, what: string): BmpImage {
	const { width, height, dpi } = bmpSize(buf, what);
	if (width * height > maxPixels) throw new FaxError("DOC_TOO_LARGE", `${what}: BMP ${width}x${height} has more than ${maxPixels / 1e6} million pixels`);
	const v = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
	const dataOff = v.getUint32(10, true);
	const hdr = v.getUint32(14, true);
	const topDown = v.getInt32(22, true) < 0;
	const bpp = v.getUint16(28, true);
	const comp = v.getUint32(30, true);
	if (comp !== 0 && comp !== 3 && comp !== 6) throw new FaxError("DOC_UNSUPPORTED", `${what}: compressed BMP (compression ${comp === 1 ? "RLE8" : comp === 2 ? "RLE4" : comp}) is not supported`);
	if (![1, 4, 8, 16, 24, 32].includes(bpp)) throw new FaxError("DOC_UNSUPPORTED", `${what}: BMP with ${bpp} bits per pixel is not supported`);
	let masks = bpp === 16 ? [0x7c00, 0x03e0, 0x001f] : [0xff0000, 0x00ff00, 0x0000ff];
	if (comp === 3 || comp === 6) {
		const mOff = hdr >= 52 ? 54 : 54; // masks follow a 40-byte header, or sit inside V2+ headers at the same place
		if (buf.length < mOff + 12) throw new FaxError("DOC_MALFORMED", `${what}: BMP masks truncated`);
		masks = [v.getUint32(mOff, true), v.getUint32(mOff + 4, true), v.getUint32(mOff + 8, true)];
	}
	const colours = bpp <= 8 ? v.getUint32(46, true) || 1 << bpp : 0;
	const palOff = 14 + hdr + (comp === 3 && hdr === 40 ? 12 : 0);
	const pal = new Uint8Array(256);
	for (let i = 0; i < colours && i < 256; i++) {
		const o = palOff + i * 4;
		if (o + 3 > buf.length) throw new FaxError("DOC_MALFORMED", `${what}: BMP palette truncated`);
		pal[i] = luma(buf[o + 2]!, buf[o + 1]!, buf[o]!);
	}
	const rowBytes = ((width * bpp + 31) >>> 5) * 4;
	if (dataOff + rowBytes * height > buf.length) throw new FaxError("DOC_MALFORMED", `${what}: BMP pixel data truncated (${buf.length} bytes, ${dataOff + rowBytes * height} needed)`);
	const chan = masks.map((m) => {
		const shift = m === 0 ? 0 : 31 - Math.clz32(m & -m);
		const max = m === 0 ? 1 : (m >>> shift) >>> 0;
		return { m: m >>> 0, shift, max };
	});
	const px = (x: number): number => {
		const [r, g, b] = chan.map((c) => (((x & c.m) >>> c.shift) * 255) / c.max);
		return luma(r!, g!, b!);
	};
	const grey = new Uint8Array(width * height);
	for (let y = 0; y < height; y++) {
		const src = dataOff + (topDown ? y : height - 1 - y) * rowBytes;
		const dst = y * width;
		for (let x = 0; x < width; x++) {
			let g: number;
			if (bpp === 24) g = luma(buf[src + x * 3 + 2]!, buf[src + x * 3 + 1]!, buf[src + x * 3]!);
			else if (bpp === 32) g = comp === 0 ? luma(buf[src + x * 4 + 2]!, buf[src + x * 4 + 1]!, buf[src + x * 4]!) : px(v.getUint32(src + x * 4, true));
			else if (bpp === 16) g = px(v.getUint16(src + x * 2, true));
			else {
				const bit = x * bpp;
				const idx = (buf[src + (bit >>> 3)]! >>> (8 - bpp - (bit & 7))) & ((1 << bpp) - 1);
				g = pal[idx]!;
			}
			grey[dst + x] = g;
		}
	}
	return { width, height, dpi, grey };
}
