/**
 * `faxline info FILE [--json]`: per page of any document `send` accepts (src/docs; for rendered formats
 * the fax geometry they render to and the source format), or of a TIFF or PBM file the geometry, resolution (dpi and fax
 * class), compression, fill order, photometric, strips and the Class F reception tags (BadFaxLines,
 * CleanFaxData, ConsecutiveBadFaxLines) when present. Reads tags only; no page is decoded.
 * Layer: cli.
 */
import { FaxError } from "../../core/FaxError.js";
import type { PageInfo } from "../../tiff/document.js";
import { openDocument } from "../../docs/index.js";
import { docOptionsOf } from "../documents.js";
import type { CliIO } from "../io.js";
import type { Parsed } from "../program.js";

const KIND: Record<string, string> = { tiff: "TIFF", pbm: "PBM", pdf: "PDF", postscript: "PostScript", image: "image", text: "text", cover: "cover page" };

const fmt = (v: number): string => (Number.isInteger(v) ? String(v) : v.toFixed(2));
const CLEAN = ["clean", "regenerated", "unclean"];

/** One human-readable line for a page. */
function describePage(p: PageInfo, total: number): string {
	const parts = [`page ${p.index + 1}/${total}: ${p.width}x${p.height}`, `${fmt(p.xRes)}x${fmt(p.yRes)} dpi${p.resolutionKnown ? "" : " (assumed)"} (${p.resolution ?? "not a fax resolution"})`, `compression ${p.compressionName}`];
	const t = p.tiff;
	if (t) {
		parts.push(`fill order ${t.fillOrder} (${t.fillOrder === 1 ? "msb-first" : "lsb-first"})`);
		parts.push(`photometric ${t.photometric} (${t.photometric === 0 ? "min-is-white" : "min-is-black"})`);
		parts.push(`${t.stripOffsets.length} strip${t.stripOffsets.length === 1 ? "" : "s"} of ${t.rowsPerStrip} rows`);
		if (t.badFaxLines !== undefined) parts.push(`bad lines ${t.badFaxLines}`);
		if (t.consecutiveBadFaxLines !== undefined) parts.push(`consecutive bad lines ${t.consecutiveBadFaxLines}`);
		if (t.cleanFaxData !== undefined) parts.push(`data ${CLEAN[t.cleanFaxData] ?? t.cleanFaxData}`);
	}
	return parts.join(", ");
}

export async function run(p: Parsed, io: CliIO): Promise<number> {
	const values = p.opts as { json?: boolean; paper?: string; dither?: string };
	const file = p.args[0];
	if (file === undefined) throw new FaxError("USAGE", "one FILE expected");
	const doc = await openDocument(file, docOptionsOf(values));
	try {
		if (values.json) {
			io.out(JSON.stringify({ file, pages: doc.pages.map(({ tiff, ...p }) => ({ ...p, ...(tiff ? { tiff } : {}) })) }, null, 2));
			return 0;
		}
		const kind = KIND[doc.pages[0]?.format ?? "tiff"] ?? "TIFF";
		io.out(`${file}: ${kind}, ${doc.pageCount} page${doc.pageCount === 1 ? "" : "s"}`);
		for (const p of doc.pages) io.out(describePage(p, doc.pageCount));
		return 0;
	} finally {
		await doc.close();
	}
}
