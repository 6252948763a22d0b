/**
 * Raster images as a FaxDocument through sharp (libvips): PNG, JPEG, GIF, WebP, AVIF/HEIF, SVG, BMP (decoded by
 * bmp.ts, resampled by sharp) and
 * every TIFF the bilevel reader (src/tiff) leaves aside: greyscale/colour, LZW, Deflate, JPEG, tiled,
 * BigTIFF. Each page is decoded only when asked for (one page in memory); the pixel count is checked
 * against MAX_INPUT_PIXELS from the header before any pixel is decoded (a 100000 x 100000 PNG header is
 * refused at once, DOC_TOO_LARGE), and sharp's own limitInputPixels stays on as a second guard.
 *
 * Placement rules (fax page box of geometry.ts, W x L):
 * 1. EXIF / TIFF Orientation is applied first.
 * 2. Physical size: the image's density (dpi) when it has one in 50..4800, else 96 dpi. If the image at
 *    that size fits the box (3 % slack) it keeps its physical size (a 300-dpi A4 scan fills the page,
 *    a 2-inch logo stays 2 inches); otherwise it is scaled down (or up) to fit the box, aspect kept.
 * 3. It is centred across the W-dot line; the page is as long as the image (no padding below).
 * 4. Greyscale (alpha flattened on white), resampled (Lanczos 3) to 204 x yRes dpi, then made bilevel
 *    by bilevel.ts (auto: threshold for text/line art, error diffusion for photographs; --dither).
 * Layer: docs.
 */
import { open, readFile, stat } from "node:fs/promises";
import type { FaxPage } from "../core/bitmap.js";
import { createBitmap } from "../core/bitmap.js";
import { FaxError } from "../core/FaxError.js";
import { compressionName } from "../tiff/tags.js";
import type { DecodedPage, FaxDocument, PageInfo } from "../tiff/document.js";
import type { DitherMode } from "./bilevel.js";
import { bmpSize, decodeBmp, looksLikeBmp } from "./bmp.js";
import { classify, toBilevel } from "./bilevel.js";
import type { PageBox } from "./geometry.js";

/** Most pixels an input image may have (a 600-dpi A3 scan is 70 MP). */
export const MAX_INPUT_PIXELS = 150_000_000;
const SLACK = 1.03;

type SharpFn = import("sharp").SharpConstructor;
let sharpMod: SharpFn | undefined;
/** sharp, loaded on first use (keeps every other command's start-up fast). */
export async function loadSharp(): Promise<SharpFn> {
	if (!sharpMod) {
		try {
			sharpMod = (await import("sharp")).default;
		} catch (e) {
			throw new FaxError("RENDERER_MISSING", `the image library 'sharp' could not be loaded (${(e as Error).message.split("\n")[0]}); reinstall faxline with 'npm ci'`, { cause: e });
		}
	}
	return sharpMod;
}

/** A sharp/libvips failure as a typed error. */
export function imageError(e: unknown, what: string): FaxError {
	if (e instanceof FaxError) return e;
	const msg = (e as Error).message ?? String(e);
	if (/pixel limit|too large|exceeds/i.test(msg)) return new FaxError("DOC_TOO_LARGE", `${what}: image too large (${msg})`, { cause: e });
	if (/unsupported image format/i.test(msg)) return new FaxError("DOC_UNSUPPORTED", `${what}: not an image format faxline reads`, { cause: e });
	return new FaxError("DOC_MALFORMED", `${what}: damaged image (${msg.split("\n")[0].slice(0, 200)})`, { cause: e });
}

interface Meta {
	width: number;
	height: number;
	density: number;
	format: string;
}

/** The placed size of a `w` x `h` image at `density` dpi in `box` (rules 2 and 3). */
export function placeImage(w: number, h: number, density: number, box: PageBox): { tw: number; th: number } {
	const physW = (w * box.xRes) / density;
	const physH = (h * box.yRes) / density;
	if (physW <= box.width * SLACK && physH <= box.height * SLACK) return { tw: Math.max(1, Math.min(box.width, Math.round(physW))), th: Math.max(1, Math.min(box.height, Math.round(physH))) };
	const inch = Math.min(box.width / box.xRes / w, box.height / box.yRes / h);
	return { tw: Math.max(1, Math.min(box.width, Math.round(w * inch * box.xRes))), th: Math.max(1, Math.min(box.height, Math.round(h * inch * box.yRes))) };
}

