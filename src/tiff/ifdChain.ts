/**
 * Structural guard for TIFF files, run BEFORE any tag parser sees the bytes (TIFF 6.0 §2 "Image File
 * Header", "Image File Directory"): byte order and magic, every IFD inside the file, every out-of-line
 * value inside the file, no IFD visited twice (main chain and EXIF/GPS sub-IFDs), a cap on page count.
 * Work and memory are bounded by the file size. Layer: tiff (pure).
 */
import { FaxError } from "../core/FaxError.js";
import { Tag, TypeSize } from "./tags.js";

/** Most pages one file may hold (a sanity cap, not a format limit). */
const MAX_PAGES = 10_000;

export interface IfdChain {
	littleEndian: boolean;
	/** byte offset of each page's IFD, in chain order */
	offsets: number[];
}

/** Reads 16/32-bit unsigned integers in the file's byte order, with bounds checks. */
export class ByteReader {
	private readonly view: DataView;
	constructor(
		readonly buf: Uint8Array,
		readonly littleEndian: boolean,
	) {
		this.view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
	}
	get length(): number {
		return this.buf.byteLength;
	}
	u16(off: number): number {
		if (off < 0 || off + 2 > this.buf.byteLength) throw truncated(off);
		return this.view.getUint16(off, this.littleEndian);
	}
	u32(off: number): number {
		if (off < 0 || off + 4 > this.buf.byteLength) throw truncated(off);
		return this.view.getUint32(off, this.littleEndian);
	}
}

const truncated = (off: number): FaxError =>
	new FaxError("TIFF_TRUNCATED", `TIFF file truncated: needs data at byte ${off}`, { context: { offset: off } });

/** Reads the 8-byte header: byte order and magic 42. Throws TIFF_MALFORMED / TIFF_UNSUPPORTED / TIFF_TRUNCATED. */
function readHeader(buf: Uint8Array): { littleEndian: boolean; firstIfd: number } {
	if (buf.byteLength < 2) throw new FaxError("TIFF_MALFORMED", "not a TIFF file (too short)");
	const b0 = buf[0];
	const b1 = buf[1];
	let littleEndian: boolean;
	if (b0 === 0x49 && b1 === 0x49) littleEndian = true;
	else if (b0 === 0x4d && b1 === 0x4d) littleEndian = false;
	else throw new FaxError("TIFF_MALFORMED", "not a TIFF file (no II/MM byte-order mark)");
	const r = new ByteReader(buf, littleEndian);
	const magic = r.u16(2);
	if (magic === 43) throw new FaxError("TIFF_UNSUPPORTED", "BigTIFF files are not supported");
	if (magic !== 42) throw new FaxError("TIFF_MALFORMED", `not a TIFF file (magic ${magic}, expected 42)`);
	return { littleEndian, firstIfd: r.u32(4) };
}

/**
 * Walks and checks the IFD chain. Throws TIFF_IFD_LOOP if an IFD is reached twice, TIFF_MALFORMED for
 * offsets inside the header or an empty chain, TIFF_TRUNCATED when an IFD or a value lies past the end,
 * TIFF_TOO_LARGE past {@link MAX_PAGES}.
 */
export function walkIfdChain(buf: Uint8Array): IfdChain {
	const { littleEndian, firstIfd } = readHeader(buf);
	const r = new ByteReader(buf, littleEndian);
	const visited = new Set<number>();
	const offsets: number[] = [];
	if (firstIfd === 0) throw new FaxError("TIFF_MALFORMED", "TIFF file has no image directory");
	let next = firstIfd;
	while (next !== 0) {
		if (offsets.length >= MAX_PAGES) throw new FaxError("TIFF_TOO_LARGE", `TIFF file has more than ${MAX_PAGES} pages`);
		checkIfd(r, next, visited, `page ${offsets.length + 1}`, 0);
		offsets.push(next);
		const n = r.u16(next);
		next = r.u32(next + 2 + n * 12);
	}
	return { littleEndian, offsets };
}

