/**
 * Malformed TIFF input: targeted cases (each with its exact FaxError code) and fast-check fuzzing with
 * fixed seeds (truncations, byte flips, hostile offsets/counts/dimensions, IFD loops, garbage CCITT
 * codes) over files written by libtiff and by us. Every outcome is a decoded page or a FaxError;
 * anything else (RangeError, hang, huge allocation) fails. Hangs are caught by ava's timeout.
 */
import test from "ava";
import fc from "fast-check";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { FaxErrorCode } from "../../../src/core/FaxError.js";
import { FaxError } from "../../../src/core/FaxError.js";
import { writeClassF } from "../../../src/tiff/classF.js";
import { writePbm } from "../../../src/tiff/pbm.js";
import { readTiff } from "../../../src/tiff/readTiff.js";
import { fixturePage } from "../../helpers/fixtures.js";
import { must } from "./oracle.js";

/** Parses and decodes every page; returns "ok" or the FaxError code; rethrows anything else. */
function outcome(buf: Uint8Array): "ok" | FaxErrorCode {
	try {
		const r = readTiff(buf);
		for (let i = 0; i < r.pages.length; i++) r.decode(i);
		return "ok";
	} catch (e) {
		if (e instanceof FaxError) return e.code;
		throw e;
	}
}

const seeds: Record<string, Uint8Array> = {};

test.before(async () => {
	const small = { bitmap: await fixturePage("form", "standard"), xRes: 204, yRes: 98 };
	// a 200-row crop keeps fuzz runs fast
	const crop = { ...small, bitmap: { ...small.bitmap, height: 200, data: small.bitmap.data.slice(600 * small.bitmap.stride, 800 * small.bitmap.stride) } };
	seeds.mh = writeClassF([crop, crop], { coding: "mh" });
	seeds.mr = writeClassF([crop], { coding: "mr", fillOrder: 2 });
	seeds.mmr = writeClassF([crop, crop], { coding: "mmr" });
	const dir = (await import("node:fs")).mkdtempSync(join((await import("node:os")).tmpdir(), "faxline-fuzz-"));
	writeFileSync(join(dir, "c.pbm"), writePbm(crop.bitmap));
	writeFileSync(join(dir, "c.tif"), (await must("pnmtotiff", ["-none", "-rowsperstrip", "50", join(dir, "c.pbm")])).stdout);
	for (const c of ["packbits", "g3:2d", "none"]) {
		await must("tiffcp", ["-B", "-r", "64", "-c", c, join(dir, "c.tif"), join(dir, "o.tif")]);
		seeds[`libtiff-${c}`] = new Uint8Array(readFileSync(join(dir, "o.tif")));
	}
	(await import("node:fs")).rmSync(dir, { recursive: true, force: true });
});

/** Little-endian helpers over a copy of our (II) files. */
const le = (b: Uint8Array) => new DataView(b.buffer, b.byteOffset, b.byteLength);
function entryOf(b: Uint8Array, tag: number, ifd = le(b).getUint32(4, true)): number {
	const n = le(b).getUint16(ifd, true);
	for (let i = 0; i < n; i++) if (le(b).getUint16(ifd + 2 + i * 12, true) === tag) return ifd + 2 + i * 12;
	throw new Error(`tag ${tag} not found`);
}
function withTag(src: Uint8Array, tag: number, value: number): Uint8Array {
	const b = src.slice();
	const e = entryOf(b, tag);
	if (le(b).getUint16(e + 2, true) === 3) le(b).setUint16(e + 8, value, true);
	else le(b).setUint32(e + 8, value, true);
	return b;
}
const nextPtr = (b: Uint8Array, ifd: number): number => ifd + 2 + le(b).getUint16(ifd, true) * 12;

