/**
 * Our T.4/T.6 encoder against libtiff's decoder: every stream we write (MH, MR K=2/4, MMR; both bit
 * orders, aligned EOL, RTC/EOFB, minimum scan-line fill, TIFF Compression 2) decodes in libtiff 4.5
 * (tiffcp on a TIFF wrapping the stream, or fax2tiff on the raw stream) with no warning and pixels
 * identical to the source page, on ghostscript-rendered pages at widths 1728/2048/2432.
 */
import test from "ava";
import type { Bitmap } from "../../../src/core/bitmap.js";
import { encodeBitmap } from "../../../src/t4/index.js";
import type { T4EncodeOptions } from "../../../src/t4/index.js";
import { fixturePage } from "../../helpers/fixtures.js";
import type { FixtureName, FixtureRes } from "../../helpers/fixtures.js";
import { fax2tiffDecode, firstRowDiff, libtiffDecodeStream, topRows } from "../../helpers/libtiff.js";

type Opts = Omit<T4EncodeOptions, "width">;

const variants: [string, Opts][] = [
	["mh", { coding: "mh" }],
	["mh aligned+rtc+lsb", { coding: "mh", alignEol: true, rtc: true, bitOrder: "lsb" }],
	["mh compression2", { coding: "mh", byteAlignRows: true }],
	["mh minbits", { coding: "mh", minBitsPerRow: minBits(9600, 20), rtc: true }],
	["mr k2", { coding: "mr", k: 2 }],
	["mr k4 aligned+rtc", { coding: "mr", k: 4, alignEol: true, rtc: true }],
	["mr k4 lsb+minbits", { coding: "mr", k: 4, bitOrder: "lsb", minBitsPerRow: minBits(14400, 10) }],
	["mmr", { coding: "mmr" }],
	["mmr eofb lsb", { coding: "mmr", rtc: true, bitOrder: "lsb" }],
];

function minBits(rate: number, ms: number): number {
	return Math.ceil((rate * ms) / 1000);
}

async function checkLibtiff(t: import("ava").ExecutionContext, src: Bitmap, o: Opts, label: string): Promise<void> {
	const stream = encodeBitmap(src, o);
	const r = await libtiffDecodeStream(stream, {
		coding: o.coding,
		width: src.width,
		rows: src.height,
		bitOrder: o.bitOrder,
		alignEol: o.alignEol,
		byteAlignRows: o.byteAlignRows,
	});
	t.deepEqual(r.warnings, [], `${label}: libtiff warnings`);
	t.truthy(r.bitmap, `${label}: libtiff produced no page`);
	if (r.bitmap) t.is(firstRowDiff(r.bitmap, src), -1, `${label}: first differing row`);
}

const pages: [FixtureName, FixtureRes][] = [
	["text", "standard"],
	["text", "fine"],
	["form", "fine"],
	["halftone", "standard"],
	["blank", "fine"],
	["noise", "standard"],
];

for (const [name, res] of pages) {
	test(`libtiff decodes our ${name}/${res} pages in every coding`, async (t) => {
		const src = await fixturePage(name, res);
		for (const [label, o] of variants) await checkLibtiff(t, src, o, `${name}/${res} ${label}`);
	});
}

test("libtiff decodes our 1-px checkerboard in 2-D codings (1-D hits libtiff's width+1-runs bug)", async (t) => {
	const src = await fixturePage("checker", "standard");
	for (const [label, o] of variants.filter(([, v]) => v.coding !== "mh")) await checkLibtiff(t, src, o, `checker ${label}`);
});

for (const width of [2048, 2432]) {
	test(`libtiff decodes our ${width}-px pages (extended make-up codes)`, async (t) => {
		for (const name of ["text", "form", "blank"] as const) {
			const src = await fixturePage(name, "standard", width);
			for (const [label, o] of variants) await checkLibtiff(t, src, o, `${name}@${width} ${label}`);
		}
	});
}

test("fax2tiff reads our raw streams (leading EOL, RTC/EOFB, aligned EOL, LSB order)", async (t) => {
	const src = await fixturePage("form", "standard");
	const raw: [string, Opts][] = [
		["mh rtc", { coding: "mh", rtc: true }],
		["mh rtc lsb aligned", { coding: "mh", rtc: true, bitOrder: "lsb", alignEol: true }],
		["mr k2 rtc", { coding: "mr", k: 2, rtc: true }],
		["mr k4 rtc lsb aligned minbits", { coding: "mr", k: 4, rtc: true, bitOrder: "lsb", alignEol: true, minBitsPerRow: 1440 }],
		["mmr eofb", { coding: "mmr", rtc: true }],
	];
	for (const [label, o] of raw) {
		const stream = encodeBitmap(src, o);
		const r = await fax2tiffDecode(stream, { coding: o.coding, width: src.width, bitOrder: o.bitOrder, alignEol: o.alignEol });
		const page = r.pages[0];
		t.truthy(page, label);
		if (!page) continue;
		// fax2tiff turns the RTC's EOLs (or EOFB) into extra empty rows: only those may warn
		const real = r.warnings.filter((w) => {
			const m = /at line (\d+)/.exec(w);
			return /warning/i.test(w) && !(m && Number(m[1]) >= src.height);
		});
		t.deepEqual(real, [], `${label}: fax2tiff warnings within the page`);
		t.true(page.height >= src.height, `${label}: rows ${page.height}`);
		t.is(firstRowDiff(topRows(page, src.height), src), -1, `${label}: first differing row`);
	}
});
