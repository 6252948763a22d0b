/**
 * Test-side access to the independent oracles for the TIFF layer: libtiff-tools (tiffcp, tiffinfo,
 * tiffdump), netpbm (pnmtotiff, pbmtext, pamtopnm) and ghostscript. Pixel decoding goes through the
 * shared helper test/helpers/libtiff.ts (tiffcp -c none).
 */
import { execFile } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { ExecutionContext } from "ava";
import type { Bitmap } from "../../../src/core/bitmap.js";
import { libtiffDecodeTiff } from "../../helpers/libtiff.js";

export interface RunResult {
	code: number;
	stdout: Buffer;
	stderr: string;
}

/** Runs a tool; never throws for a non-zero exit (the caller asserts). */
export function sh(cmd: string, args: string[], input?: Uint8Array): Promise<RunResult> {
	return new Promise((resolve, reject) => {
		const child = execFile(cmd, args, { encoding: "buffer", maxBuffer: 256 << 20 }, (err, stdout, stderr) => {
			const e = err as (Error & { code?: number | string }) | null;
			if (e && typeof e.code === "string") return reject(e);
			resolve({ code: e ? Number(e.code ?? 1) : 0, stdout, stderr: stderr.toString("utf8") });
		});
		if (input) child.stdin!.end(Buffer.from(input));
	});
}

/** Runs a tool and fails the test on a non-zero exit. */
export async function must(cmd: string, args: string[], input?: Uint8Array): Promise<RunResult> {
	const r = await sh(cmd, args, input);
	if (r.code !== 0) throw new Error(`${cmd} ${args.join(" ")} exited ${r.code}: ${r.stderr}`);
	return r;
}

/** A temporary directory removed at the end of the test. */
export function tmp(t: ExecutionContext): string {
	const d = mkdtempSync(join(tmpdir(), "faxline-tiff-"));
	t.teardown(() => rmSync(d, { recursive: true, force: true }));
	return d;
}

/**
 * libtiff's decode of every page of a TIFF file: `tiffcp -c none` read back by the project's oracle
 * helper (test/helpers/libtiff.ts, independent of src/tiff), Photometric applied (1 = black).
 * Throws when libtiff cannot convert the file.
 */
export async function libtiffPages(path: string): Promise<Bitmap[]> {
	const r = await libtiffDecodeTiff(new Uint8Array(readFileSync(path)));
	if (r.pages.length === 0) throw new Error(`libtiff could not decode ${path}: ${r.warnings.join("; ")}`);
	return r.pages;
}

/** `tiffinfo -D` (reads every strip) output; stderr holds libtiff's warnings and errors. */
export async function tiffinfo(path: string): Promise<RunResult> {
	return sh("tiffinfo", ["-D", path]);
}

/** Bitmaps equal (geometry and every pixel)? Returns a description of the first difference or "". */
export function bitmapDiff(a: Bitmap, b: Bitmap): string {
	if (a.width !== b.width || a.height !== b.height) return `size ${a.width}x${a.height} vs ${b.width}x${b.height}`;
	for (let y = 0; y < a.height; y++)
		for (let i = 0; i < a.stride; i++)
			if (a.data[y * a.stride + i] !== b.data[y * b.stride + i]) return `row ${y} byte ${i}: ${a.data[y * a.stride + i]} vs ${b.data[y * b.stride + i]}`;
	return "";
}

/** Black pixel at (x, y)? */
export const px = (b: Bitmap, x: number, y: number): boolean => (b.data[y * b.stride + (x >> 3)] & (0x80 >> (x & 7))) !== 0;
