/**
 * Re-fits any bilevel page to fax geometry (T.4 §2.2: 1728/2048/2432 dots on 215/255/303 mm lines at
 * 8 dots/mm = 204 dpi; T.4 §2.1 / T.30: 3.85, 7.7, 15.4 lines/mm = 98, 196, 391 dpi). Layer: tiff (pure).
 *
 * Rules (WIDTH_TOLERANCE = 3%):
 * 1. Horizontal: a page whose xRes is within 3% of 204 dpi is taken as already 8 dots/mm; otherwise it is
 *    scaled by 204/xRes, giving its physical width `sw` in fax dots.
 * 2. If `sw` is within 3% of the target width, or narrower, it is padded with white (or cropped) centred to
 *    the target width: physical size is kept. A 2550-px, 300-dpi letter line (sw = 1734) is cropped by 3 px
 *    each side to 1728. If `sw` is more than 3% wider than the target, the page is shrunk to fit the width
 *    exactly and the rows are shrunk by the same extra factor (aspect ratio kept).
 * 3. Vertical: rows are scaled by targetDpi/yRes (times the extra shrink of rule 2); a yRes within 3% of
 *    the target needs no scaling.
 * Sampling (both axes): each output pixel owns a contiguous interval of source pixels (the intervals
 * partition the source); it is black if ANY source pixel of its interval is black (area-OR). So a 1-px
 * line always survives reduction and a black box keeps its position and size within one pixel; enlarging
 * replicates pixels (nearest neighbour). Area-OR darkens halftones slightly — legibility wins for fax.
 */
import type { FaxPage, FaxResolution } from "../core/bitmap.js";
import { createBitmap, yResOf } from "../core/bitmap.js";
import { FaxError } from "../core/FaxError.js";

export type FaxWidth = 1728 | 2048 | 2432;
/** Width and vertical resolution the far end accepts. */
export interface NormalizeTarget {
	width: FaxWidth;
	resolution: FaxResolution;
}

/** Relative tolerance for "already fax resolution" and for pad/crop instead of scaling. */
export const WIDTH_TOLERANCE = 0.03;
/** Fax horizontal resolution, 8 dots/mm in dpi (T.4 §2.2 rounded as TIFF Class F writes it). */
export const FAX_XRES = 204;

const near = (a: number, b: number): boolean => Math.abs(a - b) <= b * WIDTH_TOLERANCE;

/** Physical page width in fax dots (204 dpi), per rule 1. */
function faxDotsWide(page: FaxPage): number {
	return near(page.xRes, FAX_XRES) ? page.bitmap.width : Math.round((page.bitmap.width * FAX_XRES) / page.xRes);
}

/** Smallest accepted fax width the page fits into (within tolerance); the widest accepted otherwise. */
export function chooseWidth(page: FaxPage, accepted: readonly FaxWidth[] = [1728, 2048, 2432]): FaxWidth {
	if (accepted.length === 0) throw new FaxError("IMAGE_GEOMETRY", "no fax width accepted");
	const sorted = [...accepted].sort((a, b) => a - b);
	const sw = faxDotsWide(page);
	return sorted.find((w) => sw <= w * (1 + WIDTH_TOLERANCE)) ?? sorted[sorted.length - 1];
}

/** The fax class whose line density is within 3% of `yRes` (98/196/391 dpi), or undefined. */
export function faxResolutionOf(yRes: number): FaxResolution | undefined {
	for (const r of ["standard", "fine", "superfine"] as const) if (near(yRes, yResOf(r))) return r;
	return undefined;
}

/** True when the page already has the target geometry exactly. */
export function isFaxGeometry(page: FaxPage, target: NormalizeTarget): boolean {
	return page.bitmap.width === target.width && page.xRes === FAX_XRES && page.yRes === yResOf(target.resolution);
}

/**
 * Re-fits `page` to `target` by the rules in the file comment. Returns a page at 204 x 98/196/391 dpi;
 * a page that already fits is returned with the same bitmap (not copied).
 */
