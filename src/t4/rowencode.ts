/**
 * The hot loops of the T.4/T.6 encoder: T.4 §4.1 1-D run coding and T.4 §4.2.1.3 / T.6 §2.2 2-D mode
 * coding of one row given its changing elements, writing into a bit sink (the encoder's own fields,
 * copied to locals while coding; whole runs come from one combined make-up + terminating table).
 */
import { MAX_MAKEUP, RUN_CODE, RUN_LEN, RUN_STRIDE, makeupCode, makeupLen, termCode, termLen } from "./tables.js";

/** The bit sink the hot loops write to (a T4Encoder's own fields, copied to locals while coding). */
export interface BitSink {
	out: Uint8Array;
	pos: number;
	acc: number;
	nb: number;
}

/** Rare path: a run longer than 2560 or a black run whose code pair exceeds 24 bits. */
function longRun(s: BitSink, color: number, run: number): void {
	const out = s.out;
	let { pos, acc, nb } = s;
	for (;;) {
		const m = run > MAX_MAKEUP ? 40 : run >>> 6;
		if (m === 0) break;
		acc = (acc << makeupLen[color * 41 + m]!) | makeupCode[color * 41 + m]!;
		nb += makeupLen[color * 41 + m]!;
		while (nb >= 8) {
			nb -= 8;
			out[pos++] = acc >>> nb;
		}
		run -= m << 6;
	}
	acc = (acc << termLen[color * 64 + run]!) | termCode[color * 64 + run]!;
	nb += termLen[color * 64 + run]!;
	while (nb >= 8) {
		nb -= 8;
		out[pos++] = acc >>> nb;
	}
	s.pos = pos;
	s.acc = acc & 0xff; // < 8 pending bits: keep the field a small integer
	s.nb = nb;
}

/**
 * Two short runs as one code: PAIR_CODE white r1 then black r2, PAIR_CODE_BW black r1 then white r2
 * (runs < 64, terminating codes only); index r1 << 6 | r2, entry = code | length << 24 (length <= 20).
 */
const PAIR_CODE = new Uint32Array(64 * 64);
const PAIR_CODE_BW = new Uint32Array(64 * 64);
for (let r1 = 0; r1 < 64; r1++) {
	for (let r2 = 0; r2 < 64; r2++) {
		for (let c = 0; c < 2; c++) {
			const t1 = c * 64 + r1;
			const t2 = (c ^ 1) * 64 + r2;
			const l2 = termLen[t2]!;
			(c === 0 ? PAIR_CODE : PAIR_CODE_BW)[(r1 << 6) | r2] = ((termCode[t1]! << l2) | termCode[t2]!) | ((termLen[t1]! + l2) << 24);
		}
	}
}

/** T.4 §4.1 1-D coding of a row given its n changes (ch[n] is the width sentinel). */
export function encode1D(s: BitSink, ch: Int32Array, n: number): void {
	const out = s.out;
	let pos = s.pos;
	let acc = s.acc;
	let nb = s.nb;
	let a0 = 0;
	// the bit buffer holds up to 31 bits and is flushed two bytes at a time
	for (let i = 0; i <= n; i++) {
		const a1 = ch[i]!;
		if ((i & 1) === 0 && i < n) {
			// a short white run and a short black run: one code of at most 20 bits
			const r1 = a1 - a0;
			const a2 = ch[i + 1]!;
			const r2 = a2 - a1;
			if ((r1 | r2) < 64) {
				const pc = PAIR_CODE[(r1 << 6) | r2]!;
				const pl = pc >>> 24;
				if (nb + pl > 31) {
					while (nb >= 8) {
						nb -= 8;
						out[pos++] = acc >>> nb;
					}
				}
				acc = (acc << pl) | (pc & 0xffffff);
				nb += pl;
				if (nb >= 16) {
					nb -= 16;
					out[pos] = acc >>> (nb + 8);
					out[pos + 1] = acc >>> nb;
					pos += 2;
				}
				a0 = a2;
				i++;
				continue;
			}
		}
		const run = a1 - a0;
		a0 = a1;
		const idx = (i & 1) * RUN_STRIDE + run;
		const len = run <= MAX_MAKEUP ? RUN_LEN[idx]! : 0;
		if (len === 0 || nb + len > 31) {
			while (nb >= 8) {
				nb -= 8;
				out[pos++] = acc >>> nb;
			}
			if (len === 0) {
				s.pos = pos;
				s.acc = acc & 0xff; // < 8 pending bits: keep the field a small integer
				s.nb = nb;
				longRun(s, i & 1, run);
				pos = s.pos;
				acc = s.acc;
				nb = s.nb;
				continue;
			}
		}
		acc = (acc << len) | RUN_CODE[idx]!;
		nb += len;
		if (nb >= 16) {
			nb -= 16;
			out[pos] = acc >>> (nb + 8);
			out[pos + 1] = acc >>> nb;
			pos += 2;
		}
	}
	while (nb >= 8) {
		nb -= 8;
		out[pos++] = acc >>> nb;
	}
	s.pos = pos;
	s.acc = acc & 0xff; // < 8 pending bits: keep the field a small integer
	s.nb = nb;
}

