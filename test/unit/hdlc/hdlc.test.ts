/**
 * HDLC helpers: FCS against published CRC-16/X.25 check value and against frames with FCS quoted in
 * SpanDSP's tests/t31_tests.c (freeswitch/spandsp), bit reversal, frame build/parse.
 */
import test from "ava";
import { appendFcs, checkFcs, crc16Itu } from "../../../src/hdlc/fcs.js";
import { REVERSED, reverseBits, reverseBitsInPlace, reverseByte } from "../../../src/hdlc/bitOrder.js";
import { buildFrame, parseFrame, CONTROL_FINAL, CONTROL_NON_FINAL } from "../../../src/hdlc/frame.js";
import { isFaxError } from "../../../src/core/FaxError.js";

const bytes = (...b: number[]) => Uint8Array.from(b);
const ascii = (s: string) => Uint8Array.from(Array.from(s, (c) => c.charCodeAt(0)));

test("CRC-16/X.25 check value of '123456789' is 0x906E (reveng catalogue)", (t) => {
	t.is(crc16Itu(ascii("123456789")), 0x906e);
});

// Frames as the T.31 modem delivers them (frame + 2 FCS octets), from freeswitch/spandsp tests/t31_tests.c.
const spandspFrames: [string, Uint8Array][] = [
	["DIS", bytes(0xff, 0x13, 0x80, 0x00, 0xee, 0xf8, 0x80, 0x80, 0x99, 0x80, 0x80, 0x80, 0x18, 0x58, 0x0d)],
	["DIS (T.38)", bytes(0xff, 0x13, 0x80, 0x04, 0xee, 0xf8, 0x80, 0x80, 0x99, 0x80, 0x80, 0x80, 0x18, 0xc4, 0xbd)],
	["CSI", Uint8Array.from([0xff, 0x03, 0x40, ...ascii("11111111"), ...ascii(" ".repeat(12)), 0x1e, 0x46])],
	["TSI", Uint8Array.from([0xff, 0x03, 0x43, ...ascii("11111111"), ...ascii(" ".repeat(12)), 0xaa, 0x1f])],
	["CFR", bytes(0xff, 0x13, 0x84, 0xea, 0x7d)],
	["MCF", bytes(0xff, 0x13, 0x8c, 0xa2, 0xf1)],
	["EOP", bytes(0xff, 0x13, 0x2f, 0x33, 0x66)],
	["DCN", bytes(0xff, 0x13, 0xfb, 0x9a, 0xf6)],
];

for (const [name, f] of spandspFrames) {
	test(`FCS of SpanDSP's ${name} frame matches`, (t) => {
		t.true(checkFcs(f));
		t.deepEqual(appendFcs(f.subarray(0, f.length - 2)), f);
		const bad = f.slice();
		bad[3]! ^= 0x01;
		t.false(checkFcs(bad));
	});
}

test("bit reversal", (t) => {
	t.is(reverseByte(0x01), 0x80);
	t.is(reverseByte(0x80), 0x01);
	t.is(reverseByte(0xb1), 0x8d);
	for (let i = 0; i < 256; i++) t.is(REVERSED[REVERSED[i]!], i);
	const b = bytes(0x01, 0x02, 0xf0);
	t.deepEqual(reverseBits(b), bytes(0x80, 0x40, 0x0f));
	t.deepEqual(b, bytes(0x01, 0x02, 0xf0), "reverseBits copies");
	reverseBitsInPlace(b);
	t.deepEqual(b, bytes(0x80, 0x40, 0x0f));
});

test("frame build/parse", (t) => {
	const f = buildFrame(0x83, bytes(0x00, 0xc6, 0x80), true);
	t.deepEqual(f, bytes(0xff, CONTROL_FINAL, 0x83, 0x00, 0xc6, 0x80));
	const p = parseFrame(f);
	t.true(p.final);
	t.is(p.fcf, 0x83);
	t.deepEqual(p.fif, bytes(0x00, 0xc6, 0x80));
	t.deepEqual(buildFrame(0x43, undefined, false), bytes(0xff, CONTROL_NON_FINAL, 0x43));
	t.false(parseFrame(bytes(0xff, 0x03, 0x40)).final);
	for (const bad of [bytes(0xff, 0x13), bytes(0xfe, 0x13, 0x80), bytes(0xff, 0x12, 0x80)]) {
		const e = t.throws(() => parseFrame(bad));
		t.true(isFaxError(e, "PROTOCOL_ERROR"));
	}
});
