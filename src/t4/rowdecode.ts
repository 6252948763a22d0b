/**
 * Table-driven decoding of one coded row into changing elements: T.4 §4.1 1-D (MH) runs and
 * T.4 §4.2 / T.6 §2.2 2-D (MR/MMR) modes, over a 32-bit bit buffer refilled 16 bits at a time.
 * Bytes past the end of data read as zeros; the caller compares the bit position with the data end
 * to tell a complete row from a truncated one. Rows with width+1 runs (a row starting black) and the
 * extended make-up codes are decoded; zero-length runs are merged so changes stay strictly increasing.
 */
import { BLACK_LOOKUP, MODE_EXT, MODE_H, MODE_LOOKUP, MODE_P, PAIR_LOOKUP, WHITE_LOOKUP } from "./tables.js";
import { SENTINELS, paintRow, paintSpan } from "./runs.js";

/** Row decode failures (negative results of decode1D/decode2D). */
const ERR_CODE = -1; // no valid code word (includes an EOL or zeros inside a row)
const ERR_WIDTH = -2; // runs overshoot the row width
const ERR_EXT = -3; // 2-D extension (uncompressed mode), not supported
const ERR_LOOP = -4; // too many code words without progress

/** Bit source over a byte array: `acc` holds `nb` unread bits in its low bits. */
export class BitReader {
	data: Uint8Array = new Uint8Array(0);
	end = 0;
	pos = 0;
	acc = 0;
	nb = 0;
	/** Index past the last byte a row decode loaded (it may have looked beyond the data). */
	peak = 0;
	/** Set by decode2D: the row was all V0 codes, i.e. identical to its reference row. */
	same = false;

	/** Position the reader at absolute bit `bit` of `data` (bytes 0..end-1 are real). */
	load(data: Uint8Array, end: number, bit: number): void {
		this.data = data;
		this.end = end;
		const p = bit >>> 3;
		this.acc = p < end ? data[p]! : 0;
		this.pos = p + 1;
		this.nb = 8 - (bit & 7);
	}

	/** Absolute position of the next unread bit. */
	bit(): number {
		return this.pos * 8 - this.nb;
	}
}

/** PAIR_LOOKUP for both colours in one array: index (colour << 12) | next 12 bits. */
const PAIRS = new Uint16Array(2 << 12);
PAIRS.set(PAIR_LOOKUP[0], 0);
PAIRS.set(PAIR_LOOKUP[1], 1 << 12);

/** Entries at or above this are make-up codes (run >= 64). */
const MAKEUP_MIN = 64 << 4;

/** Decode one 1-D row into `out`; returns the number of changes (sentinels appended) or an ERR_*. */
export function decode1D(r: BitReader, width: number, out: Int32Array): number {
	const data = r.data;
	let pos = r.pos;
	let acc = r.acc;
	let nb = r.nb;
	let a0 = 0;
	let n = 0;
	let budget = width + 32;
	let res = 0;
	let t = 0;
	rows: for (;;) {
		if (nb < 16) {
			acc = (acc << 16) | (data[pos]! << 8) | data[pos + 1]!;
			pos += 2;
			nb += 16;
		}
		// short white run + short black run in one look-up (only when the white run leaves the row open)
		const pe = PAIR_LOOKUP[0][(acc >>> (nb - 12)) & 0xfff]!;
		if (pe !== 0 && a0 + (pe & 63) < width) {
			nb -= pe >>> 12;
			a0 += pe & 63;
			if (n > 0 && out[n - 1] === a0) n--;
			else out[n++] = a0;
			a0 += (pe >>> 6) & 63;
			if (a0 >= width) {
				res = a0 === width ? n : ERR_WIDTH;
				break;
			}
			out[n++] = a0;
			if (--budget < 0) {
				res = ERR_LOOP;
				break;
			}
			continue;
		}
		// white run: make-up codes, then a terminating code
		do {
			if (nb < 16) {
				acc = (acc << 16) | (data[pos]! << 8) | data[pos + 1]!;
				pos += 2;
				nb += 16;
			}
			t = WHITE_LOOKUP[(acc >>> (nb - 13)) & 0x1fff]!;
			if (t === 0) {
				res = ERR_CODE;
				break rows;
			}
			nb -= t & 15;
			a0 += t >>> 4;
		} while (t >= MAKEUP_MIN && a0 <= width);
		if (a0 >= width) {
			res = a0 === width && t < MAKEUP_MIN ? n : ERR_WIDTH;
			break;
		}
		if (n > 0 && out[n - 1] === a0) n--;
		else out[n++] = a0;
		// black run
		do {
			if (nb < 16) {
				acc = (acc << 16) | (data[pos]! << 8) | data[pos + 1]!;
				pos += 2;
				nb += 16;
			}
			t = BLACK_LOOKUP[(acc >>> (nb - 13)) & 0x1fff]!;
			if (t === 0) {
				res = ERR_CODE;
				break rows;
			}
			nb -= t & 15;
			a0 += t >>> 4;
		} while (t >= MAKEUP_MIN && a0 <= width);
		if (a0 >= width) {
			res = a0 === width && t < MAKEUP_MIN ? n : ERR_WIDTH;
			break;
		}
		if (n > 0 && out[n - 1] === a0) n--;
		else out[n++] = a0;
		if (--budget < 0) {
			res = ERR_LOOP;
			break;
		}
	}
	r.peak = pos;
	// hand whole unread bytes back so the stored bit buffer stays a small integer (a V8 Smi field)
	while (nb >= 8) {
		acc >>>= 8;
		nb -= 8;
		pos--;
	}
	r.pos = pos;
	r.acc = acc & ((1 << nb) - 1);
	r.nb = nb;
	if (res >= 0) for (let k = 0; k < SENTINELS; k++) out[n + k] = width;
	return res;
}

