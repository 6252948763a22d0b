/**
 * Real-world decoder behaviour checked against the source bitmap (libtiff itself fails some of these,
 * see t4-notes): width+1-run rows, a missing first EOL, corrupted data (bad-line counts, resync at the
 * next EOL), truncation, streaming in arbitrary chunks, typed errors on unusable input, maxRows.
 */
import test from "ava";
import type { Bitmap } from "../../../src/core/bitmap.js";
import { isFaxError } from "../../../src/core/FaxError.js";
import { T4Decoder, T4Encoder, decodeToBitmap, encodeBitmap } from "../../../src/t4/index.js";
import type { T4EncodeOptions } from "../../../src/t4/index.js";
import { BitReader, decode1D, decode2D } from "../../../src/t4/rowdecode.js";
import { changesArray, paintRow } from "../../../src/t4/runs.js";
import { fixturePage, prng } from "../../helpers/fixtures.js";
import { firstRowDiff } from "../../helpers/libtiff.js";

type Opts = Omit<T4EncodeOptions, "width">;

const rowEq = (a: Bitmap, ya: number, b: Bitmap, yb: number): boolean =>
	Buffer.compare(a.data.subarray(ya * a.stride, (ya + 1) * a.stride), b.data.subarray(yb * b.stride, (yb + 1) * b.stride)) === 0;

/** Encode row by row, recording the byte offset at which each row's coding starts. */
function encodeWithOffsets(b: Bitmap, o: Opts): { stream: Uint8Array; rowStart: number[] } {
	const enc = new T4Encoder({ ...o, width: b.width });
	const parts: Uint8Array[] = [];
	const rowStart: number[] = [];
	let total = 0;
	for (let y = 0; y < b.height; y++) {
		rowStart.push(total);
		enc.encodeRow(b.data.subarray(y * b.stride, (y + 1) * b.stride));
		const p = enc.take();
		parts.push(p);
		total += p.length;
	}
	parts.push(enc.finish());
	return { stream: new Uint8Array(Buffer.concat(parts)), rowStart };
}

const rowAt = (rowStart: number[], byte: number): number => {
	let y = 0;
	while (y + 1 < rowStart.length && rowStart[y + 1]! <= byte) y++;
	return y;
};

test("1-px checkerboard (width+1 runs per row) round-trips in MH at every fax width", async (t) => {
	for (const width of [1728, 2048, 2432]) {
		const src = await fixturePage("checker", "standard", width);
		for (const o of [{ coding: "mh" }, { coding: "mh", byteAlignRows: true }, { coding: "mr", k: 4 }] as Opts[]) {
			const r = decodeToBitmap(encodeBitmap(src, o), { ...o, width });
			t.is(r.badLines, 0);
			t.is(firstRowDiff(r.bitmap, src), -1, `${width} ${o.coding}`);
		}
	}
});

test("a stream without the first EOL decodes completely", async (t) => {
	const src = await fixturePage("text", "standard");
	for (const o of [{ coding: "mh" }, { coding: "mr", k: 2 }, { coding: "mh", bitOrder: "lsb", rtc: true }] as Opts[]) {
		const stream = encodeBitmap(src, { ...o, leadingEol: false });
		t.not(stream[0], 0, "stream starts with row data, not EOL");
		const r = decodeToBitmap(stream, { coding: o.coding, width: 1728, bitOrder: o.bitOrder });
		t.is(r.badLines, 0);
		t.is(firstRowDiff(r.bitmap, src), -1, o.coding);
	}
});

test("long zero fill (min scan-line time) and aligned EOLs before every row are skipped", async (t) => {
	const src = await fixturePage("form", "standard");
	const o: Opts = { coding: "mr", k: 4, alignEol: true, minBitsPerRow: 14400, rtc: true };
	const stream = encodeBitmap(src, o);
	t.true(stream.length >= (src.height * 14400) / 8, "each row padded to the minimum");
	const r = decodeToBitmap(stream, { coding: "mr", width: 1728 });
	t.is(r.endMarker, "rtc");
	t.is(firstRowDiff(r.bitmap, src), -1);
});

