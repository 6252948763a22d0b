/**
 * Opens the files named on a command line as one FaxPageSource (pages of every file in order), each page
 * normalised to fax geometry (src/tiff/normalize.ts rules). Every file is pinned (tiff/pinned.ts: a private
 * copy read through one descriptor) and decoded whole before the call starts, so bad input fails before
 * anything is dialled and what happens to the files afterwards changes nothing that is sent or reported.
 * Layer: cli.
 */
import type { FaxPage, FaxPageSource } from "../core/bitmap.js";
import { describeBadRows, openPinnedDocument, type BadRowPage, type PinnedDocument } from "../tiff/index.js";

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

export async function openDocuments(paths: readonly string[], opts: { maxBadRowShare?: number } = {}): Promise<OpenedDocuments> {
	const docs: PinnedDocument[] = [];
	try {
		for (const p of paths) docs.push(await openPinnedDocument(p, { normalize: {}, ...opts }));
	} catch (e) {
		await Promise.all(docs.map((d) => d.close()));
		throw e;
	}
	const index: Array<[PinnedDocument, number]> = [];
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
			return at[0].page(at[1]);
		},
		close: async () => void (await Promise.all(docs.map((d) => d.close()))),
	};
}
