/**
 * libtiff (and ghostscript) as test oracles: run libtiff's own tools (tiffcp, fax2tiff) on streams and
 * pages, and read their uncompressed results back, so tests compare our codec's pixels with libtiff's.
 * Contains a deliberately tiny TIFF reader/writer (baseline tags only, no validation beyond what a test
 * needs) so the oracle path does not depend on our own src/tiff code.
 */
import { execFile } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import type { Bitmap } from "../../src/core/bitmap.js";
import { createBitmap } from "../../src/core/bitmap.js";

const exec = promisify(execFile);

/** One TIFF image as stored: tags a fax test needs plus the raw strips. */
export interface TiffImage {
	width: number;
	height: number;
	compression: number;
	photometric: number;
	fillOrder: number;
	t4Options: number;
	rowsPerStrip: number;
	yRes: number;
	strips: Uint8Array[];
}

/** Parse a TIFF (II or MM, classic) into its images; follows the IFD chain (max 10,000 pages). */
export function parseTiff(buf: Uint8Array): TiffImage[] {
	const dv = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
	const le = buf[0] === 0x49;
	const u16 = (o: number) => dv.getUint16(o, le);
	const u32 = (o: number) => dv.getUint32(o, le);
	if (u16(2) !== 42) throw new Error("not a classic TIFF");
	const out: TiffImage[] = [];
	let ifd = u32(4);
	const sizes: Record<number, number> = { 1: 1, 2: 1, 3: 2, 4: 4, 5: 8 };
	while (ifd !== 0 && out.length < 10000) {
		const n = u16(ifd);
		const tags = new Map<number, number[]>();
		for (let i = 0; i < n; i++) {
			const e = ifd + 2 + i * 12;
			const tag = u16(e), type = u16(e + 2), count = u32(e + 4);
			const size = (sizes[type] ?? 1) * count;
			const at = size <= 4 ? e + 8 : u32(e + 8);
			const vals: number[] = [];
			for (let k = 0; k < Math.min(count, 100000); k++) {
				if (type === 3) vals.push(u16(at + 2 * k));
				else if (type === 4) vals.push(u32(at + 4 * k));
				else if (type === 5) vals.push(u32(at + 8 * k) / u32(at + 8 * k + 4));
				else vals.push(buf[at + k]!);
			}
			tags.set(tag, vals);
		}
		const one = (t: number, d: number) => tags.get(t)?.[0] ?? d;
		const offs = tags.get(273) ?? [];
		const counts = tags.get(279) ?? [];
		const height = one(257, 0);
		out.push({
			width: one(256, 0),
			height,
			compression: one(259, 1),
			photometric: one(262, 0),
			fillOrder: one(266, 1),
			t4Options: one(292, 0),
			rowsPerStrip: Math.min(one(278, height), height),
			yRes: one(283, 0),
			strips: offs.map((o, i) => buf.subarray(o, o + (counts[i] ?? 0))),
		});
		ifd = u32(ifd + 2 + n * 12);
	}
	return out;
}

/** Input for writeTiff: one strip per image unless `strips` are given. */
export interface TiffImageIn {
	width: number;
	height: number;
	compression: number;
	/** raw strip data (one strip), or several with rowsPerStrip */
	strips: Uint8Array[];
	rowsPerStrip?: number;
	t4Options?: number;
	fillOrder?: number;
	photometric?: number;
	yRes?: number;
}

