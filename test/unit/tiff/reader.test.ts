/**
 * TIFF reading against libtiff: files written by libtiff (tiffcp: g3:1d, g3:2d, g3:2d:fill, g4, lsb2msb,
 * multi-strip, big-endian, PackBits, none, min-is-black) and by ghostscript (tiffg3, tiffg32d, tiffg4,
 * tiffcrle, FillOrder 2) decode in ours to exactly libtiff's own decode (tiffcp -c none, read back by
 * test/helpers/libtiff.ts with Photometric applied). Pages are realistic ghostscript renderings (test/helpers/fixtures.ts).
 */
import test from "ava";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import type { Bitmap } from "../../../src/core/bitmap.js";
import { readTiff } from "../../../src/tiff/readTiff.js";
import { writePbm } from "../../../src/tiff/pbm.js";
import { fixturePage } from "../../helpers/fixtures.js";
import { bitmapDiff, libtiffPages, must } from "./oracle.js";

const dir = mkdtempSync(join(tmpdir(), "faxline-reader-"));
test.after.always(() => rmSync(dir, { recursive: true, force: true }));

const f = (n: string): string => join(dir, n);
let sources: Bitmap[] = [];

test.before(async () => {
	sources = [await fixturePage("text", "fine"), await fixturePage("form", "standard", 2048), await fixturePage("halftone", "fine"), await fixturePage("blank", "standard")];
	const singles: string[] = [];
	for (const [i, b] of sources.entries()) {
		writeFileSync(f(`p${i}.pbm`), writePbm(b));
		const yres = b.height > 2000 ? "196" : "98";
		const tif = (await must("pnmtotiff", ["-none", "-miniswhite", "-xresolution", "204", "-yresolution", yres, "-resolutionunit", "inch", f(`p${i}.pbm`)])).stdout;
		writeFileSync(f(`p${i}.tif`), tif);
		singles.push(f(`p${i}.tif`));
	}
	await must("tiffcp", ["-c", "none", ...singles, f("none.tif")]);
});

/** tiffcp variants of the 4-page uncompressed document. */
const variants: [name: string, args: string[]][] = [
	["g3-1d", ["-c", "g3:1d"]],
	["g3-2d", ["-c", "g3:2d"]],
	["g3-2d-fill", ["-c", "g3:2d:fill"]],
	["g3-1d-fill", ["-c", "g3:1d:fill"]],
	["g4", ["-c", "g4"]],
	["g3-lsb2msb", ["-c", "g3:2d", "-f", "lsb2msb"]],
	["g4-lsb2msb", ["-c", "g4", "-f", "lsb2msb"]],
	["g3-multistrip", ["-c", "g3:2d", "-r", "37"]],
	["g4-multistrip", ["-c", "g4", "-r", "64"]],
	["g3-1d-multistrip", ["-c", "g3:1d", "-r", "100"]],
	["none-multistrip", ["-c", "none", "-r", "50"]],
	["packbits", ["-c", "packbits"]],
	["packbits-multistrip", ["-c", "packbits", "-r", "33"]],
	["g4-bigendian", ["-c", "g4", "-B"]],
	["g3-bigendian-lsb", ["-c", "g3:1d", "-B", "-f", "lsb2msb"]],
	["none-lsb2msb", ["-c", "none", "-f", "lsb2msb"]],
	["packbits-lsb2msb", ["-c", "packbits", "-f", "lsb2msb"]],
];

for (const [name, args] of variants) {
	test(`libtiff ${name}: every page decodes to libtiff's pixels`, async (t) => {
		const out = f(`${name}.tif`);
		await must("tiffcp", [...args, f("none.tif"), out]);
		const theirs = await libtiffPages(out);
		const r = readTiff(new Uint8Array(readFileSync(out)));
		t.is(r.pages.length, sources.length);
		for (let i = 0; i < sources.length; i++) {
			const d = r.decode(i);
			t.is(bitmapDiff(d.bitmap, theirs[i]), "", `page ${i + 1}`);
			t.is(bitmapDiff(d.bitmap, sources[i]), "", `page ${i + 1} vs source`);
			t.is(d.badLines, 0);
			t.false(d.truncated);
		}
		t.is(r.pages[0].photometric, 0);
		if (args.includes("lsb2msb")) t.is(r.pages[0].fillOrder, 2);
		if (args.includes("-r")) t.true(r.pages[0].stripOffsets.length > 1);
		if (args.includes("-B")) t.false(r.littleEndian);
	});
}