export function normalizePage(page: FaxPage, target: NormalizeTarget): FaxPage {
	const src = page.bitmap;
	const W = target.width;
	const ty = yResOf(target.resolution);
	if (!(page.xRes > 0) || !(page.yRes > 0) || !Number.isFinite(page.xRes) || !Number.isFinite(page.yRes))
		throw new FaxError("IMAGE_GEOMETRY", `page resolution ${page.xRes}x${page.yRes} dpi cannot be normalised`);
	if (src.width === W && near(page.xRes, FAX_XRES) && near(page.yRes, ty)) return { bitmap: src, xRes: FAX_XRES, yRes: ty }; // already fits: shared, not copied
	let sw = faxDotsWide(page);
	let extra = 1;
	if (sw > W && !near(sw, W)) {
		extra = W / sw;
		sw = W;
	}
	const fy = (near(page.yRes, ty) ? 1 : ty / page.yRes) * extra;
	const H = Math.max(1, Math.round(src.height * fy));
	if (H > 100_000) throw new FaxError("IMAGE_GEOMETRY", `page would be ${H} rows long after normalising`);
	const offset = Math.floor((W - sw) / 2);

	const hmap = columnMap(src.width, Math.max(1, sw), offset, W);
	const out = createBitmap(W, H);
	const acc = new Uint8Array(src.stride);
	for (let y = 0; y < H; y++) {
		const [a, b] = interval(y, src.height, H);
		acc.set(src.data.subarray(a * src.stride, (a + 1) * src.stride));
		for (let r = a + 1; r < b; r++) {
			const o = r * src.stride;
			for (let i = 0; i < src.stride; i++) acc[i] |= src.data[o + i];
		}
		mapRow(acc, src.width, out.data.subarray(y * out.stride, (y + 1) * out.stride), hmap, W);
	}
	return { bitmap: out, xRes: FAX_XRES, yRes: ty };
}

/** Source interval [a, b) owned by output index `x` when `n` source cells map onto `m` output cells. */
function interval(x: number, n: number, m: number): [number, number] {
	const a = Math.floor((x * n) / m);
	const b = Math.max(a + 1, Math.floor(((x + 1) * n) / m));
	return [a, Math.min(b, n)];
}

interface ColumnMap {
	/** first/last output column each source column lands in; first = -1 when cropped away */
	first: Int32Array;
	last: Int32Array;
}

function columnMap(n: number, sw: number, offset: number, W: number): ColumnMap {
	const first = new Int32Array(n).fill(-1);
	const last = new Int32Array(n).fill(-1);
	for (let x = 0; x < sw; x++) {
		const d = x + offset;
		if (d < 0 || d >= W) continue;
		const [a, b] = interval(x, n, sw);
		for (let s = a; s < b; s++) {
			if (first[s] < 0 || d < first[s]) first[s] = d;
			if (d > last[s]) last[s] = d;
		}
	}
	return { first, last };
}

/** Maps the black runs of one packed source row into `dst` (cleared first). */
function mapRow(src: Uint8Array, width: number, dst: Uint8Array, m: ColumnMap, W: number): void {
	dst.fill(0);
	forEachBlackRun(src, width, (a, b) => {
		// run [a, b): find the first/last source columns that survive cropping
		let lo = a;
		while (lo < b && m.first[lo] < 0) lo++;
		let hi = b - 1;
		while (hi >= lo && m.last[hi] < 0) hi--;
		if (lo > hi) return;
		setBits(dst, m.first[lo], Math.min(W, m.last[hi] + 1));
	});
}

/** Calls `cb(a, b)` for each run of black pixels [a, b) of a packed row. */
function forEachBlackRun(row: Uint8Array, width: number, cb: (a: number, b: number) => void): void {
	let x = 0;
	const n = row.length;
	while (x < width) {
		// skip white
		let i = x >> 3;
		let byte = row[i] & (0xff >> (x & 7));
		while (byte === 0 && ++i < n) byte = row[i];
		if (i >= n) return;
		const a = (i << 3) + Math.clz32(byte) - 24;
		if (a >= width) return;
		// find end of black
		let j = a >> 3;
		let inv = ~row[j] & 0xff & (0xff >> (a & 7));
		while (inv === 0 && ++j < n) inv = ~row[j] & 0xff;
		const b = j >= n ? width : Math.min(width, (j << 3) + Math.clz32(inv) - 24);
		cb(a, b);
		x = b;
	}
}

/** Sets bits [a, b) of a packed MSB-first row. */
export function setBits(row: Uint8Array, a: number, b: number): void {
	if (b <= a) return;
	const ia = a >> 3;
	const ib = (b - 1) >> 3;
	const ma = 0xff >> (a & 7);
	const mb = (0xff << (7 - ((b - 1) & 7))) & 0xff;
	if (ia === ib) {
		row[ia] |= ma & mb;
		return;
	}
	row[ia] |= ma;
	for (let i = ia + 1; i < ib; i++) row[i] = 0xff;
	row[ib] |= mb;
}
