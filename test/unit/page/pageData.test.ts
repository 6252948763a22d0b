/**
 * Phase C page streaming (src/page/pageData.ts): the chunks `pageChunks` yields, joined, are exactly the
 * whole page coded at once by the same encoder plus the 20 zero octets after RTC, whatever the chunk size;
 * the running byte count ends at their total; the scan-line fill rule `minBitsPerRow` (class1.md §2.5).
 */
import test from "ava";
import { rowOf } from "../../../src/core/bitmap.js";
import { t4EncoderFactory } from "../../../src/page/t4Encoder.js";
import { minBitsPerRow, PAGE_TRAILER_ZEROS, pageChunks, type RowEncoderOptions } from "../../../src/page/pageData.js";
import { testPage } from "../t30/helpers.js";

async function collect(it: AsyncIterable<Uint8Array>): Promise<Uint8Array[]> {
	const out: Uint8Array[] = [];
	for await (const c of it) out.push(c);
	return out;
}

test("chunks joined = the page coded in one go + 20 zero octets, for any chunk size", async (t) => {
	const page = testPage(7, { height: 300 });
	const o: RowEncoderOptions = { coding: "mr", width: 1728, k: 4, minBitsPerRow: 144 };
	const whole = t4EncoderFactory(o);
	for (let y = 0; y < page.bitmap.height; y++) whole.encodeRow(rowOf(page.bitmap, y));
	const expected = Buffer.concat([whole.take(), whole.finish(), Buffer.alloc(PAGE_TRAILER_ZEROS)]);
	for (const size of [1, 64, 4096, 1 << 20]) {
		const counts: number[] = [];
		const chunks = await collect(pageChunks(page, o, t4EncoderFactory, (n) => counts.push(n), size));
		t.deepEqual(Buffer.concat(chunks), expected, `chunk size ${size}`);
		t.is(counts.at(-1), expected.length);
		t.true(counts.every((n, i) => i === 0 || n > counts[i - 1]!), "running total grows");
		if (size === 64) t.true(chunks.length > 10, `${chunks.length} chunks`);
		if (size === 1 << 20) t.is(chunks.length, 1);
	}
	t.deepEqual(expected.subarray(-PAGE_TRAILER_ZEROS), Buffer.alloc(PAGE_TRAILER_ZEROS));
});

test("minBitsPerRow: ceil(bit rate × ms / 1000)", (t) => {
	t.is(minBitsPerRow(14400, 10), 144);
	t.is(minBitsPerRow(14400, 20), 288); // 36 octets, class1.md §2.5
	t.is(minBitsPerRow(9600, 5), 48);
	t.is(minBitsPerRow(7200, 0), 0);
	t.is(minBitsPerRow(2400, 3), 8); // 7.2 -> 8
});
