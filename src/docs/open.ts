/**
 * The one entry point that opens any document a user has as a FaxDocument (pages fetched one at a time):
 * the format is told from the file's first bytes, never its name.
 * - bilevel TIFF (none, CCITT RLE/G3/G4, PackBits) and PBM: our own reader (src/tiff), unchanged;
 * - any other TIFF (greyscale/colour, LZW, Deflate, JPEG, tiled, BigTIFF), PNG, JPEG, GIF, WebP, BMP,
 *   AVIF/HEIF, PGM/PPM, SVG: image.ts (sharp);
 * - PDF, PostScript/EPS: gsDocument.ts (Ghostscript);
 * - anything else that reads as text (UTF-8, or Windows-1252 without control bytes): text.ts.
 * Rendered formats come out at fax geometry (geometry.ts): `normalize.width` (default 1728) and
 * `normalize.resolution` (default fine), on `paper` (default A4). Layer: docs.
 */
import { open as openFile } from "node:fs/promises";
import { FaxError, isFaxError } from "../core/FaxError.js";
import type { FaxDocument, OpenOptions } from "../tiff/document.js";
import { openFaxDocument as openBilevel } from "../tiff/document.js";
import type { DitherMode } from "./bilevel.js";
import type { Paper } from "./geometry.js";
import { pageBox } from "./geometry.js";
import type { GsLimits } from "./gsDocument.js";
import { openGsDocument } from "./gsDocument.js";
import { openImageDocument } from "./image.js";
import { openSvgDocument } from "./svgPage.js";
import { openTextDocument } from "./text.js";

export type DocKind = "tiff" | "pbm" | "pdf" | "postscript" | "image" | "svg" | "text" | "unknown";

export interface DocOptions extends OpenOptions {
	paper?: Paper;
	dither?: DitherMode;
	/** Ghostscript time and page limits */
	limits?: GsLimits;
}

const startsWith = (b: Uint8Array, s: string, at = 0): boolean => {
	if (b.length < at + s.length) return false;
	for (let i = 0; i < s.length; i++) if (b[at + i] !== s.charCodeAt(i)) return false;
	return true;
};

/** The document kind from a file's first bytes (up to 4 KiB). */
export function sniff(head: Uint8Array): DocKind {
	if (startsWith(head, "II*\0") || startsWith(head, "MM\0*") || startsWith(head, "II+\0") || startsWith(head, "MM\0+")) return "tiff";
	if (startsWith(head, "P1") || startsWith(head, "P4")) return "pbm";
	const first = new TextDecoder("latin1").decode(head.subarray(0, 1024));
	if (first.includes("%PDF-")) return "pdf";
	if (startsWith(head, "%!") || (head[0] === 0xc5 && head[1] === 0xd0 && head[2] === 0xd3 && head[3] === 0xc6) || startsWith(head, "\x04%!")) return "postscript";
	if (startsWith(head, "\x89PNG") || (head[0] === 0xff && head[1] === 0xd8 && head[2] === 0xff) || startsWith(head, "GIF87a") || startsWith(head, "GIF89a")) return "image";
	if ((startsWith(head, "RIFF") && startsWith(head, "WEBP", 8)) || startsWith(head, "BM") || startsWith(head, "ftyp", 4)) return "image";
	if (/^P[2356]\s/.test(first)) return "image";
	const text = new TextDecoder("latin1").decode(head);
	if (/^\s*(<\?xml[^>]*>\s*)?(<!--[\s\S]*?-->\s*)*(<!DOCTYPE svg[^>]*>\s*)?<svg[\s>]/i.test(text)) return "svg";
	if (looksLikeText(head)) return "text";
	return "unknown";
}

/** No NUL and no C0 control bytes other than tab, LF, CR, FF, ESC (and a UTF-8 BOM is fine). */
export function looksLikeText(head: Uint8Array): boolean {
	if (head.length === 0) return false;
	for (const c of head) if (c < 0x20 && c !== 9 && c !== 10 && c !== 13 && c !== 12 && c !== 27) return false;
	return true;
}

/** Opens any supported document (see the head comment). Throws FaxError (FILE_*, TIFF_*, DOC_*, RENDERER_MISSING). */
export async function openDocument(path: string, opts: DocOptions = {}): Promise<FaxDocument> {
	let head: Uint8Array;
	try {
		const fh = await openFile(path, "r");
		try {
			const b = new Uint8Array(4096);
			const { bytesRead } = await fh.read(b, 0, b.length, 0);
			head = b.subarray(0, bytesRead);
		} finally {
			await fh.close();
		}
	} catch (e) {
		const code = (e as NodeJS.ErrnoException).code;
		if (code === "ENOENT") throw new FaxError("FILE_NOT_FOUND", `no such file: ${path}`, { cause: e });
		if (code === "EISDIR") throw new FaxError("FILE_ACCESS_DENIED", `${path} is a directory, not a document`, { cause: e });
		if (code === "EACCES") throw new FaxError("FILE_ACCESS_DENIED", `cannot read ${path} (${code})`, { cause: e });
		throw e;
	}
	const box = pageBox({ ...(opts.normalize?.width ? { width: opts.normalize.width } : {}), ...(opts.normalize?.resolution ? { resolution: opts.normalize.resolution } : {}), ...(opts.paper ? { paper: opts.paper } : {}) });
	const kind = sniff(head);
	switch (kind) {
		case "pbm":
			return openBilevel(path, opts);
		case "tiff":
			try {
				return await openBilevel(path, opts);
			} catch (e) {
				// greyscale, colour, LZW, Deflate, tiled, BigTIFF...: the image path
				if (!isFaxError(e, "TIFF_UNSUPPORTED")) throw e;
				return openImageDocument(path, box, opts.dither);
			}
		case "pdf":
			return openGsDocument(path, "pdf", box, opts.limits);
		case "postscript":
			return openGsDocument(path, "ps", box, opts.limits);
		case "image":
			return openImageDocument(path, box, opts.dither);
		case "svg":
			return openSvgDocument(path, box, opts.dither);
		case "text":
			return openTextDocument(path, box);
		default:
			throw new FaxError("DOC_UNSUPPORTED", `${path}: not a document faxline reads (PDF, PostScript, TIFF, PBM, PNG, JPEG, GIF, WebP, BMP, SVG or text)`);
	}
}
