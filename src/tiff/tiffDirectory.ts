/**
 * TIFF page metadata for bilevel fax images: runs the structural guard (ifdChain.ts), lets the `tiff`
 * package parse every IFD's tags, then checks what a fax reader needs (TIFF 6.0 §3 bilevel baseline,
 * §9 PackBits, §11 CCITT; TIFF Class F): 1 bit per sample, one sample, strips inside the file,
 * sane dimensions. Produces plain numbers only, so the file bytes can be dropped after parsing.
 * Layer: tiff (pure).
 */
import { decode as decodeTiffTags } from "tiff";
import { FaxError } from "../core/FaxError.js";
import { walkIfdChain } from "./ifdChain.js";
import { Compression, Tag, compressionName } from "./tags.js";

/** Widest page accepted (pixels): 48 inches at 400 dpi. */
export const MAX_WIDTH = 19_200;
/** Longest page accepted (rows): about 6.5 m at superfine. */
export const MAX_HEIGHT = 100_000;
/** Largest decoded page bitmap accepted (bytes). */
export const MAX_PAGE_BYTES = 64 * 1024 * 1024;

/** Everything `info` shows and the page decoder needs about one TIFF page. */
export interface TiffPageInfo {
	/** 0-based page index in the file */
	index: number;
	width: number;
	height: number;
	/** horizontal / vertical resolution in dots per inch (converted from cm); see `resolutionKnown` */
	xRes: number;
	yRes: number;
	/** unit of the file's resolution tags; "none" or missing tags mean xRes/yRes were assumed */
	resolutionUnit: "inch" | "cm" | "none";
	resolutionKnown: boolean;
	/** TIFF Compression value: 1, 2, 3, 4 or 32773 */
	compression: number;
	compressionName: string;
	/** T4Options (Compression 3) or T6Options (4); 0 when absent */
	t4Options: number;
	t6Options: number;
	fillOrder: 1 | 2;
	/** 0 WhiteIsZero (fax), 1 BlackIsZero; the reader normalises both to 1 = black */
	photometric: 0 | 1;
	rowsPerStrip: number;
	stripOffsets: number[];
	stripByteCounts: number[];
	/** PageNumber tag [n (0-based), total] when present */
	pageNumber?: [number, number];
	badFaxLines?: number;
	cleanFaxData?: number;
	consecutiveBadFaxLines?: number;
	software?: string;
}

export interface TiffDirectory {
	littleEndian: boolean;
	pages: TiffPageInfo[];
}

type Fields = Map<number, unknown>;

const first = (v: unknown): number | undefined => {
	if (typeof v === "number") return v;
	if (ArrayBuffer.isView(v) || Array.isArray(v)) {
		const x = (v as ArrayLike<unknown>)[0];
		return typeof x === "number" ? x : undefined;
	}
	return undefined;
};
const list = (v: unknown): number[] | undefined => {
	if (typeof v === "number") return [v];
	if (ArrayBuffer.isView(v) || Array.isArray(v)) return Array.from(v as ArrayLike<unknown>, (x) => (typeof x === "number" ? x : NaN));
	return undefined;
};

/** Parses and checks every page's tags. Throws FaxError TIFF_* for anything a fax reader cannot use. */
export function readTiffDirectory(buf: Uint8Array): TiffDirectory {
	const chain = walkIfdChain(buf);
	let ifds: { fields: Fields }[];
	try {
		ifds = decodeTiffTags(buf, { ignoreImageData: true }) as unknown as { fields: Fields }[];
	} catch (e) {
		throw new FaxError("TIFF_MALFORMED", `TIFF tags unreadable: ${(e as Error).message}`, { cause: e });
	}
	if (ifds.length !== chain.offsets.length) throw new FaxError("TIFF_MALFORMED", "TIFF directory chain could not be parsed consistently");
	const pages = ifds.map((ifd, i) => pageInfo(ifd.fields, i, buf.byteLength));
	return { littleEndian: chain.littleEndian, pages };
}

