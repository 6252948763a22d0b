/**
 * Cover pages of jobs (outgoing-job.md §3 HasCoverPage, §2.4 copyTiff "this recipient's rendered cover
 * page, then body", §6): one fax page per recipient, the built-in design of src/docs/cover.ts (To, From,
 * date, page count, subject, note) for SERVER cover pages, or a personal SVG/PostScript template
 * (COVER LOCAL with coverPage = the template's path; Windows .cov files are refused by submit).
 * Layer: jobs.
 */
import type { FaxPage } from "../core/bitmap.js";
import type { CoverFields } from "../docs/index.js";
import { pageBox, renderCover } from "../docs/index.js";
import { bannerTime } from "./branding.js";
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