/** 2-D mode codes (T.4 table 4) for V(d), d = -3..3, index d + 3: code | (length << 8). */
const V_CODES = [0x0702, 0x0602, 0x0302, 0x0101, 0x0303, 0x0603, 0x0703];

/** T.4 §4.2 / T.6 2-D coding of `cur` against the reference changes `ref` (both with sentinels). */
export function encode2D(s: BitSink, cur: Int32Array, ref: Int32Array, width: number): void {
	const out = s.out;
	let pos = s.pos;
	let acc = s.acc;
	let nb = s.nb;
	let a0 = -1;
	let i = 0; // index of a1 in cur; colour of a0 = i & 1
	let j = 0; // index of b1 in ref
	while (a0 < width) {
		if (j > 0) j--;
		while (ref[j]! <= a0) j++;
		if ((j & 1) !== (i & 1)) j++;
		const b1 = ref[j]!;
		const b2 = ref[j + 1]!;
		const a1 = cur[i]!;
		if (a1 === b1) {
			// a run of V0: after V0 at ref[j], b1 is ref[j + 1]; count how many changes repeat the reference
			let m = 1;
			if (a1 < width) {
				for (;;) {
					const c = cur[i + m]!;
					if (c !== ref[j + m]) break;
					m++;
					if (c >= width) break;
				}
			}
			i += m;
			j += m;
			a0 = cur[i - 1]!;
			while (m > 0) {
				const c = m > 16 ? 16 : m;
				acc = (acc << c) | ((1 << c) - 1);
				nb += c;
				m -= c;
				while (nb >= 8) {
					nb -= 8;
					out[pos++] = acc >>> nb;
				}
			}
			continue;
		}
		if (b2 < a1) {
			// pass mode 0001
			acc = (acc << 4) | 1;
			nb += 4;
			a0 = b2;
		} else {
			const d = a1 - b1;
			if (d >= -3 && d <= 3) {
				const v = V_CODES[d + 3]!;
				acc = (acc << (v >>> 8)) | (v & 0xff);
				nb += v >>> 8;
				a0 = a1;
				i++;
			} else {
				// horizontal mode 001 + two runs
				acc = (acc << 3) | 1;
				nb += 3;
				while (nb >= 8) {
					nb -= 8;
					out[pos++] = acc >>> nb;
				}
				const a2 = cur[i + 1]!;
				const c = i & 1;
				const r1 = a1 - (a0 < 0 ? 0 : a0);
				const r2 = a2 - a1;
				if ((r1 | r2) < 64) {
					// both runs short: one code of at most 20 bits
					const pc = (c === 0 ? PAIR_CODE : PAIR_CODE_BW)[(r1 << 6) | r2]!;
					const pl = pc >>> 24;
					acc = (acc << pl) | (pc & 0xffffff);
					nb += pl;
					while (nb >= 8) {
						nb -= 8;
						out[pos++] = acc >>> nb;
					}
					a0 = a2;
					i += 2;
					continue;
				}
				for (let k = 0; k < 2; k++) {
					const run = k === 0 ? r1 : r2;
					const col = c ^ k;
					const idx = col * RUN_STRIDE + run;
					const len = run <= MAX_MAKEUP ? RUN_LEN[idx]! : 0;
					if (len === 0) {
						s.pos = pos;
						s.acc = acc & 0xff; // < 8 pending bits: keep the field a small integer
						s.nb = nb;
						longRun(s, col, run);
						pos = s.pos;
						acc = s.acc;
						nb = s.nb;
						continue;
					}
					acc = (acc << len) | RUN_CODE[idx]!;
					nb += len;
					while (nb >= 8) {
						nb -= 8;
						out[pos++] = acc >>> nb;
					}
				}
				a0 = a2;
				i += 2;
				continue;
			}
		}
		while (nb >= 8) {
			nb -= 8;
			out[pos++] = acc >>> nb;
		}
	}
	s.pos = pos;
	s.acc = acc & 0xff; // < 8 pending bits: keep the field a small integer
	s.nb = nb;
}
