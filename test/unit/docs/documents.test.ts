/**
 * Documents in (issue 12): PDF and PostScript through Ghostscript, images through sharp, text like
 * textfmt — each opened by src/docs/open.ts, checked for exact fax geometry and page counts, and read
 * back by tesseract OCR at fax resolution. Inputs are made by independent tools (test/helpers/docFixtures.ts).
 */
import test from "ava";
import { mkdtempSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { openDocument } from "../../../src/docs/index.js";
import { ink, makePdf, makePng, makePs, makeRotatedJpeg, makeScans, ocr } from "../../helpers/docFixtures.js";
import { memoryIO } from "../../../src/cli/io.js";
import { runCommand } from "../../helpers/runCommand.js";

const dir = mkdtempSync(join(tmpdir(), "faxline-docs-"));
const words = (s: string) => s.replace(/\s+/g, " ");

test("multi-page PDF with text and a photograph: 2 pages of 1728 x 2292 at 204x196 (A4 fine), OCR reads both; Letter and standard change the length", async (t) => {
	const pdf = makePdf(dir);
	const before = readFileSync(pdf);
	const mtime = statSync(pdf).mtimeMs;
	const doc = await openDocument(pdf);
	try {
		t.is(doc.pageCount, 2);
		t.is(doc.pages[0]!.format, "pdf");
		const p1 = await doc.page(0);
		const p2 = await doc.page(1);
		for (const p of [p1, p2]) t.deepEqual([p.bitmap.width, p.bitmap.height, p.xRes, p.yRes], [1728, 2292, 204, 196]);
		t.regex(words(ocr(dir, p1.bitmap, "pdf1")), /Quarterly Report/);
		t.regex(words(ocr(dir, p2.bitmap, "pdf2")), /Second page says hello/);
		// the photograph area (lower half) is halftoned, not solid: between 15 and 85 % black
		const rows = p1.bitmap.height;
		const lower = { ...p1.bitmap, height: Math.round(rows * 0.3), data: p1.bitmap.data.subarray(Math.round(rows * 0.45) * 216, Math.round(rows * 0.75) * 216) };
		const share = ink(lower) / (1728 * lower.height);
		t.true(share > 0.05 && share < 0.85, `photo ink ${share}`);
	} finally {
		await doc.close();
	}
	t.true(readFileSync(pdf).equals(before));
	t.is(statSync(pdf).mtimeMs, mtime);
	const letter = await openDocument(pdf, { paper: "letter", normalize: { resolution: "standard" } });
	try {
		const p = await letter.page(1);
		t.deepEqual([p.bitmap.width, p.bitmap.height, p.yRes], [1728, 1078, 98]); // 11 in x 98 lpi
	} finally {
		await letter.close();
	}
});

test("PostScript file: rendered whole by Ghostscript, 2 pages, OCR", async (t) => {
	const doc = await openDocument(makePs(dir), { normalize: { resolution: "superfine" } });
	try {
		t.is(doc.pageCount, 2);
		t.is(doc.pages[0]!.format, "postscript");
		const p = await doc.page(1);
		t.deepEqual([p.bitmap.width, p.bitmap.height, p.yRes], [1728, Math.round((297 / 25.4) * 391), 391]);
		t.regex(words(ocr(dir, p.bitmap, "ps2")), /Second page says hello/);
	} finally {
		await doc.close();
	}
});

test("phone-camera JPEG with EXIF Orientation 6 is turned upright (landscape as seen), fitted to 1728 dots, OCR reads it", async (t) => {
	const doc = await openDocument(await makeRotatedJpeg(dir));
	try {
		t.is(doc.pageCount, 1);
		const p = await doc.page(0);
		t.is(p.bitmap.width, 1728);
		// seen as 1000 x 600: 1728 dots wide -> 600/1000 * 8.47 in * 196 lpi = 996 rows
		t.is(p.bitmap.height, Math.round(600 * (1728 / 204 / 1000) * 196));
		t.regex(words(ocr(dir, p.bitmap, "jpg")), /HOLIDAY PHOTO/);
	} finally {
		await doc.close();
	}
});

test("PNG screenshot: fitted to the line, threshold keeps text crisp, OCR", async (t) => {
	const doc = await openDocument(await makePng(dir));
	try {
		const p = await doc.page(0);
		t.is(p.bitmap.width, 1728);
		t.is(p.bitmap.height, Math.round(720 * (1728 / 204 / 1280) * 196));
		t.regex(words(ocr(dir, p.bitmap, "png")), /Network status connected/);
	} finally {
		await doc.close();
	}
});

test("greyscale 300-dpi scan, its LZW and tiled/Deflate copies: physical size kept, centred, compression named, OCR", async (t) => {
	const s = await makeScans(dir);
	for (const [f, name] of [
		[s.plain, "TIFF none"],
		[s.lzw, "TIFF LZW"],
		[s.tiled, "TIFF Deflate"],
	] as const) {
		const doc = await openDocument(f);
		try {
			t.is(doc.pages[0]!.format, "image");
			t.true(doc.pages[0]!.compressionName.startsWith(name), doc.pages[0]!.compressionName);
			if (f === s.tiled) t.regex(doc.pages[0]!.compressionName, /tiled/);
			const p = await doc.page(0);
			t.is(p.bitmap.width, 1728);
			t.is(p.bitmap.height, Math.round((1240 * 196) / 300));
			// 1748 px at 300 dpi = 1189 dots, centred: the outer 250 dots each side are white
			const left = p.bitmap.data.filter((_, i) => i % 216 < 30).every((v) => v === 0);
			t.true(left, "left margin white (grey paper thresholded away)");
			t.regex(words(ocr(dir, p.bitmap, "scan")), /Invoice number 4711/);
		} finally {
			await doc.close();
		}
	}
	const io = memoryIO();
	await runCommand("info", [s.lzw], io);
	t.regex(io.stdout.join("\n"), /compression TIFF LZW/);
});

test("UTF-8 text with accents: textfmt-like pages (header, page numbers), accents survive OCR", async (t) => {
	const f = join(dir, "lettre.txt");
	const body = ["Café crème à Zürich", "Résumé: naïve façade, Ærøskøbing", "\tTabbed line", ...Array.from({ length: 70 }, (_, i) => `line ${i + 1}`)].join("\n");
	writeFileSync(f, body + "\n");
	const doc = await openDocument(f);
	try {
		t.is(doc.pageCount, 2);
		t.is(doc.pages[0]!.format, "text");
		const p = await doc.page(0);
		t.deepEqual([p.bitmap.width, p.bitmap.height], [1728, 2292]);
		const text = words(ocr(dir, p.bitmap, "txt"));
		t.regex(text, /Page 1 of 2/);
		// tesseract (eng) at 10 pt, 196 lpi reads these accents back
		t.regex(text, /Café/);
		t.regex(text, /Résumé/);
	} finally {
		await doc.close();
	}
});

/** A 24-bit BMP (BITMAPINFOHEADER, bottom-up) of an RGB buffer. */
function bmp(w: number, h: number, rgb: Uint8Array): Buffer {
	const rowBytes = (w * 3 + 3) & ~3;
	const b = Buffer.alloc(54 + rowBytes * h);
	b.write("BM", 0, "latin1");
	b.writeUInt32LE(b.length, 2);
	b.writeUInt32LE(54, 10);
	b.writeUInt32LE(40, 14);
	b.writeInt32LE(w, 18);
	b.writeInt32LE(h, 22);
	b.writeUInt16LE(1, 26);
	b.writeUInt16LE(24, 28);
	b.writeUInt32LE(rowBytes * h, 34);
	b.writeInt32LE(7874, 38); // 200 dpi
	b.writeInt32LE(7874, 42);
	for (let y = 0; y < h; y++)
		for (let x = 0; x < w; x++) {
			const s = ((h - 1 - y) * w + x) * 3;
			const d = 54 + y * rowBytes + x * 3;
			b[d] = rgb[s + 2]!;
			b[d + 1] = rgb[s + 1]!;
			b[d + 2] = rgb[s]!;
		}
	return b;
}

test("GIF, WebP, BMP, BigTIFF and a 2-page greyscale TIFF: each opens with the right page count, fax width and legible text", async (t) => {
	const sharp = (await import("sharp")).default;
	const svg = (s: string) => Buffer.from(`<svg xmlns="http://www.w3.org/2000/svg" width="1000" height="300"><rect width="100%" height="100%" fill="#fff"/><text x="40" y="150" font-family="DejaVu Sans" font-size="64" fill="#000">${s}</text></svg>`);
	await sharp(svg("GIF works")).gif().toFile(join(dir, "a.gif"));
	await sharp(svg("WEBP works")).webp({ lossless: true }).toFile(join(dir, "a.webp"));
	const { data, info: i } = await sharp(svg("BMP works")).removeAlpha().raw().toBuffer({ resolveWithObject: true });
	writeFileSync(join(dir, "a.bmp"), bmp(i.width, i.height, data));
	await sharp(svg("PAGE ONE")).toColourspace("b-w").tiff({ compression: "lzw" }).toFile(join(dir, "p1.tif"));
	await sharp(svg("PAGE TWO")).toColourspace("b-w").tiff({ compression: "lzw" }).toFile(join(dir, "p2.tif"));
	const { execFileSync } = await import("node:child_process");
	execFileSync("tiffcp", [join(dir, "p1.tif"), join(dir, "p2.tif"), join(dir, "two.tif")]);
	execFileSync("tiffcp", ["-8", join(dir, "p1.tif"), join(dir, "big.tif")]);
	const cases: Array<[string, number, RegExp, string]> = [
		["a.gif", 1, /GIF works/, "GIF"],
		["a.webp", 1, /WEBP works/, "WEBP"],
		["a.bmp", 1, /BMP works/, ""],
		["big.tif", 1, /PAGE ONE/, "BigTIFF"],
		["two.tif", 2, /PAGE TWO/, "TIFF LZW"],
	];
	for (const [f, pages, re, label] of cases) {
		const doc = await openDocument(join(dir, f));
		try {
			t.is(doc.pageCount, pages, f);
			if (label) t.true(doc.pages[0]!.compressionName.startsWith(label), `${f}: ${doc.pages[0]!.compressionName}`);
			const p = await doc.page(pages - 1);
			t.is(p.bitmap.width, 1728, f);
			t.regex(words(ocr(dir, p.bitmap, f)), re, f);
		} finally {
			await doc.close();
		}
	}
});
