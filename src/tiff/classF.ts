/**
 * TIFF Class F layout (TIFF 6.0 §2 IFD structure; TIFF Class F as in RFC 2306 §2 / Adobe TIFF-F):
 * one strip per page, each page's IFD written right after its strip, little-endian ("II"). Every
 * field Class F requires: NewSubfileType=2, ImageWidth, ImageLength, BitsPerSample=1, Compression 3/4,
 * Photometric=0, FillOrder, StripOffsets, SamplesPerPixel=1, RowsPerStrip, StripByteCounts,
 * XResolution/YResolution, T4Options or T6Options, ResolutionUnit=2, PageNumber n/total, Software, and
 * BadFaxLines/CleanFaxData/ConsecutiveBadFaxLines when known. `writeClassF` builds a whole file in
 * memory; ClassFWriter.ts streams to disk with the same layout. Layer: tiff (pure).
 */
import type { FaxPage } from "../core/bitmap.js";
import { FaxError } from "../core/FaxError.js";
import { resolutionOf } from "../core/bitmap.js";
import { concatBytes } from "../core/bytes.js";
import type { T4Coding } from "../t4/index.js";
import type { CcittWriteParams } from "./ccitt.js";
import { compressionFor, encodeCcittStrip, t4OptionsFor } from "./ccitt.js";
import { FieldType, Tag } from "./tags.js";

/** A page to write, with the reception quality tags when the caller knows them. */
export interface ClassFPage extends FaxPage {
	/** BadFaxLines: rows received with errors */
	badLines?: number;
	/** ConsecutiveBadFaxLines: longest run of bad rows */
	consecutiveBadLines?: number;
	/** CleanFaxData: 0 clean, 1 regenerated, 2 unclean; default derived from badLines when given */
	cleanFaxData?: 0 | 1 | 2;
	/** ImageDescription: for a received page, the far end's TSID */
	description?: string;
	/** DateTime "YYYY:MM:DD HH:MM:SS" (TIFF 6.0) */
	dateTime?: string;
	/** FaxRecvTime: seconds the page took to receive (libtiff TIFFTAG_FAXRECVTIME) */
	recvTimeSec?: number;
	/** FaxDcs: the session parameters, e.g. "V.17 14400, fine, 2-D" (libtiff TIFFTAG_FAXDCS) */
	dcs?: string;
}

/** Writer options. */
export interface ClassFOptions {
	/** "mh" G3 1-D (default), "mr" G3 2-D (K 2/4/8 by resolution), "mmr" G4 */
	coding?: T4Coding;
	/** T4Options bit 2: byte-aligned EOLs. Default false. */
	alignEol?: boolean;
	/** FillOrder: 1 MSB first (default), 2 LSB first */
	fillOrder?: 1 | 2;
	/** Software tag; default "faxline" */
	software?: string;
}

export const HEADER_SIZE = 8;
/** The 8-byte little-endian header; `firstIfd` patched later by streaming writers. */
export function header(firstIfd = 0): Uint8Array {
	const h = new Uint8Array(8);
	h.set([0x49, 0x49, 42, 0]);
	new DataView(h.buffer).setUint32(4, firstIfd, true);
	return h;
}

/** Encodes one page's strip as Class F image data. */
export function encodePageStrip(page: FaxPage, o: ClassFOptions): Uint8Array {
	const b = page.bitmap;
	if (!(b.width >= 1 && b.width <= 65535 && b.height >= 1 && b.height <= 65535 && b.stride === (b.width + 7) >>> 3 && b.data.length >= b.stride * b.height))
		throw new FaxError("IMAGE_GEOMETRY", `cannot write a ${b.width}x${b.height} page (stride ${b.stride}, ${b.data.length} bytes)`);
	if (!(page.xRes > 0 && page.yRes > 0 && page.xRes < 100_000 && page.yRes < 100_000)) throw new FaxError("IMAGE_GEOMETRY", `bad page resolution ${page.xRes}x${page.yRes} dpi`);
	return encodeCcittStrip(page.bitmap, { ...ccittParams(o), resolution: resolutionOf(page.yRes) });
}