test("targeted malformations get their exact error code", (t) => {
	const g = seeds.mh;
	const firstIfd = le(g).getUint32(4, true);
	const cases: [string, Uint8Array, FaxErrorCode][] = [
		["empty", new Uint8Array(0), "TIFF_MALFORMED"],
		["not tiff", new TextEncoder().encode("%PDF-1.4 not a tiff"), "TIFF_MALFORMED"],
		["header only 5 bytes", g.slice(0, 5), "TIFF_TRUNCATED"],
		["bigtiff", Uint8Array.from([0x49, 0x49, 43, 0, 8, 0, 0, 0]), "TIFF_UNSUPPORTED"],
		["no ifd", Uint8Array.from([0x49, 0x49, 42, 0, 0, 0, 0, 0]), "TIFF_MALFORMED"],
		["ifd past end", (() => { const b = g.slice(); le(b).setUint32(4, 1e9, true); return b; })(), "TIFF_TRUNCATED"],
		["ifd cut off", g.slice(0, firstIfd + 20), "TIFF_TRUNCATED"],
		["self loop", (() => { const b = g.slice(); le(b).setUint32(nextPtr(b, firstIfd), firstIfd, true); return b; })(), "TIFF_IFD_LOOP"],
		["two-page loop", (() => { const b = g.slice(); const second = le(b).getUint32(nextPtr(b, firstIfd), true); le(b).setUint32(nextPtr(b, second), firstIfd, true); return b; })(), "TIFF_IFD_LOOP"],
		["width 2^31", withTag(g, 256, 0x80000000), "TIFF_TOO_LARGE"],
		["height 4e9", withTag(g, 257, 4_000_000_000), "TIFF_TOO_LARGE"],
		["width 0", withTag(g, 256, 0), "TIFF_MALFORMED"],
		["8-bit", withTag(g, 258, 8), "TIFF_UNSUPPORTED"],
		["LZW", withTag(g, 259, 5), "TIFF_UNSUPPORTED"],
		["RGB photometric", withTag(g, 262, 2), "TIFF_UNSUPPORTED"],
		["fill order 3", withTag(g, 266, 3), "TIFF_MALFORMED"],
		["strip offset past end", withTag(g, 273, g.length + 10), "TIFF_TRUNCATED"],
		["strip count past end", withTag(g, 279, 0x7fffffff), "TIFF_TRUNCATED"],
		["rows per strip 0", withTag(g, 278, 0), "TIFF_MALFORMED"],
		["uncompressed-mode T4Options", withTag(g, 292, 2), "TIFF_UNSUPPORTED"],
	];
	for (const [name, buf, code] of cases) t.is(outcome(buf), code, name);
});

test("an out-of-range tag value count is caught before the tag parser allocates", (t) => {
	const b = seeds.mmr.slice();
	const e = entryOf(b, 305); // Software ASCII
	le(b).setUint32(e + 4, 0x7ffffff0, true);
	t.is(outcome(b), "TIFF_TRUNCATED");
});

test("EXIF sub-directory pointing back at the page is an IFD loop", (t) => {
	const b = seeds.mh.slice();
	const e = entryOf(b, 305);
	le(b).setUint16(e, 0x8769, true); // retag Software as an EXIF pointer (a sorted-order lie libtiff tolerates)
	le(b).setUint16(e + 2, 4, true);
	le(b).setUint32(e + 4, 1, true);
	le(b).setUint32(e + 8, le(b).getUint32(4, true), true);
	t.is(outcome(b), "TIFF_IFD_LOOP");
});

test("garbage CCITT codes decode with bad lines or fail typed, per coding", (t) => {
	for (const name of ["mh", "mr", "mmr"]) {
		const b = seeds[name].slice();
		const off = le(b).getUint32(entryOf(b, 273) + 8, true);
		const len = le(b).getUint32(entryOf(b, 279) + 8, true);
		let x = 12345;
		for (let i = off + 10; i < off + len; i += 7) b[i] = (x = (x * 1103515245 + 12345) >>> 0) >>> 24;
		const o = outcome(b);
		t.true(o === "ok" || o.startsWith("T4_") || o.startsWith("TIFF_"), `${name}: ${o}`);
		if (o === "ok") {
			const d = readTiff(b).decode(0);
			t.true(d.badLines > 0 || d.truncated, `${name}: corruption went unnoticed`);
		}
	}
});

const fuzzSeeds = () => Object.keys(seeds);

test("fuzz: truncation at any byte", (t) => {
	fc.assert(
		fc.property(fc.constantFrom(...fuzzSeeds()), fc.double({ min: 0, max: 1, noNaN: true }), (k, f) => {
			const b = seeds[k].slice(0, Math.floor(seeds[k].length * f));
			outcome(b);
		}),
		{ seed: 20261124, numRuns: 300 },
	);
	t.pass();
});

test("fuzz: random byte overwrites anywhere (header, IFDs, data)", (t) => {
	fc.assert(
		fc.property(fc.constantFrom(...fuzzSeeds()), fc.array(fc.tuple(fc.double({ min: 0, max: 1, noNaN: true }), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 12 }), (k, edits) => {
			const b = seeds[k].slice();
			for (const [p, v] of edits) b[Math.floor(p * (b.length - 1))] = v;
			outcome(b);
		}),
		{ seed: 424242, numRuns: 400 },
	);
	t.pass();
});

test("fuzz: hostile values in every IFD entry (offsets, counts, dimensions)", (t) => {
	const hostile = fc.constantFrom(0, 1, 7, 8, 0xffff, 0x7fffffff, 0xffffffff, 65536, 100_000, 19_201);
	fc.assert(
		fc.property(fc.constantFrom(...fuzzSeeds()), fc.nat(), fc.boolean(), fc.oneof(hostile, fc.nat()), (k, which, countField, v) => {
			const b = seeds[k].slice();
			const little = b[0] === 0x49;
			const dv = le(b);
			const ifd = dv.getUint32(4, little);
			const n = dv.getUint16(ifd, little);
			const e = ifd + 2 + (which % n) * 12;
			dv.setUint32(e + (countField ? 4 : 8), v >>> 0, little);
			outcome(b);
		}),
		{ seed: 777, numRuns: 400 },
	);
	t.pass();
});

