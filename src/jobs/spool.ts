/**
 * Spool directory for job documents (issue 4 "persistent store"): `<dir>/docs/<name>.tif`, written
 * atomically by the codec (src/tiff ClassFWriter: temp file, fsync, rename) and made durable with
 * `syncDocs()` (fsync of the directory) before the job row is committed, so a crash leaves either the
 * whole document or nothing; `sweep()` clears leftovers. Layer: jobs (node:fs).
 */
import { closeSync, fsyncSync, mkdirSync, openSync, readdirSync, rmSync, statSync } from "node:fs";
import { join } from "node:path";
import { FaxError } from "../core/FaxError.js";

export class Spool {
	readonly docDir: string;
	readonly tmpDir: string;

	/** Creates `<dir>/docs` and `<dir>/tmp` when missing. */
	constructor(readonly dir: string) {
		this.docDir = join(dir, "docs");
		this.tmpDir = join(dir, "tmp");
		try {
			mkdirSync(this.docDir, { recursive: true });
			mkdirSync(this.tmpDir, { recursive: true });
		} catch (e) {
			throw new FaxError("STORE_ERROR", `cannot create spool directory ${dir}: ${(e as Error).message}`, { cause: e });
		}
	}

	/** Absolute path of a spooled document. */
	path(name: string): string {
		if (!/^[0-9a-f]{16}\.tif$/.test(name)) throw new FaxError("STORE_ERROR", `bad spool file name ${JSON.stringify(name)}`);
		return join(this.docDir, name);
	}

	/** Make renames into the doc directory durable (after a codec rendered straight into `path(name)`). */
	syncDocs(): void {
		syncDir(this.docDir);
	}

	/** Size in bytes of a spooled document (0 when absent). */
	size(name: string): number {
		try {
			return statSync(this.path(name)).size;
		} catch {
			return 0;
		}
	}

	remove(name: string): void {
		rmSync(this.path(name), { force: true });
	}

	/**
	 * Crash recovery: delete temp files and documents no job refers to (a document written whose row was
	 * never committed). Only files whose mtime is `minAgeMs` (default 60 s) before `nowMs` (the caller's
	 * wall clock, epoch ms) go, so a submission in progress in another process keeps its document.
	 * Returns the names removed.
	 */
	sweep(referenced: ReadonlySet<string>, nowMs: number, minAgeMs = 60_000): string[] {
		const removed: string[] = [];
		const old = (p: string): boolean => {
			try {
				return nowMs - statSync(p).mtimeMs >= minAgeMs;
			} catch {
				return false;
			}
		};
		for (const f of readdirSync(this.tmpDir)) if (old(join(this.tmpDir, f))) rmSync(join(this.tmpDir, f), { force: true });
		for (const f of readdirSync(this.docDir)) {
			if (!referenced.has(f) && old(join(this.docDir, f))) {
				rmSync(join(this.docDir, f), { force: true });
				removed.push(f);
			}
		}
		return removed;
	}
}

function syncDir(dir: string): void {
	const fd = openSync(dir, "r");
	try {
		fsyncSync(fd);
	} finally {
		closeSync(fd);
	}
}
