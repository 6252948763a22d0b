/** PackBits decoding: Apple TN1023's published example, bounded output on hostile input. */
import test from "ava";
import { unpackBits } from "../../../src/tiff/packbits.js";

const hex = (s: string): Uint8Array => Uint8Array.from(s.split(/\s+/).filter(Boolean).map((h) => parseInt(h, 16)));

test("Apple TN1023 example decodes to its published bytes", (t) => {
	const packed = hex("FE AA 02 80 00 2A FD AA 03 80 00 2A 22 F7 AA");
	const want = hex("AA AA AA 80 00 2A AA AA AA AA 80 00 2A 22 AA AA AA AA AA AA AA AA AA AA");
	const r = unpackBits(packed, want.length);
	t.deepEqual(Array.from(r.data), Array.from(want));
	t.false(r.short);
});

test("output never exceeds the expected size; short input is reported; 0x80 is a no-op", (t) => {
	const r = unpackBits(hex("81 FF 81 FF 81 FF"), 10);
	t.is(r.data.length, 10);
	t.deepEqual(Array.from(r.data), Array(10).fill(0xff));
	const s = unpackBits(hex("80 05 01 02"), 8);
	t.true(s.short);
	t.deepEqual(Array.from(s.data.subarray(0, 3)), [1, 2, 0]);
});
