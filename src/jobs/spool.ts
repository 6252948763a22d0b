/**
 * Spool directory for job documents (issue 4 "persistent store"): `<dir>/docs/<name>.tif` written
 * atomically (temp file in `<dir>/tmp`, fsync, rename, fsync of the directory) so a crash leaves either the
 * whole document or nothing; the job row is committed only after `write()` resolved. Layer: jobs (node:fs).
 */
import { randomBytes } from "node:crypto";
import { closeSync, fsyncSync, mkdirSync, openSync, readdirSync, renameSync, rmSync, statSync, writeSync } from "node:fs";
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

	/** Write `bytes` as `<name>` atomically and durably; returns the name. */
	write(name: string, bytes: Uint8Array): string {
		const final = this.path(name);
		const tmp = join(this.tmpDir, `${name}.${randomBytes(4).toString("hex")}.tmp`);
		try {
			const fd = openSync(tmp, "wx", 0o640);
			try {
				let off = 0;
				while (off < bytes.length) off += writeSync(fd, bytes, off, bytes.length - off);
				fsyncSync(fd);
			} finally {
				closeSync(fd);
			}
			renameSync(tmp, final);
			syncDir(this.docDir);
			return name;
		} catch (e) {
			rmSync(tmp, { force: true });
			throw new FaxError("STORE_ERROR", `cannot spool document: ${(e as Error).message}`, { cause: e });
		}
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
	 * never committed). Only files older than `minAgeMs` (default 60 s) go, so a submission in progress in
	 * another process keeps its document. Returns the names removed.
	 */
	sweep(referenced: ReadonlySet<string>, nowMs = Date.now(), minAgeMs = 60_000): string[] {
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