const ccittParams = (o: ClassFOptions): CcittWriteParams => ({ coding: o.coding ?? "mh", alignEol: o.alignEol ?? false, fillOrder: o.fillOrder ?? 1 });

/** A built IFD and where its patchable fields are (absolute file offsets). */
export interface BuiltIfd {
	bytes: Uint8Array;
	/** position of the 4-byte next-IFD pointer */
	nextPointerAt: number;
	/** position of PageNumber's second SHORT (the page total) */
	pageTotalAt: number;
}

/**
 * Builds page `pageIndex`'s IFD to sit at file offset `ifdAt` (even), describing a strip of
 * `stripLength` bytes at `stripAt`. `total` may be 0 and patched later at `pageTotalAt`.
 */
export function buildIfd(page: ClassFPage, o: ClassFOptions, pageIndex: number, total: number, ifdAt: number, stripAt: number, stripLength: number): BuiltIfd {
	const coding = o.coding ?? "mh";
	const compression = compressionFor(coding);
	const software = new TextEncoder().encode((o.software ?? "faxline") + "\0");
	type Entry = [tag: number, type: number, count: number, value: number | Uint8Array];
	const entries: Entry[] = [
		[Tag.NewSubfileType, FieldType.LONG, 1, 2],
		[Tag.ImageWidth, FieldType.LONG, 1, page.bitmap.width],
		[Tag.ImageLength, FieldType.LONG, 1, page.bitmap.height],
		[Tag.BitsPerSample, FieldType.SHORT, 1, 1],
		[Tag.Compression, FieldType.SHORT, 1, compression],
		[Tag.Photometric, FieldType.SHORT, 1, 0],
		[Tag.FillOrder, FieldType.SHORT, 1, o.fillOrder ?? 1],
		[Tag.StripOffsets, FieldType.LONG, 1, stripAt],
		[Tag.SamplesPerPixel, FieldType.SHORT, 1, 1],
		[Tag.RowsPerStrip, FieldType.LONG, 1, page.bitmap.height],
		[Tag.StripByteCounts, FieldType.LONG, 1, stripLength],
		[Tag.XResolution, FieldType.RATIONAL, 1, rational(page.xRes)],
		[Tag.YResolution, FieldType.RATIONAL, 1, rational(page.yRes)],
		compression === 3 ? [Tag.T4Options, FieldType.LONG, 1, t4OptionsFor(ccittParams(o))] : [Tag.T6Options, FieldType.LONG, 1, 0],
		[Tag.ResolutionUnit, FieldType.SHORT, 1, 2],
		[Tag.PageNumber, FieldType.SHORT, 2, (pageIndex & 0xffff) | ((total & 0xffff) << 16)],
		[Tag.Software, FieldType.ASCII, software.length, software],
	];
	if (page.badLines !== undefined) {
		entries.push([Tag.BadFaxLines, FieldType.LONG, 1, page.badLines]);
		entries.push([Tag.CleanFaxData, FieldType.SHORT, 1, page.cleanFaxData ?? (page.badLines > 0 ? 1 : 0)]);
		if (page.consecutiveBadLines !== undefined) entries.push([Tag.ConsecutiveBadFaxLines, FieldType.LONG, 1, page.consecutiveBadLines]);
	} else if (page.cleanFaxData !== undefined) entries.push([Tag.CleanFaxData, FieldType.SHORT, 1, page.cleanFaxData]);
	const ascii = (v: string): Uint8Array => new TextEncoder().encode(v.replace(/[^\x20-\x7e]/g, "?") + "\0");
	if (page.description !== undefined) entries.push([Tag.ImageDescription, FieldType.ASCII, ascii(page.description).length, ascii(page.description)]);
	if (page.dateTime !== undefined) entries.push([Tag.DateTime, FieldType.ASCII, ascii(page.dateTime).length, ascii(page.dateTime)]);
	if (page.recvTimeSec !== undefined) entries.push([Tag.FaxRecvTime, FieldType.LONG, 1, Math.max(0, Math.round(page.recvTimeSec))]);
	if (page.dcs !== undefined) entries.push([Tag.FaxDcs, FieldType.ASCII, ascii(page.dcs).length, ascii(page.dcs)]);
	entries.sort((a, b) => a[0] - b[0]);

	const n = entries.length;
	const ifdSize = 2 + n * 12 + 4;
	let extraSize = 0;
	for (const e of entries) if (e[3] instanceof Uint8Array && e[3].length > 4) extraSize += (e[3].length + 1) & ~1;
	const bytes = new Uint8Array(ifdSize + extraSize);
	const dv = new DataView(bytes.buffer);
	dv.setUint16(0, n, true);
	let extra = ifdSize;
	let pageTotalAt = 0;
	entries.forEach(([tag, type, count, value], i) => {
		const e = 2 + i * 12;
		dv.setUint16(e, tag, true);
		dv.setUint16(e + 2, type, true);
		dv.setUint32(e + 4, count, true);
		if (value instanceof Uint8Array) {
			if (value.length <= 4) bytes.set(value, e + 8);
			else {
				dv.setUint32(e + 8, ifdAt + extra, true);
				bytes.set(value, extra);
				extra += (value.length + 1) & ~1;
			}
		} else if (type === FieldType.SHORT && count === 1) dv.setUint16(e + 8, value, true);
		else if (type === FieldType.SHORT) {
			dv.setUint16(e + 8, value & 0xffff, true);
			dv.setUint16(e + 10, value >>> 16, true);
			if (tag === Tag.PageNumber) pageTotalAt = ifdAt + e + 10;
		} else dv.setUint32(e + 8, value, true);
	});
	return { bytes, nextPointerAt: ifdAt + 2 + n * 12, pageTotalAt };
}

