/**
 * The document seam of the job layer: rendering submitted files into the job's TIFF Class F (the spool
 * copy behind outgoing-job.md §3 Size/Pages and §2.4 copyTiff) and opening that TIFF as a FaxPageSource
 * for a call. `tiffCodec` (any document in through src/docs — PDF, PostScript, images, text, TIFF, PBM —
 * normalised to fax geometry, G3 2-D out) is the one
 * the daemon and CLI use; tests may inject their own. Layer: jobs.
 */
import { statSync } from "node:fs";
import type { FaxPage, FaxPageSource } from "../core/bitmap.js";
import { openDocument } from "../docs/index.js";
import { ClassFWriter, DEFAULT_MAX_BAD_ROW_SHARE, chooseWidth, defaultResolution, normalizePage, openFaxDocument, openPinnedDocument, refuseBadRows, type BadRowPage } from "../tiff/index.js";

export interface RenderedDocument {
	pages: number;
	/** bytes of the written TIFF */
	size: number;
}

/** Checks while rendering (issue 14). */
export interface RenderOptions {
	/** refuse (IMAGE_BAD_ROWS) a file with a page above this share of unreadable rows; default 0.1 */
	maxBadRowShare?: number;
	/** told about a file's pages with unreadable rows that are rendered anyway */
	onBadRows?: (file: string, pages: readonly BadRowPage[]) => void;
}

/** A page source that may hold a file open. */
export type JobDocument = FaxPageSource & { close?(): Promise<void> };

export interface DocumentCodec {
	/**
	 * Render the submitted files, in order, into one TIFF Class F at `destPath`, atomically (temp file +
	 * fsync + rename: a crash leaves the whole file or none). Rejects with a FaxError (7xx, FILE_NOT_FOUND;
	 * IMAGE_BAD_ROWS when a page has more than `maxBadRowShare` unreadable rows).
	 */
	render(files: readonly string[], destPath: string, opts?: RenderOptions): Promise<RenderedDocument>;
	/** Open a spooled job TIFF for sending. */
	open(path: string): Promise<JobDocument>;
	/**
	 * Write `destPath` (atomically) = `cover` (rendered at the body's first page geometry by `makeCover`;
	 * A4 fine without a body) followed by every page of the TIFF at `bodyPath` (null: cover page only).
	 */
	withCover(makeCover: (width: number, yRes: number) => FaxPage | Promise<FaxPage>, bodyPath: string | null, destPath: string): Promise<RenderedDocument>;
}

/** The production codec over src/docs (documents in) and src/tiff (the spool's Class F). */
export const tiffCodec: DocumentCodec = {
	async render(files, destPath, opts = {}) {
		return writeClassF(destPath, async (w) => {
			for (const f of files) {
				// pinned (one descriptor, private copy); each page decoded once, its bad rows counted, and the
				// whole file refused (the writer aborted) when a page is above the share
				const doc = await openPinnedDocument(f, { checkPages: false, opener: openDocument });
				try {
					const bad: BadRowPage[] = [];
					for (let i = 0; i < doc.pageCount; i++) {
						const d = await doc.decodePage(i);
						if (d.badLines > 0) bad.push({ page: i + 1, rows: d.page.bitmap.height, badRows: d.badLines });
						await w.addPage(normalizePage(d.page, { width: chooseWidth(d.page), resolution: defaultResolution(d.page.yRes) }));
					}
					refuseBadRows(f, bad, opts.maxBadRowShare ?? DEFAULT_MAX_BAD_ROW_SHARE);
					if (bad.length) opts.onBadRows?.(f, bad);
				} finally {
					await doc.close();
				}
			}
		});
	},
	open(path) {
		return openFaxDocument(path);
	},
	async withCover(makeCover, bodyPath, destPath) {
		const body = bodyPath === null ? null : await openFaxDocument(bodyPath);
		try {
			return await writeClassF(destPath, async (w) => {
				const first = body?.pages[0];
				await w.addPage(await makeCover(first?.width ?? 1728, first?.yRes ?? 196));
				if (body) for (let i = 0; i < body.pageCount; i++) await w.addPage(await body.page(i));
			});
		} finally {
			await body?.close();
		}
	},
};

/** Create a G3 2-D TIFF Class F at `destPath`, let `fill` add its pages, then close it (or abort it on error). */
async function writeClassF(destPath: string, fill: (w: ClassFWriter) => Promise<void>): Promise<RenderedDocument> {
	const w = await ClassFWriter.create(destPath, { coding: "mr" });
	try {
		await fill(w);
		const pages = w.pageCount;
		await w.close();
		return { pages, size: statSync(destPath).size };
	} catch (e) {
		await w.abort();
		throw e;
	}
}
