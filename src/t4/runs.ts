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

/**
 * Paint the row described by `n` changes in `ch` (followed by a `width` sentinel) into `row`
 * (stride bytes, cleared first). Black spans are [ch[0], ch[1]), [ch[2], ch[3]), ...
 */
export function paintRow(ch: Int32Array, n: number, _width: number, row: Uint8Array, stride: number): void {
	row.fill(0, 0, stride);
	for (let k = 0; k < n; k += 2) {
		const x0 = ch[k]!;
		const x1 = ch[k + 1]!; // the width sentinel closes an odd count
		const b0 = x0 >>> 3;
		const b1 = (x1 - 1) >>> 3;
		if (b0 === b1) {
			row[b0]! |= (0xff >>> (x0 & 7)) & (0xff00 >>> (((x1 - 1) & 7) + 1));
		} else {
			row[b0]! |= 0xff >>> (x0 & 7);
			for (let b = b0 + 1; b < b1; b++) row[b] = 0xff;
			row[b1] = (0xff00 >>> (((x1 - 1) & 7) + 1)) & 0xff;
		}
	}
}
