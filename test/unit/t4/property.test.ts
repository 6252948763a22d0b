/**
 * Property tests (fast-check, fixed seeds): random bitmaps round-trip through every coding and option
 * set (one-shot and in random chunks); random garbage, truncations and bit flips of valid streams decode
 * in bounded time and memory to either counted bad lines or a typed FaxError, never a hang or a crash.
 */
import { fc, testProp } from "@fast-check/ava";
import type { Bitmap } from "../../../src/core/bitmap.js";
import { createBitmap } from "../../../src/core/bitmap.js";
import { isFaxError } from "../../../src/core/FaxError.js";
import { T4Decoder, decodeToBitmap, encodeBitmap } from "../../../src/t4/index.js";
import type { T4EncodeOptions } from "../../../src/t4/index.js";
import { prng } from "../../helpers/fixtures.js";

type Opts = Omit<T4EncodeOptions, "width">;

const variants: Opts[] = [
	{ coding: "mh" },
	{ coding: "mh", rtc: true, alignEol: true, bitOrder: "lsb" },
	{ coding: "mh", byteAlignRows: true },
	{ coding: "mh", leadingEol: false, minBitsPerRow: 300 },
	{ coding: "mr", k: 1, rtc: true },
	{ coding: "mr", k: 2 },
	{ coding: "mr", k: 4, alignEol: true, minBitsPerRow: 100, bitOrder: "lsb", rtc: true },
	{ coding: "mr", k: 3, leadingEol: false },
	{ coding: "mmr" },
	{ coding: "mmr", rtc: true, bitOrder: "lsb" },
];

/** A bitmap in one of several styles, reproducible from its seed. */
function makeBitmap(width: number, height: number, seed: number, style: number): Bitmap {
	const b = createBitmap(width, height);
	const r = prng(seed);
	for (let y = 0; y < height; y++) {
		const row = b.data.subarray(y * b.stride, (y + 1) * b.stride);
		if (style === 0) for (let i = 0; i < row.length; i++) row[i] = Math.floor(r() * 256);
		else if (style === 3 && y > 0) {
			row.set(b.data.subarray((y - 1) * b.stride, y * b.stride));
			const x = Math.floor(r() * width);
			row[x >> 3]! ^= 0x80 >> (x & 7);
		} else {
			const maxRun = style === 1 ? 4 : style === 2 ? 300 : 40;
			let x = 0;
			let black = r() < 0.5;
			while (x < width) {
				const run = 1 + Math.floor(r() * maxRun);
				if (black) for (let k = x; k < Math.min(width, x + run); k++) row[k >> 3]! |= 0x80 >> (k & 7);
				x += run;
				black = !black;
			}
		}
		const pad = width & 7;
		if (pad) row[b.stride - 1]! &= (0xff00 >> pad) & 0xff;
	}
	return b;
}

const bitmapArb = fc
	.record({
		width: fc.oneof(fc.integer({ min: 1, max: 90 }), fc.constantFrom(1728, 2048, 2432, 2561, 5200)),
		height: fc.integer({ min: 1, max: 6 }),
		seed: fc.integer(),
		style: fc.integer({ min: 0, max: 4 }),
	})
	.map(({ width, height, seed, style }) => makeBitmap(width, height, seed, style));

const equal = (a: Bitmap, b: Bitmap) => a.height === b.height && a.width === b.width && Buffer.compare(a.data, b.data) === 0;

testProp(
	"random bitmaps round-trip through every coding",
	[bitmapArb],
	(t, b) => {
		for (const o of variants) {
			const r = decodeToBitmap(encodeBitmap(b, o), { ...o, width: b.width });
			t.true(equal(r.bitmap, b), `${JSON.stringify(o)} ${b.width}x${b.height}`);
			t.is(r.badLines, 0);
		}
	},
	{ seed: 20261124, numRuns: 150 },
);