function pageInfo(f: Fields, index: number, fileLength: number): TiffPageInfo {
	const where = `page ${index + 1}`;
	const bad = (code: "TIFF_MALFORMED" | "TIFF_UNSUPPORTED" | "TIFF_TOO_LARGE" | "TIFF_TRUNCATED", msg: string): FaxError =>
		new FaxError(code, `${msg} (${where})`, { context: { page: index + 1 } });
	const num = (tag: number, dflt?: number): number | undefined => first(f.get(tag)) ?? dflt;

	const width = num(Tag.ImageWidth);
	const height = num(Tag.ImageLength);
	if (width === undefined || height === undefined) throw bad("TIFF_MALFORMED", "TIFF page lacks ImageWidth/ImageLength");
	if (!Number.isInteger(width) || !Number.isInteger(height) || width < 1 || height < 1) throw bad("TIFF_MALFORMED", `bad TIFF page size ${width}x${height}`);
	if (width > MAX_WIDTH || height > MAX_HEIGHT || Math.ceil(width / 8) * height > MAX_PAGE_BYTES)
		throw bad("TIFF_TOO_LARGE", `TIFF page ${width}x${height} exceeds the limits (${MAX_WIDTH}x${MAX_HEIGHT}, ${MAX_PAGE_BYTES >> 20} MB)`);

	const bps = list(f.get(Tag.BitsPerSample)) ?? [1];
	const spp = num(Tag.SamplesPerPixel, 1);
	if (spp !== 1 || bps.some((b) => b !== 1)) throw bad("TIFF_UNSUPPORTED", `only bilevel TIFF is supported (BitsPerSample ${bps.join(",")}, SamplesPerPixel ${spp})`);
	if (f.has(Tag.TileWidth) || f.has(Tag.TileOffsets)) throw bad("TIFF_UNSUPPORTED", "tiled TIFF is not supported");

	const compression = num(Tag.Compression, 1)!;
	if (!(Object.values(Compression) as number[]).includes(compression)) throw bad("TIFF_UNSUPPORTED", `TIFF compression ${compressionName(compression)} (${compression}) is not supported by the bilevel reader (none, CCITT RLE, G3, G4 and PackBits are)`);
	const t4Options = num(Tag.T4Options, 0)!;
	const t6Options = num(Tag.T6Options, 0)!;
	if ((compression === 3 && t4Options & 2) || (compression === 4 && t6Options & 2)) throw bad("TIFF_UNSUPPORTED", "CCITT uncompressed mode is not supported");

	const photometric = num(Tag.Photometric, 0)!;
	if (photometric !== 0 && photometric !== 1) throw bad("TIFF_UNSUPPORTED", `Photometric ${photometric} is not bilevel (0 or 1 expected)`);
	const fillOrder = num(Tag.FillOrder, 1)!;
	if (fillOrder !== 1 && fillOrder !== 2) throw bad("TIFF_MALFORMED", `bad FillOrder ${fillOrder}`);

	let rowsPerStrip = num(Tag.RowsPerStrip, height)!;
	if (!Number.isFinite(rowsPerStrip) || rowsPerStrip < 1) throw bad("TIFF_MALFORMED", `bad RowsPerStrip ${rowsPerStrip}`);
	rowsPerStrip = Math.min(rowsPerStrip, height);
	const nStrips = Math.ceil(height / rowsPerStrip);
	const stripOffsets = list(f.get(Tag.StripOffsets));
	if (!stripOffsets) throw bad("TIFF_MALFORMED", "TIFF page lacks StripOffsets");
	let stripByteCounts = list(f.get(Tag.StripByteCounts));
	if (!stripByteCounts) {
		// libtiff estimates a missing count too; we allow it only for one strip: to the end of the file.
		if (stripOffsets.length !== 1) throw bad("TIFF_MALFORMED", "TIFF page lacks StripByteCounts");
		stripByteCounts = [Math.max(0, fileLength - stripOffsets[0])];
	}
	if (stripOffsets.length !== stripByteCounts.length) throw bad("TIFF_MALFORMED", "StripOffsets and StripByteCounts differ in length");
	if (stripOffsets.length < nStrips) throw bad("TIFF_MALFORMED", `TIFF page has ${stripOffsets.length} strips, needs ${nStrips}`);
	stripOffsets.length = nStrips;
	stripByteCounts.length = nStrips;
	for (let s = 0; s < nStrips; s++) {
		const o = stripOffsets[s];
		const c = stripByteCounts[s];
		if (!Number.isInteger(o) || !Number.isInteger(c) || o < 0 || c < 0) throw bad("TIFF_MALFORMED", `bad strip ${s} offset/size`);
		if (o > fileLength || o + c > fileLength) throw bad("TIFF_TRUNCATED", `strip ${s} (${c} bytes at ${o}) lies past the end of the ${fileLength}-byte file`);
	}

	const res = resolution(f, width);
	const pn = list(f.get(Tag.PageNumber));
	const info: TiffPageInfo = {
		index,
		width,
		height,
		...res,
		compression,
		compressionName: compressionName(compression, t4Options),
		t4Options,
		t6Options,
		fillOrder,
		photometric,
		rowsPerStrip,
		stripOffsets,
		stripByteCounts,
	};
	if (pn && pn.length >= 2) info.pageNumber = [pn[0], pn[1]];
	const bfl = num(Tag.BadFaxLines);
	if (bfl !== undefined) info.badFaxLines = bfl;
	const cfd = num(Tag.CleanFaxData);
	if (cfd !== undefined) info.cleanFaxData = cfd;
	const cbl = num(Tag.ConsecutiveBadFaxLines);
	if (cbl !== undefined) info.consecutiveBadFaxLines = cbl;
	const sw = f.get(Tag.Software);
	if (typeof sw === "string") info.software = sw;
	return info;
}