for (const o of [{ coding: "mh", rtc: true }, { coding: "mr", k: 4, rtc: true }, { coding: "mr", k: 2, rtc: true, alignEol: true }] as Opts[]) {
	test(`corrupted ${o.coding} k=${o.k ?? "-"}: bad lines counted, resync at the next EOL`, async (t) => {
		const src = await fixturePage("text", "fine");
		const { stream, rowStart } = encodeWithOffsets(src, o);
		const rnd = prng(7);
		for (let trial = 0; trial < 12; trial++) {
			const data = stream.slice();
			const at = 2000 + Math.floor(rnd() * (rowStart[src.height - 200]! - 2000));
			data[at]! ^= 0xff;
			data[at + 1]! ^= 0x5a;
			const y = rowAt(rowStart, at);
			const r = decodeToBitmap(data, { coding: o.coding, width: 1728 });
			const label = `trial ${trial} byte ${at} row ${y}`;
			t.true(r.bitmap.height >= src.height - 3 && r.bitmap.height <= src.height + 2, `${label}: height ${r.bitmap.height}`);
			const d = firstRowDiff(r.bitmap, src);
			t.true(d === -1 || d >= y - 1, `${label}: rows before the damage intact (first diff ${d})`);
			// resynchronised: the last 100 rows (aligned at the end of the page) are intact
			for (let k = 1; k <= 100; k++) t.true(rowEq(r.bitmap, r.bitmap.height - k, src, src.height - k), `${label}: row ${k} from the end`);
			if (d !== -1) t.true(r.badLines >= 1 || o.coding === "mr", `${label}: damage without bad lines`);
			t.true(r.consecutiveBadLines <= r.badLines && r.badLines < 40, `${label}: bad ${r.badLines}/${r.consecutiveBadLines}`);
			t.is(r.endMarker, "rtc");
		}
	});
}

test("a damaged row is replaced by the previous row and counted", async (t) => {
	const src = await fixturePage("text", "standard");
	const { stream, rowStart } = encodeWithOffsets(src, { coding: "mh" });
	// the row with the most coded bytes: wipe its middle with ones (white run 7 codes overflow the width)
	let y = 1;
	for (let k = 1; k < src.height - 1; k++) if (rowStart[k + 1]! - rowStart[k]! > rowStart[y + 1]! - rowStart[y]!) y = k;
	t.true(rowStart[y + 1]! - rowStart[y]! > 20);
	const data = stream.slice();
	data.fill(0xff, rowStart[y]! + 3, rowStart[y + 1]! - 2);
	const r = decodeToBitmap(data, { coding: "mh", width: 1728, rows: src.height });
	t.is(r.badLines, 1);
	t.is(r.consecutiveBadLines, 1);
	t.true(rowEq(r.bitmap, y, r.bitmap, y - 1), "bad row = copy of previous");
	for (let k = 0; k < src.height; k++) if (k !== y) t.true(rowEq(r.bitmap, k, src, k), `row ${k}`);
});

test("corrupted MMR: rows before the damage intact, no hang, rows as asked", async (t) => {
	const src = await fixturePage("form", "fine");
	const { stream, rowStart } = encodeWithOffsets(src, { coding: "mmr" });
	const rnd = prng(11);
	for (let trial = 0; trial < 10; trial++) {
		const data = stream.slice();
		const at = Math.floor(rnd() * stream.length);
		data[at]! ^= 0xa5;
		const y = rowAt(rowStart, at);
		const r = decodeToBitmap(data, { coding: "mmr", width: 1728, rows: src.height });
		t.is(r.bitmap.height, src.height);
		const d = firstRowDiff(r.bitmap, src);
		t.true(d === -1 || d >= y - 1, `byte ${at} row ${y}: first diff ${d}`);
	}
});

