/**
 * Streaming T.4 (MH 1-D §4.1, MR 2-D §4.2 with K factor) and T.6 (MMR) encoder, row by row.
 * Line structure: [EOL] row0 EOL row1 ... EOL rowN-1 [RTC | EOFB]: the EOL precedes each row (the first
 * one only with leadingEol), MR EOLs carry the 1-D/2-D tag bit (§4.2.2), RTC is 6×EOL (MH) or 6×(EOL+1)
 * (MR, §4.1.4 / §4.2.4), EOFB is EOL EOL (T.6 §2.4.1.1). Fill (§4.1.3) is zero bits before an EOL: for the
 * minimum scan-line time (a row incl. its EOL has at least minBitsPerRow bits) and for byte-aligned EOLs
 * (TIFF T4Options bit 2). Output is MSB-first, or LSB-first (FillOrder 2, Class 1 line order).
 */
import { FaxError } from "../core/FaxError.js";
import { changesArray, rowChanges } from "./runs.js";
import {
	EOL_BITS,
	EOL_CODE,
	MAX_MAKEUP,
	REVERSE,
	RUN_CODE,
	RUN_LEN,
	RUN_STRIDE,
	makeupCode,
	makeupLen,
	termCode,
	termLen,
} from "./tables.js";
import type { T4EncodeOptions } from "./types.js";

const MAX_WIDTH = 65535;
/** Word views of row buffers are only byte-swapped correctly on little-endian machines. */
const LITTLE_ENDIAN = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1;

/** Streaming encoder: `encodeRow` per row, `take()` the bytes completed so far, `finish()` the rest. */
export class T4Encoder {
	private readonly width: number;
	private readonly mode: 0 | 1 | 2; // mh, mr, mmr
	private readonly k: number;
	private readonly eol: boolean;
	private readonly alignEol: boolean;
	private readonly byteAlignRows: boolean;
	private readonly leadingEol: boolean;
	private readonly rtc: boolean;
	private readonly minBits: number;
	private readonly lsb: boolean;
	/** @internal bit sink state, used by the hot loops below */
	out: Uint8Array;
	/** @internal */
	pos = 0;
	/** @internal */
	acc = 0;
	/** @internal */
	nb = 0;
	/** absolute bit count at the end of the last EOL (or stream start) */
	private lineStart = 0;
	private base = 0;
	private ref: Int32Array;
	private cur: Int32Array;
	private nRef = 0;
	private kCount = 0;
	private finished = false;
	private readonly bound: number;
	private wordsOf: ArrayBufferLike | undefined;
	private words: Int32Array | undefined;
	/** Rows encoded so far. */
	rows = 0;

	constructor(o: T4EncodeOptions) {
		if (!Number.isInteger(o.width) || o.width < 1 || o.width > MAX_WIDTH) {
			throw new FaxError("T4_UNSUPPORTED", `T.4 encoder: width ${o.width} out of range 1..${MAX_WIDTH}`, { context: { width: o.width } });
		}
		this.width = o.width;
		this.mode = o.coding === "mh" ? 0 : o.coding === "mr" ? 1 : o.coding === "mmr" ? 2 : (-1 as 0);
		if ((this.mode as number) < 0) throw new FaxError("T4_UNSUPPORTED", `T.4 encoder: unknown coding ${String(o.coding)}`);
		this.k = this.mode === 1 ? Math.max(1, Math.floor(o.k ?? 2)) : 1;
		this.eol = this.mode === 2 ? false : (o.eol ?? !o.byteAlignRows);
		if (this.mode === 1 && !this.eol) throw new FaxError("T4_UNSUPPORTED", "T.4 encoder: MR needs EOLs (tag bits)");
		this.alignEol = this.eol && !!o.alignEol;
		this.byteAlignRows = this.mode !== 2 && !!o.byteAlignRows;
		this.leadingEol = this.eol && (o.leadingEol ?? true);
		this.rtc = !!o.rtc;
		this.minBits = this.eol ? Math.max(0, Math.floor(o.minBitsPerRow ?? 0)) : 0;
		this.lsb = o.bitOrder === "lsb";
		this.bound = this.rowBound();
		this.out = new Uint8Array(Math.max(4096, this.bound * 4));
		this.ref = changesArray(this.width);
		this.cur = changesArray(this.width);
		this.nRef = 0;
		this.ref.fill(this.width);
	}

	/** Worst-case bytes one row (plus fill and EOL) can take. */
	private rowBound(): number {
		return (((this.width + 2) * 27 + this.minBits + 64) >>> 3) + 16;
	}

	private ensure(extra: number): void {
		if (this.pos + extra <= this.out.length) return;
		const next = new Uint8Array(Math.max(this.out.length * 2, this.pos + extra));
		next.set(this.out.subarray(0, this.pos));
		this.out = next;
	}

