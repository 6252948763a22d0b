/**
 * The TIFF Class F file of one received call, written so that a crash never leaves a half file that looks
 * whole and every page received so far survives (issue 10 "Output"). Each page is committed on its own:
 *  - page 1: header + strip + IFD into a temporary file beside the target, fsync, atomic rename, fsync of
 *    the directory — before that nothing exists at `path`;
 *  - page n > 1: strip + IFD appended past the end, fsync, THEN the previous IFD's next pointer (one
 *    aligned 4-byte write) is pointed at it, fsync. Until that pointer is written the new page is
 *    unreachable bytes, so a reader (libtiff, ours) sees exactly the committed pages at every moment.
 * PageNumber totals stay 0 ("unknown") while the call runs and are patched by `finish()`, so a file left
 * behind by a crash is recognisable (`inspectReceivedFax`: `finished: false`) and `recoverReceivedFax`
 * cuts any unlinked tail and patches the totals. Layout and tags: classF.ts (ImageDescription = TSID,
 * BadFaxLines, ConsecutiveBadFaxLines, CleanFaxData per page). Layer: tiff (file I/O).
 */
import { randomBytes } from "node:crypto";
import type { FileHandle } from "node:fs/promises";
import { open, readFile, rename, truncate, unlink } from "node:fs/promises";
import { basename, dirname, join } from "node:path";
import { FaxError } from "../core/FaxError.js";
import type { ClassFOptions, ClassFPage } from "./classF.js";
import { HEADER_SIZE, buildIfd, encodePageStrip, header } from "./classF.js";
import { walkIfdChain } from "./ifdChain.js";

export class ReceivedFaxWriter {
	private fh: FileHandle | undefined;
	private pos = 0;
	private prevNextPointer = 4;
	private readonly totals: number[] = [];
	private state: "open" | "failed" | "finished" = "open";
	private queue: Promise<void> = Promise.resolve();

	private constructor(
		/** where the file appears once its first page is committed */
		readonly path: string,
		private readonly opts: ClassFOptions,
	) {}

	/** A writer for `path`; nothing is created until the first page is committed. */
	static create(path: string, opts: ClassFOptions = {}): ReceivedFaxWriter {
		return new ReceivedFaxWriter(path, opts);
	}

	/** Pages committed so far (all of them are in the file at `path`). */
	get pageCount(): number {
		return this.totals.length;
	}

	/** Encodes and commits one page; when it resolves the page survives a crash. Calls are serialised. */
	addPage(page: ClassFPage): Promise<void> {
		const p = this.queue.then(() => this.commit(page));
		this.queue = p.catch(() => undefined);
		return p;
	}

	private async commit(page: ClassFPage): Promise<void> {
		if (this.state !== "open") throw new FaxError("INVALID_OPERATION", `received-fax writer is ${this.state}`);
		if (this.totals.length >= 0xffff) throw new FaxError("TIFF_TOO_LARGE", "a TIFF document holds at most 65535 pages");
		const strip = encodePageStrip(page, this.opts);
		const first = this.fh === undefined;
		const stripAt = first ? HEADER_SIZE : this.pos;
		let ifdAt = stripAt + strip.length;
		ifdAt += ifdAt & 1; // IFDs on a word boundary (TIFF 6.0 §2)
		const ifd = buildIfd(page, this.opts, this.totals.length, 0, ifdAt, stripAt, strip.length);
		try {
			if (first) await this.createWithFirstPage(strip, ifd.bytes, ifdAt);
			else {
				const fh = this.fh!;
				await fh.write(strip, 0, strip.length, stripAt);
				await fh.write(ifd.bytes, 0, ifd.bytes.length, ifdAt);
				await fh.sync(); // the page's bytes are durable before anything points at them
				await patch32(fh, this.prevNextPointer, ifdAt);
				await fh.sync();
			}
		} catch (e) {
			this.state = "failed"; // the committed pages are intact; nothing more is written
			throw e;
		}
		this.prevNextPointer = ifd.nextPointerAt;
		this.totals.push(ifd.pageTotalAt);
		this.pos = ifdAt + ifd.bytes.length;
	}

	private async createWithFirstPage(strip: Uint8Array, ifdBytes: Uint8Array, ifdAt: number): Promise<void> {
		const tmp = join(dirname(this.path), `.${basename(this.path)}.${process.pid}.${randomBytes(4).toString("hex")}.tmp`);
		let fh: FileHandle;
		try {
			fh = await open(tmp, "wx+", 0o644);
		} catch (e) {
			const code = (e as NodeJS.ErrnoException).code;
			if (code === "ENOENT") throw new FaxError("FILE_NOT_FOUND", `cannot create ${this.path}: no such directory`, { cause: e });
			if (code === "EACCES" || code === "EROFS" || code === "EPERM") throw new FaxError("FILE_ACCESS_DENIED", `cannot create ${this.path} (${code})`, { cause: e });
			throw e;
		}
		try {
			await fh.write(header(ifdAt), 0, HEADER_SIZE, 0);
			await fh.write(strip, 0, strip.length, HEADER_SIZE);
			await fh.write(ifdBytes, 0, ifdBytes.length, ifdAt);
			await fh.sync();
			await rename(tmp, this.path);
			await syncDir(dirname(this.path));
		} catch (e) {
			await fh.close().catch(() => undefined);
			await unlink(tmp).catch(() => undefined);
			throw e;
		}
		this.fh = fh;
	}