/** Strip data located through the parsed tags (works for both byte orders and multi-strip seeds). */
function strips(b: Uint8Array): { off: number; len: number; countAt: number; short: boolean }[] {
	const r = readTiff(b);
	const little = b[0] === 0x49;
	const dv = le(b);
	const out: { off: number; len: number; countAt: number; short: boolean }[] = [];
	const ifd = dv.getUint32(4, little);
	const n = dv.getUint16(ifd, little);
	let countsAt = -1;
	let type = 4;
	for (let i = 0; i < n; i++)
		if (dv.getUint16(ifd + 2 + i * 12, little) === 279) {
			type = dv.getUint16(ifd + 4 + i * 12, little);
			const count = dv.getUint32(ifd + 6 + i * 12, little);
			countsAt = count * (type === 3 ? 2 : 4) > 4 ? dv.getUint32(ifd + 10 + i * 12, little) : ifd + 10 + i * 12;
		}
	r.pages[0].stripOffsets.forEach((off, s) => out.push({ off, len: r.pages[0].stripByteCounts[s], countAt: countsAt + s * (type === 3 ? 2 : 4), short: type === 3 }));
	return out;
}

test("fuzz: strip data cut short or overwritten (IFDs intact) decodes or fails typed", (t) => {
	const seen = new Map<string, number>();
	fc.assert(
		fc.property(
			fc.constantFrom(...fuzzSeeds()),
			fc.nat(),
			fc.integer({ min: 0, max: 1000 }).map((n) => n / 1000),
			fc.array(fc.tuple(fc.double({ min: 0, max: 1, noNaN: true }), fc.integer({ min: 0, max: 255 })), { maxLength: 20 }),
			(k, which, cut, edits) => {
				const b = seeds[k].slice();
				const little = b[0] === 0x49;
				const ss = strips(b);
				const s = ss[which % ss.length];
				const newLen = Math.floor(s.len * cut);
				const dv = le(b);
				if (s.short) dv.setUint16(s.countAt, newLen, little);
				else dv.setUint32(s.countAt, newLen, little);
				for (const [p, v] of edits) b[s.off + Math.floor(p * Math.max(0, newLen - 1))] = v;
				const o = outcome(b);
				seen.set(`${k} ${o}`, (seen.get(`${k} ${o}`) ?? 0) + 1);
			},
		),
		{ seed: 99, numRuns: 300 },
	);
	t.log(Object.fromEntries(seen));
	for (const k of fuzzSeeds()) t.true((seen.get(`${k} ok`) ?? 0) > 0, `${k}: some damaged strips should still decode (with bad lines)`);
});

test("fuzz: openFaxDocument (metadata-only loading) agrees with the in-memory reader on damaged files", async (t) => {
	const { openFaxDocument } = await import("../../../src/tiff/document.js");
	const { mkdtempSync, rmSync } = await import("node:fs");
	const { tmpdir } = await import("node:os");
	const dir = mkdtempSync(join(tmpdir(), "faxline-fuzzdoc-"));
	t.teardown(() => rmSync(dir, { recursive: true, force: true }));
	const path = join(dir, "f.tif");
	const code = async (f: () => Promise<unknown>): Promise<string> => {
		try {
			await f();
			return "ok";
		} catch (e) {
			if (e instanceof FaxError) return e.code;
			throw e;
		}
	};
	await fc.assert(
		fc.asyncProperty(fc.constantFrom(...fuzzSeeds()), fc.array(fc.tuple(fc.double({ min: 0, max: 1, noNaN: true }), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 8 }), async (k, edits) => {
			const b = seeds[k].slice();
			for (const [p, v] of edits) b[Math.floor(p * (b.length - 1))] = v;
			writeFileSync(path, b);
			const mem = outcome(b);
			const disk = await code(async () => {
				const doc = await openFaxDocument(path);
				try {
					for (let i = 0; i < doc.pageCount; i++) {
						const a = await doc.page(i);
						const m = readTiff(b).decode(i).bitmap;
						if (Buffer.compare(Buffer.from(a.bitmap.data), Buffer.from(m.data)) !== 0) throw new Error(`page ${i} differs between readers`);
					}
				} finally {
					await doc.close();
				}
			});
			// a broken byte-order mark is "not a TIFF" (MALFORMED) to the TIFF reader, "not TIFF or PBM" to the opener
			const tiffMagic = (b[0] === 0x49 && b[1] === 0x49) || (b[0] === 0x4d && b[1] === 0x4d);
			if (disk !== mem && !(!tiffMagic && disk !== "ok")) throw new Error(`${k}: in memory ${mem}, from disk ${disk}`);
		}),
		{ seed: 8080, numRuns: 200 },
	);
	t.pass();
});