	/** Append `len` (<= 16) bits of `code`. */
	private put(code: number, len: number): void {
		let acc = (this.acc << len) | code;
		let nb = this.nb + len;
		if (nb >= 8) {
			const out = this.out;
			let pos = this.pos;
			do {
				nb -= 8;
				out[pos++] = acc >>> nb;
			} while (nb >= 8);
			this.pos = pos;
			acc &= (1 << nb) - 1;
		}
		this.acc = acc;
		this.nb = nb;
	}

	private zeros(n: number): void {
		while (n > 16) {
			this.put(0, 16);
			n -= 16;
		}
		if (n > 0) this.put(0, n);
	}

	private bitCount(): number {
		return (this.base + this.pos) * 8 + this.nb;
	}

	/** Write fill (for byte alignment) and an EOL, plus the MR tag bit. */
	private writeEol(tag: number): void {
		if (this.alignEol) {
			const r = (this.nb + EOL_BITS) & 7;
			if (r) this.put(0, 8 - r);
		}
		this.put(EOL_CODE, EOL_BITS);
		if (this.minBits > 0) this.lineStart = this.bitCount();
		if (this.mode === 1) this.put(tag, 1);
	}

	/** Encode one row: `row` holds at least ceil(width/8) bytes, MSB first, 1 = black. */
	encodeRow(row: Uint8Array): void {
		if (this.finished) throw new FaxError("T4_UNSUPPORTED", "T.4 encoder: encodeRow after finish");
		if (row.length < (this.width + 7) >>> 3) {
			throw new FaxError("T4_UNSUPPORTED", `T.4 encoder: row of ${row.length} bytes is shorter than width ${this.width}`);
		}
		this.ensure(this.bound);
		const cur = this.cur;
		let n: number;
		if (LITTLE_ENDIAN && (row.byteOffset & 3) === 0) {
			// a word view of the caller's buffer (made once per buffer) lets white stretches be skipped fast
			if (row.buffer !== this.wordsOf) {
				this.wordsOf = row.buffer;
				this.words = new Int32Array(row.buffer, 0, row.buffer.byteLength >>> 2);
			}
			n = rowChanges(row, this.width, cur, this.words, row.byteOffset >>> 2);
		} else n = rowChanges(row, this.width, cur);
		let twoD = this.mode === 2;
		if (this.mode === 1) {
			// every K-th row 1-D (T.4 §4.2.1.2)
			twoD = this.kCount !== 0;
			if (++this.kCount === this.k) this.kCount = 0;
		}
		if (this.eol && (this.rows > 0 || this.leadingEol)) {
			if (this.rows > 0) this.padLine();
			this.writeEol(twoD ? 0 : 1);
		}
		if (twoD) encode2D(this, cur, this.ref, this.width);
		else encode1D(this, cur, n);
		if (this.byteAlignRows && this.nb > 0) this.put(0, 8 - this.nb);
		this.cur = this.ref;
		this.ref = cur;
		this.nRef = n;
		this.rows++;
	}

	/** Zero fill so the row just written, with the EOL that follows, has at least minBits bits. */
	private padLine(): void {
		if (this.minBits === 0) return;
		const have = this.bitCount() - this.lineStart + EOL_BITS;
		if (have < this.minBits) this.zeros(this.minBits - have);
	}

	/** Complete bytes written so far (removed from the encoder). */
	take(): Uint8Array {
		const chunk = this.out.slice(0, this.pos);
		this.base += this.pos;
		this.pos = 0;
		if (this.lsb) for (let i = 0; i < chunk.length; i++) chunk[i] = REVERSE[chunk[i]!]!;
		return chunk;
	}

	/** Everything not yet taken, including RTC/EOFB and the last partial byte (zero padded). */
	finish(): Uint8Array {
		if (!this.finished) {
			this.finished = true;
			this.ensure(64 + (this.minBits >>> 3));
			if (this.rtc) {
				if (this.mode === 2) {
					this.put(EOL_CODE, EOL_BITS);
					this.put(EOL_CODE, EOL_BITS);
				} else {
					if (this.rows > 0) this.padLine();
					for (let i = 0; i < 6; i++) this.writeEol(1);
				}
			}
			if (this.nb > 0) this.put(0, 8 - this.nb);
		}
		return this.take();
	}

	/** Number of changing elements of the last row (for statistics). */
	get lastChanges(): number {
		return this.nRef;
	}
}

/** The bit sink the hot loops write to (a T4Encoder's own fields, copied to locals while coding). */
interface BitSink {
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

/** T.4 §4.1 1-D coding of a row given its n changes (ch[n] is the width sentinel). */
function encode1D(s: BitSink, ch: Int32Array, n: number): void {
	const out = s.out;
	let pos = s.pos;
	let acc = s.acc;
	let nb = s.nb;
	let a0 = 0;
	// the bit buffer holds up to 31 bits and is flushed two bytes at a time
	for (let i = 0; i <= n; i++) {
		const a1 = ch[i]!;
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
function encode2D(s: BitSink, cur: Int32Array, ref: Int32Array, width: number): void {
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