/** A RATIONAL as 8 bytes (dpi with 1/100 precision; 204/1, 196/1, 391/1 for fax values). */
function rational(v: number): Uint8Array {
	const b = new Uint8Array(8);
	const dv = new DataView(b.buffer);
	const r = Math.round(v * 100);
	const [num, den] = r % 100 === 0 ? [r / 100, 1] : [r, 100];
	dv.setUint32(0, num, true);
	dv.setUint32(4, den, true);
	return b;
}

/**
 * Whole Class F file in memory (small documents, tests). Pages are written as given: normalise them
 * first (normalize.ts) for strict fax geometry. For long documents use ClassFWriter.
 */
export function writeClassF(pages: readonly ClassFPage[], opts: ClassFOptions = {}): Uint8Array {
	if (pages.length === 0) throw new FaxError("INVALID_ARG", "a TIFF file needs at least one page");
	const parts: Uint8Array[] = [header()];
	let pos = HEADER_SIZE;
	let prevNext = 4;
	const patches: [at: number, value: number][] = [];
	pages.forEach((page, i) => {
		const strip = encodePageStrip(page, opts);
		const stripAt = pos;
		parts.push(strip);
		pos += strip.length;
		if (pos & 1) {
			parts.push(new Uint8Array(1));
			pos++;
		}
		const ifd = buildIfd(page, opts, i, pages.length, pos, stripAt, strip.length);
		patches.push([prevNext, pos]);
		prevNext = ifd.nextPointerAt;
		parts.push(ifd.bytes);
		pos += ifd.bytes.length;
	});
	const out = parts.length === 1 ? parts[0]!.slice() : concatBytes(parts, pos); // a fresh array: patched below
	const dv = new DataView(out.buffer);
	for (const [at, v] of patches) dv.setUint32(at, v, true);
	return out;
}
