/**
 * Branding (outgoing-job.md §5 Branding): a banner line — date/time, TSID, recipient number, page x/y —
 * drawn into the top rows of every page as it is sent, by wrapping the job's FaxPageSource. The spooled
 * TIFF is untouched (copyTiff has no banner, §2.4). Text uses the built-in 5×7 font, scaled to the page's
 * resolution. Layer: jobs (pure).
 */
import type { Clock } from "../core/Clock.js";
import type { Bitmap, FaxPage, FaxPageSource } from "../core/bitmap.js";
import { GLYPH_H, GLYPH_W, glyph } from "./font5x7.js";

/** Horizontal scale of a font pixel in fax dots (204 dpi). */
export const BANNER_SX = 3;

/** Vertical scale for a page's vertical resolution: 98 dpi -> 2, 196 -> 3, 391 -> 6. */
export const bannerScaleY = (yRes: number): number => Math.max(1, Math.round(yRes / 65));

/** Rows the banner occupies (cleared to white): one glyph plus a glyph-row margin above and below. */
export const bannerRows = (yRes: number): number => (GLYPH_H + 2) * bannerScaleY(yRes);

/** Local "YYYY-MM-DD HH:MM" of epoch ms. */
export function bannerTime(t: number): string {
	const d = new Date(t);
	const p = (n: number) => String(n).padStart(2, "0");
	return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())} ${p(d.getHours())}:${p(d.getMinutes())}`;
}

/** The banner's left and right texts for page `page` (1-based) of `pages`. */
export function bannerText(o: { time: number; tsid: string; number: string; page: number; pages: number }): { left: string; right: string } {
	return { left: `${bannerTime(o.time)}  FROM ${o.tsid || "-"}  TO ${o.number}`, right: `P. ${o.page}/${o.pages}` };
}

/** Draw `text` with its top-left at (x, y) in fax dots; clipped to the bitmap. */
export function drawText(b: Bitmap, text: string, x: number, y: number, sx: number, sy: number): void {
	let cx = x;
	for (const ch of text) {
		const g = glyph(ch);
		for (let gy = 0; gy < GLYPH_H; gy++) {
			const bits = g[gy]!;
			if (!bits) continue;
			for (let gx = 0; gx < GLYPH_W; gx++) {
				if (!(bits & (0x10 >> gx))) continue;
				for (let dy = 0; dy < sy; dy++) {
					const yy = y + gy * sy + dy;
					if (yy < 0 || yy >= b.height) continue;
					const row = yy * b.stride;
					for (let dx = 0; dx < sx; dx++) {
						const xx = cx + gx * sx + dx;
						if (xx >= 0 && xx < b.width) b.data[row + (xx >>> 3)]! |= 0x80 >>> (xx & 7);
					}
				}
			}
		}
		cx += (GLYPH_W + 1) * sx;
	}
}

/** Width in dots of `text` at horizontal scale `sx`. */
export const textWidth = (text: string, sx: number): number => [...text].length * (GLYPH_W + 1) * sx;

/** A copy of `page` with the banner drawn into its top rows. */
export function brandPage(page: FaxPage, left: string, right: string): FaxPage {
	const src = page.bitmap;
	const data = new Uint8Array(src.data); // never touch the source's (possibly cached) page
	const b: Bitmap = { width: src.width, height: src.height, stride: src.stride, data };
	const sy = bannerScaleY(page.yRes);
	const rows = Math.min(b.height, bannerRows(page.yRes));
	data.fill(0, 0, rows * b.stride);
	const margin = 2 * (GLYPH_W + 1) * BANNER_SX;
	drawText(b, left, margin, sy, BANNER_SX, sy);
	drawText(b, right, Math.max(margin, b.width - margin - textWidth(right, BANNER_SX)), sy, BANNER_SX, sy);
	return { ...page, bitmap: b };
}

/** Wrap a document so every page carries the banner (time fixed when the call starts). */
export function brandDocument(src: FaxPageSource, o: { clock: Clock; tsid: string; number: string }): FaxPageSource {
	const time = o.clock.now();
	return {
		pageCount: src.pageCount,
		async page(i: number): Promise<FaxPage> {
			const p = await src.page(i);
			const t = bannerText({ time, tsid: o.tsid, number: o.number, page: i + 1, pages: src.pageCount });
			return brandPage(p, t.left, t.right);
		},
	};
}