	/**
	 * Ends the file: patches the PageNumber totals and closes it. Returns the page count (0 = no file was
	 * created). Safe after a failed page: the committed pages are finished as they are.
	 */
	async finish(): Promise<number> {
		await this.queue;
		if (this.state === "finished") return this.totals.length;
		this.state = "finished";
		const fh = this.fh;
		if (!fh) return 0;
		this.fh = undefined;
		try {
			const b = new Uint8Array(2);
			new DataView(b.buffer).setUint16(0, this.totals.length, true);
			for (const at of this.totals) await fh.write(b, 0, 2, at);
			await fh.sync();
		} finally {
			await fh.close().catch(() => undefined);
		}
		return this.totals.length;
	}
}

/** What a received-fax file on disk holds. */
export interface ReceivedFaxState {
	pages: number;
	/** PageNumber totals were patched: the writer finished (false = left behind by a crash) */
	finished: boolean;
	/** bytes after the last linked page (an append that was never linked) */
	tailBytes: number;
}

/** Reads a received-fax file's page chain (no image decoding). */
export async function inspectReceivedFax(path: string): Promise<ReceivedFaxState> {
	const { pages, finished, tailBytes } = stateOf(new Uint8Array(await readFile(path)));
	return { pages, finished, tailBytes };
}

function stateOf(buf: Uint8Array): ReceivedFaxState & { end: number; totalsAt: number[] } {
	const chain = walkIfdChain(buf);
	const dv = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
	let end = HEADER_SIZE;
	let finished = chain.offsets.length > 0;
	const totalsAt: number[] = [];
	for (const at of chain.offsets) {
		const n = dv.getUint16(at, true);
		end = Math.max(end, at + 2 + n * 12 + 4);
		for (let i = 0; i < n; i++) {
			const e = at + 2 + i * 12;
			const tag = dv.getUint16(e, true);
			const type = dv.getUint16(e + 2, true);
			const count = dv.getUint32(e + 4, true);
			const size = count * ([0, 1, 1, 2, 4, 8][type] ?? 1);
			if (size > 4) end = Math.max(end, dv.getUint32(e + 8, true) + ((size + 1) & ~1));
			if (tag === 279) end = Math.max(end, stripEnd(dv, at, n) ?? end);
			if (tag === 297) {
				totalsAt.push(e + 10);
				if (dv.getUint16(e + 10, true) === 0) finished = false;
			}
		}
	}
	return { pages: chain.offsets.length, finished, tailBytes: Math.max(0, buf.length - end), end, totalsAt };
}

function stripEnd(dv: DataView, at: number, n: number): number | undefined {
	let off: number | undefined;
	let len: number | undefined;
	for (let i = 0; i < n; i++) {
		const e = at + 2 + i * 12;
		const tag = dv.getUint16(e, true);
		if (tag === 273) off = dv.getUint32(e + 8, true);
		if (tag === 279) len = dv.getUint32(e + 8, true);
	}
	return off !== undefined && len !== undefined ? off + len : undefined;
}

/**
 * Makes a file left behind by a crash final: cuts the unlinked tail and patches the PageNumber totals.
 * Returns its state before the repair.
 */
export async function recoverReceivedFax(path: string): Promise<ReceivedFaxState> {
	const buf = new Uint8Array(await readFile(path));
	const st = stateOf(buf);
	if (st.tailBytes > 0) await truncate(path, st.end);
	if (!st.finished && st.pages > 0) {
		const fh = await open(path, "r+");
		try {
			const b = new Uint8Array(2);
			new DataView(b.buffer).setUint16(0, st.pages, true);
			for (const at of st.totalsAt) await fh.write(b, 0, 2, at);
			await fh.sync();
		} finally {
			await fh.close();
		}
	}
	return { pages: st.pages, finished: st.finished, tailBytes: st.tailBytes };
}

async function patch32(fh: FileHandle, at: number, v: number): Promise<void> {
	const b = new Uint8Array(4);
	new DataView(b.buffer).setUint32(0, v, true);
	await fh.write(b, 0, 4, at);
}

/** fsync a directory so a rename in it is durable (ignored where directories cannot be opened). */
async function syncDir(dir: string): Promise<void> {
	const d = await open(dir, "r").catch(() => undefined);
	if (!d) return;
	try {
		await d.sync();
	} catch {
		// some filesystems refuse fsync on a directory
	} finally {
		await d.close().catch(() => undefined);
	}
}