/** Compression, tiling and depth of a classic TIFF's first page, for `info` (e.g. "TIFF LZW, tiled"). */
async function describeTiff(path: string): Promise<string> {
	const fh = await open(path, "r");
	try {
		const at = async (pos: number, n: number): Promise<DataView> => {
			const b = new Uint8Array(n);
			const { bytesRead } = await fh.read(b, 0, n, pos);
			return new DataView(b.buffer, 0, bytesRead);
		};
		const h = await at(0, 8);
		if (h.byteLength < 8) return "TIFF";
		const le = h.getUint8(0) === 0x49;
		if (h.getUint16(2, le) === 43) return "BigTIFF";
		const ifd = h.getUint32(4, le);
		const cnt = await at(ifd, 2);
		if (cnt.byteLength < 2) return "TIFF";
		const n = Math.min(cnt.getUint16(0, le), 512);
		const v = await at(ifd + 2, n * 12);
		let comp = 1;
		let tiled = false;
		for (let i = 0; i < n && i * 12 + 12 <= v.byteLength; i++) {
			const tag = v.getUint16(i * 12, le);
			if (tag === 259) comp = v.getUint16(i * 12 + 8, le);
			if (tag === 322) tiled = true;
		}
		return `TIFF ${compressionName(comp)}${tiled ? ", tiled" : ""}`;
	} finally {
		await fh.close();
	}
}

/** Opens an image file (all pages of a multi-page TIFF; the first frame of an animation). */
export async function openImageDocument(path: string, box: PageBox, dither: DitherMode = "auto"): Promise<FaxDocument> {
	const sharp = await loadSharp();
	const head = new Uint8Array(64);
	const fh = await open(path, "r");
	try {
		await fh.read(head, 0, 64, 0);
	} finally {
		await fh.close();
	}
	if (looksLikeBmp(head)) return openBmpDocument(path, box, dither);
	const input = (page: number) => sharp(path, { page, pages: 1, limitInputPixels: MAX_INPUT_PIXELS, failOn: "error", autoOrient: true });
	const metaOf = async (page: number): Promise<Meta> => {
		const m = await input(page)
			.metadata()
			.catch((e: unknown) => {
				throw imageError(e, path);
			});
		const w = m.autoOrient?.width ?? m.width;
		const h = m.autoOrient?.height ?? m.height;
		if (!w || !h) throw new FaxError("DOC_MALFORMED", `${path}: image has no size`);
		if (w * h > MAX_INPUT_PIXELS) throw new FaxError("DOC_TOO_LARGE", `${path}: image ${w}x${h} has more than ${MAX_INPUT_PIXELS / 1e6} million pixels`);
		const d = m.density && m.density >= 50 && m.density <= 4800 ? m.density : 96;
		return { width: w, height: h, density: d, format: m.format, ...(m.pages ? { pages: m.pages } : {}) };
	};
	const first = await metaOf(0);
	const firstRaw = await sharp(path, { limitInputPixels: MAX_INPUT_PIXELS }).metadata();
	const count = first.format === "tiff" ? Math.max(1, firstRaw.pages ?? 1) : 1;
	const label = first.format === "tiff" ? await describeTiff(path) : first.format.toUpperCase();
	const pages: PageInfo[] = [];
	for (let i = 0; i < count; i++) {
		const m = i === 0 ? first : await metaOf(i);
		const { th } = placeImage(m.width, m.height, m.density, box);
		pages.push({ index: i, format: "image", width: box.width, height: th, xRes: box.xRes, yRes: box.yRes, resolutionKnown: true, resolution: box.resolution, compressionName: `${label} ${m.width}x${m.height} at ${m.density} dpi` });
	}
	let closed = false;
	async function decode(i: number): Promise<DecodedPage> {
		if (closed) throw new FaxError("INVALID_OPERATION", "document is closed");
		if (!Number.isInteger(i) || i < 0 || i >= count) throw new FaxError("INVALID_ARG", `page ${i} out of range (0..${count - 1})`);
		const m = i === 0 ? first : await metaOf(i);
		const page = await renderImage(input(i), m, box, dither).catch((e: unknown) => {
			throw imageError(e, path);
		});
		return { page, badLines: 0, consecutiveBadLines: 0, truncated: false };
	}
	return {
		pages,
		pageCount: count,
		decodePage: decode,
		page: async (i) => (await decode(i)).page,
		close: async () => void (closed = true),
	};
}

