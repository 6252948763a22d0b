/**
 * Opens the files named on a command line as one FaxPageSource (pages of every file in order), each page
 * normalised to fax geometry (src/tiff/normalize.ts rules; PDF, PostScript, images and text are rendered
 * to it by src/docs). Every file is opened and checked before the call starts, so bad input fails before
 * anything is dialled. `documentOptions` are the options every command that opens documents accepts
 * (--paper, --dither). Layer: cli.
 */
import type { FaxPage, FaxPageSource } from "../core/bitmap.js";
import type { DocOptions } from "../docs/index.js";
import { openDocument, parseDither, parsePaper } from "../docs/index.js";
import type { FaxDocument } from "../tiff/index.js";

/** parseArgs option specs for document rendering. */
export const documentOptions = {
	paper: { type: "string" },
	dither: { type: "string" },
} as const;

/** DocOptions from parsed --paper / --dither values (FaxError USAGE when bad). */
export function docOptionsOf(v: { paper?: string; dither?: string }): DocOptions {
	return { ...(v.paper !== undefined ? { paper: parsePaper(v.paper) } : {}), ...(v.dither !== undefined ? { dither: parseDither(v.dither) } : {}) };
}

export interface OpenedDocuments extends FaxPageSource {
	files: string[];
	close(): Promise<void>;
}

/** `extra` pages (a cover page) go first. */
export async function openDocuments(paths: readonly string[], opts: DocOptions = {}, extra: readonly FaxPage[] = []): Promise<OpenedDocuments> {
	const docs: FaxDocument[] = [];
	try {
		for (const p of paths) docs.push(await openDocument(p, { ...opts, normalize: {} }));
	} catch (e) {
		await Promise.all(docs.map((d) => d.close()));
		throw e;
	}
	const index: Array<[FaxDocument, number] | FaxPage> = [...extra];
	for (const d of docs) for (let i = 0; i < d.pageCount; i++) index.push([d, i]);
	return {
		files: [...paths],
		pageCount: index.length,
		page(i: number): Promise<FaxPage> {
			const at = index[i];
			if (!at) return Promise.reject(new RangeError(`page ${i} out of range`));
			return Array.isArray(at) ? at[0].page(at[1]) : Promise.resolve(at);
		},
		close: async () => void (await Promise.all(docs.map((d) => d.close()))),
	};
}