/** Write a minimal little-endian multi-page TIFF (bilevel, min-is-white unless photometric given). */
export function writeTiff(images: TiffImageIn[]): Uint8Array {
	const parts: Uint8Array[] = [];
	let size = 8;
	const header = new Uint8Array(8);
	parts.push(header);
	const layouts: { offs: number[]; ifd: number; img: TiffImageIn }[] = [];
	for (const img of images) {
		const offs: number[] = [];
		for (const s of img.strips) {
			offs.push(size);
			parts.push(s);
			size += s.length;
			if (size & 1) {
				parts.push(new Uint8Array(1));
				size++;
			}
		}
		layouts.push({ offs, ifd: 0, img });
		const ntags = img.compression === 3 ? 14 : 13;
		const ifdBytes = 2 + ntags * 12 + 4;
		const extra = img.strips.length > 1 ? img.strips.length * 8 : 0;
		const ifd = new Uint8Array(ifdBytes + 16 + extra);
		layouts[layouts.length - 1]!.ifd = size;
		const dv = new DataView(ifd.buffer);
		const base = size;
		let e = 2;
		const entry = (tag: number, type: number, count: number, value: number) => {
			dv.setUint16(e, tag, true);
			dv.setUint16(e + 2, type, true);
			dv.setUint32(e + 4, count, true);
			if (type === 3 && count === 1) dv.setUint16(e + 8, value, true);
			else dv.setUint32(e + 8, value, true);
			e += 12;
		};
		const rat = base + ifdBytes;
		dv.setUint32(ifdBytes, 204, true);
		dv.setUint32(ifdBytes + 4, 1, true);
		dv.setUint32(ifdBytes + 8, img.yRes ?? 196, true);
		dv.setUint32(ifdBytes + 12, 1, true);
		const arr = base + ifdBytes + 16;
		const multi = img.strips.length > 1;
		if (multi) {
			img.strips.forEach((s, i) => {
				dv.setUint32(ifdBytes + 16 + i * 4, offs[i]!, true);
				dv.setUint32(ifdBytes + 16 + img.strips.length * 4 + i * 4, s.length, true);
			});
		}
		dv.setUint16(0, ntags, true);
		entry(254, 4, 1, 2); // NewSubfileType: page
		entry(256, 4, 1, img.width);
		entry(257, 4, 1, img.height);
		entry(258, 3, 1, 1);
		entry(259, 3, 1, img.compression);
		entry(262, 3, 1, img.photometric ?? 0);
		entry(266, 3, 1, img.fillOrder ?? 1);
		entry(273, 4, img.strips.length, multi ? arr : offs[0]!);
		entry(277, 3, 1, 1);
		entry(278, 4, 1, img.rowsPerStrip ?? img.height);
		entry(279, 4, img.strips.length, multi ? arr + img.strips.length * 4 : img.strips[0]!.length);
		entry(282, 5, 1, rat);
		entry(283, 5, 1, rat + 8);
		if (ntags === 14) entry(292, 4, 1, img.t4Options ?? 0);
		parts.push(ifd);
		size += ifd.length;
	}
	const out = joinStrips(parts);
	const dv = new DataView(out.buffer);
	out[0] = 0x49;
	out[1] = 0x49;
	dv.setUint16(2, 42, true);
	dv.setUint32(4, layouts[0]!.ifd, true);
	for (let i = 0; i < layouts.length; i++) {
		const l = layouts[i]!;
		const nt = dv.getUint16(l.ifd, true);
		dv.setUint32(l.ifd + 2 + nt * 12, i + 1 < layouts.length ? layouts[i + 1]!.ifd : 0, true);
	}
	return out;
}

/** An uncompressed (Compression 1) TIFF of bitmaps, for feeding libtiff's encoder. */
export function uncompressedTiff(pages: Bitmap[], yRes = 196): Uint8Array {
	return writeTiff(pages.map((b) => ({ width: b.width, height: b.height, compression: 1, strips: [b.data.subarray(0, b.stride * b.height)], yRes })));
}

function reverseByte(x: number): number {
	let r = 0;
	for (let b = 0; b < 8; b++) if (x & (1 << b)) r |= 0x80 >> b;
	return r;
}

/** Bitmaps of an uncompressed TIFF (any FillOrder, photometric 0 or 1). */
export function uncompressedPages(buf: Uint8Array): Bitmap[] {
	return parseTiff(buf).map((img) => {
		if (img.compression !== 1) throw new Error(`expected uncompressed, got ${img.compression}`);
		const b = createBitmap(img.width, img.height);
		let o = 0;
		for (const s of img.strips) {
			const n = Math.min(s.length, b.data.length - o);
			b.data.set(s.subarray(0, n), o);
			o += n;
		}
		for (let i = 0; i < b.data.length; i++) {
			let x = b.data[i]!;
			if (img.fillOrder === 2) x = reverseByte(x);
			if (img.photometric === 1) x ^= 0xff;
			b.data[i] = x;
		}
		const pad = b.width & 7;
		if (pad) for (let y = 0; y < b.height; y++) b.data[y * b.stride + b.stride - 1]! &= (0xff00 >> pad) & 0xff;
		return b;
	});
}

/** Result of a libtiff decode: pages plus libtiff's warnings/errors (stderr lines). */
export interface LibtiffDecode {
	pages: Bitmap[];
	warnings: string[];
}

async function inTemp<T>(fn: (dir: string) => Promise<T>): Promise<T> {
	const dir = mkdtempSync(join(tmpdir(), "faxline-libtiff-"));
	try {
		return await fn(dir);
	} finally {
		rmSync(dir, { recursive: true, force: true });
	}
}

const lines = (s: string): string[] => s.split("\n").map((l) => l.trim()).filter((l) => l.length > 0);

/** Decode any TIFF with libtiff (`tiffcp -c none -f msb2lsb`) and read the pixels back. */
export async function libtiffDecodeTiff(tiff: Uint8Array): Promise<LibtiffDecode> {
	return inTemp(async (dir) => {
		writeFileSync(join(dir, "in.tif"), tiff);
		let stderr = "";
		try {
			const r = await exec("tiffcp", ["-c", "none", "-f", "msb2lsb", join(dir, "in.tif"), join(dir, "out.tif")]);
			stderr = r.stderr;
		} catch (e) {
			const err = e as { stderr?: string };
			return { pages: [], warnings: ["tiffcp failed", ...lines(err.stderr ?? "")] };
		}
		return { pages: uncompressedPages(readFileSync(join(dir, "out.tif"))), warnings: lines(stderr) };
	});
}

