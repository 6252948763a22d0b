/**
 * `faxline convert IN OUT [--page N] [--compression mh|mr|mmr] [--align-eol] [--fill-order 1|2]
 *  [--resolution standard|fine|superfine] [--width a4|b4|a3]` — TIFF/PBM to TIFF Class F (.tif/.tiff)
 * or PBM (.pbm, one page). Pages are normalised to fax geometry (src/tiff/normalize.ts) when
 * --resolution/--width is given, and always for .tif output when a page is not fax geometry.
 * `faxline convert IN OUT --raw --width W --coding mh|mr|mmr --bit-order msb|lsb [--rows N]` decodes a
 * headerless T.4/T.6 stream as captured from a modem. Output files are written atomically. Layer: cli.
 */
import { readFile } from "node:fs/promises";
import { extname } from "node:path";
import type { FaxPage, FaxResolution } from "../../core/bitmap.js";
import { FaxWidths, yResOf } from "../../core/bitmap.js";
import { FaxError } from "../../core/FaxError.js";
import type { T4Coding } from "../../t4/index.js";
import { decodeToBitmap } from "../../t4/index.js";
import { ClassFWriter, writeFileAtomic } from "../../tiff/ClassFWriter.js";
import type { ClassFOptions, ClassFPage } from "../../tiff/classF.js";
import { writeClassF } from "../../tiff/classF.js";
import { openDocument, PdfWriter, writePdf } from "../../docs/index.js";
import { defaultResolution } from "../../tiff/document.js";
import type { FaxWidth } from "../../tiff/normalize.js";
import { FAX_XRES, WIDTH_TOLERANCE, chooseWidth, faxResolutionOf, normalizePage } from "../../tiff/normalize.js";
import { writePbm } from "../../tiff/pbm.js";
import { docOptionsOf } from "../documents.js";
import type { CliIO } from "../io.js";
import type { Parsed } from "../program.js";
import { checkInputFiles, checkOutputFile } from "../outputPaths.js";

/** Bad usage: one line (main adds the hint to `faxline convert --help`). */
const usage = (msg: string): FaxError => new FaxError("USAGE", msg);

function oneOf<T extends string>(v: string | undefined, allowed: readonly T[], name: string): T | undefined {
	if (v === undefined) return undefined;
	if (!(allowed as readonly string[]).includes(v)) throw usage(`--${name} must be one of ${allowed.join("|")}, not '${v}'`);
	return v as T;
}

function positiveInt(v: string | undefined, name: string): number | undefined {
	if (v === undefined) return undefined;
	if (!/^\d+$/.test(v) || Number(v) < 1) throw usage(`--${name} must be a positive integer, not '${v}'`);
	return Number(v);
}

type OutKind = "tiff" | "pbm" | "pdf";
function outKind(path: string): OutKind {
	const e = extname(path).toLowerCase();
	if (e === ".tif" || e === ".tiff") return "tiff";
	if (e === ".pbm") return "pbm";
	if (e === ".pdf") return "pdf";
	throw usage(`cannot tell the output format from '${path}' (use .tif, .tiff, .pbm or .pdf)`);
}

/** Fits a page for Class F: normalise if asked or needed; exact fax geometry gets exact tag values. */
function fitPage(page: FaxPage, width: FaxWidth | undefined, resolution: FaxResolution | undefined): FaxPage {
	const w = page.bitmap.width;
	const cls = faxResolutionOf(page.yRes);
	const isFax = (w === 1728 || w === 2048 || w === 2432) && Math.abs(page.xRes - FAX_XRES) <= FAX_XRES * WIDTH_TOLERANCE && cls !== undefined;
	if (isFax && (width === undefined || width === w) && (resolution === undefined || resolution === cls)) return { bitmap: page.bitmap, xRes: FAX_XRES, yRes: yResOf(cls) };
	return normalizePage(page, { width: width ?? chooseWidth(page), resolution: resolution ?? defaultResolution(page.yRes) });
}

interface ConvertOpts {
	page?: string;
	compression?: string;
	alignEol?: boolean;
	fillOrder?: string;
	resolution?: string;
	width?: string;
	raw?: boolean;
	coding?: string;
	bitOrder?: string;
	rows?: string;
	paper?: string;
	dither?: string;
}

