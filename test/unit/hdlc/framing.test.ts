/**
 * Software HDLC for high-speed data (src/hdlc/framer.ts, deframer.ts) against an implementation nobody
 * here wrote: SpanDSP 0.0.6's hdlc_tx / hdlc_rx (hw-mocks/spandsp/hdlcOracle.ts), bit for bit, plus one
 * vector worked out by hand from ISO/IEC 13239 (flag, zero insertion after five 1s, FCS low octet first,
 * LSB first on the line) for SpanDSP's CFR frame with its FCS from tests/t31_tests.c.
 */
import test from "ava";
import { deframe, HdlcDeframer, type DeframedEvent } from "../../../src/hdlc/deframer.js";
import { frameStream, HdlcFramer } from "../../../src/hdlc/framer.js";
import { buildHdlcOracle, spandspDeframe, spandspFrame } from "../../../hw-mocks/spandsp/hdlcOracle.js";

test.before(async () => {
	await buildHdlcOracle();
});

/** A deterministic generator (xorshift) so a failure can be replayed. */
function rng(seed: number): () => number {
	let s = seed >>> 0 || 1;
	return () => {
		s ^= s << 13;
		s ^= s >>> 17;
		s ^= s << 5;
		return (s >>> 0) / 2 ** 32;
	};
}

/** ECM-like frames (FF 03 06 n + data) with data that stresses stuffing: 0xFF runs, 0x7E, 0x3F, random. */
function sampleFrames(seed: number, count: number, size: number): Uint8Array[] {
	const r = rng(seed);
	const fills = [() => 0xff, () => 0x7e, () => 0x3f, () => 0x00, () => Math.floor(r() * 256), () => (r() < 0.8 ? 0xff : 0xfe)];
	return Array.from({ length: count }, (_, n) => {
		const f = new Uint8Array(4 + size);
		f.set([0xff, 0x03, 0x06, n & 0xff]);
		const fill = fills[n % fills.length]!;
		for (let i = 4; i < f.length; i++) f[i] = fill();
		return f;
	});
}

const bitsOf = (b: Uint8Array, n = b.length * 8): number[] => Array.from({ length: n }, (_, i) => (b[i >> 3]! >> (i & 7)) & 1);
const goodFrames = (ev: DeframedEvent[]): Uint8Array[] => ev.filter((e): e is Extract<DeframedEvent, { kind: "frame" }> => e.kind === "frame").map((e) => e.frame);

test("hand-worked vector: CFR ff 13 84 (FCS ea 7d) between flags", (t) => {
	// stuffed bits: ff -> 11111 0 111, 13 -> 11 0 001000, 84 -> 00100001, ea -> 01010111, 7d -> 101111 1 0 0
	// (a 0 after each run of five 1s), packed LSB first after a 7e flag, closing flag, padded with flag bits
	const f = new HdlcFramer();
	f.flags(1).frame(Uint8Array.from([0xff, 0x13, 0x84]));
	t.is(f.bitLength, 8 + 43 + 8);
	t.deepEqual([...f.finish()], [0x7e, 0xdf, 0x47, 0x10, 0xaa, 0xf7, 0xf1, 0xf3]);
	t.deepEqual(goodFrames(deframe(Uint8Array.from([0x7e, 0xdf, 0x47, 0x10, 0xaa, 0xf7, 0xf1, 0xf3]))), [Uint8Array.from([0xff, 0x13, 0x84])]);
});

for (const [name, seed, count, size, lead] of [
	["256-octet ECM frames", 1, 12, 256, 3],
	["64-octet ECM frames", 2, 30, 64, 1],
	["V.21-sized frames", 3, 8, 3, 5],
] as const) {
	test(`framer bits equal SpanDSP hdlc_tx bit for bit: ${name}`, (t) => {
		const frames = sampleFrames(seed, count, size);
		const f = new HdlcFramer();
		f.flags(lead);
		for (const fr of frames) f.frame(fr);
		const n = f.bitLength;
		const ours = f.finish();
		const theirs = spandspFrame(frames, lead);
		t.true(theirs.length * 8 >= n);
		t.deepEqual(bitsOf(ours, n), bitsOf(theirs, n), "same flags, stuffing, FCS and bit order up to our closing flag");
	});

	test(`each side deframes the other's stream: ${name}`, (t) => {
		const frames = sampleFrames(seed + 100, count, size);
		const theirs = spandspFrame(frames, lead);
		t.deepEqual(goodFrames(deframe(theirs)), frames, "our deframer on SpanDSP's stream");
		const ours = frameStream(frames, lead);
		const ev = spandspDeframe(ours);
		t.true(ev.every((e) => e.kind === "ok"));
		t.deepEqual(
			ev.map((e) => (e.kind === "abort" ? undefined : [...e.frame])),
			frames.map((x) => [...x]),
			"SpanDSP's deframer on our stream",
		);
	});
}

