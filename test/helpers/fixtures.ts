/**
 * Realistic fax page fixtures for tests and benchmarks: pages rendered by ghostscript (pbmraw) from
 * PostScript written here (dense text, a form, a halftone photo, blank), plus seeded noise and a
 * 1-px checkerboard, at the T.4 §2.2 widths (1728/2048/2432) and standard (204×98) or fine (204×196)
 * resolution. Rendered pages are cached as PBM (P4) in test/fixtures/generated/ (gitignored).
 * Also a tiny PBM P4 reader/writer for these fixtures (the real PBM module is src/tiff/pbm.ts).
 */
import { execFile } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import type { Bitmap } from "../../src/core/bitmap.js";
import { createBitmap, strideOf } from "../../src/core/bitmap.js";

const run = promisify(execFile);
const here = dirname(fileURLToPath(import.meta.url));
/** Where rendered fixture pages are cached. */
export const generatedDir = join(here, "..", "fixtures", "generated");

export type FixtureName = "text" | "form" | "halftone" | "blank" | "noise" | "checker";
export type FixtureRes = "standard" | "fine";

/** Rows of an A4 page (297 mm) at 3.85 l/mm (standard) or 7.7 l/mm (fine). */
export const pageRows = (res: FixtureRes): number => (res === "standard" ? 1143 : 2286);

/** Deterministic PRNG (mulberry32) so every fixture is the same on every machine. */
export function prng(seed: number): () => number {
	let a = seed >>> 0;
	return () => {
		a = (a + 0x6d2b79f5) >>> 0;
		let t = a;
		t = Math.imul(t ^ (t >>> 15), t | 1);
		t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
		return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
	};
}

// ---------------------------------------------------------------- PBM (P4)

/** Parse a binary PBM (P4); header comments allowed. Throws Error on anything else (test helper). */
export function readPbm(buf: Uint8Array): Bitmap {
	let pos = 0;
	const token = (): string => {
		for (;;) {
			while (pos < buf.length && /\s/.test(String.fromCharCode(buf[pos]!))) pos++;
			if (buf[pos] === 0x23) {
				while (pos < buf.length && buf[pos] !== 0x0a) pos++;
				continue;
			}
			break;
		}
		const start = pos;
		while (pos < buf.length && !/\s/.test(String.fromCharCode(buf[pos]!))) pos++;
		return String.fromCharCode(...buf.subarray(start, pos));
	};
	if (token() !== "P4") throw new Error("not a P4 PBM");
	const width = Number(token());
	const height = Number(token());
	pos++; // single whitespace after height
	const b = createBitmap(width, height);
	const need = b.stride * height;
	if (!(width > 0 && height > 0) || buf.length - pos < need) throw new Error("bad or truncated PBM");
	b.data.set(buf.subarray(pos, pos + need));
	// clear padding bits so bitmaps compare byte for byte
	const pad = width & 7;
	if (pad) for (let y = 0; y < height; y++) b.data[y * b.stride + b.stride - 1]! &= (0xff00 >> pad) & 0xff;
	return b;
}

/** Serialise a bitmap as binary PBM (P4). */
export function writePbm(b: Bitmap): Uint8Array {
	const head = Buffer.from(`P4\n${b.width} ${b.height}\n`, "latin1");
	const out = new Uint8Array(head.length + b.data.length);
	out.set(head, 0);
	out.set(b.data.subarray(0, b.stride * b.height), head.length);
	return out;
}

// ---------------------------------------------------------------- PostScript pages

const words = (
	"the of and to in is that for it as with was on be by this are or from at which an have not but had " +
	"facsimile transmission page receiver modem signal protocol document invoice payment account number " +
	"please contact office department quarterly report delivery schedule agreement section paragraph " +
	"terms conditions herein pursuant notwithstanding shipment warehouse customer reference telephone"
).split(" ");

function textPage(seed: number): string {
	const r = prng(seed);
	const out: string[] = [];
	out.push("/Helvetica-Bold findfont 16 scalefont setfont 40 800 moveto (QUARTERLY REPORT - CONFIDENTIAL) show");
	let y = 780;
	const fonts = ["/Times-Roman", "/Helvetica", "/Courier", "/Times-Roman"];
	while (y > 30) {
		if (r() < 0.08) {
			out.push(`/Helvetica-Bold findfont 11 scalefont setfont 40 ${y} moveto (Section ${Math.floor(r() * 20) + 1}. ${words[Math.floor(r() * words.length)]!.toUpperCase()}) show`);
			y -= 14;
			continue;
		}
		const f = fonts[Math.floor(r() * fonts.length)]!;
		const size = 7 + Math.floor(r() * 4);
		let line = "";
		while (line.length < (f === "/Courier" ? 540 / (size * 0.6) : 540 / (size * 0.45))) {
			let w = words[Math.floor(r() * words.length)]!;
			if (r() < 0.1) w = String(Math.floor(r() * 100000));
			if (r() < 0.05) w = w[0]!.toUpperCase() + w.slice(1) + ",";
			line += w + " ";
		}
		out.push(`${f} findfont ${size} scalefont setfont 40 ${y} moveto (${line.trim()}) show`);
		y -= size + 2;
	}
	return out.join("\n");
}