export async function run(p: Parsed, io: CliIO): Promise<number> {
	const o = p.opts as ConvertOpts;
	const v = { ...o, "align-eol": o.alignEol, "fill-order": o.fillOrder, "bit-order": o.bitOrder };
	const positionals = p.args;
	const [input, output] = positionals as [string, string];
	const kind = outKind(output);
	checkInputFiles([input]);
	checkOutputFile(output, "OUT", [input]); // never over the input, never a directory, writable: before any work
	const compression = oneOf(v.compression, ["mh", "mr", "mmr"] as const, "compression");
	const resolution = oneOf(v.resolution, ["standard", "fine", "superfine"] as const, "resolution");
	const fillOrder = oneOf(v["fill-order"], ["1", "2"] as const, "fill-order");
	const tiffOpts: ClassFOptions = { coding: compression ?? "mh", alignEol: v["align-eol"] ?? false, fillOrder: fillOrder === "2" ? 2 : 1 };
	if (tiffOpts.alignEol && tiffOpts.coding === "mmr") throw usage("--align-eol applies to mh/mr (G3) only");
	const pageNo = positiveInt(v.page, "page");

	if (v.raw) return convertRaw(input, output, kind, v, resolution, tiffOpts, io);
	for (const o of ["coding", "bit-order", "rows"] as const) if (v[o] !== undefined) throw usage(`--${o} needs --raw`);

	let width: FaxWidth | undefined;
	if (v.width !== undefined) {
		const named = (FaxWidths as Record<string, number>)[v.width.toLowerCase()];
		const n = named ?? Number(v.width);
		if (n !== 1728 && n !== 2048 && n !== 2432) throw usage(`--width must be a4|b4|a3 (or 1728|2048|2432), not '${v.width}'`);
		width = n;
	}

	const doc = await openDocument(input, { ...docOptionsOf(v), ...(width !== undefined || resolution !== undefined ? { normalize: { ...(width ? { width } : {}), ...(resolution ? { resolution } : {}) } } : {}) });
	try {
		if (pageNo !== undefined && pageNo > doc.pageCount) throw new FaxError("INVALID_ARG", `${input} has ${doc.pageCount} page${doc.pageCount === 1 ? "" : "s"}, no page ${pageNo}`);
		const indices = kind === "pbm" || pageNo !== undefined ? [(pageNo ?? 1) - 1] : doc.pages.map((p) => p.index);
		if (kind === "pbm") {
			const { page } = await doc.decodePage(indices[0]);
			const fitted = width !== undefined || resolution !== undefined ? fitPage(page, width, resolution) : page;
			await writeFileAtomic(output, writePbm(fitted.bitmap));
			io.out(`${output}: PBM ${fitted.bitmap.width}x${fitted.bitmap.height} (page ${indices[0] + 1} of ${input})`);
			return 0;
		}
		if (kind === "pdf") {
			const pdf = await PdfWriter.create(output);
			try {
				for (const i of indices) {
					const { page } = await doc.decodePage(i);
					await pdf.addPage(width !== undefined || resolution !== undefined ? fitPage(page, width, resolution) : page);
				}
				await pdf.close();
			} catch (e) {
				await pdf.abort();
				throw e;
			}
			io.out(`${output}: PDF, ${indices.length} page${indices.length === 1 ? "" : "s"}, CCITT G4`);
			return 0;
		}
		const writer = await ClassFWriter.create(output, tiffOpts);
		let last: FaxPage | undefined;
		try {
			for (const i of indices) {
				const d = await doc.decodePage(i);
				last = fitPage(d.page, width, resolution);
				const p: ClassFPage = d.badLines > 0 ? { ...last, badLines: d.badLines, consecutiveBadLines: d.consecutiveBadLines } : last;
				await writer.addPage(p);
			}
			await writer.close();
		} catch (e) {
			await writer.abort();
			throw e;
		}
		io.out(`${output}: TIFF Class F, ${indices.length} page${indices.length === 1 ? "" : "s"}, ${tiffOpts.coding}, ${last!.bitmap.width} px, ${last!.yRes} lpi`);
		return 0;
	} finally {
		await doc.close();
	}
}

async function convertRaw(
	input: string,
	output: string,
	kind: OutKind,
	v: { width?: string; coding?: string; "bit-order"?: string; rows?: string; page?: string },
	resolution: FaxResolution | undefined,
	tiffOpts: ClassFOptions,
	io: CliIO,
): Promise<number> {
	const width = positiveInt(v.width, "width");
	if (width === undefined) throw usage("--raw needs --width PIXELS");
	if (width > 19_200) throw usage(`--width ${width} is too wide`);
	const coding = oneOf(v.coding, ["mh", "mr", "mmr"] as const, "coding") as T4Coding | undefined;
	if (!coding) throw usage("--raw needs --coding mh|mr|mmr");
	const bitOrder = oneOf(v["bit-order"], ["msb", "lsb"] as const, "bit-order");
	if (!bitOrder) throw usage("--raw needs --bit-order msb|lsb");
	const rows = positiveInt(v.rows, "rows");
	if (v.page !== undefined) throw usage("--page does not apply to --raw");
	const data = await readFile(input);
	const r = decodeToBitmap(data, { coding, width, bitOrder, ...(rows !== undefined ? { rows } : {}), maxRows: rows ?? 100_000 });
	if (r.bitmap.height === 0) throw new FaxError("T4_DECODE_ERROR", `${input}: no rows could be decoded as ${coding} ${width} px ${bitOrder}-first`);
	const page: ClassFPage = { bitmap: r.bitmap, xRes: FAX_XRES, yRes: yResOf(resolution ?? "fine"), badLines: r.badLines, consecutiveBadLines: r.consecutiveBadLines };
	if (kind === "pbm") await writeFileAtomic(output, writePbm(r.bitmap));
	else if (kind === "pdf") await writePdf(output, { pageCount: 1, page: async () => page });
	else await writeFileAtomic(output, writeClassF([page], tiffOpts));
	io.out(
		`${output}: ${r.bitmap.width}x${r.bitmap.height} from ${coding} (${bitOrder}-first), ${r.badLines} bad line${r.badLines === 1 ? "" : "s"}` +
			`${r.truncated ? ", data truncated" : ""}, end marker ${r.endMarker}`,
	);
	return 0;
}
