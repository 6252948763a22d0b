/**
 * Where the simulated far end keeps what it received (issue 14 "the far end keeps every received page in
 * memory": 1.18 GB after a 2000-page call). Each page's high-speed data, as it came off the line (T.4
 * coded, a few tens of KiB), is appended to one spool file per simulator as the page ends; the page's
 * record keeps only its place in the file. `PageRecord.bitmap` stays the API tests use: an accessor that
 * decodes the page again from the spool on demand (held weakly, so a page read twice in a row is decoded
 * once, and nothing is pinned in memory). The file is created in a private temp directory and unlinked at
 * once: the open descriptor is its only name, the space returns when the simulator is collected or the
 * process exits. Memory per call: the records (a few hundred bytes a page) and one page in flight.
 * Layer: hw-mocks.
 */
import { closeSync, mkdtempSync, openSync, readSync, rmSync, unlinkSync, writeSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

/** A page's place in the spool. */
export interface SpoolRef {
	offset: number;
	length: number;
}

const closeFd = new FinalizationRegistry<number>((fd) => {
	try {
		closeSync(fd);
	} catch {
		/* already closed */
	}
});

export class PageSpool {
	private fd: number | undefined;
	/** bytes appended so far (what went to disk instead of memory) */
	bytesWritten = 0;
	pagesWritten = 0;

	/** Append one page's data; returns where it is. */
	put(data: Uint8Array): SpoolRef {
		const fd = this.open();
		const ref = { offset: this.bytesWritten, length: data.length };
		let done = 0;
		while (done < data.length) done += writeSync(fd, data, done, data.length - done, ref.offset + done);
		this.bytesWritten += data.length;
		this.pagesWritten++;
		return ref;
	}

	/** Read a page's data back. */
	read(ref: SpoolRef): Uint8Array {
		const fd = this.open();
		const b = new Uint8Array(ref.length);
		let done = 0;
		while (done < ref.length) {
			const n = readSync(fd, b, done, ref.length - done, ref.offset + done);
			if (n === 0) throw new Error(`page spool: ${ref.length} bytes at ${ref.offset} not found`);
			done += n;
		}
		return b;
	}

	private open(): number {
		if (this.fd !== undefined) return this.fd;
		const dir = mkdtempSync(join(tmpdir(), "faxline-farend-"));
		const path = join(dir, "pages");
		try {
			this.fd = openSync(path, "w+", 0o600);
			unlinkSync(path);
		} finally {
			rmSync(dir, { recursive: true, force: true });
		}
		closeFd.register(this, this.fd);
		return this.fd;
	}
}

/**
 * Make `target[key]` a read-only accessor returning `decode()` of the spooled data, cached weakly.
 * `first` (the value just decoded) seeds the cache.
 */
export function spooledProperty<T extends object, V extends object>(target: T, key: string, first: V, decode: () => V | undefined): void {
	let cache = new WeakRef(first);
	Object.defineProperty(target, key, {
		enumerable: true,
		configurable: true,
		get(): V | undefined {
			const hit = cache.deref();
			if (hit) return hit;
			const v = decode();
			if (v) cache = new WeakRef(v);
			return v;
		},
	});
}
