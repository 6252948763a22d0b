/**
 * Fax page geometry for rendered documents (T.4 §2.2: 1728/2048/2432 dots on 215/255/303 mm lines at
 * 8 dots/mm = 204 dpi; T.4 §2.1: 3.85/7.7/15.4 lines/mm = 98/196/391 dpi). Layer: docs (pure).
 *
 * Rules for PDF, PostScript, text and cover pages (rendered straight to fax geometry):
 * 1. Width: 1728 dots (A4/Letter/Legal line, 215 mm) unless the caller asks for 2048 (B4) or 2432 (A3).
 * 2. Page length: the paper's length at the vertical resolution: A4 297 mm, Letter 11 in, Legal 14 in
 *    on a 1728-dot line; a B4 line always gets B4 length (364 mm), an A3 line A3 length (420 mm).
 *    Default paper: A4.
 * 3. Each source page is scaled to fit the W x L box, aspect ratio kept, centred (Ghostscript
 *    -dPDFFitPage / -dPSFitPage), so a Letter page on A4 keeps its size (8.5 in wide fits 8.47 in after a
 *    0.4 % shrink) and gets white below; a landscape page is shrunk to the width.
 * Images follow the same box; see image.ts for when they keep their physical size instead.
 */
import type { FaxResolution } from "../core/bitmap.js";
import { yResOf } from "../core/bitmap.js";
import { FaxError } from "../core/FaxError.js";

export type FaxWidth = 1728 | 2048 | 2432;
export type Paper = "a4" | "letter" | "legal";
export const PAPERS: readonly Paper[] = ["a4", "letter", "legal"];

/** Paper length in millimetres. */
const LENGTH_MM: Record<Paper, number> = { a4: 297, letter: 279.4, legal: 355.6 };
const B4_MM = 364;
const A3_MM = 420;
/** 8 dots/mm as TIFF Class F writes it. */
export const FAX_XRES = 204;

/** The page box rendered documents are fitted into. */
export interface PageBox {
	width: FaxWidth;
	/** rows at yRes */
	height: number;
	xRes: number;
	yRes: number;
	resolution: FaxResolution;
}

export interface GeometryOptions {
	width?: FaxWidth;
	resolution?: FaxResolution;
	paper?: Paper;
}

/** The fax page box for a width, resolution and paper (rules 1 and 2). */
export function pageBox(o: GeometryOptions = {}): PageBox {
	const width = o.width ?? 1728;
	const resolution = o.resolution ?? "fine";
	const paper = o.paper ?? "a4";
	if (!PAPERS.includes(paper)) throw new FaxError("INVALID_ARG", `paper must be one of ${PAPERS.join("|")}, not '${String(paper)}'`);
	const mm = width === 2048 ? B4_MM : width === 2432 ? A3_MM : LENGTH_MM[paper];
	const yRes = yResOf(resolution);
	return { width, height: Math.round((mm / 25.4) * yRes), xRes: FAX_XRES, yRes, resolution };
}

/** The box's physical size in PostScript points (1/72 in). */
export function boxPoints(b: PageBox): { w: number; h: number } {
	return { w: (b.width / b.xRes) * 72, h: (b.height / b.yRes) * 72 };
}

/** Parses a --paper value. */
export function parsePaper(v: string): Paper {
	const p = v.toLowerCase();
	if (!(PAPERS as readonly string[]).includes(p)) throw new FaxError("USAGE", `--paper must be one of ${PAPERS.join("|")}, not '${v}'`);
	return p as Paper;
}