/** A BMP file (bmp.ts decodes it; sharp resamples the greyscale). */
async function openBmpDocument(path: string, box: PageBox, dither: DitherMode): Promise<FaxDocument> {
	const sharp = await loadSharp();
	const size = (await stat(path)).size;
	if (size > 4 * MAX_INPUT_PIXELS) throw new FaxError("DOC_TOO_LARGE", `${path}: BMP file of ${size} bytes is too large`);
	const fh = await open(path, "r");
	const hdr = new Uint8Array(54);
	try {
		await fh.read(hdr, 0, 54, 0);
	} finally {
		await fh.close();
	}
	const { width, height, dpi } = bmpSize(hdr, path);
	if (width * height > MAX_INPUT_PIXELS) throw new FaxError("DOC_TOO_LARGE", `${path}: image ${width}x${height} has more than ${MAX_INPUT_PIXELS / 1e6} million pixels`);
	const m = { width, height, density: dpi >= 50 && dpi <= 4800 ? dpi : 96 };
	const info: PageInfo = { index: 0, format: "image", width: box.width, height: placeImage(width, height, m.density, box).th, xRes: box.xRes, yRes: box.yRes, resolutionKnown: true, resolution: box.resolution, compressionName: `BMP ${width}x${height} at ${m.density} dpi` };
	let closed = false;
	const decode = async (i: number): Promise<DecodedPage> => {
		if (closed) throw new FaxError("INVALID_OPERATION", "document is closed");
		if (i !== 0) throw new FaxError("INVALID_ARG", `page ${i} out of range (0..0)`);
		const img = decodeBmp(await readFile(path), MAX_INPUT_PIXELS, path);
		const page = await renderImage(sharp(img.grey, { raw: { width: img.width, height: img.height, channels: 1 } }), m, box, dither).catch((e: unknown) => {
			throw imageError(e, path);
		});
		return { page, badLines: 0, consecutiveBadLines: 0, truncated: false };
	};
	return { pages: [info], pageCount: 1, decodePage: decode, page: async (i) => (await decode(i)).page, close: async () => void (closed = true) };
}

/** Resamples a sharp pipeline to its placed size, greyscale, and makes the W-wide bilevel page. */
export async function renderImage(img: import("sharp").Sharp, m: { width: number; height: number; density: number }, box: PageBox, dither: DitherMode): Promise<FaxPage> {
	const { tw, th } = placeImage(m.width, m.height, m.density, box);
	const { data, info } = await img
		.flatten({ background: "#ffffff" })
		.resize(tw, th, { fit: "fill", kernel: "lanczos3" })
		.toColourspace("b-w")
		.raw({ depth: "uchar" })
		.toBuffer({ resolveWithObject: true });
	if (info.width !== tw || info.height !== th || info.channels !== 1) throw new FaxError("DOC_MALFORMED", `image resampling gave ${info.width}x${info.height}x${info.channels}, expected ${tw}x${th}x1`);
	const grey = new Uint8Array(data.buffer, data.byteOffset, data.length);
	const method = dither === "auto" ? (classify(grey) === "photo" ? "diffusion" : "threshold") : dither;
	const { bitmap: small } = toBilevel(grey, tw, th, method);
	return { bitmap: centre(small, box.width), xRes: box.xRes, yRes: box.yRes };
}

/** Places a bitmap centred on a `width`-dot line. */
export function centre(src: { width: number; height: number; stride: number; data: Uint8Array }, width: number): import("../core/bitmap.js").Bitmap {
	if (src.width === width) return { ...src };
	const out = createBitmap(width, src.height);
	const off = (width - src.width) >> 1;
	for (let y = 0; y < src.height; y++) {
		const s = y * src.stride;
		const d = y * out.stride;
		for (let x = 0; x < src.width; x++) {
			if (src.data[s + (x >>> 3)] & (0x80 >>> (x & 7))) {
				const X = x + off;
				out.data[d + (X >>> 3)] |= 0x80 >>> (X & 7);
			}
		}
	}
	return out;
}
