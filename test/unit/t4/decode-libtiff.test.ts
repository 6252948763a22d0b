/**
 * Our T.4/T.6 decoder on streams written by others: ghostscript's raw faxg3/faxg32d/faxg4 devices and
 * libtiff's tiffcp (g3:1d, g3:2d, with fill, g4; FillOrder 1 and 2; many strips or one; multi-page;
 * min-is-black). Pixels must equal libtiff's own decode of the same data (and, for ghostscript, the
 * page ghostscript renders to PBM), with zero bad lines.
 */
import test from "ava";
import type { Bitmap } from "../../../src/core/bitmap.js";
import { createBitmap } from "../../../src/core/bitmap.js";
import { decodeToBitmap } from "../../../src/t4/index.js";
import { fixturePage, ghostscriptFax, pageRows } from "../../helpers/fixtures.js";
import type { FixtureRes, GsFaxDevice } from "../../helpers/fixtures.js";
import { fax2tiffDecode, firstRowDiff, libtiffDecodeTiff, libtiffEncode, topRows } from "../../helpers/libtiff.js";
import type { LibtiffScheme, TiffImage } from "../../helpers/libtiff.js";

const codingOf = (d: GsFaxDevice) => (d === "faxg3" ? "mh" : d === "faxg32d" ? "mr" : "mmr") as "mh" | "mr" | "mmr";

for (const res of ["standard", "fine"] as FixtureRes[]) {
	test(`ghostscript raw fax streams (${res}) decode like libtiff and like ghostscript's own PBM`, async (t) => {
		for (const name of ["text", "form", "halftone", "blank"] as const) {
			const src = await fixturePage(name, res);
			for (const dev of ["faxg3", "faxg32d", "faxg4"] as GsFaxDevice[]) {
				const raw = await ghostscriptFax(name, res, dev);
				const label = `${name}/${res}/${dev}`;
				const ours = decodeToBitmap(raw, { coding: codingOf(dev), width: 1728 });
				t.is(ours.badLines, 0, `${label}: bad lines`);
				t.is(ours.bitmap.height, pageRows(res), `${label}: rows`);
				t.false(ours.truncated, `${label}: truncated`);
				t.is(firstRowDiff(ours.bitmap, src), -1, `${label}: vs ghostscript PBM`);
				// libtiff's decode via fax2tiff (which miscounts raw G4 rows: compare what it produced)
				const lt = await fax2tiffDecode(raw, { coding: codingOf(dev), width: 1728 });
				const page = lt.pages[0];
				t.truthy(page, `${label}: fax2tiff page`);
				if (page) t.is(firstRowDiff(topRows(ours.bitmap, page.height), topRows(page, ours.bitmap.height)), -1, `${label}: vs libtiff`);
			}
		}
	});
}

/** Decode every strip of a libtiff-written image with our codec and stack the rows. */
function decodeImage(img: TiffImage): { bitmap: Bitmap; bad: number } {
	const out = createBitmap(img.width, img.height);
	let y = 0;
	let bad = 0;
	const coding = img.compression === 4 ? "mmr" : img.t4Options & 1 ? "mr" : "mh";
	for (const strip of img.strips) {
		const rows = Math.min(img.rowsPerStrip, img.height - y);
		const r = decodeToBitmap(strip, { coding, width: img.width, rows, bitOrder: img.fillOrder === 2 ? "lsb" : "msb", byteAlignRows: img.compression === 2 });
		out.data.set(r.bitmap.data, y * out.stride);
		bad += r.badLines;
		y += rows;
	}
	if (img.photometric === 1) invert(out);
	return { bitmap: out, bad };
}

function invert(b: Bitmap): void {
	for (let i = 0; i < b.data.length; i++) b.data[i]! ^= 0xff;
	const pad = b.width & 7;
	if (pad) for (let y = 0; y < b.height; y++) b.data[y * b.stride + b.stride - 1]! &= (0xff00 >> pad) & 0xff;
}

const schemes: LibtiffScheme[] = ["g3:1d", "g3:1d:fill", "g3:2d", "g3:2d:fill", "g4"];

for (const res of ["standard", "fine"] as FixtureRes[]) {
	test(`tiffcp multi-page ${res} documents in every scheme, both fill orders, decode like libtiff`, async (t) => {
		const doc = [await fixturePage("text", res), await fixturePage("form", res), await fixturePage("halftone", res), await fixturePage("noise", res)];
		const yRes = res === "standard" ? 98 : 196;
		for (const scheme of schemes) {
			for (const fillOrder of [1, 2] as const) {
				for (const rowsPerStrip of [undefined, 100000]) {
					const label = `${res} ${scheme} fill${fillOrder} rps=${rowsPerStrip ?? "default"}`;
					const { tiff, images } = await libtiffEncode(doc, scheme, { yRes, fillOrder, rowsPerStrip });
					const lt = await libtiffDecodeTiff(tiff);
					t.deepEqual(lt.warnings, [], `${label}: libtiff warnings`);
					t.is(images.length, doc.length, `${label}: pages`);
					images.forEach((img, i) => {
						t.is(img.fillOrder, fillOrder, `${label}: FillOrder tag`);
						if (rowsPerStrip === undefined) t.true(img.strips.length > 1, `${label}: strips`);
						const ours = decodeImage(img);
						t.is(ours.bad, 0, `${label} p${i}: bad lines`);
						t.is(firstRowDiff(ours.bitmap, lt.pages[i]!), -1, `${label} p${i}: vs libtiff`);
						t.is(firstRowDiff(ours.bitmap, doc[i]!), -1, `${label} p${i}: vs source`);
					});
				}
			}
		}
	});
}

test("checkerboard pages written by libtiff in 2-D (and 1-D, which libtiff cannot read back) decode to the source", async (t) => {
	const src = await fixturePage("checker", "standard");
	for (const scheme of schemes) {
		const { images } = await libtiffEncode([src], scheme, { yRes: 98, rowsPerStrip: 100000 });
		const ours = decodeImage(images[0]!);
		t.is(ours.bad, 0, scheme);
		t.is(firstRowDiff(ours.bitmap, src), -1, `${scheme}: vs source`);
	}
});

test("mostly-black pages (inverted form, as stored in a min-is-black file) written by libtiff decode to the source", async (t) => {
	const src = await fixturePage("form", "fine");
	const stored = { ...src, data: src.data.slice() };
	invert(stored);
	for (const scheme of schemes) {
		const { tiff, images } = await libtiffEncode([stored], scheme, { yRes: 196 });
		const lt = await libtiffDecodeTiff(tiff);
		const ours = decodeImage(images[0]!);
		t.is(ours.bad, 0, scheme);
		t.is(firstRowDiff(ours.bitmap, lt.pages[0]!), -1, `${scheme}: vs libtiff`);
		t.is(firstRowDiff(ours.bitmap, stored), -1, `${scheme}: vs source`);
	}
});
