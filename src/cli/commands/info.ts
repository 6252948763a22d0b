/**
 * `faxline info FILE [--json]`: per page of a TIFF or PBM file, the geometry, resolution (dpi and fax
 * class), compression, fill order, photometric, strips and the Class F reception tags (BadFaxLines,
 * CleanFaxData, ConsecutiveBadFaxLines) when present. Reads tags only; no page is decoded.
 * Layer: cli.
 */
import { parseArgs } from "node:util";
import { FaxError } from "../../core/FaxError.js";
import type { PageInfo } from "../../tiff/document.js";
import { openFaxDocument } from "../../tiff/document.js";
import type { CliIO } from "../io.js";

const USAGE = "usage: faxline info FILE [--json]";

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

export async function run(argv: string[], io: CliIO): Promise<number> {
	const { values, positionals } = parseArgs({ args: argv, allowPositionals: true, options: { json: { type: "boolean" }, help: { type: "boolean", short: "h" } } });
	if (values.help) {
		io.out(USAGE);
		return 0;
	}
	if (positionals.length !== 1) throw new FaxError("USAGE", `${USAGE} (one FILE expected)`);
	const file = positionals[0];
	const doc = await openFaxDocument(file);
	try {
		if (values.json) {
			io.out(JSON.stringify({ file, pages: doc.pages.map(({ tiff, ...p }) => ({ ...p, ...(tiff ? { tiff } : {}) })) }, null, 2));
			return 0;
		}
		const kind = doc.pages[0]?.format === "pbm" ? "PBM" : "TIFF";
		io.out(`${file}: ${kind}, ${doc.pageCount} page${doc.pageCount === 1 ? "" : "s"}`);
		for (const p of doc.pages) io.out(describePage(p, doc.pageCount));
		return 0;
	} finally {
		await doc.close();
	}
}
