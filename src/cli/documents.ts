/**
 * Opens the files named on a command line as one FaxPageSource (pages of every file in order, an optional
 * cover page first), each page normalised to fax geometry (src/tiff/normalize.ts rules; PDF, PostScript,
 * images and text are rendered to it by src/docs). Every file is pinned (tiff/pinned.ts: a private copy
 * read through one descriptor) and decoded whole before the call starts, so bad input fails before
 * anything is dialled and what happens to the files afterwards changes nothing that is sent or reported.
 * `documentOptions` are the options every command that opens documents accepts (--paper, --dither).
 * Layer: cli.
 */
import type { FaxPage, FaxPageSource } from "../core/bitmap.js";
import type { CoverFields, DocOptions } from "../docs/index.js";
import { openDocument, pageBox, parseDither, parsePaper, renderCover } from "../docs/index.js";
import { defaultResolution, describeBadRows, openPinnedDocument, type BadRowPage, type PinnedDocument } from "../tiff/index.js";

/** parseArgs option specs for document rendering. */
export const documentOptions = {
	paper: { type: "string" },
	dither: { type: "string" },
} as const;

/** parseArgs option specs for a cover page (send). */
export const coverOptions = {
	cover: { type: "boolean" },
	"cover-template": { type: "string" },
	"to-name": { type: "string" },
	"to-company": { type: "string" },
	"from-name": { type: "string" },
	"from-company": { type: "string" },
	"from-number": { type: "string" },
	subject: { type: "string" },
	note: { type: "string" },
} as const;

export interface CoverRequest {
	fields: CoverFields;
	template?: string;
}

type CoverValues = { [K in keyof typeof coverOptions]?: (typeof coverOptions)[K]["type"] extends "boolean" ? boolean : string };

/** The cover page asked for on the command line (--cover or --cover-template), or undefined. */
export function coverOf(v: CoverValues, recipientNumber: string, tsid: string | undefined, now = new Date()): CoverRequest | undefined {
	if (!v.cover && v["cover-template"] === undefined) return undefined;
	const p2 = (n: number) => String(n).padStart(2, "0");
	const date = `${now.getFullYear()}-${p2(now.getMonth() + 1)}-${p2(now.getDate())} ${p2(now.getHours())}:${p2(now.getMinutes())}`;
	const opt = (k: keyof CoverFields, x: string | undefined) => (x !== undefined && x !== "" ? { [k]: x } : {});
	return {
		fields: {
			...opt("recipientName", v["to-name"]),
			...opt("recipientCompany", v["to-company"]),
			recipientNumber,
			...opt("senderName", v["from-name"]),
			...opt("senderCompany", v["from-company"]),
			...opt("senderNumber", v["from-number"] ?? tsid),
			...opt("subject", v.subject),
			...opt("note", v.note),
			date,
		},
		...(v["cover-template"] !== undefined ? { template: v["cover-template"] } : {}),
	};
}

/** DocOptions from parsed --paper / --dither values (FaxError USAGE when bad). */
export function docOptionsOf(v: { paper?: string; dither?: string }): DocOptions {
	return { ...(v.paper !== undefined ? { paper: parsePaper(v.paper) } : {}), ...(v.dither !== undefined ? { dither: parseDither(v.dither) } : {}) };
}

export interface OpenedDocuments extends FaxPageSource {
	files: string[];
	/** bytes of the files as pinned */
	size: number;
	/** pages with bad rows: page numbers count across all files (as sent) */
	badRows: Array<BadRowPage & { file: string }>;
	/** one line per page with bad rows, for a warning before the call */
	warnings(): string[];
	close(): Promise<void>;
}

/** The warning line for a page with unreadable rows that is sent anyway (send, submit). */
export const badRowWarning = (p: BadRowPage, file: string): string => `warning: ${describeBadRows(p)} (${file}); they are sent as decoded`;

/** With `cover`, a cover page (counting every page) goes first, at the first page's geometry. */
export async function openDocuments(paths: readonly string[], opts: DocOptions & { maxBadRowShare?: number } = {}, cover?: CoverRequest): Promise<OpenedDocuments> {
	const docs: PinnedDocument[] = [];
	const extra: FaxPage[] = [];
	try {
		for (const p of paths) docs.push(await openPinnedDocument(p, { ...opts, normalize: {}, opener: (path, o) => openDocument(path, { ...opts, ...o }) }));
		if (cover) {
			const pages = docs.reduce((n, d) => n + d.pageCount, 1);
			const first = docs.find((d) => d.pageCount > 0)?.pages[0];
			const width = first && (first.width === 2048 || first.width === 2432) ? first.width : 1728;
			const box = pageBox({ width, resolution: defaultResolution(first?.yRes ?? 196), ...(opts.paper ? { paper: opts.paper } : {}) });
			extra.push(await renderCover({ ...cover.fields, pages }, box, cover.template));
		}
	} catch (e) {
		await Promise.all(docs.map((d) => d.close()));
		throw e;
	}
	const index: Array<[PinnedDocument, number] | FaxPage> = [...extra];
	const badRows: OpenedDocuments["badRows"] = [];
	for (const d of docs) {
		for (const b of d.badRows) badRows.push({ ...b, page: index.length + b.page, file: d.path });
		for (let i = 0; i < d.pageCount; i++) index.push([d, i]);
	}
	return {
		files: [...paths],
		pageCount: index.length,
		size: docs.reduce((n, d) => n + d.size, 0),
		badRows,
		warnings: () => badRows.map((b) => badRowWarning(b, b.file)),
		page(i: number): Promise<FaxPage> {
			const at = index[i];
			if (!at) return Promise.reject(new RangeError(`page ${i} out of range`));
			return Array.isArray(at) ? at[0].page(at[1]) : Promise.resolve(at);
		},
		close: async () => void (await Promise.all(docs.map((d) => d.close()))),
	};
}