test("truncated data: the rows before the cut, truncated flag, missing rows counted when rows are known", async (t) => {
	const src = await fixturePage("text", "standard");
	for (const o of [{ coding: "mh" }, { coding: "mr", k: 4 }, { coding: "mmr" }, { coding: "mh", byteAlignRows: true }] as Opts[]) {
		const { stream, rowStart } = encodeWithOffsets(src, o);
		for (const frac of [0.1, 0.5, 0.93]) {
			const cut = Math.floor(stream.length * frac) + 1;
			const y = rowAt(rowStart, cut);
			const label = `${o.coding}${o.byteAlignRows ? "/2" : ""} cut ${cut} in row ${y}`;
			const r = decodeToBitmap(stream.subarray(0, cut), { ...o, width: 1728 });
			t.true(r.bitmap.height >= y - 1 && r.bitmap.height <= y + 1, `${label}: height ${r.bitmap.height}`);
			const d = firstRowDiff(r.bitmap, src);
			t.true(d === -1 || d >= r.bitmap.height - 1, `${label}: first diff ${d}`);
			const known = decodeToBitmap(stream.subarray(0, cut), { ...o, width: 1728, rows: src.height });
			t.is(known.bitmap.height, src.height);
			t.true(known.truncated, `${label}: truncated`);
			t.true(known.badLines >= src.height - y - 1, `${label}: bad ${known.badLines}`);
		}
	}
});

test("streaming: any chunking gives the rows and statistics of a one-shot decode", async (t) => {
	const src = await fixturePage("form", "standard");
	const rnd = prng(5);
	const cases: Opts[] = [{ coding: "mh", rtc: true }, { coding: "mr", k: 4, rtc: true, bitOrder: "lsb" }, { coding: "mmr", rtc: true }, { coding: "mh", byteAlignRows: true }];
	for (const o of cases) {
		const stream = encodeBitmap(src, o);
		const damaged = stream.slice();
		damaged[Math.floor(stream.length / 3)]! ^= 0xff;
		for (const data of [stream, damaged]) {
			const whole = decodeToBitmap(data, { ...o, width: 1728 });
			for (const maxChunk of [1, 7, 300, 5000]) {
				const dec = new T4Decoder({ ...o, width: 1728 });
				const rows: Uint8Array[] = [];
				for (let i = 0; i < data.length; ) {
					const n = 1 + Math.floor(rnd() * maxChunk);
					rows.push(...dec.push(data.subarray(i, i + n)));
					i += n;
				}
				const end = dec.end();
				rows.push(...end.rows);
				const label = `${o.coding} chunks<=${maxChunk}`;
				t.is(rows.length, whole.bitmap.height, label);
				t.true(rows.every((r, y) => Buffer.compare(r, whole.bitmap.data.subarray(y * 216, (y + 1) * 216)) === 0), `${label}: rows`);
				t.is(end.badLines, whole.badLines, label);
				t.is(end.endMarker, whole.endMarker, label);
			}
		}
	}
});

test("streaming: a damaged row whose error runs into zero fill at a chunk boundary waits for the next chunk", async (t) => {
	// found by fuzzing: the decoder took the zeros before the next EOL, at the end of a chunk, for the end of data
	const src = await fixturePage("form", "standard");
	const data = encodeBitmap(src, { coding: "mh", rtc: true }).slice();
	for (const bit of [70033, 83156, 149012, 163017, 137637]) data[bit >>> 3]! ^= 1 << (bit & 7);
	const whole = decodeToBitmap(data, { coding: "mh", width: 1728 });
	const dec = new T4Decoder({ coding: "mh", width: 1728 });
	let rows = dec.push(data.subarray(0, 17210)).length;
	rows += dec.push(data.subarray(17210)).length;
	const end = dec.end();
	t.is(rows + end.rows.length, whole.bitmap.height);
	t.is(end.badLines, whole.badLines);
	t.is(end.endMarker, whole.endMarker);
	t.is(whole.endMarker, "rtc");
});

