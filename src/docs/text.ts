/**
 * Plain text files as fax pages, in the manner of HylaFAX's `textfmt`: a monospace font (DejaVu Sans
 * Mono, 10 pt, 12 pt line pitch), margins of 0.6 in left/right and a header line (file name, date,
 * "Page n of m") above a rule; tabs expand to 8 columns, long lines wrap at the right margin, a form feed
 * starts a new page. UTF-8 is read strictly; a file that is not valid UTF-8 is read as Windows-1252 (so
 * old Latin-1 files keep their accents). Pages are laid out when the file is opened (cheap) and each is
 * rendered only when asked for (svgPage.ts). Layer: docs.
 */
import { readFile, stat } from "node:fs/promises";
import { basename } from "node:path";
import { FaxError } from "../core/FaxError.js";
import type { DecodedPage, FaxDocument, PageInfo } from "../tiff/document.js";
import type { PageBox } from "./geometry.js";
import { boxPoints } from "./geometry.js";
import { renderSvg, svgOpen, xmlEscape } from "./svgPage.js";

/** Largest text file accepted (bytes). */
export const MAX_TEXT_BYTES = 16 << 20;

export const TEXT_LAYOUT = { fontPt: 10, linePt: 12, marginX: 43.2, top: 36, bodyTop: 64, bottom: 40, charW: 0.602 } as const;
const FONT = "DejaVu Sans Mono, Liberation Mono, Nimbus Mono PS, monospace";

/** Decodes file bytes: UTF-8 (BOM dropped) or, failing that, Windows-1252. */
export function decodeText(bytes: Uint8Array): string {
	try {
		return new TextDecoder("utf-8", { fatal: true, ignoreBOM: false }).decode(bytes);
	} catch {
		return new TextDecoder("windows-1252").decode(bytes);
	}
}

/** Splits text into pages of at most `rows` lines of at most `cols` characters (code points). */
export function paginate(text: string, cols: number, rows: number): string[][] {
	const pages: string[][] = [];
	let page: string[] = [];
	const push = (line: string): void => {
		if (page.length === rows) {
			pages.push(page);
			page = [];
		}
		page.push(line);
	};
	const lines = text.replace(/\r\n?/g, "\n").split("\n");
	if (lines.length > 1 && lines.at(-1) === "") lines.pop();
	for (const raw of lines) {
		const parts = raw.split("\f");
		parts.forEach((part, k) => {
			if (k > 0) {
				pages.push(page);
				page = [];
			}
			if (k > 0 && part === "") return;
			let line = "";
			for (const ch of part) line += ch === "\t" ? " ".repeat(8 - ([...line].length % 8)) : ch;
			const cps = [...line];
			if (cps.length === 0) push("");
			for (let i = 0; i < cps.length; i += cols) push(cps.slice(i, i + cols).join(""));
		});
	}
	pages.push(page);
	while (pages.length > 1 && pages.at(-1)!.length === 0) pages.pop();
	return pages;
}

/** Characters per line and lines per page for a box. */
export function textGrid(box: PageBox): { cols: number; rows: number } {
	const { w, h } = boxPoints(box);
	const L = TEXT_LAYOUT;
	return { cols: Math.floor((w - 2 * L.marginX) / (L.fontPt * L.charW)), rows: Math.floor((h - L.bodyTop - L.bottom) / L.linePt) };
}

/** The SVG of one text page. */
export function textPageSvg(lines: string[], n: number, total: number, title: string, date: string, box: PageBox): string {
	const { w } = boxPoints(box);
	const L = TEXT_LAYOUT;
	const head = L.top + 10;
	const out = [svgOpen(box), `<rect width="100%" height="100%" fill="#fff"/>`];
	out.push(`<g font-family="${FONT}" font-size="${L.fontPt}" fill="#000" xml:space="preserve">`);
	out.push(`<text x="${L.marginX}" y="${head}" font-weight="bold">${xmlEscape(title)}</text>`);
	out.push(`<text x="${(w / 2).toFixed(1)}" y="${head}" text-anchor="middle">${xmlEscape(date)}</text>`);
	out.push(`<text x="${(w - L.marginX).toFixed(1)}" y="${head}" text-anchor="end" font-weight="bold">Page ${n} of ${total}</text>`);
	out.push(`<line x1="${L.marginX}" y1="${head + 5}" x2="${(w - L.marginX).toFixed(1)}" y2="${head + 5}" stroke="#000" stroke-width="0.8"/>`);
	lines.forEach((l, i) => {
		if (l.trim() !== "") out.push(`<text x="${L.marginX}" y="${L.bodyTop + L.fontPt + i * L.linePt}">${xmlEscape(l)}</text>`);
	});
	out.push("</g></svg>");
	return out.join("\n");
}

/** Opens a text file. */
export async function openTextDocument(path: string, box: PageBox, now: Date = new Date()): Promise<FaxDocument> {
	const size = (await stat(path)).size;
	if (size > MAX_TEXT_BYTES) throw new FaxError("DOC_TOO_LARGE", `${path}: text file of ${size} bytes is larger than ${MAX_TEXT_BYTES >> 20} MB`);
	const text = decodeText(await readFile(path));
	const { cols, rows } = textGrid(box);
	const pagesText = paginate(text, cols, rows);
	const title = basename(path);
	const date = `${now.getFullYear()}-${String(now.getMonth() + 1).padStart(2, "0")}-${String(now.getDate()).padStart(2, "0")} ${String(now.getHours()).padStart(2, "0")}:${String(now.getMinutes()).padStart(2, "0")}`;
	const total = pagesText.length;
	const pages: PageInfo[] = pagesText.map((_, index) => ({ index, format: "text", width: box.width, height: box.height, xRes: box.xRes, yRes: box.yRes, resolutionKnown: true, resolution: box.resolution, compressionName: `text (${cols} columns, ${rows} lines a page)` }));
	let closed = false;
	async function decode(i: number): Promise<DecodedPage> {
		if (closed) throw new FaxError("INVALID_OPERATION", "document is closed");
		if (!Number.isInteger(i) || i < 0 || i >= total) throw new FaxError("INVALID_ARG", `page ${i} out of range (0..${total - 1})`);
		const page = await renderSvg(textPageSvg(pagesText[i], i + 1, total, title, date, box), box, "threshold", `${path} page ${i + 1}`);
		return { page, badLines: 0, consecutiveBadLines: 0, truncated: false };
	}
	return { pages, pageCount: total, decodePage: decode, page: async (i) => (await decode(i)).page, close: async () => void (closed = true) };
}
