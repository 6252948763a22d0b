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
import { encode1D, encode2D } from "./rowencode.js";
import { EOL_BITS, EOL_CODE, REVERSE } from "./tables.js";
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
	private nRows = 0;

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
		if (this.eol && (this.nRows > 0 || this.leadingEol)) {
			if (this.nRows > 0) this.padLine();
			this.writeEol(twoD ? 0 : 1);
		}
		if (twoD) encode2D(this, cur, this.ref, this.width);
		else encode1D(this, cur, n);
		if (this.byteAlignRows && this.nb > 0) this.put(0, 8 - this.nb);
		this.cur = this.ref;
		this.ref = cur;
		this.nRef = n;
		this.nRows++;
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
					if (this.nRows > 0) this.padLine();
					for (let i = 0; i < 6; i++) this.writeEol(1);
				}
			}
			if (this.nb > 0) this.put(0, 8 - this.nb);
		}
		return this.take();
	}

	/** Rows encoded so far. */
	get rows(): number {
		return this.nRows;
	}

	/** Number of changing elements of the last row (for statistics). */
	get lastChanges(): number {
		return this.nRef;
	}
}
