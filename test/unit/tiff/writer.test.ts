/**
 * TIFF Class F writer against libtiff: every file we write (G3 1-D, 2-D, aligned EOLs, G4; FillOrder 1
 * and 2; multi-page; streaming ClassFWriter) reads in libtiff with no warning and the pixels of the
 * source bitmaps (tiffcp -c none decode), carries the Class F tags (tiffinfo/tiffdump), and survives
 * `tiffcp -c none` byte-exact against the source rows.
 */
import test from "ava";
import { existsSync, readFileSync, readdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { Bitmap, FaxPage } from "../../../src/core/bitmap.js";
import { isFaxError } from "../../../src/core/FaxError.js";
import { ClassFWriter } from "../../../src/tiff/ClassFWriter.js";
import type { ClassFOptions } from "../../../src/tiff/classF.js";
import { writeClassF } from "../../../src/tiff/classF.js";
import { readTiff } from "../../../src/tiff/readTiff.js";
import type { FixtureName } from "../../helpers/fixtures.js";
import { fixturePage } from "../../helpers/fixtures.js";
import { bitmapDiff, libtiffPages, must, tiffinfo, tmp } from "./oracle.js";

async function doc(names: FixtureName[], res: "standard" | "fine", width = 1728): Promise<FaxPage[]> {
	const out: FaxPage[] = [];
	for (const n of names) out.push({ bitmap: await fixturePage(n, res, width), xRes: 204, yRes: res === "fine" ? 196 : 98 });
	return out;
}

/** Asserts libtiff reads `path` cleanly with exactly `pages`' pixels. */
async function assertLibtiffReads(t: import("ava").ExecutionContext, path: string, pages: readonly { bitmap: Bitmap }[]): Promise<void> {
	const info = await tiffinfo(path);
	t.is(info.code, 0);
	t.is(info.stderr.trim(), "", "tiffinfo -D warnings");
	const theirs = await libtiffPages(path);
	t.is(theirs.length, pages.length);
	for (let i = 0; i < pages.length; i++) t.is(bitmapDiff(theirs[i], pages[i].bitmap), "", `page ${i + 1}`);
}

// checker (1-px checkerboard, width+1 runs) is left out of MH: libtiff 4.5 cannot decode such 1-D rows
// (t4-notes.md); it is in the 2-D and G4 sets.
const matrix: [string, ClassFOptions, FixtureName[]][] = [
	["mh", { coding: "mh" }, ["text", "form", "halftone", "blank", "noise"]],
	["mh aligned EOL", { coding: "mh", alignEol: true }, ["text", "halftone"]],
	["mh fill order 2", { coding: "mh", fillOrder: 2 }, ["form", "noise"]],
	["mr", { coding: "mr" }, ["text", "form", "halftone", "blank", "noise", "checker"]],
	["mr aligned EOL fill order 2", { coding: "mr", alignEol: true, fillOrder: 2 }, ["text", "checker"]],
	["mmr", { coding: "mmr" }, ["text", "form", "halftone", "blank", "noise", "checker"]],
	["mmr fill order 2", { coding: "mmr", fillOrder: 2 }, ["form", "halftone"]],
];

for (const res of ["standard", "fine"] as const)
	for (const [name, opts, names] of matrix) {
		test(`writeClassF ${name} ${res}: libtiff reads every page with the source pixels`, async (t) => {
			const dir = tmp(t);
			const pages = await doc(names, res);
			const path = join(dir, "out.tif");
			writeFileSync(path, writeClassF(pages, opts));
			await assertLibtiffReads(t, path, pages);
			// our reader agrees and sees the tags we meant
			const r = readTiff(new Uint8Array(readFileSync(path)));
			for (const p of r.pages) {
				t.is(p.compression, opts.coding === "mmr" ? 4 : 3);
				t.is(p.fillOrder, opts.fillOrder ?? 1);
				if (opts.coding !== "mmr") t.is(p.t4Options, (opts.coding === "mr" ? 1 : 0) | (opts.alignEol ? 4 : 0));
			}
		});
	}

test("Class F tags as libtiff reports them: subfile, resolution, page numbers, fax fields, software", async (t) => {
	const dir = tmp(t);
	const pages = await doc(["text", "blank", "form"], "fine");
	const path = join(dir, "tags.tif");
	writeFileSync(path, writeClassF([{ ...pages[0], badLines: 3, consecutiveBadLines: 2 }, pages[1], { ...pages[2], badLines: 0 }], { coding: "mr", alignEol: true }));
	const info = (await must("tiffinfo", [path])).stdout.toString();
	const dirs = info.split(/=== TIFF directory \d+ ===/).slice(1);
	t.is(dirs.length, 3);
	dirs.forEach((d, i) => {
		t.regex(d, /Subfile Type: multi-page document \(2 = 0x2\)/);
		t.regex(d, /Resolution: 204, 196 pixels\/inch/);
		t.regex(d, new RegExp(`Page Number: ${i}-3`));
		t.regex(d, /Compression Scheme: CCITT Group 3/);
		t.regex(d, /Group 3 Options: 2-d encoding\+EOL padding/);
		t.regex(d, /Photometric Interpretation: min-is-white/);
		t.regex(d, /FillOrder: msb-to-lsb/);
		t.regex(d, /Samples\/Pixel: 1/);
		t.regex(d, /Bits\/Sample: 1/);
		t.regex(d, /Software: faxline/);
		t.regex(d, /Rows\/Strip: 2286/);
	});
	t.regex(dirs[0], /Bad Fax Lines: 3/);
	t.regex(dirs[0], /Consecutive Bad Fax Lines: 2/);
	t.regex(dirs[0], /Fax Data: receiver regenerated \(1 = 0x1\)/);
	t.regex(dirs[2], /Fax Data: clean \(0 = 0x0\)/);
	t.notRegex(dirs[1], /Bad Fax Lines/);
	t.regex(dirs[2], /Bad Fax Lines: 0/);
});

test("standard 98 lpi and superfine 391 lpi resolution tags; B4 and A3 widths", async (t) => {
	const dir = tmp(t);
	const b4 = await doc(["form"], "standard", 2048);
	const a3 = await doc(["text"], "fine", 2432);
	const sup: FaxPage = { ...a3[0], yRes: 391 };
	const path = join(dir, "w.tif");
	writeFileSync(path, writeClassF([b4[0], sup], { coding: "mmr" }));
	await assertLibtiffReads(t, path, [b4[0], sup]);
	const info = (await must("tiffinfo", [path])).stdout.toString();
	t.regex(info, /Image Width: 2048 Image Length: 1143/);
	t.regex(info, /Resolution: 204, 98 pixels\/inch/);
	t.regex(info, /Image Width: 2432 /);
	t.regex(info, /Resolution: 204, 391 pixels\/inch/);
});

test("tiffcp -c none of our G4 file gives the source rows byte for byte", async (t) => {
	const dir = tmp(t);
	const pages = await doc(["text", "halftone"], "standard");
	const path = join(dir, "g4.tif");
	writeFileSync(path, writeClassF(pages, { coding: "mmr" }));
	for (const [i, p] of pages.entries()) {
		const raw = join(dir, `raw${i}.tif`);
		await must("tiffcp", ["-c", "none", "-r", "100000", `${path},${i}`, raw]);
		// strip bytes of the uncompressed copy, located by tiffdump's StripOffsets
		const dump = (await must("tiffdump", [raw])).stdout.toString();
		const off = Number(/StripOffsets \(273\) (?:LONG|SHORT) \(\d+\) 1<(\d+)>/.exec(dump)![1]);
		const bytes = readFileSync(raw).subarray(off, off + p.bitmap.data.length);
		t.true(Buffer.from(p.bitmap.data).equals(bytes), `page ${i + 1}`);
	}
});

test("ClassFWriter streams pages to disk, patches totals, and appears atomically on close", async (t) => {
	const dir = tmp(t);
	const pages = await doc(["text", "form", "blank", "halftone"], "fine");
	const path = join(dir, "stream.tif");
	const w = await ClassFWriter.create(path, { coding: "mr" });
	for (const p of pages) {
		await w.addPage(p);
		t.false(existsSync(path), "target must not exist before close");
	}
	t.is(w.pageCount, 4);
	await w.close();
	t.deepEqual(readdirSync(dir), ["stream.tif"]); // temp file renamed away
	await assertLibtiffReads(t, path, pages);
	const info = (await must("tiffinfo", [path])).stdout.toString();
	for (let i = 0; i < 4; i++) t.regex(info, new RegExp(`Page Number: ${i}-4`));
	// equals the in-memory writer byte for byte
	t.true(readFileSync(path).equals(Buffer.from(writeClassF(pages, { coding: "mr" }))));
});

test("ClassFWriter.abort leaves an existing target untouched and no temp file; empty documents are refused", async (t) => {
	const dir = tmp(t);
	const path = join(dir, "keep.tif");
	writeFileSync(path, "old");
	const w = await ClassFWriter.create(path);
	await w.addPage((await doc(["text"], "standard"))[0]);
	await w.abort();
	t.is(readFileSync(path, "utf8"), "old");
	t.deepEqual(readdirSync(dir), ["keep.tif"]);
	const e = await ClassFWriter.create(join(dir, "empty.tif"));
	const err = await t.throwsAsync(e.close());
	t.true(isFaxError(err, "INVALID_ARG"));
	t.deepEqual(readdirSync(dir), ["keep.tif"]);
	t.true(isFaxError(t.throws(() => writeClassF([])), "INVALID_ARG"));
});

test("ClassFWriter: overlapping addPage calls keep call order; a bad page is refused without spoiling the file", async (t) => {
	const dir = tmp(t);
	const pages = await doc(["text", "form", "blank"], "standard");
	const path = join(dir, "q.tif");
	const w = await ClassFWriter.create(path, { coding: "mmr" });
	const bad = { bitmap: { width: 0, height: 1, stride: 0, data: new Uint8Array(0) }, xRes: 204, yRes: 98 };
	const results = await Promise.allSettled([w.addPage(pages[0]), w.addPage(bad), w.addPage(pages[1]), w.addPage(pages[2])]);
	t.deepEqual(
		results.map((r) => r.status),
		["fulfilled", "rejected", "fulfilled", "fulfilled"],
	);
	t.true(isFaxError((results[1] as PromiseRejectedResult).reason, "IMAGE_GEOMETRY"));
	await w.close();
	await assertLibtiffReads(t, path, pages);
});

test("MH pages with width+1-run rows (1-px checkerboard, beyond libtiff 4.5): our reader returns the source", async (t) => {
	const pages = await doc(["checker", "noise"], "standard");
	for (const fillOrder of [1, 2] as const) {
		const r = readTiff(writeClassF(pages, { coding: "mh", fillOrder }));
		for (let i = 0; i < pages.length; i++) {
			const d = r.decode(i);
			t.is(bitmapDiff(d.bitmap, pages[i].bitmap), "", `page ${i + 1} fill order ${fillOrder}`);
			t.is(d.badLines, 0);
		}
	}
});
