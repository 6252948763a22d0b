/**
 * Opens the files named on a command line as one FaxPageSource (pages of every file in order), each page
 * normalised to fax geometry (src/tiff/normalize.ts rules). Every file is opened and checked before the
 * call starts, so bad input fails before anything is dialled. Layer: cli.
 */
import type { FaxPage, FaxPageSource } from "../core/bitmap.js";
import { openFaxDocument, type FaxDocument } from "../tiff/index.js";

export interface OpenedDocuments extends FaxPageSource {
	files: string[];
	close(): Promise<void>;
}

export async function openDocuments(paths: readonly string[]): Promise<OpenedDocuments> {
	const docs: FaxDocument[] = [];
	try {
		for (const p of paths) docs.push(await openFaxDocument(p, { normalize: {} }));
	} catch (e) {
		await Promise.all(docs.map((d) => d.close()));
		throw e;
	}
	const index: Array<[FaxDocument, number]> = [];
	for (const d of docs) for (let i = 0; i < d.pageCount; i++) index.push([d, i]);
	return {
		files: [...paths],
		pageCount: index.length,
		page(i: number): Promise<FaxPage> {
			const at = index[i];
			if (!at) return Promise.reject(new RangeError(`page ${i} out of range`));
			return at[0].page(at[1]);
		},
		close: async () => void (await Promise.all(docs.map((d) => d.close()))),
	};
}
