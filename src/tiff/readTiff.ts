/**
 * In-memory TIFF reading: metadata of every page at once, page bitmaps decoded lazily on request.
 * For files on disk use openFaxDocument (document.ts), which keeps only the metadata in memory.
 * Layer: tiff (pure).
 */
import type { FaxPage } from "../core/bitmap.js";
import type { TiffPageInfo } from "./tiffDirectory.js";
import { readTiffDirectory, stripReadLength } from "./tiffDirectory.js";
import type { DecodedTiffPage } from "./tiffPage.js";
import { decodeTiffPage } from "./tiffPage.js";

export interface TiffReader {
	readonly littleEndian: boolean;
	readonly pages: readonly TiffPageInfo[];
	/** Decodes page `index` (0-based): bitmap 1 = black plus bad-line counts. */
	decode(index: number): DecodedTiffPage;
	/** Page `index` as a FaxPage (resolution from the tags, or assumed per tiffDirectory.ts). */
	page(index: number): FaxPage;
}

/** Parses a TIFF held in memory. Throws FaxError TIFF_* on malformed or unsupported input. */
export function readTiff(buf: Uint8Array): TiffReader {
	const dir = readTiffDirectory(buf);
	const decode = (index: number): DecodedTiffPage => {
		const info = dir.pages[index];
		if (!info) throw new RangeError(`page ${index} out of range (0..${dir.pages.length - 1})`);
		return decodeTiffPage(info, (s) => buf.subarray(info.stripOffsets[s], info.stripOffsets[s] + stripReadLength(info, s)));
	};
	return {
		littleEndian: dir.littleEndian,
		pages: dir.pages,
		decode,
		page: (index) => {
			const d = decode(index);
			const info = dir.pages[index];
			return { bitmap: d.bitmap, xRes: info.xRes, yRes: info.yRes };
		},
	};
}