function formPage(seed: number): string {
	const r = prng(seed);
	const out: string[] = ["0 setgray 1 setlinewidth"];
	out.push("/Helvetica-Bold findfont 20 scalefont setfont 40 790 moveto (INVOICE  No. 2026-0417) show");
	out.push("3 setlinewidth 36 770 moveto 576 770 lineto stroke 1 setlinewidth");
	// logo: circles
	out.push("newpath 520 800 22 0 360 arc stroke newpath 520 800 12 0 360 arc fill");
	// address boxes
	out.push("36 660 250 90 rectstroke 326 660 250 90 rectstroke");
	out.push("/Helvetica findfont 9 scalefont setfont");
	for (let i = 0; i < 6; i++) out.push(`44 ${735 - i * 12} moveto (Line ${i + 1}: ${words[i + 20]} street ${100 + i}) show 334 ${735 - i * 12} moveto (Ship to ${words[i + 30]} ${i * 7}) show`);
	// table grid
	const top = 630, rows = 28, rh = 16, cols = [36, 96, 336, 416, 496, 576];
	out.push(`0.5 setlinewidth`);
	for (let i = 0; i <= rows; i++) out.push(`36 ${top - i * rh} moveto 576 ${top - i * rh} lineto stroke`);
	for (const c of cols) out.push(`${c} ${top} moveto ${c} ${top - rows * rh} lineto stroke`);
	out.push("0.85 setgray 36 " + (top - rh) + " 540 " + rh + " rectfill 0 setgray");
	out.push("/Helvetica-Bold findfont 9 scalefont setfont");
	["Item", "Description", "Qty", "Price", "Total"].forEach((h, i) => out.push(`${cols[i]! + 4} ${top - 12} moveto (${h}) show`));
	out.push("/Courier findfont 9 scalefont setfont");
	for (let i = 1; i < rows; i++) {
		const q = 1 + Math.floor(r() * 50);
		const p = (r() * 500).toFixed(2);
		out.push(`40 ${top - i * rh - 12} moveto (${1000 + i}) show 100 ${top - i * rh - 12} moveto (${words[Math.floor(r() * words.length)]} ${words[Math.floor(r() * words.length)]}) show 420 ${top - i * rh - 12} moveto (${q}) show 500 ${top - i * rh - 12} moveto (${p}) show`);
	}
	// checkboxes and signature line
	for (let i = 0; i < 8; i++) {
		out.push(`${40 + i * 66} 150 10 10 rectstroke`);
		if (r() < 0.5) out.push(`${40 + i * 66} 150 moveto ${50 + i * 66} 160 lineto stroke ${40 + i * 66} 160 moveto ${50 + i * 66} 150 lineto stroke`);
	}
	out.push("2 setlinewidth 300 80 moveto 560 80 lineto stroke");
	// a barcode
	let x = 40;
	for (let i = 0; i < 60; i++) {
		const w = 0.7 + Math.floor(r() * 3) * 0.7;
		if (i % 2 === 0) out.push(`${x.toFixed(2)} 40 ${w.toFixed(2)} 60 rectfill`);
		x += w + 0.7;
	}
	return out.join("\n");
}

function halftonePage(seed: number): string {
	const r = prng(seed);
	const w = 240, h = 200;
	let hex = "";
	for (let y = 0; y < h; y++) {
		for (let x = 0; x < w; x++) {
			const dx = x - w * 0.6, dy = y - h * 0.45;
			let v = 0.5 + 0.35 * Math.sin(x / 9) * Math.cos(y / 13) + (x / w) * 0.3 - 0.15;
			if (dx * dx + dy * dy < 2500) v = 0.2 + 0.6 * (y / h);
			v += (r() - 0.5) * 0.08;
			const g = Math.max(0, Math.min(255, Math.round(v * 255)));
			hex += g.toString(16).padStart(2, "0");
		}
		hex += "\n";
	}
	return [
		"/Helvetica-Bold findfont 14 scalefont setfont 40 800 moveto (Site photograph, north elevation) show",
		"gsave 40 250 translate 530 440 scale",
		`${w} ${h} 8 [${w} 0 0 -${h} 0 ${h}] currentfile /ASCIIHexDecode filter image`,
		hex + ">",
		"grestore",
		"0.5 setgray 40 120 250 100 rectfill 0.2 setgray 320 120 250 100 rectfill 0 setgray",
		"/Times-Roman findfont 9 scalefont setfont 40 100 moveto (Figure 1: grey levels 50% and 80%) show",
	].join("\n");
}

