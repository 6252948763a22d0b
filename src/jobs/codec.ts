/**
 * The document seam of the job layer: rendering submitted files into the job's TIFF Class F (the spool
 * copy behind outgoing-job.md §3 Size/Pages and §2.4 copyTiff) and opening that TIFF as a FaxPageSource
 * for a call. `tiffCodec` (src/docs: any document in — PDF, PostScript, images, text, TIFF, PBM — normalised to fax geometry, G3 2-D out) is the one
 * the daemon and CLI use; tests may inject their own. Layer: jobs.
 */
import { statSync } from "node:fs";
import type { FaxPage, FaxPageSource } from "../core/bitmap.js";
import { openDocument as openFaxDocument } from "../docs/index.js";
import { ClassFWriter } from "../tiff/index.js";

export interface RenderedDocument {
	pages: number;
	/** bytes of the written TIFF */
	size: number;
}

/** A page source that may hold a file open. */
export type JobDocument = FaxPageSource & { close?(): Promise<void> };

export interface DocumentCodec {
	/**
	 * Render the submitted files, in order, into one TIFF Class F at `destPath`, atomically (temp file +
	 * fsync + rename: a crash leaves the whole file or none). Rejects with a FaxError (7xx, FILE_NOT_FOUND).
	 */
	render(files: readonly string[], destPath: string): Promise<RenderedDocument>;
	/** Open a spooled job TIFF for sending. */
	open(path: string): Promise<JobDocument>;
	/**
	 * Write `destPath` (atomically) = `cover` (rendered at the body's first page geometry by `makeCover`;
	 * A4 fine without a body) followed by every page of the TIFF at `bodyPath` (null: cover page only).
	 */
	withCover(makeCover: (width: number, yRes: number) => FaxPage | Promise<FaxPage>, bodyPath: string | null, destPath: string): Promise<RenderedDocument>;
}

/** The production codec over src/tiff. */
export const tiffCodec: DocumentCodec = {
	async render(files, destPath) {
		return writeClassF(destPath, async (w) => {
			for (const f of files) {
				const doc = await openFaxDocument(f, { normalize: {} });
				try {
					for (let i = 0; i < doc.pageCount; i++) await w.addPage(await doc.page(i));
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
