/**
 * openFaxDocument: a TIFF or PBM file on disk as a FaxPageSource (src/core/bitmap.ts) for the T.30
 * engine and the job layer. Opening reads only the TIFF header, IFDs and tag values (or the P4 image
 * headers) and keeps per-page metadata; each page(i) reads just its own strips (or P4 raster) from the
 * open file and decodes it, so a 500-page document is never whole in memory. Optional normalisation
 * to fax geometry (normalize.ts). Layer: tiff (file I/O confined to this file and ClassFWriter.ts).
 */
import type { FileHandle } from "node:fs/promises";
import { open } from "node:fs/promises";
import type { FaxPage, FaxPageSource, FaxResolution } from "../core/bitmap.js";
import { createBitmap, yResOf } from "../core/bitmap.js";
import { FaxError } from "../core/FaxError.js";
import type { FaxWidth } from "./normalize.js";
import { chooseWidth, faxResolutionOf, normalizePage } from "./normalize.js";
import type { PbmImage } from "./pbm.js";
import { clearPadding, looksLikePbm, scanPbm, scanPbmFile } from "./pbm.js";
import { loadTiffMetadata } from "./ifdChain.js";
import { assumedXRes, readTiffDirectory, stripReadLength } from "./tiffDirectory.js";
import type { TiffPageInfo } from "./tiffDirectory.js";
import { decodeTiffPage } from "./tiffPage.js";

/** Largest input file accepted (bytes). */
const MAX_FILE_BYTES = 1 << 30;

/** What `info` shows about one page of a TIFF or PBM file. */
export interface PageInfo {
	/** 0-based */
	index: number;
	format: "tiff" | "pbm";
	width: number;
	height: number;
	/** dpi; assumed (see tiffDirectory.ts assumedXRes) when `resolutionKnown` is false */
	xRes: number;
	yRes: number;
	resolutionKnown: boolean;
	/** fax class when yRes is within 3% of 98/196/391 dpi (normalize.ts faxResolutionOf), else undefined */
	resolution?: FaxResolution;
	compressionName: string;
	/** the TIFF tags, for TIFF pages */
	tiff?: TiffPageInfo;
}

/** A decoded page with the decoder's findings. */
export interface DecodedPage {
	page: FaxPage;
	badLines: number;
	consecutiveBadLines: number;
	truncated: boolean;
}

export interface OpenOptions {
	/**
	 * Re-fit every page to fax geometry. `width` defaults to chooseWidth(page); `resolution` to the finest
	 * fax class not finer than the page (>= 379 dpi superfine, >= 190 fine, else standard).
	 */
	normalize?: { width?: FaxWidth; resolution?: FaxResolution };
}

export type FaxDocument = FaxPageSource & {
	readonly pages: PageInfo[];
	/** page(i) plus bad-line counts and truncation (no normalisation) */
	decodePage(index: number): Promise<DecodedPage>;
	close(): Promise<void>;
};

/** Default normalisation class for a vertical dpi: the finest class not finer than the page (3% slack). */
export function defaultResolution(yRes: number): FaxResolution {
	if (yRes >= 391 * 0.97) return "superfine";
	if (yRes >= 196 * 0.97) return "fine";
	return "standard";
}

/** Opens a TIFF (any of Compression 1/2/3/4/32773) or PBM (P1/P4, multi-image) file. */
export async function openFaxDocument(path: string, opts: OpenOptions = {}): Promise<FaxDocument> {
	let fh: FileHandle;
	try {
		fh = await open(path, "r");
	} catch (e) {
		const code = (e as NodeJS.ErrnoException).code;
		if (code === "ENOENT") throw new FaxError("FILE_NOT_FOUND", `no such file: ${path}`, { cause: e });
		if (code === "EACCES" || code === "EISDIR") throw new FaxError("FILE_ACCESS_DENIED", `cannot read ${path} (${code})`, { cause: e });
		throw e;
	}
	try {
		const size = (await fh.stat()).size;
		if (size > MAX_FILE_BYTES) throw new FaxError("TIFF_TOO_LARGE", `${path}: file of ${size} bytes is too large`);
		const read = (offset: number, length: number): Promise<Uint8Array> => readAt(fh, offset, length);
		const magic = size >= 2 ? await read(0, 2) : new Uint8Array(0);
		if (looksLikePbm(magic)) {
			const scanned = await scanPbmFile(size, read);
			return pbmDocument(fh, scanned instanceof Uint8Array ? scanPbm(scanned) : scanned, opts);
		}
		if (magic.length === 2 && ((magic[0] === 0x49 && magic[1] === 0x49) || (magic[0] === 0x4d && magic[1] === 0x4d)))
			return tiffDocument(fh, await loadTiffMetadata(size, read), opts);
		throw new FaxError("TIFF_UNSUPPORTED", `${path}: not a TIFF or PBM file`);
	} catch (e) {
		await fh.close().catch(() => undefined);
		throw e;
	}
}

