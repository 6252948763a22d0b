/**
 * openFaxDocument: TIFF and PBM files as lazily decoded FaxPageSources, with and without
 * normalisation; the libtiff decode (tiffcp -c none) is the pixel oracle.
 */
import test from "ava";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import type { Bitmap } from "../../../src/core/bitmap.js";
import { createBitmap } from "../../../src/core/bitmap.js";
import { isFaxError } from "../../../src/core/FaxError.js";
import { writeClassF } from "../../../src/tiff/classF.js";
import { openFaxDocument } from "../../../src/tiff/document.js";
import { setBits } from "../../../src/tiff/normalize.js";
import { writePbm } from "../../../src/tiff/pbm.js";
import { fixturePage } from "../../helpers/fixtures.js";
import { bitmapDiff, libtiffPages, must, px, tmp } from "./oracle.js";

test("a ghostscript G3 TIFF opens as a FaxPageSource: page count, metadata, pages equal libtiff's, re-readable", async (t) => {
	const dir = tmp(t);
	const path = join(dir, "gs.tif");
	await must("gs", ["-q", "-dNOPAUSE", "-dBATCH", "-dSAFER", "-sDEVICE=tiffg32d", "-r204x196", "-g1728x2156", `-sOutputFile=${path}`, "samples/sample.ps"]);
	const theirs = await libtiffPages(path);
	const doc = await openFaxDocument(path);
	t.teardown(() => doc.close());
	t.is(doc.pageCount, theirs.length);
	t.is(doc.pages[0].width, 1728);
	t.is(doc.pages[0].resolution, "fine");
	for (let i = doc.pageCount - 1; i >= 0; i--) {
		const p = await doc.page(i);
		t.is(bitmapDiff(p.bitmap, theirs[i]), "", `page ${i + 1}`);
		t.deepEqual([p.xRes, p.yRes], [204, 196]);
	}
	t.is(bitmapDiff((await doc.page(0)).bitmap, theirs[0]), ""); // resend reads again
	const e = await t.throwsAsync(doc.page(doc.pageCount));
	t.true(isFaxError(e, "INVALID_ARG"));
});

test("multi-image P4 file: one page per image; normalise option makes fax pages", async (t) => {
	const dir = tmp(t);
	const a = await fixturePage("text", "fine");
	const scan: Bitmap = createBitmap(2550, 3300);
	for (let y = 600; y < 1200; y++) setBits(scan.data.subarray(y * scan.stride, (y + 1) * scan.stride), 300, 900);
	const path = join(dir, "two.pbm");
	writeFileSync(path, writePbm([a, scan]));
	const doc = await openFaxDocument(path);
	t.is(doc.pageCount, 2);
	t.deepEqual(
		doc.pages.map((p) => [p.width, p.height, p.format]),
		[
			[1728, a.height, "pbm"],
			[2550, 3300, "pbm"],
		],
	);
	t.is(bitmapDiff((await doc.page(0)).bitmap, a), "");
	t.is((await doc.page(1)).xRes, 300); // 2550 px taken as 8.5 in
	await doc.close();
	const norm = await openFaxDocument(path, { normalize: { resolution: "fine" } });
	const p1 = await norm.page(1);
	t.deepEqual([p1.bitmap.width, p1.bitmap.height, p1.xRes, p1.yRes], [1728, 2156, 204, 196]);
	t.true(px(p1.bitmap, 204 - 3 + 10, 392 + 10));
	t.false(px(p1.bitmap, 204 - 3 - 3, 392 + 10));
	const p0 = await norm.page(0);
	t.is(bitmapDiff(p0.bitmap, a), ""); // already fax geometry: unchanged
	await norm.close();
	const e = await t.throwsAsync(norm.page(0));
	t.true(isFaxError(e, "INVALID_OPERATION"));
});

test("normalise to standard B4 from a fine A4 Class F file", async (t) => {
	const dir = tmp(t);
	const path = join(dir, "f.tif");
	const src = await fixturePage("form", "fine");
	writeFileSync(path, writeClassF([{ bitmap: src, xRes: 204, yRes: 196 }], { coding: "mmr" }));
	const doc = await openFaxDocument(path, { normalize: { width: 2048, resolution: "standard" } });
	const p = await doc.page(0);
	await doc.close();
	t.deepEqual([p.bitmap.width, p.bitmap.height, p.yRes], [2048, src.height / 2, 98]);
	// every inked source column appears 160 px to the right
	for (let y = 0; y < 50; y++) for (let x = 0; x < 1728; x += 13) if (px(src, x, 2 * y)) t.true(px(p.bitmap, x + 160, y));
});

test("unknown file types and missing files fail typed", async (t) => {
	const dir = tmp(t);
	const path = join(dir, "x.pdf");
	writeFileSync(path, "%PDF-1.4\n");
	t.true(isFaxError(await t.throwsAsync(openFaxDocument(path)), "TIFF_UNSUPPORTED"));
	t.true(isFaxError(await t.throwsAsync(openFaxDocument(join(dir, "nope.tif"))), "FILE_NOT_FOUND"));
});

test("opening reads only the TIFF metadata: a 12-page document costs a few kB of reads", async (t) => {
	const { loadTiffMetadata, walkIfdChain } = await import("../../../src/tiff/ifdChain.js");
	const { readTiffDirectory } = await import("../../../src/tiff/tiffDirectory.js");
	const page = { bitmap: await fixturePage("text", "fine"), xRes: 204, yRes: 196 };
	const file = writeClassF(Array.from({ length: 12 }, () => page), { coding: "mh" });
	let bytesRead = 0;
	const sparse = await loadTiffMetadata(file.length, async (o, n) => {
		bytesRead += n;
		return file.slice(o, o + n);
	});
	t.true(bytesRead < 4096, `${bytesRead} bytes read of ${file.length}`);
	t.is(walkIfdChain(sparse).offsets.length, 12);
	t.deepEqual(readTiffDirectory(sparse).pages, readTiffDirectory(file).pages);
});

test("a plain (P1) PBM opens too", async (t) => {
	const dir = tmp(t);
	const p4 = (await must("pbmtext", ["P1 page"])).stdout;
	const plain = (await must("pamtopnm", ["-plain"], p4)).stdout;
	writeFileSync(join(dir, "p1.pbm"), plain);
	const doc = await openFaxDocument(join(dir, "p1.pbm"));
	t.is(doc.pages[0].compressionName, "PBM plain (P1)");
	const { readPbm } = await import("../../../src/tiff/pbm.js");
	t.is(bitmapDiff((await doc.page(0)).bitmap, readPbm(new Uint8Array(p4))[0]), "");
	await doc.close();
});