testProp(
	"random bitmaps round-trip through the streaming decoder in random chunks",
	[bitmapArb, fc.integer({ min: 0, max: variants.length - 1 }), fc.integer({ min: 1, max: 64 }), fc.integer()],
	(t, b, vi, maxChunk, seed) => {
		const o = variants[vi]!;
		const data = encodeBitmap(b, o);
		const dec = new T4Decoder({ ...o, width: b.width });
		const r = prng(seed);
		const rows: Uint8Array[] = [];
		for (let i = 0; i < data.length; ) {
			const n = 1 + Math.floor(r() * maxChunk);
			rows.push(...dec.push(data.subarray(i, i + n)));
			i += n;
		}
		const end = dec.end();
		rows.push(...end.rows);
		t.is(rows.length, b.height, JSON.stringify(o));
		t.true(rows.every((row, y) => Buffer.compare(row, b.data.subarray(y * b.stride, (y + 1) * b.stride)) === 0));
		t.is(end.badLines, 0);
	},
	{ seed: 777, numRuns: 150 },
);

const MAX_ROWS = 300;
const allowed = new Set(["T4_DECODE_ERROR", "T4_TRUNCATED"]);

function decodeBounded(t: import("ava").ExecutionContext, data: Uint8Array, o: Opts, width: number, rows?: number): void {
	try {
		const r = decodeToBitmap(data, { coding: o.coding, width, bitOrder: o.bitOrder, byteAlignRows: o.byteAlignRows, maxRows: MAX_ROWS, rows });
		t.true(r.bitmap.height <= MAX_ROWS && r.bitmap.data.length === r.bitmap.height * r.bitmap.stride);
		if (rows !== undefined) t.is(r.bitmap.height, Math.min(rows, MAX_ROWS));
		t.true(r.badLines <= r.bitmap.height && r.consecutiveBadLines <= r.badLines);
	} catch (e) {
		t.true(isFaxError(e) && allowed.has(e.code), `unexpected ${String(e)}`);
	}
}

testProp(
	"random garbage decodes to bad lines or a typed FaxError, bounded",
	[fc.uint8Array({ maxLength: 3000 }), fc.integer({ min: 0, max: variants.length - 1 }), fc.constantFrom(1728, 2432, 13)],
	(t, data, vi, width) => {
		decodeBounded(t, data, variants[vi]!, width);
		decodeBounded(t, data, variants[vi]!, width, 50);
	},
	{ seed: 4242, numRuns: 400 },
);

testProp(
	"truncated and bit-flipped valid streams decode to bad lines or a typed FaxError, bounded",
	[bitmapArb, fc.integer({ min: 0, max: variants.length - 1 }), fc.array(fc.nat(), { minLength: 1, maxLength: 6 }), fc.nat(), fc.boolean()],
	(t, b, vi, flips, cut, chunked) => {
		const o = variants[vi]!;
		const data = encodeBitmap(b, o).slice();
		for (const f of flips) if (data.length > 0) data[f % data.length]! ^= 1 << (f % 8);
		const cutData = data.subarray(0, data.length > 0 ? cut % (data.length + 1) : 0);
		decodeBounded(t, cutData, o, b.width);
		decodeBounded(t, cutData, o, b.width, b.height);
		if (chunked) {
			// streaming in 3-byte chunks must give exactly what a one-shot decode gives
			const outcome = (f: () => { rows: number; bad: number; end: string }) => {
				try {
					return JSON.stringify(f());
				} catch (e) {
					t.true(isFaxError(e) && allowed.has(e.code), `unexpected ${String(e)}`);
					return isFaxError(e) ? e.code : "?";
				}
			};
			const opt = { coding: o.coding, width: b.width, bitOrder: o.bitOrder, byteAlignRows: o.byteAlignRows, maxRows: MAX_ROWS };
			const chunkedOutcome = outcome(() => {
				const dec = new T4Decoder(opt);
				let n = 0;
				for (let i = 0; i < cutData.length; i += 3) n += dec.push(cutData.subarray(i, i + 3)).length;
				const end = dec.end();
				return { rows: n + end.rows.length, bad: end.badLines, end: end.endMarker };
			});
			const oneShot = outcome(() => {
				const r = decodeToBitmap(cutData, opt);
				return { rows: r.bitmap.height, bad: r.badLines, end: r.endMarker };
			});
			t.is(chunkedOutcome, oneShot);
		}
	},
	{ seed: 99, numRuns: 400 },
);