test("min-is-black (Photometric 1) files, uncompressed and G3/G4, normalise to 1 = black", async (t) => {
	const mib = f("mib.tif");
	writeFileSync(mib, (await must("pnmtotiff", ["-none", "-minisblack", f("p0.pbm")])).stdout);
	for (const c of ["none", "g3:2d", "g4"]) {
		const out = f(`mib-${c.replace(":", "")}.tif`);
		await must("tiffcp", ["-c", c, mib, out]);
		const r = readTiff(new Uint8Array(readFileSync(out)));
		t.is(r.pages[0].photometric, 1);
		const [theirs] = await libtiffPages(out);
		t.is(bitmapDiff(r.decode(0).bitmap, theirs), "", c);
		t.is(bitmapDiff(r.decode(0).bitmap, sources[0]), "", `${c} vs source`);
	}
});

test("resolution tags: inch and centimetre units convert to dpi; unitless ratios are kept", async (t) => {
	const cm = f("cm.tif");
	writeFileSync(cm, (await must("pnmtotiff", ["-g4", "-xresolution", "80.3", "-yresolution", "77.2", "-resolutionunit", "centimeter", f("p3.pbm")])).stdout);
	const r = readTiff(new Uint8Array(readFileSync(cm)));
	t.is(r.pages[0].resolutionUnit, "cm");
	t.true(Math.abs(r.pages[0].xRes - 80.3 * 2.54) < 0.1);
	t.true(Math.abs(r.pages[0].yRes - 77.2 * 2.54) < 0.1);
	// unitless: the width decides the x dpi (a fax width -> 204), the tags' x:y ratio gives y
	const unitless = f("unitless.tif");
	writeFileSync(unitless, (await must("pnmtotiff", ["-g4", "-miniswhite", "-xresolution", "200", "-yresolution", "100", "-resolutionunit", "none", f("p0.pbm")])).stdout);
	const u = readTiff(new Uint8Array(readFileSync(unitless))).pages[0];
	t.deepEqual([u.resolutionUnit, u.resolutionKnown, u.xRes, u.yRes], ["none", false, 204, 102]);
	const inch = readTiff(new Uint8Array(readFileSync(f("none.tif"))));
	t.deepEqual([inch.pages[0].xRes, inch.pages[0].yRes, inch.pages[1].yRes], [204, 196, 98]);
});

/** ghostscript renders the 3-page sample document with each fax device. */
const gsDevices: [device: string, extra: string[], compression: number][] = [
	["tiffg3", [], 3],
	["tiffg32d", [], 3],
	["tiffg4", [], 4],
	["tiffcrle", [], 2],
	["tiffg3", ["-dFillOrder=2"], 3],
	["tiffg4", ["-dFillOrder=2"], 4],
	["tiffg32d", ["-r204x98", "-g1728x1078"], 3],
];

for (const [device, extra, compression] of gsDevices) {
	test(`ghostscript ${device} ${extra.join(" ")}: pages decode to libtiff's pixels`, async (t) => {
		const out = f(`gs-${device}-${extra.join("").replace(/\W/g, "")}.tif`);
		await must("gs", ["-q", "-dNOPAUSE", "-dBATCH", "-dSAFER", `-sDEVICE=${device}`, "-r204x196", "-g1728x2156", ...extra, `-sOutputFile=${out}`, "samples/sample.ps"]);
		const theirs = await libtiffPages(out);
		const r = readTiff(new Uint8Array(readFileSync(out)));
		t.is(r.pages.length, theirs.length);
		t.true(r.pages.length >= 3);
		for (let i = 0; i < r.pages.length; i++) {
			t.is(r.pages[i].compression, compression);
			if (extra.includes("-dFillOrder=2")) t.is(r.pages[i].fillOrder, 2);
			const d = r.decode(i);
			t.is(bitmapDiff(d.bitmap, theirs[i]), "", `page ${i + 1}`);
			t.is(d.badLines, 0);
		}
	});
}