async function readAt(fh: FileHandle, offset: number, length: number): Promise<Uint8Array> {
	const b = new Uint8Array(length);
	let got = 0;
	while (got < length) {
		const { bytesRead } = await fh.read(b, got, length - got, offset + got);
		if (bytesRead === 0) throw new FaxError("TIFF_TRUNCATED", `file shrank while reading (${length} bytes at ${offset})`);
		got += bytesRead;
	}
	return b;
}

function makeDocument(fh: FileHandle, pages: PageInfo[], decode: (i: number) => Promise<DecodedPage>, opts: OpenOptions): FaxDocument {
	let closed = false;
	const check = (i: number): void => {
		if (closed) throw new FaxError("INVALID_OPERATION", "document is closed");
		if (!Number.isInteger(i) || i < 0 || i >= pages.length) throw new FaxError("INVALID_ARG", `page ${i} out of range (0..${pages.length - 1})`);
	};
	return {
		pages,
		pageCount: pages.length,
		async decodePage(i) {
			check(i);
			return decode(i);
		},
		async page(i) {
			check(i);
			const { page } = await decode(i);
			const n = opts.normalize;
			if (!n) return page;
			return normalizePage(page, { width: n.width ?? chooseWidth(page), resolution: n.resolution ?? defaultResolution(page.yRes) });
		},
		async close() {
			if (closed) return;
			closed = true;
			await fh.close();
		},
	};
}

function tiffDocument(fh: FileHandle, bytes: Uint8Array, opts: OpenOptions): FaxDocument {
	const dir = readTiffDirectory(bytes);
	const pages: PageInfo[] = dir.pages.map((t) => ({
		index: t.index,
		format: "tiff",
		width: t.width,
		height: t.height,
		xRes: t.xRes,
		yRes: t.yRes,
		resolutionKnown: t.resolutionKnown,
		resolution: faxResolutionOf(t.yRes),
		compressionName: t.compressionName,
		tiff: t,
	}));
	return makeDocument(
		fh,
		pages,
		async (i) => {
			const t = dir.pages[i];
			const strips: Uint8Array[] = [];
			for (let s = 0; s < t.stripOffsets.length; s++) strips.push(await readAt(fh, t.stripOffsets[s], stripReadLength(t, s)));
			const d = decodeTiffPage(t, (s) => strips[s]);
			return { page: { bitmap: d.bitmap, xRes: t.xRes, yRes: t.yRes }, badLines: d.badLines, consecutiveBadLines: d.consecutiveBadLines, truncated: d.truncated };
		},
		opts,
	);
}

/** PBM carries no resolution: fax widths are taken as 204 x 196 dpi, anything else as square pixels on an 8.5 in line. */
function pbmResolution(width: number): { xRes: number; yRes: number } {
	const x = assumedXRes(width);
	return { xRes: x, yRes: x === 204 ? yResOf("fine") : x };
}

function pbmDocument(fh: FileHandle, images: PbmImage[], opts: OpenOptions): FaxDocument {
	const pages: PageInfo[] = images.map((img, index) => {
		const r = pbmResolution(img.width);
		return { index, format: "pbm", width: img.width, height: img.height, ...r, resolutionKnown: false, resolution: faxResolutionOf(r.yRes), compressionName: img.kind === "P4" ? "PBM raw (P4)" : "PBM plain (P1)" };
	});
	return makeDocument(
		fh,
		pages,
		async (i) => {
			const img = images[i];
			let bitmap = img.bitmap;
			if (!bitmap) {
				bitmap = createBitmap(img.width, img.height);
				bitmap.data.set(await readAt(fh, img.offset, bitmap.data.length));
				clearPadding(bitmap);
			}
			const { xRes, yRes } = pages[i];
			return { page: { bitmap, xRes, yRes }, badLines: 0, consecutiveBadLines: 0, truncated: false };
		},
		opts,
	);
}
