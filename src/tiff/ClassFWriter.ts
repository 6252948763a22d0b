/**
 * Streaming TIFF Class F writer: pages are encoded and appended one at a time (only the current page is
 * in memory), each IFD is linked into the chain as it is written, and the PageNumber totals are patched
 * when the document is closed. Writes go to a temporary file in the target's directory which is fsynced
 * and renamed over the target on close(), so a reader never sees a half-written document (POSIX rename
 * is atomic). Layout and tags: classF.ts. Layer: tiff (file I/O confined to this file and document.ts).
 */
import { randomBytes } from "node:crypto";
import type { FileHandle } from "node:fs/promises";
import { open, rename, unlink } from "node:fs/promises";
import { basename, dirname, join } from "node:path";
import { FaxError } from "../core/FaxError.js";
import type { ClassFOptions, ClassFPage } from "./classF.js";
import { HEADER_SIZE, buildIfd, encodePageStrip, header } from "./classF.js";

export class ClassFWriter {
	private pos = HEADER_SIZE;
	private prevNextPointer = 4;
	private readonly totals: number[] = [];
	private state: "open" | "failed" | "closed" | "aborted" = "open";
	private queue: Promise<void> = Promise.resolve();

	private constructor(
		private readonly fh: FileHandle,
		private readonly tmpPath: string,
		/** final path, created on close() */
		readonly path: string,
		private readonly opts: ClassFOptions,
	) {}

	/** Starts a document that will appear at `path` when closed. */
	static async create(path: string, opts: ClassFOptions = {}): Promise<ClassFWriter> {
		const tmp = join(dirname(path), `.${basename(path)}.${process.pid}.${randomBytes(4).toString("hex")}.tmp`);
		const fh = await openTemp(tmp, path);
		try {
			await fh.write(header(), 0, HEADER_SIZE, 0);
		} catch (e) {
			await fh.close().catch(() => undefined);
			await unlink(tmp).catch(() => undefined);
			throw e;
		}
		return new ClassFWriter(fh, tmp, path, opts);
	}

	/** Pages written so far. */
	get pageCount(): number {
		return this.totals.length;
	}

	/**
	 * Encodes and appends one page (its geometry as given; normalise first for strict Class F).
	 * Calls may overlap: pages are written in call order.
	 */
	addPage(page: ClassFPage): Promise<void> {
		const p = this.queue.then(() => this.append(page));
		this.queue = p.catch(() => undefined);
		return p;
	}

	private async append(page: ClassFPage): Promise<void> {
		if (this.state !== "open") throw new FaxError("INVALID_OPERATION", `TIFF writer is ${this.state}`);
		if (this.totals.length >= 0xffff) throw new FaxError("TIFF_TOO_LARGE", "a TIFF document holds at most 65535 pages");
		const strip = encodePageStrip(page, this.opts);
		const stripAt = this.pos;
		let ifdAt = stripAt + strip.length;
		ifdAt += ifdAt & 1; // IFDs start on a word boundary (TIFF 6.0 §2)
		const ifd = buildIfd(page, this.opts, this.totals.length, 0, ifdAt, stripAt, strip.length);
		try {
			await this.fh.write(strip, 0, strip.length, stripAt);
			await this.fh.write(ifd.bytes, 0, ifd.bytes.length, ifdAt);
			await this.patch32(this.prevNextPointer, ifdAt);
		} catch (e) {
			this.state = "failed"; // the file may be inconsistent now: only abort() is left
			throw e;
		}
		this.prevNextPointer = ifd.nextPointerAt;
		this.totals.push(ifd.pageTotalAt);
		this.pos = ifdAt + ifd.bytes.length;
	}

	/** Patches the page totals, flushes and renames the file into place. */
	async close(): Promise<void> {
		await this.queue;
		if (this.state === "failed") await this.abort();
		if (this.state !== "open") throw new FaxError("INVALID_OPERATION", `TIFF writer is ${this.state}`);
		if (this.totals.length === 0) {
			await this.abort();
			throw new FaxError("INVALID_ARG", "a TIFF file needs at least one page");
		}
		try {
			const b = new Uint8Array(2);
			new DataView(b.buffer).setUint16(0, this.totals.length, true);
			for (const at of this.totals) await this.fh.write(b, 0, 2, at);
			await this.fh.sync();
			await this.fh.close();
			this.state = "closed";
			await rename(this.tmpPath, this.path);
		} catch (e) {
			await this.abort();
			throw e;
		}
	}

	/** Discards the document (the temporary file is removed; the target is left untouched). */
	async abort(): Promise<void> {
		await this.queue;
		if (this.state === "aborted") return;
		if (this.state === "open" || this.state === "failed") await this.fh.close().catch(() => undefined);
		this.state = "aborted";
		await unlink(this.tmpPath).catch(() => undefined);
	}

	private async patch32(at: number, v: number): Promise<void> {
		const b = new Uint8Array(4);
		new DataView(b.buffer).setUint32(0, v, true);
		await this.fh.write(b, 0, 4, at);
	}
}

/** Writes `data` to `path` atomically (temp file in the same directory, fsync, rename). */
export async function writeFileAtomic(path: string, data: Uint8Array): Promise<void> {
	const tmp = join(dirname(path), `.${basename(path)}.${process.pid}.${randomBytes(4).toString("hex")}.tmp`);
	const fh = await openTemp(tmp, path);
	try {
		await fh.write(data, 0, data.length, 0);
		await fh.sync();
		await fh.close();
		await rename(tmp, path);
	} catch (e) {
		await fh.close().catch(() => undefined);
		await unlink(tmp).catch(() => undefined);
		throw e;
	}
}

/** Creates the temporary file beside `target`; a missing or unwritable directory is a FaxError naming the target. */
async function openTemp(tmp: string, target: string): Promise<FileHandle> {
	try {
		return await open(tmp, "wx", 0o644);
	} catch (e) {
		const code = (e as NodeJS.ErrnoException).code;
		if (code === "ENOENT") throw new FaxError("FILE_NOT_FOUND", `cannot create ${target}: no such directory`, { cause: e });
		if (code === "EACCES" || code === "EROFS" || code === "EPERM") throw new FaxError("FILE_ACCESS_DENIED", `cannot create ${target} (${code})`, { cause: e });
		throw e;
	}
}