/**
 * 2-D mode lookup over the next 7 bits, recoded for the decoder's branch order:
 * vertical V(d) = 0x80 | (d + 3) << 4 | length; pass 0x10 | length; horizontal 0x20 | length;
 * extension 0x30 | length; 0 = no code (zeros: EOL, fill or garbage).
 */
const MODES = MODE_LOOKUP.map((e) => {
	if (e === 0) return 0;
	const mode = e >>> 4;
	const len = e & 15;
	if (mode >= 2 && mode <= 8) return 0x80 | ((mode - 2) << 4) | len;
	return (mode === MODE_P ? 0x10 : mode === MODE_H ? 0x20 : mode === MODE_EXT ? 0x30 : 0) | len;
});

/**
 * Decode one 2-D row against reference changes `ref` into `out` and paint it into `row32` (a word view
 * of a row buffer of `words` words, cleared first; spans are painted as they close); returns the change
 * count or an ERR_* (the row buffer is then partly painted).
 */
export function decode2D(r: BitReader, width: number, ref: Int32Array, out: Int32Array, row32: Int32Array, words: number): number {
	const data = r.data;
	let pos = r.pos;
	let acc = r.acc;
	let nb = r.nb;
	let a0 = -1;
	let n = 0;
	// j indexes b1: the first reference change right of a0 whose index parity equals a0's colour (n & 1)
	let j = 0;
	let budget = width + 32; // horizontal modes (the only ones that can make no progress)
	let res = 0;
	let same = true;
	let dirty = false;
	row32.fill(0, 0, words);
	outer: for (;;) {
		if (nb < 16) {
			acc = (acc << 16) | (data[pos]! << 8) | data[pos + 1]!;
			pos += 2;
			nb += 16;
		}
		if ((acc >>> (nb - 1)) & 1) {
			// a run of m V0 codes copies m reference changes: after V0 at ref[j], b1 is ref[j + 1]
			const m = Math.clz32(~(acc << (32 - nb)));
			const stop = j + m;
			for (; j < stop; j++) {
				const a1 = ref[j]!;
				if (a1 >= width) {
					nb -= m - (stop - j) + 1; // up to the V0 that reaches the end of the row
					res = n;
					break outer;
				}
				out[n++] = a1;
				if ((n & 1) === 0) paintSpan(row32, out[n - 2]!, a1);
			}
			nb -= m;
			a0 = ref[j - 1]!;
			continue;
		}
		const e = MODES[(acc >>> (nb - 7)) & 0x7f]!;
		same = false;
		if (e & 0x80) {
			// V(d), d = -3..3 except 0
			nb -= e & 15;
			const d = ((e >>> 4) & 7) - 3;
			const a1 = ref[j]! + d;
			if (a1 >= width || a1 <= a0) {
				res = a1 === width && a1 > a0 ? n : ERR_WIDTH;
				break;
			}
			out[n++] = a1;
			if ((n & 1) === 0) paintSpan(row32, out[n - 2]!, a1);
			a0 = a1;
			// b1 moves left only after a VL code jumping back over a reference change (for d >= 0,
			// ref[j - 1] < ref[j] <= a1): no test of d, one branch that is rarely taken
			if (j > 0 && ref[j - 1]! > a1) {
				j--;
				continue;
			}
			j++;
			while (ref[j]! <= a1) j += 2;
			continue;
		}
		if (e === 0) {
			res = ERR_CODE;
			break;
		}
		if (e < 0x20) {
			// pass: a0 moves under b2, colour unchanged
			nb -= e & 15;
			a0 = ref[j + 1]!;
			if (a0 >= width) {
				res = n;
				break;
			}
			j += 2;
			continue;
		}
		if (e >= 0x30) {
			res = ERR_EXT;
			break;
		}
		// horizontal: two runs, a0's colour then the other one
		nb -= e & 15;
		if (--budget < 0) {
			res = ERR_LOOP;
			break;
		}
		const color = n & 1;
		let x = a0 < 0 ? 0 : a0;
		let x1: number;
		if (nb < 16) {
			acc = (acc << 16) | (data[pos]! << 8) | data[pos + 1]!;
			pos += 2;
			nb += 16;
		}
		const pe = PAIRS[(color << 12) | ((acc >>> (nb - 12)) & 0xfff)]!;
		if (pe !== 0) {
			// both runs short: one look-up
			nb -= pe >>> 12;
			x1 = x + (pe & 63);
			x = x1 + ((pe >>> 6) & 63);
			if (x > width) {
				res = ERR_WIDTH;
				break;
			}
		} else {
			// general path: make-up codes or long codes
			const t1 = color === 0 ? WHITE_LOOKUP : BLACK_LOOKUP;
			const t2 = color === 0 ? BLACK_LOOKUP : WHITE_LOOKUP;
			let t = 0;
			do {
				if (nb < 16) {
					acc = (acc << 16) | (data[pos]! << 8) | data[pos + 1]!;
					pos += 2;
					nb += 16;
				}
				t = t1[(acc >>> (nb - 13)) & 0x1fff]!;
				if (t === 0) {
					res = ERR_CODE;
					break outer;
				}
				nb -= t & 15;
				x += t >>> 4;
			} while (t >= MAKEUP_MIN && x <= width);
			x1 = x;
			do {
				if (nb < 16) {
					acc = (acc << 16) | (data[pos]! << 8) | data[pos + 1]!;
					pos += 2;
					nb += 16;
				}
				t = t2[(acc >>> (nb - 13)) & 0x1fff]!;
				if (t === 0) {
					res = ERR_CODE;
					break outer;
				}
				nb -= t & 15;
				x += t >>> 4;
			} while (t >= MAKEUP_MIN && x <= width);
			if (x > width || t >= MAKEUP_MIN) {
				res = ERR_WIDTH;
				break;
			}
		}
		if (x1 < width) {
			if (n > 0 && out[n - 1] === x1) {
				n--; // zero-length run: the changes cancel (repaint the row at the end)
				dirty = true;
			} else {
				out[n++] = x1;
				if ((n & 1) === 0) paintSpan(row32, out[n - 2]!, x1);
			}
			if (x < width) {
				if (n > 0 && out[n - 1] === x) {
					n--;
					dirty = true;
				} else {
					out[n++] = x;
					if ((n & 1) === 0) paintSpan(row32, out[n - 2]!, x);
				}
			}
		}
		a0 = x;
		if (a0 >= width) {
			res = n;
			break;
		}
		if ((j & 1) === (n & 1)) {
			while (ref[j]! <= a0) j += 2;
		} else {
			// zero-length runs changed the colour: search b1 afresh
			if (j > 0) j--;
			while (ref[j]! <= a0) j++;
			if ((j & 1) !== (n & 1)) j++;
		}
	}
	r.peak = pos;
	// hand whole unread bytes back so the stored bit buffer stays a small integer (a V8 Smi field)
	while (nb >= 8) {
		acc >>>= 8;
		nb -= 8;
		pos--;
	}
	r.pos = pos;
	r.acc = acc & ((1 << nb) - 1);
	r.nb = nb;
	r.same = same;
	if (res >= 0) {
		for (let k = 0; k < SENTINELS; k++) out[n + k] = width;
		if (dirty) paintRow(out, res, row32, words);
		else if (res & 1) paintSpan(row32, out[res - 1]!, width);
	}
	return res;
}