function postScript(name: "text" | "form" | "halftone" | "blank"): string {
	switch (name) {
		case "text":
			return textPage(101);
		case "form":
			return formPage(202);
		case "halftone":
			return halftonePage(303);
		case "blank":
			return "";
	}
}

function noisePage(width: number, rows: number, seed: number): Bitmap {
	const b = createBitmap(width, rows);
	const r = prng(seed);
	for (let i = 0; i < b.data.length; i++) b.data[i] = Math.floor(r() * 256);
	clearPadding(b);
	return b;
}

/** 1-px checkerboard; row 0 starts black, so every other row has width+1 runs in 1-D coding. */
function checkerPage(width: number, rows: number): Bitmap {
	const b = createBitmap(width, rows);
	for (let y = 0; y < rows; y++) b.data.fill(y & 1 ? 0x55 : 0xaa, y * b.stride, (y + 1) * b.stride);
	clearPadding(b);
	return b;
}

function clearPadding(b: Bitmap): void {
	const pad = b.width & 7;
	if (pad) for (let y = 0; y < b.height; y++) b.data[y * b.stride + b.stride - 1]! &= (0xff00 >> pad) & 0xff;
}

const memo = new Map<string, Promise<Bitmap>>();

/**
 * A realistic page, `width` px wide (default 1728) and A4 tall at `res`. Ghostscript pages are rendered
 * once per machine and cached as PBM in test/fixtures/generated/; noise/checker are generated.
 * Returns a fresh copy each call (callers may modify it).
 */
export async function fixturePage(name: FixtureName, res: FixtureRes, width = 1728): Promise<Bitmap> {
	const key = `${name}-${res}-${width}`;
	let p = memo.get(key);
	if (!p) {
		p = makePage(name, res, width, key);
		memo.set(key, p);
	}
	const b = await p;
	return { ...b, data: b.data.slice() };
}

async function makePage(name: FixtureName, res: FixtureRes, width: number, key: string): Promise<Bitmap> {
	const rows = pageRows(res);
	if (name === "noise") return noisePage(width, rows, 404 + width);
	if (name === "checker") return checkerPage(width, rows);
	const file = join(generatedDir, `${key}.pbm`);
	if (!existsSync(file)) await renderGs(name, res, width, "pbmraw", file);
	const b = readPbm(readFileSync(file));
	if (b.width !== width || b.height !== rows || b.stride !== strideOf(width)) throw new Error(`fixture ${key}: unexpected geometry`);
	return b;
}

/** ghostscript raw fax devices (libtiff's encoder inside ghostscript; MSB first, no header). */
export type GsFaxDevice = "faxg3" | "faxg32d" | "faxg4";

/**
 * A ghostscript page rendered straight to a raw fax stream (`-sDEVICE=faxg3|faxg32d|faxg4`), cached
 * in test/fixtures/generated/. Same PostScript and geometry as fixturePage.
 */
export async function ghostscriptFax(name: "text" | "form" | "halftone" | "blank", res: FixtureRes, device: GsFaxDevice, width = 1728): Promise<Uint8Array> {
	const file = join(generatedDir, `${name}-${res}-${width}.${device}`);
	if (!existsSync(file)) await renderGs(name, res, width, device, file);
	return new Uint8Array(readFileSync(file));
}

async function renderGs(name: "text" | "form" | "halftone" | "blank", res: FixtureRes, width: number, device: string, file: string): Promise<void> {
	mkdirSync(generatedDir, { recursive: true });
	const tmp = `${file}.${process.pid}.tmp`;
	const psFile = `${tmp}.ps`;
	writeFileSync(psFile, postScript(name) + "\nshowpage\n");
	const yRes = res === "standard" ? 98 : 196;
	try {
		await run("gs", ["-q", "-dNOPAUSE", "-dBATCH", "-dSAFER", `-sDEVICE=${device}`, `-r204x${yRes}`, `-g${width}x${pageRows(res)}`, "-dFIXEDMEDIA", `-sOutputFile=${tmp}`, psFile]);
		renameSync(tmp, file); // atomic: parallel test processes may render the same page
	} finally {
		rmSync(psFile, { force: true });
	}
}

/**
 * A multi-page realistic document like the one in t4-notes: an invoice (form) first, then dense text
 * pages, a halftone photo last (no blank pages). Used by the benchmark.
 */
export async function fixtureDocument(res: FixtureRes, pages = 20, width = 1728): Promise<Bitmap[]> {
	const out: Bitmap[] = [];
	for (let i = 0; i < pages; i++) {
		const n: FixtureName = i === 0 ? "form" : i === pages - 1 ? "halftone" : "text";
		out.push(await fixturePage(n, res, width));
	}
	return out;
}