test("chunking does not matter: byte by byte equals all at once", (t) => {
	const frames = sampleFrames(7, 10, 64);
	const stream = frameStream(frames, 2);
	const d = new HdlcDeframer();
	const ev: DeframedEvent[] = [];
	for (const b of stream) ev.push(...d.push(Uint8Array.of(b)));
	t.deepEqual(goodFrames(ev), frames);
	t.is(d.stats.frames, 10);
});

test("a flipped bit fails the frame on both deframers; the frames around it survive", (t) => {
	const frames = sampleFrames(11, 6, 256);
	const f = new HdlcFramer();
	f.flags(1);
	const ends: number[] = [];
	for (const fr of frames) ends.push(f.frame(fr).bitLength);
	const stream = f.finish();
	const r = rng(99);
	for (let trial = 0; trial < 40; trial++) {
		const bad = stream.slice();
		// a bit inside frame 3, clear of its flags
		const bit = ends[2]! + 8 + Math.floor(r() * (ends[3]! - ends[2]! - 24));
		bad[bit >> 3]! ^= 1 << (bit & 7);
		const ours = goodFrames(deframe(bad));
		const theirs = spandspDeframe(bad).flatMap((e) => (e.kind === "ok" ? [e.frame] : []));
		t.deepEqual(ours.map((x) => [...x]), theirs.map((x) => [...x]), `trial ${trial}: both accept the same frames`);
		t.false(ours.some((x) => x[3] === 3), `trial ${trial}: the damaged frame is never accepted`);
		t.deepEqual(ours.map((x) => x[3]).filter((n) => n !== 4), [0, 1, 2, 5], `trial ${trial}: the frames around it survive`);
	}
});

test("abort drops the frame in progress; the next frame after a flag is received (both deframers)", (t) => {
	const [a, c] = sampleFrames(21, 2, 64);
	const s = new HdlcFramer();
	s.flags(2).frame(a!);
	const head = s.finish(); // a, its closing flag, padding with flag bits
	const partial = new Uint8Array(6).fill(0x55); // the start of a frame: data bits with no runs of 1s
	const stream = Uint8Array.from([...head, 0x7e, ...partial, 0xff, 0xff, ...frameStream([c!], 1)]);
	const ours = deframe(stream);
	t.deepEqual(ours.map((e) => e.kind), ["frame", "abort", "frame"]);
	t.deepEqual(goodFrames(ours), [a!, c!]);
	const theirs = spandspDeframe(stream);
	t.deepEqual(theirs.flatMap((e) => (e.kind === "ok" ? [[...e.frame]] : [])), [[...a!], [...c!]]);
	t.true(theirs.some((e) => e.kind === "abort"), "SpanDSP sees the abort too");
});

test("bad frames are reported with a reason, never as good", (t) => {
	// too short: flag, two octets, flag
	const ev1 = deframe(Uint8Array.from([0x7e, 0x12, 0x34, 0x7e]));
	t.deepEqual(ev1.map((e) => (e.kind === "bad" ? e.reason : e.kind)), ["short"]);
	// misaligned: flag, 12 data bits (0x555 has no runs), flag
	const misaligned = Uint8Array.from([0x7e, 0x55, 0xe5, 0x07]); // 7e | 0x55 + 0x5 (12 bits) | 0111 1110 split
	const ev2 = deframe(misaligned);
	t.true(ev2.every((e) => e.kind !== "frame"));
	// too long for maxLength
	const big = frameStream(sampleFrames(5, 1, 256), 1);
	const ev3 = new HdlcDeframer({ maxLength: 100 }).push(big);
	t.deepEqual(ev3.map((e) => (e.kind === "bad" ? e.reason : e.kind)), ["long"]);
	// idle ones (no carrier data) and noise before the first flag yield nothing
	t.deepEqual(deframe(new Uint8Array(64).fill(0xff)), []);
});
