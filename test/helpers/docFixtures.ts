/**
 * Real input documents for the src/docs tests, made at test time by tools independent of faxline:
 * Ghostscript (pdfwrite: PDF with text and a photograph-like image; encrypted PDF), libvips via sharp
 * (PNG screenshot, phone-camera JPEG with an EXIF Orientation tag, greyscale 300-dpi scan), libtiff's
 * tiffcp (LZW and tiled TIFFs of that scan), and tesseract to read the results back.
 */
import { execFileSync } from "node:child_process";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import sharp from "sharp";
import type { Bitmap } from "../../src/core/bitmap.js";
import { writePbm } from "../../src/tiff/index.js";

/** PostScript: page 1 text + a smooth grey photograph-like image, page 2 text. */
export const TWO_PAGE_PS = `%!PS-Adobe-3.0
/Helvetica-Bold findfont 30 scalefont setfont
72 720 moveto (Quarterly Report) show
/Helvetica findfont 22 scalefont setfont
72 680 moveto (Revenue grew in every region.) show
gsave 72 260 translate 460 340 scale
/row 256 string def
256 256 8 [256 0 0 -256 0 256] { 0 1 255 { dup row exch 3 -1 roll 7 mul 255 and put } for row } image
grestore
showpage
/Helvetica findfont 26 scalefont setfont
72 720 moveto (Second page says hello) show
showpage
`;

export function makePs(dir: string): string {
	const p = join(dir, "two.ps");
	writeFileSync(p, TWO_PAGE_PS);
	return p;
}

export function makePdf(dir: string, extra: string[] = [], name = "two.pdf"): string {
	const ps = makePs(dir);
	const out = join(dir, name);
	execFileSync("gs", ["-q", "-dSAFER", "-dBATCH", "-dNOPAUSE", "-sDEVICE=pdfwrite", ...extra, `-sOutputFile=${out}`, ps]);
	return out;
}

/** An SVG of dark text on `bg`, `w` x `h` px. */
export function textSvg(lines: string[], w: number, h: number, size: number, bg = "#ffffff"): Buffer {
	const t = lines.map((l, i) => `<text x="${size}" y="${size * 2 + i * size * 1.5}" font-family="DejaVu Sans" font-size="${size}" fill="#111">${l}</text>`).join("");
	return Buffer.from(`<svg xmlns="http://www.w3.org/2000/svg" width="${w}" height="${h}"><rect width="100%" height="100%" fill="${bg}"/>${t}</svg>`);
}

/** A 1280x720 screenshot-like PNG. */
export async function makePng(dir: string): Promise<string> {
	const p = join(dir, "screenshot.png");
	await sharp(textSvg(["Screenshot of the settings", "Network status connected"], 1280, 720, 40, "#f0f0f0")).png().toFile(p);
	return p;
}

/**
 * A camera JPEG 600x1000 as stored, EXIF Orientation 6 ("rotate 90° clockwise to view"): the picture as
 * seen is landscape 1000x600 with readable text.
 */
export async function makeRotatedJpeg(dir: string): Promise<string> {
	const p = join(dir, "camera.jpg");
	const seen = await sharp(textSvg(["HOLIDAY PHOTO", "Lake Geneva"], 1000, 600, 60)).png().toBuffer();
	await sharp(seen).rotate(-90).jpeg({ quality: 90 }).withMetadata({ orientation: 6, density: 72 }).toFile(p);
	return p;
}

/** A greyscale 300-dpi "scan" (A5-ish, 8-bit, grey paper) plus LZW and tiled copies made by tiffcp. */
export async function makeScans(dir: string): Promise<{ plain: string; lzw: string; tiled: string }> {
	const plain = join(dir, "scan.tif");
	await sharp(textSvg(["Invoice number 4711", "Total amount due 120 EUR"], 1748, 1240, 60, "#dcdcdc"))
		.toColourspace("b-w")
		.withMetadata({ density: 300 })
		.tiff({ compression: "none", xres: 300 / 25.4, yres: 300 / 25.4 })
		.toFile(plain);
	const lzw = join(dir, "scan-lzw.tif");
	const tiled = join(dir, "scan-tiled.tif");
	execFileSync("tiffcp", ["-c", "lzw", plain, lzw]);
	execFileSync("tiffcp", ["-c", "zip", "-t", "-w", "256", "-l", "256", plain, tiled]);
	return { plain, lzw, tiled };
}

/** OCR of a fax page (tesseract reads the PBM directly; non-square pixels are fine at 204x196). */
export function ocr(dir: string, b: Bitmap, name = "ocr"): string {
	const f = join(dir, `${name}.pbm`);
	writeFileSync(f, writePbm(b));
	return execFileSync("tesseract", [f, "-", "--psm", "3"], { encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] });
}

/** Black pixels in a bitmap. */
export function ink(b: Bitmap): number {
	let n = 0;
	for (const v of b.data) for (let x = v; x; x &= x - 1) n++;
	return n;
}
