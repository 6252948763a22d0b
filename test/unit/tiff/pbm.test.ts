/** PBM P1/P4 reading and P4 writing, checked against netpbm (pbmtext, pamtopnm -plain, pnmtoplainpnm). */
import test from "ava";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { isFaxError } from "../../../src/core/FaxError.js";
import { readPbm, scanPbm, writePbm } from "../../../src/tiff/pbm.js";
import { bitmapDiff, must, px, tmp } from "./oracle.js";

/** Parses netpbm's plain (P1) text with a trivial independent parser: digits after the header. */
function plainBits(text: string): { w: number; h: number; bits: string } {
	const body = text.replace(/#.*$/gm, "");
	const m = /^P1\s+(\d+)\s+(\d+)\s+([\s\S]*)$/.exec(body)!;
	return { w: Number(m[1]), h: Number(m[2]), bits: m[3].replace(/\s+/g, "") };
}

test("P4 from pbmtext reads with the pixels netpbm prints as P1", async (t) => {
	const p4 = (await must("pbmtext", ["-builtin", "fixed", "Fax 123 widths"])).stdout;
	const [b] = readPbm(new Uint8Array(p4));
	const plain = plainBits((await must("pamtopnm", ["-plain"], p4)).stdout.toString());
	t.is(b.width, plain.w);
	t.is(b.height, plain.h);
	let bits = "";
	for (let y = 0; y < b.height; y++) for (let x = 0; x < b.width; x++) bits += px(b, x, y) ? "1" : "0";
	t.is(bits, plain.bits);
	t.true(bits.includes("1"));
});

test("P1 (plain) reads to the same bitmap as its P4 original, including comments and no-space pixels", async (t) => {
	const p4 = (await must("pbmtext", ["-builtin", "bdf", "Plain"])).stdout;
	const plain = (await must("pamtopnm", ["-plain"], p4)).stdout.toString();
	const [a] = readPbm(new Uint8Array(p4));
	const [b] = readPbm(new TextEncoder().encode(plain.replace(/^P1\n/, "P1\n# a comment\n")));
	t.is(bitmapDiff(a, b), "");
	const [c] = readPbm(new TextEncoder().encode("P1 3 2 101010"));
	t.deepEqual([px(c, 0, 0), px(c, 1, 0), px(c, 2, 0), px(c, 0, 1), px(c, 1, 1), px(c, 2, 1)], [true, false, true, false, true, false]);
});

test("several images in one P4 file are all found", async (t) => {
	const a = (await must("pbmtext", ["one"])).stdout;
	const b = (await must("pbmtext", ["second image"])).stdout;
	const imgs = scanPbm(new Uint8Array(Buffer.concat([a, b])));
	t.is(imgs.length, 2);
	const [ba, bb] = readPbm(new Uint8Array(Buffer.concat([a, b])));
	t.is(bitmapDiff(ba, readPbm(new Uint8Array(a))[0]), "");
	t.is(bitmapDiff(bb, readPbm(new Uint8Array(b))[0]), "");
});

test("our P4 output is read by netpbm with identical pixels (odd width, padding bits)", async (t) => {
	const dir = tmp(t);
	const src = (await must("pbmtext", ["-builtin", "fixed", "odd width!"])).stdout;
	const [b] = readPbm(new Uint8Array(src));
	t.not(b.width % 8, 0);
	const f = join(dir, "o.pbm");
	writeFileSync(f, writePbm(b));
	// netpbm re-encodes what it read; its plain form must match the original's
	const ours = (await must("pamtopnm", ["-plain", f])).stdout.toString();
	const theirs = (await must("pamtopnm", ["-plain"], src)).stdout.toString();
	t.is(plainBits(ours).bits, plainBits(theirs).bits);
	t.deepEqual(readFileSync(f).subarray(0, 3), Buffer.from("P4\n"));
});

test("malformed PBM input gives PBM_MALFORMED", (t) => {
	const enc = (s: string): Uint8Array => new TextEncoder().encode(s);
	for (const bad of ["P4\n10 10\n\x00\x00", "P4\n", "P4 x 3\n", "P1 2 2 0 1 2 0", "P1 2 2 01", "P5\n1 1\n255\n\x00", "P4\n0 5\n", "P4\n8 1\n\x00junk"]) {
		const e = t.throws(() => readPbm(enc(bad)), undefined, JSON.stringify(bad));
		t.true(isFaxError(e, "PBM_MALFORMED"), `${JSON.stringify(bad)}: ${String(e)}`);
	}
	const big = t.throws(() => readPbm(enc("P4\n100000 100000\n")));
	t.true(isFaxError(big, "TIFF_TOO_LARGE"));
});

test("fuzz: truncated or overwritten PBM files fail typed (PBM_MALFORMED / TIFF_TOO_LARGE) or parse", async (t) => {
	const fc = (await import("fast-check")).default;
	const p4 = new Uint8Array((await must("pbmtext", ["fuzz me"])).stdout);
	const p1 = new Uint8Array((await must("pamtopnm", ["-plain"], p4)).stdout);
	const seeds = [p4, p1, Uint8Array.from([...p4, ...p4])];
	fc.assert(
		fc.property(fc.nat(2), fc.integer({ min: 0, max: 1000 }), fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { maxLength: 6 }), (k, cut, edits) => {
			const b = seeds[k].slice(0, Math.floor((seeds[k].length * cut) / 1000));
			for (const [p, v] of edits) if (b.length) b[p % b.length] = v;
			try {
				readPbm(b);
			} catch (e) {
				if (!(isFaxError(e, "PBM_MALFORMED") || isFaxError(e, "TIFF_TOO_LARGE"))) throw e;
			}
		}),
		{ seed: 31337, numRuns: 500 },
	);
	t.pass();
});

test("scanPbmFile (header-only reads) finds the same P4 images as scanPbm, whitespace between and after", async (t) => {
	const { scanPbmFile } = await import("../../../src/tiff/pbm.js");
	const a = (await must("pbmtext", ["one"])).stdout;
	const b = (await must("pbmtext", ["two two"])).stdout;
	const file = new Uint8Array(Buffer.concat([a, Buffer.from("\n \n"), b, Buffer.from("\n\n")]));
	const found = await scanPbmFile(file.length, async (o, n) => file.slice(o, o + n));
	t.deepEqual(found, scanPbm(file));
	t.is((found as unknown[]).length, 2);
});