/** How a raw stream was coded, for wrapping it in a TIFF strip. */
export interface StreamForm {
	coding: "mh" | "mr" | "mmr";
	width: number;
	rows: number;
	bitOrder?: "msb" | "lsb";
	alignEol?: boolean;
	byteAlignRows?: boolean;
}

/** Wrap a raw T.4/T.6 stream as the single strip of a TIFF (Compression 2, 3 or 4). */
export function wrapStream(stream: Uint8Array, f: StreamForm): Uint8Array {
	const compression = f.coding === "mmr" ? 4 : f.byteAlignRows ? 2 : 3;
	const t4Options = compression === 3 ? (f.coding === "mr" ? 1 : 0) | (f.alignEol ? 4 : 0) : 0;
	return writeTiff([{ width: f.width, height: f.rows, compression, strips: [stream], t4Options, fillOrder: f.bitOrder === "lsb" ? 2 : 1 }]);
}

/** libtiff's decode of a raw stream, wrapped in a TIFF strip with the exact row count. */
export async function libtiffDecodeStream(stream: Uint8Array, f: StreamForm): Promise<{ bitmap: Bitmap | undefined; warnings: string[] }> {
	const r = await libtiffDecodeTiff(wrapStream(stream, f));
	return { bitmap: r.pages[0], warnings: r.warnings };
}

/**
 * libtiff's decode of a raw G3/G4 stream through `fax2tiff` (-1/-2/-4, -M/-L, -A), then tiffcp -c none.
 * fax2tiff counts RTC EOLs as extra rows and gets raw G4 row counts wrong (t4-notes): compare the
 * first source-height rows only.
 */
export async function fax2tiffDecode(stream: Uint8Array, f: Omit<StreamForm, "rows">): Promise<LibtiffDecode> {
	return inTemp(async (dir) => {
		writeFileSync(join(dir, "in.raw"), stream);
		const args = [f.coding === "mmr" ? "-4" : f.coding === "mr" ? "-2" : "-1", f.bitOrder === "lsb" ? "-L" : "-M", "-X", String(f.width)];
		if (f.alignEol) args.push("-A");
		args.push("-o", join(dir, "fax.tif"), join(dir, "in.raw"));
		const r = await exec("fax2tiff", args);
		const d = await libtiffDecodeTiff(readFileSync(join(dir, "fax.tif")));
		return { pages: d.pages, warnings: [...lines(r.stderr), ...d.warnings] };
	});
}

/** libtiff's tiffcp compression schemes for fax. */
export type LibtiffScheme = "g3:1d" | "g3:2d" | "g3:1d:fill" | "g3:2d:fill" | "g4";

/** Encode bitmaps with libtiff (`tiffcp -c scheme`); returns the TIFF and its parsed images. */
export async function libtiffEncode(
	pages: Bitmap[],
	scheme: LibtiffScheme,
	o: { yRes?: number; fillOrder?: 1 | 2; rowsPerStrip?: number } = {},
): Promise<{ tiff: Uint8Array; images: TiffImage[] }> {
	return inTemp(async (dir) => {
		writeFileSync(join(dir, "in.tif"), uncompressedTiff(pages, o.yRes ?? 196));
		const args = ["-c", scheme];
		if (o.fillOrder === 2) args.push("-f", "lsb2msb");
		if (o.rowsPerStrip) args.push("-r", String(o.rowsPerStrip));
		await exec("tiffcp", [...args, join(dir, "in.tif"), join(dir, "out.tif")]);
		const tiff = readFileSync(join(dir, "out.tif"));
		return { tiff: new Uint8Array(tiff), images: parseTiff(tiff) };
	});
}

/** Concatenate the strips of an image (one coded stream per strip in G3/G4 TIFFs). */
export function joinStrips(strips: Uint8Array[]): Uint8Array {
	const out = new Uint8Array(strips.reduce((s, x) => s + x.length, 0));
	let o = 0;
	for (const s of strips) {
		out.set(s, o);
		o += s.length;
	}
	return out;
}

/** Pixels equal? Returns -1 when identical, else the first differing row (or the shorter height). */
export function firstRowDiff(a: Bitmap, b: Bitmap): number {
	if (a.width !== b.width) return 0;
	const h = Math.min(a.height, b.height);
	for (let y = 0; y < h; y++) {
		const ra = a.data.subarray(y * a.stride, (y + 1) * a.stride);
		const rb = b.data.subarray(y * b.stride, (y + 1) * b.stride);
		for (let i = 0; i < a.stride; i++) if (ra[i] !== rb[i]) return y;
	}
	return a.height === b.height ? -1 : h;
}

/** The first `rows` rows of a bitmap (a view). */
export function topRows(b: Bitmap, rows: number): Bitmap {
	const h = Math.min(rows, b.height);
	return { width: b.width, height: h, stride: b.stride, data: b.data.subarray(0, h * b.stride) };
}