function checkIfd(r: ByteReader, off: number, visited: Set<number>, what: string, depth: number): void {
	if (visited.has(off)) throw new FaxError("TIFF_IFD_LOOP", `TIFF directory chain loops back to byte ${off} (${what})`, { context: { offset: off } });
	if (depth > 4) throw new FaxError("TIFF_MALFORMED", "TIFF sub-directories nested too deeply");
	visited.add(off);
	if (off < 8) throw new FaxError("TIFF_MALFORMED", `TIFF directory offset ${off} points into the header (${what})`);
	if (off >= r.length) throw new FaxError("TIFF_TRUNCATED", `TIFF directory offset ${off} is past the end of the ${r.length}-byte file (${what})`);
	const n = r.u16(off);
	if (n === 0) throw new FaxError("TIFF_MALFORMED", `empty TIFF directory at byte ${off} (${what})`);
	const end = off + 2 + n * 12 + 4;
	if (end > r.length) throw new FaxError("TIFF_TRUNCATED", `TIFF directory at byte ${off} (${n} entries) runs past the end of the file (${what})`);
	for (let i = 0; i < n; i++) {
		const e = off + 2 + i * 12;
		const tag = r.u16(e);
		const type = r.u16(e + 2);
		const count = r.u32(e + 4);
		const size = TypeSize[type];
		if (size === undefined) continue; // unknown types are skipped by every reader
		const bytes = size * count;
		if (bytes > 4) {
			const vo = r.u32(e + 8);
			if (vo + bytes > r.length)
				throw new FaxError("TIFF_TRUNCATED", `TIFF tag ${tag} value (${bytes} bytes at ${vo}) lies past the end of the file (${what})`, {
					context: { tag, offset: vo, bytes },
				});
		}
		// The tag parser follows EXIF/GPS pointers of any basic type: accept only one SHORT/LONG and check it too.
		if ((tag === Tag.ExifIfd || tag === Tag.GpsIfd) && type <= 12) {
			if (count !== 1 || (type !== 3 && type !== 4)) throw new FaxError("TIFF_MALFORMED", `bad EXIF/GPS directory pointer (${what})`);
			checkIfd(r, type === 3 ? r.u16(e + 8) : r.u32(e + 8), visited, `${what} sub-directory`, depth + 1);
		}
	}
}

/** Most tag-value bytes the metadata loader will read beyond the file size itself (hostile overlaps). */
const MAX_METADATA_READ = 64 * 1024 * 1024;

/**
 * Loads only what walkIfdChain and the tag parser look at — the header, every IFD and every out-of-line
 * tag value, following the same chain and EXIF/GPS pointers — into a zero-filled buffer of the file's
 * size, through `read(offset, length)`. Untouched (image data) pages of a fresh zeroed ArrayBuffer are
 * never committed by the OS, so opening a 500-page document costs its metadata, not its size.
 * Nothing is validated here beyond staying in range; run walkIfdChain / readTiffDirectory on the result.
 */
export async function loadTiffMetadata(size: number, read: (offset: number, length: number) => Promise<Uint8Array>): Promise<Uint8Array> {
	const buf = new Uint8Array(size);
	let budget = MAX_METADATA_READ + size;
	const load = async (off: number, len: number): Promise<boolean> => {
		if (off < 0 || len <= 0 || off >= size) return false;
		const n = Math.min(len, size - off);
		budget -= n;
		if (budget < 0) throw new FaxError("TIFF_TOO_LARGE", "TIFF tag data exceeds the metadata limit");
		buf.set((await read(off, n)).subarray(0, n), off);
		return n === len;
	};
	if (!(await load(0, 8))) return buf;
	const { littleEndian, firstIfd } = readHeader(buf);
	const r = new ByteReader(buf, littleEndian);
	const visited = new Set<number>();
	const loadIfd = async (off: number, depth: number): Promise<number> => {
		// returns the next-IFD pointer, or 0 when the chain cannot continue
		if (visited.has(off) || off < 8 || depth > 4 || !(await load(off, 2))) return 0;
		visited.add(off);
		const n = r.u16(off);
		if (!(await load(off + 2, n * 12 + 4))) return 0;
		for (let i = 0; i < n; i++) {
			const e = off + 2 + i * 12;
			const tag = r.u16(e);
			const type = r.u16(e + 2);
			const count = r.u32(e + 4);
			const sz = TypeSize[type];
			if (sz === undefined) continue;
			const bytes = sz * count;
			if (bytes > 4) {
				const vo = r.u32(e + 8);
				if (vo + bytes <= size) await load(vo, bytes);
			}
			if ((tag === Tag.ExifIfd || tag === Tag.GpsIfd) && count === 1 && (type === 3 || type === 4)) await loadIfd(type === 3 ? r.u16(e + 8) : r.u32(e + 8), depth + 1);
		}
		return r.u32(off + 2 + n * 12);
	};
	let next = firstIfd;
	for (let pages = 0; next !== 0 && pages <= MAX_PAGES; pages++) next = await loadIfd(next, 0);
	return buf;
}
