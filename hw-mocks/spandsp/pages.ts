/**
 * Page files and pixel checks for the interop tests, done with tools nobody here wrote:
 * efix (efax's converter) or netpbm `pamtotiff` write the single-page G3 TIFFs efax sends (efax(1): one G3
 * TIFF file per page),
 * libtiff `tiffcp -c none` + `tiffsplit` + netpbm `tifftopnm` decode what SpanDSP received.
 * Bitmaps are faxline's core Bitmap (packed rows, MSB first, 1 = black = PBM P4 convention).
 * Layer: hw-mocks (tests/benchmarks only).
 */
import { execFile } from "node:child_process";
import { mkdtempSync, readdirSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { createBitmap, type Bitmap } from "../../src/core/bitmap.js";

const run = promisify(execFile);

/** Binary PBM (P4) of a bitmap. */
export function toPbm(b: Bitmap): Buffer {
	return Buffer.concat([Buffer.from(`P4\n${b.width} ${b.height}\n`, "latin1"), Buffer.from(b.data.subarray(0, b.stride * b.height))]);
}

/** Parse the P4 that tifftopnm writes (no comments). */
export function fromPbm(buf: Buffer): Bitmap {
	const m = /^P4\s+(\d+)\s+(\d+)\s/.exec(buf.toString("latin1", 0, 40));
	if (!m) throw new Error("not a P4 PBM");
	const b = createBitmap(Number(m[1]), Number(m[2]));
	const need = b.stride * b.height;
	if (buf.length - m[0].length < need) throw new Error("truncated PBM");
	b.data.set(buf.subarray(m[0].length, m[0].length + need));
	return b;
}

/** The top `rows` rows of a page (a small document keeps real-time calls short). */
export function cropRows(b: Bitmap, rows: number): Bitmap {
	const out = createBitmap(b.width, Math.min(rows, b.height));
	out.data.set(b.data.subarray(0, out.stride * out.height));
	return out;
}

/**
 * Write each page as its own single-page G3 TIFF at 204 dpi across and `yDpi` down. MH files come from
 * efix (efax's own converter: efax reads a TIFF strip up to the end of the file, so it needs the IFD
 * first, as efix and ghostscript write it); MR files (`twoD`) from netpbm's pamtotiff -g3 -2d.
 * Returns the file paths, in page order.
 */
export async function writeG3Pages(pages: Bitmap[], yDpi: number, opts: { dir?: string; twoD?: boolean } = {}): Promise<string[]> {
	const dir = opts.dir ?? mkdtempSync(join(tmpdir(), "faxline-g3-"));
	const files: string[] = [];
	for (let i = 0; i < pages.length; i++) {
		const pbm = join(dir, `page${i + 1}.pbm`);
		const tif = join(dir, `page${i + 1}.tif`);
		writeFileSync(pbm, toPbm(pages[i]!));
		if (opts.twoD) {
			const h = String(pages[i]!.height);
			await run("pamtotiff", ["-g3", "-2d", "-fill", "-miniswhite", "-xresolution", "204", "-yresolution", String(yDpi), "-rowsperstrip", h, "-output", tif, pbm]);
		} else {
			await run("efix", ["-v", "e", "-i", "pbm", "-o", "tiffg3", "-R", `204x${yDpi}`, "-r", `204x${yDpi}`, "-n", tif, pbm]);
		}
		files.push(tif);
	}
	return files;
}

/** Decode every page of a (G3/G4/any) TIFF with libtiff: `tiffcp -c none`, `tiffsplit`, `tifftopnm`. */
export async function readTiffPages(path: string): Promise<Bitmap[]> {
	const dir = mkdtempSync(join(tmpdir(), "faxline-rx-"));
	const raw = join(dir, "raw.tif");
	await run("tiffcp", ["-c", "none", path, raw]);
	await run("tiffsplit", [raw, join(dir, "p")]);
	const parts = readdirSync(dir)
		.filter((f) => /^p[a-z]{3}\.tif$/.test(f))
		.sort();
	const pages: Bitmap[] = [];
	for (const f of parts) {
		const { stdout } = await run("tifftopnm", ["-quiet", join(dir, f)], { encoding: "buffer", maxBuffer: 64 << 20 });
		pages.push(fromPbm(stdout));
	}
	return pages;
}

/** Resolution (dpi) of each page of a TIFF, from tiffinfo. */
export async function tiffResolutions(path: string): Promise<{ x: number; y: number }[]> {
	const { stdout } = await run("tiffinfo", [path]);
	return [...stdout.matchAll(/Resolution: ([\d.]+), ([\d.]+)/g)].map((m) => ({ x: Number(m[1]), y: Number(m[2]) }));
}

const blankRow = (b: Bitmap, y: number): boolean => b.data.subarray(y * b.stride, (y + 1) * b.stride).every((v) => v === 0);
const sameRow = (a: Bitmap, ya: number, b: Bitmap, yb: number): boolean => {
	const ra = a.data.subarray(ya * a.stride, (ya + 1) * a.stride);
	const rb = b.data.subarray(yb * b.stride, (yb + 1) * b.stride);
	return ra.length === rb.length && ra.every((v, i) => v === rb[i]);
};

/** Rows of `got` that differ from `want` row for row (0 = pixel-identical, same size). */
export function diffRows(want: Bitmap, got: Bitmap): number {
	if (want.width !== got.width) return Math.max(want.height, got.height);
	let bad = Math.abs(want.height - got.height);
	for (let y = 0; y < Math.min(want.height, got.height); y++) if (!sameRow(want, y, got, y)) bad++;
	return bad;
}

/**
 * For senders that add blank rows at the top (efax reserves header space, efax(1) HEADERS):
 * the smallest shift k ≤ maxShift such that `got` = k blank rows + `want` (rows of `want` pushed
 * past the end of `got` must be blank). Returns undefined when no such k exists.
 */
export function matchWithTopMargin(want: Bitmap, got: Bitmap, maxShift: number): number | undefined {
	if (want.width !== got.width) return undefined;
	for (let k = 0; k <= maxShift; k++) {
		let ok = true;
		for (let y = 0; y < k && ok; y++) ok = y >= got.height || blankRow(got, y);
		for (let y = 0; y < want.height && ok; y++) ok = y + k < got.height ? sameRow(want, y, got, y + k) : blankRow(want, y);
		for (let y = want.height + k; y < got.height && ok; y++) ok = blankRow(got, y);
		if (ok) return k;
	}
	return undefined;
}