/**
 * Resolution in dpi. Rule for missing tags or ResolutionUnit 1 ("none"): the horizontal resolution is
 * assumed from the width ({@link assumedXRes}); with unit "none" the tags' x:y ratio is kept.
 */
function resolution(f: Fields, width: number): Pick<TiffPageInfo, "xRes" | "yRes" | "resolutionUnit" | "resolutionKnown"> {
	const unitTag = first(f.get(Tag.ResolutionUnit)) ?? 2;
	const resolutionUnit = unitTag === 3 ? "cm" : unitTag === 1 ? "none" : "inch";
	const x = first(f.get(Tag.XResolution));
	const y = first(f.get(Tag.YResolution));
	const ok = (v: number | undefined): v is number => v !== undefined && Number.isFinite(v) && v > 0 && v < 100_000;
	if (ok(x) && ok(y) && resolutionUnit !== "none") {
		const k = resolutionUnit === "cm" ? 2.54 : 1;
		return { xRes: x * k, yRes: y * k, resolutionUnit, resolutionKnown: true };
	}
	const ax = assumedXRes(width);
	const ay = ok(x) && ok(y) ? (ax * y) / x : ax === 204 ? 196 : ax;
	return { xRes: ax, yRes: ay, resolutionUnit, resolutionKnown: false };
}

/**
 * Horizontal dpi assumed for an image without a usable resolution: 204 (fax, 8 dots/mm) when the width
 * is within 3% of a fax width (1728/2048/2432), otherwise the width spread over a US-letter 8.5 in line.
 */
export function assumedXRes(width: number): number {
	for (const w of [1728, 2048, 2432]) if (Math.abs(width - w) <= w * 0.03) return 204;
	return width / 8.5;
}

/**
 * Bytes worth reading for strip `s`: its StripByteCount, capped at 16 x the strip's raw size + 64 KiB
 * (worst-case MH of a 1-px checkerboard is about 13 x raw), so a hostile count cannot make a reader
 * allocate more than a bounded multiple of the page. Data past the cap cannot hold further rows.
 */
export function stripReadLength(info: TiffPageInfo, s: number): number {
	const rows = Math.min(info.rowsPerStrip, info.height - s * info.rowsPerStrip);
	return Math.min(info.stripByteCounts[s], 16 * rows * Math.ceil(info.width / 8) + 65536);
}
