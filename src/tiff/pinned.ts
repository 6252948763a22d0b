/**
 * A document fixed at the moment a call or submission starts (issue 14 "a document that changes during a
 * call"): the file is copied through ONE open descriptor into a private temp copy (a 0700 directory, the
 * copy unlinked as soon as it is open), so deleting, replacing or rewriting the original afterwards
 * changes nothing that is sent or reported; a file that changed while it was being copied is refused.
 * Then every page is decoded once (the whole document is checked before dialling) and its bad rows are
 * counted: T.4 §4.1.2 receivers print what they get, so pages with rows the decoder could not read are
 * reported before the call, and refused above a share (`maxBadRowShare`, per page). Layer: tiff (file
 * I/O as in document.ts).
 */
import { constants as fsc } from "node:fs";
import { mkdtemp, open, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { FaxError } from "../core/FaxError.js";
import { MAX_FILE_BYTES, openFaxDocument, type FaxDocument, type OpenOptions } from "./document.js";

/** Default refusal threshold: a page with more than 10 % bad rows (receivers answer RTN well below that). */
export const DEFAULT_MAX_BAD_ROW_SHARE = 0.1;

/** Bad rows of one page (pages with none are not listed). */
export interface BadRowPage {
	/** 1-based page number within the document */
	page: number;
	rows: number;
	badRows: number;
}

export interface PinnedDocument extends FaxDocument {
	/** the path given */
	readonly path: string;
	/** bytes of the file as pinned */
	readonly size: number;
	/** pages with bad rows, in order */
	readonly badRows: BadRowPage[];
}

export interface PinOptions extends OpenOptions {
	/** refuse (FaxError IMAGE_BAD_ROWS) when a page has more than this share of bad rows (0..1); default 0.1; 1 never refuses */
	maxBadRowShare?: number;
	/** where the private copy is made; default os.tmpdir() */
	tmpDir?: string;
	/**
	 * decode every page now (default true); false = only pin the copy, for a caller that decodes every
	 * page itself and applies `refuseBadRows` (the queue's render: one decode per page)
	 */
	checkPages?: boolean;
	/**
	 * opens the private copy; default this layer's openFaxDocument (TIFF, PBM). The CLI and the queue pass
	 * src/docs openDocument (PDF, PostScript, images, text), whose renderer may read the copy by name after
	 * opening: with an opener the copy's directory is removed at close() instead of at once.
	 */
	opener?: (path: string, opts: OpenOptions) => Promise<FaxDocument>;
}

const COPY_CHUNK = 1 << 20;

/** "page 1: 787 of 1143 rows bad (69 %)" */
export const describeBadRows = (p: BadRowPage): string => `page ${p.page}: ${p.badRows} of ${p.rows} rows bad (${Math.round((p.badRows / p.rows) * 100)} %)`;

/** Checks a share option (CLI, library, queue config): a number in [0, 1] or a percentage "10%". */
export function parseBadRowShare(v: string | number, what: string): number {
	const n = typeof v === "number" ? v : /^\s*[\d.]+\s*%\s*$/.test(v) ? Number(v.replace("%", "")) / 100 : Number(v);
	if (!(Number.isFinite(n) && n >= 0 && n <= 1) || (typeof v === "string" && v.trim() === "")) throw new FaxError("INVALID_ARG", `${what} must be a share from 0 to 1 (or 0% to 100%), not ${JSON.stringify(v)}`);
	return n;
}

/**
 * Copy `path` (read through one descriptor) into a private temp file, open the copy and decode every page.
 * Throws FaxError: FILE_NOT_FOUND / FILE_ACCESS_DENIED (a directory too), TIFF_* / T4_* when a page does
 * not decode, IMAGE_BAD_ROWS above `maxBadRowShare`, TIFF_TRUNCATED when the file changed while copied.
 */
export async function openPinnedDocument(path: string, opts: PinOptions = {}): Promise<PinnedDocument> {
	const max = opts.maxBadRowShare ?? DEFAULT_MAX_BAD_ROW_SHARE;
	parseBadRowShare(max, "maxBadRowShare");
	const dir = await mkdtemp(join(opts.tmpDir ?? tmpdir(), "faxline-doc-"));
	let doc: FaxDocument | undefined;
	let size: number;
	const removeCopy = () => rm(dir, { recursive: true, force: true });
	try {
		const copy = join(dir, "doc");
		size = await copyThroughOneDescriptor(path, copy);
		doc = await (opts.opener ?? openFaxDocument)(copy, opts);
	} catch (e) {
		await removeCopy();
		throw e;
	}
	if (opts.opener) {
		// the renderer may still read the copy by name: it goes when the document is closed
		const close = doc.close.bind(doc);
		doc.close = async () => {
			try {
				await close();
			} finally {
				await removeCopy();
			}
		};
	} else await removeCopy(); // our reader's open descriptor keeps the copy's data; nobody else can reach it any more
	try {
		const badRows: BadRowPage[] = [];
		for (let i = 0; opts.checkPages !== false && i < doc.pageCount; i++) {
			const d = await doc.decodePage(i);
			if (d.badLines > 0) badRows.push({ page: i + 1, rows: d.page.bitmap.height, badRows: d.badLines });
		}
		refuseBadRows(path, badRows, max);
		return Object.assign(doc, { path, size, badRows });
	} catch (e) {
		await doc.close();
		throw e;
	}
}

/** Throws FaxError IMAGE_BAD_ROWS naming every page of `path` above `max` (a share of its rows). */
export function refuseBadRows(path: string, badRows: readonly BadRowPage[], max: number): void {
	const over = badRows.filter((p) => p.badRows / p.rows > max);
	if (over.length === 0) return;
	throw new FaxError("IMAGE_BAD_ROWS", `${path}: ${over.map(describeBadRows).join("; ")}: more than ${Math.round(max * 100)} % of a page's rows are unreadable; the far end would print them as they are`, {
		context: { path, pages: over },
	});
}

/** Copy through one read descriptor; refuse a directory and a file that changed while it was read. Returns its size. */
async function copyThroughOneDescriptor(src: string, dest: string): Promise<number> {
	let fh;
	try {
		fh = await open(src, "r");
	} catch (e) {
		const code = (e as NodeJS.ErrnoException).code;
		if (code === "ENOENT") throw new FaxError("FILE_NOT_FOUND", `no such file: ${src}`, { cause: e });
		throw new FaxError("FILE_ACCESS_DENIED", `cannot read ${src} (${code})`, { cause: e });
	}
	try {
		const before = await fh.stat();
		if (before.isDirectory()) throw new FaxError("FILE_ACCESS_DENIED", `${src} is a directory, not a document`);
		if (before.size > MAX_FILE_BYTES) throw new FaxError("TIFF_TOO_LARGE", `${src}: file of ${before.size} bytes is too large`);
		const out = await open(dest, fsc.O_WRONLY | fsc.O_CREAT | fsc.O_EXCL, 0o600);
		let pos = 0;
		try {
			const buf = Buffer.allocUnsafe(COPY_CHUNK);
			for (;;) {
				const { bytesRead } = await fh.read(buf, 0, buf.length, pos);
				if (bytesRead === 0) break;
				await out.write(buf, 0, bytesRead, pos);
				pos += bytesRead;
			}
		} finally {
			await out.close();
		}
		const after = await fh.stat();
		if (after.size !== pos || after.mtimeMs !== before.mtimeMs) throw new FaxError("TIFF_TRUNCATED", `${src} changed while it was being read; try again`);
		return pos;
	} finally {
		await fh.close();
	}
}