test("streaming encoder: take() after each row concatenates to encodeBitmap's output", async (t) => {
	const src = await fixturePage("halftone", "standard");
	for (const o of [{ coding: "mh", rtc: true, bitOrder: "lsb" }, { coding: "mr", k: 4, alignEol: true, minBitsPerRow: 960 }, { coding: "mmr", rtc: true }] as Opts[]) {
		const { stream } = encodeWithOffsets(src, o);
		t.deepEqual(stream, encodeBitmap(src, o), o.coding);
	}
});

test("unusable input gives typed FaxErrors", (t) => {
	const code = (f: () => unknown) => {
		try {
			f();
			return "none";
		} catch (e) {
			return isFaxError(e) ? e.code : `untyped: ${String(e)}`;
		}
	};
	t.is(code(() => decodeToBitmap(new Uint8Array(0), { coding: "mh", width: 1728 })), "T4_TRUNCATED");
	t.is(code(() => decodeToBitmap(new Uint8Array(5000).fill(0xff), { coding: "mh", width: 1728 })), "T4_DECODE_ERROR");
	t.is(code(() => decodeToBitmap(new Uint8Array(5000), { coding: "mr", width: 1728 })), "T4_DECODE_ERROR");
	t.is(code(() => decodeToBitmap(new Uint8Array([0x00, 0x10, 0x00]), { coding: "mmr", width: 1728 })), "T4_DECODE_ERROR");
	t.is(code(() => decodeToBitmap(new Uint8Array(10), { coding: "mh", width: 0 })), "T4_UNSUPPORTED");
	t.is(code(() => decodeToBitmap(new Uint8Array(10), { coding: "xx" as "mh", width: 8 })), "T4_UNSUPPORTED");
	t.is(code(() => new T4Encoder({ coding: "mr", width: 1728, eol: false })), "T4_UNSUPPORTED");
	t.is(code(() => new T4Encoder({ coding: "mh", width: 100 }).encodeRow(new Uint8Array(3))), "T4_UNSUPPORTED");
	// 2-D extension code (uncompressed mode, T.4 §4.2.1.3.4) is a bad line, not a crash: bits 1 (V0: a white
	// row) then 0000001 111 (extension)
	const ext = decodeToBitmap(new Uint8Array([0x81, 0xe0]), { coding: "mmr", width: 16, rows: 3 });
	t.is(ext.bitmap.height, 3);
	t.is(ext.badLines, 2, "the extension row plus the row MMR cannot resynchronise to");
});

test("maxRows bounds the output of a stream that never ends", (t) => {
	// 0xff = eight V0 codes = eight white rows in MMR: 400,000 rows unless capped
	const data = new Uint8Array(50000).fill(0xff);
	const r = decodeToBitmap(data, { coding: "mmr", width: 1728, maxRows: 1000 });
	t.is(r.bitmap.height, 1000);
	t.is(r.bitmap.data.length, 1000 * 216);
	const dec = new T4Decoder({ coding: "mmr", width: 1728, maxRows: 500 });
	t.is(dec.push(data).length, 500);
	t.is(dec.push(data).length, 0);
});

test("the row decoders leave the bit reader exactly at the next row (no reload between rows)", async (t) => {
	const src = await fixturePage("form", "standard");
	for (const coding of ["mmr", "mh"] as const) {
		const stream = encodeBitmap(src, { coding, eol: false });
		const r = new BitReader();
		r.load(stream, stream.length, 0);
		let ref = changesArray(1728);
		let cur = changesArray(1728);
		ref.fill(1728);
		const row32 = new Int32Array(54);
		const row = new Uint8Array(row32.buffer);
		let bad = 0;
		for (let y = 0; y < src.height; y++) {
			const n = coding === "mmr" ? decode2D(r, 1728, ref, cur, row32, 54) : decode1D(r, 1728, cur);
			if (n < 0) {
				bad++;
				break;
			}
			if (coding === "mh") paintRow(cur, n, row32, 54);
			if (!rowEq({ ...src, data: row, height: 1 }, 0, src, y)) bad++;
			[ref, cur] = [cur, ref];
		}
		t.is(bad, 0, coding);
	}
});
