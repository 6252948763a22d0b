/**
 * One SVG page (text pages, cover pages, SVG cover templates) rendered to a fax page through sharp
 * (librsvg + Pango + fontconfig, so any UTF-8 text in an installed font survives). The SVG is drawn in
 * PostScript points over the box's physical size (viewBox), rasterised at 204 dpi both ways, resampled
 * to the box's vertical resolution and made bilevel (threshold for text; auto when images are inside).
 * Layer: docs.
 */
import { readFile, stat } from "node:fs/promises";
import type { FaxPage } from "../core/bitmap.js";
import { FaxError } from "../core/FaxError.js";
import type { FaxDocument, PageInfo } from "../tiff/document.js";
import type { DitherMode } from "./bilevel.js";
import { boxPoints } from "./geometry.js";
import type { PageBox } from "./geometry.js";
import { imageError, loadSharp, renderImage } from "./image.js";

/** XML text escape (and drop the control characters XML 1.0 forbids). */
export function xmlEscape(s: string): string {
	return s
		.replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]/g, "")
		.replace(/&/g, "&amp;")
		.replace(/</g, "&lt;")
		.replace(/>/g, "&gt;")
		.replace(/"/g, "&quot;");
}

/** Opening <svg> tag for a page drawn in points over the box. */
export function svgOpen(box: PageBox): string {
	const { w, h } = boxPoints(box);
	return `<svg xmlns="http://www.w3.org/2000/svg" width="${box.width}" height="${Math.round((h / 72) * box.xRes)}" viewBox="0 0 ${w.toFixed(2)} ${h.toFixed(2)}" preserveAspectRatio="none">`;
}

/** Renders SVG source (any size; it is fitted to the box like an image) to a fax page. */
export async function renderSvg(svg: string | Uint8Array, box: PageBox, dither: DitherMode = "threshold", what = "SVG page"): Promise<FaxPage> {
	const sharp = await loadSharp();
	try {
		const buf = typeof svg === "string" ? Buffer.from(svg, "utf8") : Buffer.from(svg);
		const m = await sharp(buf, { density: 72, limitInputPixels: 100_000_000 }).metadata();
		if (!m.width || !m.height) throw new Error("SVG has no size");
		// rasterise at the density that makes the SVG exactly one fax line wide (sharp/librsvg scale vectors)
		const scale = box.width / m.width;
		const img = sharp(buf, { density: Math.min(100_000, 72 * scale), limitInputPixels: 100_000_000 });
		return await renderImage(img, { width: Math.round(m.width * scale), height: Math.round(m.height * scale), density: box.xRes }, box, dither);
	} catch (e) {
		throw imageError(e, what);
	}
}

/** An SVG file as a one-page document, drawn across the fax line (auto dither for pictures inside). */
export async function openSvgDocument(path: string, box: PageBox, dither: DitherMode = "auto"): Promise<FaxDocument> {
	const st = await stat(path);
	if (st.size > 32 << 20) throw new FaxError("DOC_TOO_LARGE", `${path}: SVG file of ${st.size} bytes is too large`);
	const src = await readFile(path);
	const first = await renderSvg(src, box, dither, path);
	const info: PageInfo = { index: 0, format: "image", width: box.width, height: first.bitmap.height, xRes: box.xRes, yRes: box.yRes, resolutionKnown: true, resolution: box.resolution, compressionName: "SVG (rendered by librsvg)" };
	return {
		pages: [info],
		pageCount: 1,
		decodePage: async (i) => {
			if (i !== 0) throw new FaxError("INVALID_ARG", `page ${i} out of range (0..0)`);
			return { page: first, badLines: 0, consecutiveBadLines: 0, truncated: false };
		},
		page: async (i) => {
			if (i !== 0) throw new FaxError("INVALID_ARG", `page ${i} out of range (0..0)`);
			return first;
		},
		close: async () => undefined,
	};
}
