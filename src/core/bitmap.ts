/**
 * Bilevel page bitmaps shared by the codec, the TIFF layer and the T.30 engine.
 * Rows are packed 1 bit per pixel, MSB first within each byte, 1 = black (PBM convention),
 * `stride = ceil(width / 8)` bytes, padding bits at the end of a row are 0. Layer: core (no I/O).
 */

export interface Bitmap {
	width: number;
	height: number;
	/** bytes per row = ceil(width / 8) */
	stride: number;
	/** height * stride bytes */
	data: Uint8Array;
}

/** Vertical fax resolution (T.30 DIS/DCS): standard 3.85 l/mm (98 dpi), fine 7.7 (196), superfine 15.4 (391). */
export type FaxResolution = "standard" | "fine" | "superfine";

/** Fax widths in pixels at 8 dots/mm (T.4 §2.2): A4 1728, B4 2048, A3 2432. */
export const FaxWidths = { a4: 1728, b4: 2048, a3: 2432 } as const;

/** A page ready for faxing: the bitmap plus its resolution in dots per inch. */
export interface FaxPage {
	bitmap: Bitmap;
	/** horizontal dpi, 204 for fax (8 dots/mm) */
	xRes: number;
	/** vertical dpi: 98 standard, 196 fine, 391 superfine */
	yRes: number;
}

/**
 * A document the T.30 engine can send: pages fetched one at a time, so a 500-page document never
 * sits whole in memory. `page(i)` is 0-based and may be called again for a resend.
 */
export interface FaxPageSource {
	readonly pageCount: number;
	page(index: number): Promise<FaxPage>;
}

export const strideOf = (width: number): number => (width + 7) >>> 3;

export function createBitmap(width: number, height: number): Bitmap {
	const stride = strideOf(width);
	return { width, height, stride, data: new Uint8Array(stride * height) };
}

/** Row `y` as a view (no copy). */
export const rowOf = (b: Bitmap, y: number): Uint8Array => b.data.subarray(y * b.stride, (y + 1) * b.stride);

/** The fax resolution class closest to a vertical dpi. */
export function resolutionOf(yRes: number): FaxResolution {
	if (yRes >= 300) return "superfine";
	if (yRes >= 150) return "fine";
	return "standard";
}

export const yResOf = (r: FaxResolution): number => (r === "standard" ? 98 : r === "fine" ? 196 : 391);
