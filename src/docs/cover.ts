/**
 * Cover pages with the fields Windows Fax (FAX_COVERPAGE_INFO: recipient name/number/company, sender
 * name/number/company, subject, note, time sent, page count) and HylaFAX's faxcover fill. Three kinds:
 * - the built-in design (coverSvg): a bold FAX title on a black band, a two-column To/From block,
 *   date/pages/subject rows and a ruled note box, drawn as SVG in Nimbus Sans/DejaVu Sans and rendered
 *   at the page's geometry (svgPage.ts) — clean at fine resolution;
 * - an SVG template: every `{{field}}` (names of CoverFields) replaced by its XML-escaped value;
 * - a PostScript template (.ps/.eps), HylaFAX faxcover style: we prepend definitions of `to`,
 *   `to-company`, `to-fax-number`, `from`, `from-company`, `from-fax-number`, `regarding`, `comments`,
 *   `todays-date`, `page-count` (PostScript strings) and Ghostscript renders it (gsDocument.ts);
 * - a PDF template: its AcroForm text fields named after CoverFields are filled and flattened
 *   (pdfCover.ts), a PDF without fields is a static cover; Ghostscript renders it like any PDF.
 * Layer: docs.
 */
import { readFile, rm, writeFile, mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { FaxPage } from "../core/bitmap.js";
import { FaxError } from "../core/FaxError.js";
import type { PageBox } from "./geometry.js";
import { boxPoints } from "./geometry.js";
import { openGsDocument } from "./gsDocument.js";
import type { CoverFields } from "./coverFields.js";
import { COVER_FIELDS } from "./coverFields.js";
import { sniff } from "./open.js";
import { fillPdfTemplate } from "./pdfCover.js";
import { renderSvg, svgOpen, xmlEscape } from "./svgPage.js";

export type { CoverFields } from "./coverFields.js";
export { COVER_FIELDS } from "./coverFields.js";

const SANS = "Nimbus Sans, Liberation Sans, DejaVu Sans, sans-serif";

/** Greedy word wrap to `width` characters. */
function wrapLines(text: string, width: number): string[] {
	const out: string[] = [];
	for (const para of text.split(/\r?\n/)) {
		let line = "";
		for (const word of para.split(/\s+/).filter(Boolean)) {
			if (line && line.length + 1 + word.length > width) {
				out.push(line);
				line = "";
			}
			line = line ? `${line} ${word}` : word;
			while (line.length > width) {
				out.push(line.slice(0, width));
				line = line.slice(width);
			}
		}
		out.push(line);
	}
	return out;
}

/** The built-in design as SVG over the page box. */
export function coverSvg(f: CoverFields, box: PageBox): string {
	const { w, h } = boxPoints(box);
	const m = 54; // 0.75 in margins
	const col = (w - 2 * m) / 2;
	const e = (s: string | number | undefined): string => xmlEscape(String(s ?? ""));
	const o: string[] = [svgOpen(box), `<rect width="100%" height="100%" fill="#fff"/>`, `<g font-family="${SANS}" fill="#000">`];
	o.push(`<rect x="${m}" y="${m}" width="${w - 2 * m}" height="64" fill="#000"/>`);
	o.push(`<text x="${m + 18}" y="${m + 48}" font-size="44" font-weight="bold" fill="#fff" letter-spacing="6">FAX</text>`);
	o.push(`<text x="${w - m - 18}" y="${m + 40}" font-size="16" fill="#fff" text-anchor="end">${e(f.date)}</text>`);
	let y = m + 110;
	const block = (x: number, label: string, name?: string, company?: string, num?: string) => {
		o.push(`<text x="${x}" y="${y}" font-size="11" font-weight="bold" letter-spacing="2">${label}</text>`);
		o.push(`<line x1="${x}" y1="${y + 6}" x2="${x + col - 18}" y2="${y + 6}" stroke="#000" stroke-width="1.2"/>`);
		o.push(`<text x="${x}" y="${y + 30}" font-size="20" font-weight="bold">${e(name || "—")}</text>`);
		if (company) o.push(`<text x="${x}" y="${y + 52}" font-size="14">${e(company)}</text>`);
		o.push(`<text x="${x}" y="${y + (company ? 74 : 52)}" font-size="14">Fax: ${e(num || "—")}</text>`);
	};
	block(m, "TO", f.recipientName, f.recipientCompany, f.recipientNumber);
	block(m + col + 18, "FROM", f.senderName, f.senderCompany, f.senderNumber);
	y += 110;
	const row = (label: string, value: string) => {
		o.push(`<text x="${m}" y="${y}" font-size="13" font-weight="bold">${label}</text><text x="${m + 90}" y="${y}" font-size="14">${e(value)}</text>`);
		o.push(`<line x1="${m}" y1="${y + 8}" x2="${w - m}" y2="${y + 8}" stroke="#000" stroke-width="0.5"/>`);
		y += 30;
	};
	row("DATE", f.date ?? "");
	row("PAGES", f.pages !== undefined ? `${f.pages} (including this cover page)` : "");
	row("SUBJECT", f.subject ?? "");
	y += 14;
	const boxH = Math.min(h - y - m - 30, 420);
	o.push(`<text x="${m}" y="${y}" font-size="11" font-weight="bold" letter-spacing="2">NOTE</text>`);
	o.push(`<rect x="${m}" y="${y + 8}" width="${w - 2 * m}" height="${boxH}" fill="none" stroke="#000" stroke-width="1.2"/>`);
	const lines = wrapLines(f.note ?? "", Math.floor((w - 2 * m - 28) / 7.2)).slice(0, Math.floor((boxH - 20) / 19));
	lines.forEach((l, i) => o.push(`<text x="${m + 14}" y="${y + 34 + i * 19}" font-size="14" xml:space="preserve">${e(l)}</text>`));
	o.push(`<text x="${w / 2}" y="${h - m + 10}" font-size="9" text-anchor="middle">If you received this fax in error, please notify the sender and destroy it.</text>`);
	o.push("</g></svg>");
	return o.join("\n");
}

/** Fills `{{field}}` placeholders of an SVG template (unknown names are left as they are). */
export function fillSvgTemplate(svg: string, f: CoverFields): string {
	return svg.replace(/\{\{\s*(\w+)\s*\}\}/g, (all, name: string) => ((COVER_FIELDS as readonly string[]).includes(name) ? xmlEscape(String(f[name as keyof CoverFields] ?? "")) : all));
}

/** A PostScript string literal (Latin-1; other characters become '?'). */
function psString(s: string): string {
	let out = "(";
	for (const ch of s) {
		const c = ch.codePointAt(0)!;
		if (ch === "(" || ch === ")" || ch === "\\") out += `\\${ch}`;
		else if (c >= 0x20 && c < 0x7f) out += ch;
		else if (c >= 0xa0 && c <= 0xff) out += `\\${c.toString(8).padStart(3, "0")}`;
		else out += c === 10 ? "\\n" : "?";
	}
	return `${out})`;
}

/** HylaFAX faxcover-style definitions for a PostScript template. */
export function psDefinitions(f: CoverFields): string {
	const d: Array<[string, string]> = [
		["to", f.recipientName ?? ""],
		["to-company", f.recipientCompany ?? ""],
		["to-fax-number", f.recipientNumber ?? ""],
		["from", f.senderName ?? ""],
		["from-company", f.senderCompany ?? ""],
		["from-fax-number", f.senderNumber ?? ""],
		["regarding", f.subject ?? ""],
		["comments", f.note ?? ""],
		["todays-date", f.date ?? ""],
		["page-count", f.pages !== undefined ? String(f.pages) : ""],
	];
	return `%!PS-Adobe-3.0\n${d.map(([k, v]) => `/${k} ${psString(v)} def`).join("\n")}\n`;
}

/**
 * Renders a cover page: the built-in design without `template`, else the SVG or PostScript template
 * at that path (told apart by content). Throws DOC_* / FILE_NOT_FOUND.
 */
export async function renderCover(f: CoverFields, box: PageBox, template?: string): Promise<FaxPage> {
	if (!template) return renderSvg(coverSvg(f, box), box, "threshold", "cover page");
	let src: Buffer;
	try {
		src = await readFile(template);
	} catch (e) {
		throw new FaxError("FILE_NOT_FOUND", `cover template ${template} cannot be read (${(e as NodeJS.ErrnoException).code})`, { cause: e });
	}
	const kind = sniff(new Uint8Array(src.subarray(0, 4096)));
	if (kind === "svg") return renderSvg(fillSvgTemplate(src.toString("utf8"), f), box, "auto", template);
	if (kind === "postscript") return renderOnePage(Buffer.concat([Buffer.from(psDefinitions(f), "latin1"), src]), "ps", box, template);
	if (kind === "pdf") return renderOnePage((await fillPdfTemplate(new Uint8Array(src), f, template)).pdf, "pdf", box, template);
	throw new FaxError("DOC_UNSUPPORTED", `cover template ${template} must be SVG (with {{field}} placeholders), PostScript (HylaFAX faxcover style) or PDF (form fields named after the cover fields)`);
}

/** Renders a one-page PDF or PostScript program (bytes) through Ghostscript at the box's geometry. */
async function renderOnePage(bytes: Uint8Array, kind: "pdf" | "ps", box: PageBox, what: string): Promise<FaxPage> {
	const dir = await mkdtemp(join(tmpdir(), "faxline-cover-"));
	try {
		const file = join(dir, `cover.${kind}`);
		await writeFile(file, bytes);
		const doc = await openGsDocument(file, kind, box, { maxPages: 1, timeoutMs: 30_000 }).catch((e: unknown) => {
			if (e instanceof FaxError) e.message = e.message.split(file).join(what);
			throw e;
		});
		try {
			return await doc.page(0);
		} finally {
			await doc.close();
		}
	} finally {
		await rm(dir, { recursive: true, force: true });
	}
}
