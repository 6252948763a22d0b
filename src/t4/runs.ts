/**
 * Changing elements of a packed bilevel row (T.4 §4.2.1.3.1: a pixel whose colour differs from the
 * previous one; the imaginary pixel before the row is white), found 32 pixels at a time with XOR and
 * Math.clz32, and the inverse: painting black spans between changing elements with byte writes.
 * A changes array holds strictly increasing positions < width, followed by at least 4 copies of `width`
 * as sentinels (so b1/b2 look-ups in 2-D coding never run off the end).
 */

/** Number of sentinel slots appended after the changes. */
export const SENTINELS = 4;

/** A changes array big enough for any row of `width` pixels. */
export const changesArray = (width: number): Int32Array => new Int32Array(width + SENTINELS + 4);

/**
 * Write the changing elements of `row` (width pixels, MSB first, 1 = black) into `out` and return
 * their count. Bits past `width` are ignored. Appends SENTINELS copies of width.
 * `words`, when given, is an Int32Array over row.buffer and `w0` the index of the row's first byte / 4
 * (row.byteOffset must be a multiple of 4): white stretches are then skipped a word per load.
 */
export function rowChanges(row: Uint8Array, width: number, out: Int32Array, words?: Int32Array, w0 = 0): number {
	const nbytes = (width + 7) >>> 3;
	const full = nbytes & ~3;
	let n = 0;
	let prev = 0; // last pixel of the previous word, moved to bit 31
	if (words !== undefined) {
		const wEnd = w0 + (full >>> 2);
		for (let k = w0; k < wEnd; k++) {
			// white stretches: 16 bytes per test
			while (prev === 0 && k + 4 <= wEnd && (words[k]! | words[k + 1]! | words[k + 2]! | words[k + 3]!) === 0) k += 4;
			if (k >= wEnd) break;
			const x = words[k]!;
			if ((x | prev) === 0) continue;
			// the little-endian load holds the 4 bytes reversed: swap them into a big-endian word
			const w = (x << 24) | ((x & 0xff00) << 8) | ((x >>> 8) & 0xff00) | (x >>> 24);
			let t = w ^ ((w >>> 1) | prev);
			prev = w << 31;
			const base = (k - w0) << 5;
			while (t !== 0) {
				const z = Math.clz32(t);
				out[n++] = base + z;
				t ^= 0x80000000 >>> z;
			}
		}
	} else {
		for (let i = 0; i < full; i += 4) {
			const w = (row[i]! << 24) | (row[i + 1]! << 16) | (row[i + 2]! << 8) | row[i + 3]!;
			let t = w ^ ((w >>> 1) | prev);
			prev = w << 31;
			if (t === 0) continue;
			const base = i << 3;
			do {
				const z = Math.clz32(t);
				out[n++] = base + z;
				t ^= 0x80000000 >>> z;
			} while (t !== 0);
		}
	}
	if (full < nbytes) {
		let w = 0;
		for (let k = 0; k < 4; k++) w = (w << 8) | (full + k < nbytes ? row[full + k]! : 0);
		let t = w ^ ((w >>> 1) | prev);
		const base = full << 3;
		while (t !== 0) {
			const z = Math.clz32(t);
			out[n++] = base + z;
			t ^= 0x80000000 >>> z;
		}
	}
	while (n > 0 && out[n - 1]! >= width) n--;
	for (let k = 0; k < SENTINELS; k++) out[n + k] = width;
	return n;
}

const LITTLE_ENDIAN = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1;
/** A big-endian bit mask as it must be stored through an Int32Array on this machine. */
const native = (x: number): number => (LITTLE_ENDIAN ? (x << 24) | ((x & 0xff00) << 8) | ((x >>> 8) & 0xff00) | (x >>> 24) : x);
/** Pixels x..31 of a 32-pixel word, and pixels 0..x-1 (0 = the whole word: a span ending on a boundary). */
const START_MASK = new Int32Array(32);
const END_MASK = new Int32Array(32);
for (let i = 0; i < 32; i++) {
	START_MASK[i] = native(-1 >>> i);
	END_MASK[i] = native(i === 0 ? -1 : ~(-1 >>> i));
}

/**
 * Paint the row described by `n` changes in `ch` (followed by a `width` sentinel) into `row32`, a word
 * view of a row buffer of `words` 32-bit words (cleared first; bytes in MSB-first pixel order).
 * Black spans are [ch[0], ch[1]), [ch[2], ch[3]), ...
 */
export function paintRow(ch: Int32Array, n: number, row32: Int32Array, words: number): void {
	row32.fill(0, 0, words);
	for (let k = 0; k < n; k += 2) {
		const x0 = ch[k]!;
		const x1 = ch[k + 1]!; // the width sentinel closes an odd count
		const w0 = x0 >>> 5;
		const w1 = (x1 - 1) >>> 5;
		if (w0 === w1) {
			row32[w0]! |= START_MASK[x0 & 31]! & END_MASK[x1 & 31]!;
		} else {
			row32[w0]! |= START_MASK[x0 & 31]!;
			for (let w = w0 + 1; w < w1; w++) row32[w] = -1;
			row32[w1] = END_MASK[x1 & 31]!;
		}
	}
}

/** Paint pixels [x0, x1) black in a word-view row (x0 < x1). */
export function paintSpan(row32: Int32Array, x0: number, x1: number): void {
	const w0 = x0 >>> 5;
	const w1 = (x1 - 1) >>> 5;
	if (w0 === w1) {
		row32[w0]! |= START_MASK[x0 & 31]! & END_MASK[x1 & 31]!;
	} else {
		row32[w0]! |= START_MASK[x0 & 31]!;
		for (let w = w0 + 1; w < w1; w++) row32[w] = -1;
		row32[w1] = END_MASK[x1 & 31]!;
	}
}
