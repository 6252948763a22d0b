/**
 * Cover pages of jobs (outgoing-job.md §3 HasCoverPage, §2.4 copyTiff "this recipient's rendered cover
 * page, then body", §6): one fax page per recipient, the built-in design of src/docs/cover.ts (To, From,
 * date, page count, subject, note) for SERVER cover pages, or a personal SVG/PostScript template
 * (COVER LOCAL with coverPage = the template's path; Windows .cov files are refused by submit).
 * Also the continuation cover page that starts a retry resuming after delivered pages (issue 14,
 * HylaFAX's continuation cover), drawn with the built-in 5x7 font. Layer: jobs.
 */
import type { FaxPage } from "../core/bitmap.js";
import { createBitmap } from "../core/bitmap.js";
import type { CoverFields } from "../docs/index.js";
import { pageBox, renderCover } from "../docs/index.js";
import { bannerTime, drawText } from "./branding.js";
import { GLYPH_H, GLYPH_W } from "./font5x7.js";
import type { FaxRecipient, FaxSender } from "./types.js";

/** Server cover page names we render ('' = the default). */
export const SERVER_COVER_PAGES: readonly string[] = ["", "generic"];

export interface CoverInfo {
	sender: FaxSender;
	recipient: FaxRecipient;
	subject: string;
	note: string;
	/** total pages including the cover */
	pages: number;
	/** epoch ms shown as the date */
	time: number;
}

/** Break `text` into lines of at most `width` characters (words kept whole when they fit). */
export function wrap(text: string, width: number): string[] {
	const out: string[] = [];
	for (const para of text.split(/\r?\n/)) {
		let line = "";
		for (const word of para.split(/\s+/).filter(Boolean)) {
			for (let w = word; w.length > 0; ) {
				const room = line ? width - line.length - 1 : width;
				if (w.length <= room) {
					line = line ? `${line} ${w}` : w;
					w = "";
				} else if (!line && w.length > width) {
					out.push(w.slice(0, width));
					w = w.slice(width);
				} else {
					out.push(line);
					line = "";
				}
			}
		}
		out.push(line);
	}
	while (out.length && out.at(-1) === "") out.pop();
	return out;
}

/** What a continuation cover page says. */
export interface ContinuationInfo {
	sender: FaxSender;
	recipient: FaxRecipient;
	subject: string;
	/** document pages that follow this page */
	pages: readonly number[];
	/** pages of the whole document */
	total: number;
	/** pages earlier calls delivered */
	delivered: readonly number[];
	/** epoch ms shown as the date (this call) */
	time: number;
	/** epoch ms the fax was submitted */
	submitted: number;
}

/** "1-3, 5" for [1, 2, 3, 5]. */
export function pageRanges(pages: readonly number[]): string {
	const out: string[] = [];
	for (let i = 0; i < pages.length; ) {
		let k = i;
		while (k + 1 < pages.length && pages[k + 1] === pages[k]! + 1) k++;
		out.push(k === i ? `${pages[i]}` : `${pages[i]}-${pages[k]}`);
		i = k + 1;
	}
	return out.join(", ");
}

/** Render the continuation cover page that starts a resumed retry, at the first sent page's geometry. */
export function renderContinuationPage(info: ContinuationInfo, width = 1728, yRes = 196): FaxPage {
	return drawCover(
		"FAX - CONTINUED",
		[
			["TO:", who(info.recipient.name, info.recipient.faxNumber)],
			["FROM:", who(info.sender.name, info.sender.faxNumber, info.sender.company)],
			["DATE:", bannerTime(info.time)],
			["SENT:", `${bannerTime(info.submitted)} (FIRST CALL)`],
			["PAGES:", `${pageRanges(info.pages)} OF ${info.total} FOLLOW`],
			["EARLIER:", `${pageRanges(info.delivered) || "-"} DELIVERED BY AN EARLIER CALL`],
			...(info.subject ? [["SUBJECT:", info.subject] as [string, string]] : []),
		],
		"",
		width,
		yRes,
	);
}

const who = (name: string | undefined, num: string | undefined, extra?: string): string => [name, num, extra].filter((x) => x).join("  ") || "-";

/**
 * Render the cover page at the body's geometry (width in dots, vertical dpi; A4 length): the built-in
 * design of src/docs/cover.ts, or the SVG/PostScript template at `template` (a personal cover page).
 */
export async function renderCoverPage(info: CoverInfo, width = 1728, yRes = 196, template?: string): Promise<FaxPage> {
	const box = pageBox({ width: width === 2048 || width === 2432 ? width : 1728, resolution: yRes >= 300 ? "superfine" : yRes >= 150 ? "fine" : "standard" });
	const fields: CoverFields = {
		recipientName: info.recipient.name,
		recipientNumber: info.recipient.faxNumber,
		...(info.sender.name ? { senderName: info.sender.name } : {}),
		...(info.sender.company ? { senderCompany: info.sender.company } : {}),
		...(info.sender.faxNumber ? { senderNumber: info.sender.faxNumber } : {}),
		subject: info.subject,
		note: info.note,
		date: bannerTime(info.time),
		pages: info.pages,
	};
	return renderCover(fields, box, template);
}

/** A title, labelled lines and a wrapped note in the built-in font on an A4 page. */
function drawCover(title: string, lines: ReadonlyArray<readonly [string, string]>, note: string, width: number, yRes: number): FaxPage {
	const rows = Math.round((297 / 25.4) * yRes);
	const b = createBitmap(width, rows);
	// font pixels about square on paper: n dots across (204 dpi) -> n * yRes / 204 rows down
	const down = (n: number): number => Math.max(1, Math.round((n * yRes) / 204));
	const SX = 4; // text: 4 dots per font pixel, 24 dots (3 mm) a character
	const left = 120;
	let y = Math.round(0.6 * yRes); // 0.6 in from the top
	drawText(b, title, left, y, 14, down(14));
	y += (GLYPH_H + 4) * down(14);
	for (const [label, value] of lines) {
		drawText(b, `${label.padEnd(9)}${value}`, left, y, SX, down(SX));
		y += (GLYPH_H + 5) * down(SX);
	}
	if (note) {
		y += (GLYPH_H + 4) * down(SX);
		const perLine = Math.floor((width - 2 * left) / ((GLYPH_W + 1) * SX));
		for (const l of wrap(note, perLine).slice(0, 40)) {
			drawText(b, l, left, y, SX, down(SX));
			y += (GLYPH_H + 4) * down(SX);
		}
	}
	return { bitmap: b, xRes: 204, yRes };
}
