/**
 * src/at/dle.ts: DLE transparency both ways (T.31 §8.3.3-8.3.5), against hand-written wire bytes and
 * the scripted DCE's independent encoder, split at every chunk boundary.
 */
import test from "ava";
import fc from "fast-check";
import { DleDecoder, dleFrame, dleStuff } from "../../../src/at/dle.js";
import { crc16, wireFrame } from "./scriptedDce.js";

const bytes = (...b: number[]) => Uint8Array.from(b);

test("dleStuff doubles every DLE and nothing else; dleFrame appends DLE ETX", (t) => {
	t.deepEqual([...dleStuff(bytes(0x10, 0x03, 0x11, 0x13, 0x10, 0x10))], [0x10, 0x10, 0x03, 0x11, 0x13, 0x10, 0x10, 0x10, 0x10]);
	t.deepEqual([...dleFrame(bytes(0xff, 0x13, 0x10))], [0xff, 0x13, 0x10, 0x10, 0x10, 0x03]);
	t.deepEqual([...dleFrame(bytes())], [0x10, 0x03]);
});

test("decoder: DLE DLE -> DLE, DLE SUB -> DLE DLE, stops at DLE ETX and reports bytes used", (t) => {
	const d = new DleDecoder();
	const input = bytes(0x01, 0x10, 0x10, 0x02, 0x10, 0x1a, 0x03, 0x10, 0x03, 0x4f, 0x4b);
	const used = d.push(input);
	t.true(d.done);
	t.is(used, 9);
	t.deepEqual([...d.data()], [0x01, 0x10, 0x02, 0x10, 0x10, 0x03]);
});

test("decoder: a lone ETX (0x03) is data; DLE then ETX split across chunks still ends the block", (t) => {
	const d = new DleDecoder();
	t.is(d.push(bytes(0x03, 0x11, 0x13, 0x10)), 4);
	t.false(d.done);
	t.is(d.push(bytes(0x03, 0xaa)), 1);
	t.true(d.done);
	t.deepEqual([...d.data()], [0x03, 0x11, 0x13]);
});

test("decoder with dleBug keeps a DLE that is not doubled; without it the odd escape is counted", (t) => {
	const bug = new DleDecoder({ dleBug: true });
	bug.push(bytes(0x41, 0x10, 0x42, 0x10, 0x03));
	t.deepEqual([...bug.data()], [0x41, 0x10, 0x42]);
	const std = new DleDecoder();
	std.push(bytes(0x41, 0x10, 0x42, 0x10, 0x03));
	t.deepEqual([...std.data()], [0x41, 0x42]);
	t.is(std.oddEscapes, 1);
});

test("decoder class 1.0 codes: DLE 0x51/0x53 -> DC1/DC3, DLE EOT ends with an event", (t) => {
	const d = new DleDecoder({ class10: true });
	d.push(bytes(0x10, 0x51, 0x10, 0x53, 0x10, 0x6b, 0x10, 0x04, 0x99));
	t.true(d.done);
	t.deepEqual([...d.data()], [0x11, 0x13]);
	t.deepEqual(
		d.events.map((e) => e.event),
		["primaryChannel", "eot"],
	);
});

test("decoder rejects runaway blocks beyond maxBytes", (t) => {
	const d = new DleDecoder({ maxBytes: 1024 });
	t.throws(() => d.push(new Uint8Array(5000)), { instanceOf: RangeError });
});

test("property: any frame the DCE encodes decodes to itself, split at any point", (t) => {
	fc.assert(
		fc.property(fc.uint8Array({ minLength: 1, maxLength: 300 }), fc.nat(), (body, cut) => {
			const wire = wireFrame(body); // independent encoder, includes FCS
			const at = cut % (wire.length + 1);
			const d = new DleDecoder();
			const used1 = d.push(wire.subarray(0, at));
			const used2 = d.done ? 0 : d.push(wire.subarray(at));
			if (!d.done || used1 + used2 !== wire.length) return false;
			const out = d.data();
			const fcs = crc16(body);
			return Buffer.from(out.subarray(0, body.length)).equals(Buffer.from(body)) && out[body.length] === (fcs & 0xff) && out[body.length + 1] === fcs >>> 8;
		}),
	);
	t.pass();
});

test("property: dleFrame output decodes back to the input", (t) => {
	fc.assert(
		fc.property(fc.uint8Array({ maxLength: 2000 }), (data) => {
			const d = new DleDecoder();
			const f = dleFrame(data);
			return d.push(f) === f.length && d.done && Buffer.from(d.data()).equals(Buffer.from(data));
		}),
	);
	t.pass();
});
