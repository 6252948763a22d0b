/**
 * Streaming T.4 / T.6 page decoder (ITU-T T.4 §4.1-4.2 MH/MR with EOL, fill, RTC; T.6 MMR with EOFB;
 * TIFF Compression 2 byte-aligned MH). Data is pushed in chunks of any size; rows come out one at a time.
 * Real-world input: a missing first EOL, fill of any length, errors counted as bad lines (the row is
 * replaced by the previous one, as T.4 receivers do) and resynchronised at the next EOL, trailing
 * garbage after a row marks that row bad, truncated data, ≥2 consecutive EOLs end the page (RTC).
 * MMR and EOL-less MH cannot resynchronise: decoding stops at the first error.
 * Bounded: every step consumes input or ends, rows never exceed maxRows, and only the unconsumed tail of
 * the input (about one row) is kept between pushes.
 */
import { FaxError } from "../core/FaxError.js";
import { BitReader, decode1D, decode2D } from "./rowdecode.js";
import { changesArray, paintRow } from "./runs.js";
import { REVERSE } from "./tables.js";
import type { T4DecodeEnd, T4DecodeOptions, T4EndMarker } from "./types.js";

const S_START = 0;
const S_ROW = 1;
const S_EOLSCAN = 2;
const S_TRAIL = 3;
const S_SYNC = 4;
const S_DONE = 5;

const MAX_WIDTH = 65535;
/** Zero bytes after the data in every buffer the row decoders read (they refill without bounds checks). */
const PAD = 16;
const EMPTY = new Uint8Array(PAD);

/** Receives each decoded row; `row` is the decoder's own buffer, valid only during the call. */
export type T4RowSink = (row: Uint8Array, bad: boolean) => void;

/** Statistics of a finished page (rows are not repeated here). */
export interface T4DecodeStats {
	rows: number;
	badLines: number;
	consecutiveBadLines: number;
	truncated: boolean;
	endMarker: T4EndMarker;
}

/**
 * Decodes one page. Streaming: `push(chunk)` any number of times, then `end()`; rows come back as they
 * complete. Whole pages: `decodePage` (into a reusable buffer) or decodeToBitmap in index.ts.
 * No-copy streaming: `pushRows` / `finishRows` hand the decoder's own row buffer to a callback.
 */
export class T4Decoder {
	private readonly width: number;
	private readonly stride: number;
	private readonly mode: 0 | 1 | 2;
	private readonly eolMode: boolean;
	private readonly byteAlign: boolean;
	private readonly lsb: boolean;
	private readonly rowLimit: number;
	private readonly expectRows: number;
	private buf: Uint8Array = EMPTY;
	private dataEnd = 0;
	private bit = 0;
	private state = S_START;
	private zeros = 0;
	private sawOnes = false;
	private eolCount = 0;
	private afterEol = false;
	private dst: Uint8Array = EMPTY;
	/** the streaming input buffer, reused across pushes */
	private own: Uint8Array = EMPTY;
	private pendingN = 0;
	private pendingPainted = false;
	private ref: Int32Array;
	private cur: Int32Array;
	/** the current row: `row` (stride bytes) is a view of the word buffer `row32` the painter writes */
	private row: Uint8Array;
	private row32: Int32Array;
	/** the row being decoded (2-D rows are painted while decoding), swapped with `row` when good */
	private next: Uint8Array;
	private next32: Int32Array;
	private readonly words: number;
	private readonly reader = new BitReader();
	private inputBytes = 0;
	private rowsOut = 0;
	private goodRows = 0;
	private badLines = 0;
	private consec = 0;
	private maxConsec = 0;
	private truncated = false;
	private endMarker: T4EndMarker = "none";
	private ended = false;

	constructor(o: T4DecodeOptions) {
		if (!Number.isInteger(o.width) || o.width < 1 || o.width > MAX_WIDTH) {
			throw new FaxError("T4_UNSUPPORTED", `T.4 decoder: width ${o.width} out of range 1..${MAX_WIDTH}`, { context: { width: o.width } });
		}
		const mode = o.coding === "mh" ? 0 : o.coding === "mr" ? 1 : o.coding === "mmr" ? 2 : -1;
		if (mode < 0) throw new FaxError("T4_UNSUPPORTED", `T.4 decoder: unknown coding ${String(o.coding)}`);
		this.mode = mode as 0 | 1 | 2;
		this.width = o.width;
		this.stride = (o.width + 7) >>> 3;
		this.byteAlign = mode === 0 && !!o.byteAlignRows;
		this.eolMode = mode === 1 || (mode === 0 && (o.eol ?? !this.byteAlign));
		this.lsb = o.bitOrder === "lsb";
		const maxRows = Math.max(1, Math.floor(o.maxRows ?? 65536));
		this.expectRows = o.rows !== undefined && o.rows > 0 ? Math.floor(o.rows) : 0;
		this.rowLimit = this.expectRows > 0 ? Math.min(this.expectRows, maxRows) : maxRows;
		this.ref = changesArray(o.width);
		this.cur = changesArray(o.width);
		this.ref.fill(o.width);
		this.words = (this.stride + 3) >>> 2;
		this.row32 = new Int32Array(this.words);
		this.row = new Uint8Array(this.row32.buffer, 0, this.stride);
		this.next32 = new Int32Array(this.words);
		this.next = new Uint8Array(this.next32.buffer, 0, this.stride);
		if (!this.eolMode) this.state = S_ROW;
	}

	/** Feed data; returns the rows completed by it (copies). */
	push(chunk: Uint8Array): Uint8Array[] {
		const rows: Uint8Array[] = [];
		this.pushRows(chunk, (r) => rows.push(r.slice()));
		return rows;
	}

	/** End of data: returns the last rows (copies) and the page statistics. */
	end(): T4DecodeEnd {
		const rows: Uint8Array[] = [];
		const s = this.finishRows((r) => rows.push(r.slice()));
		return { rows, badLines: s.badLines, consecutiveBadLines: s.consecutiveBadLines, truncated: s.truncated, endMarker: s.endMarker };
	}

	/** No-copy variant of push: `sink` gets the decoder's row buffer. */
	pushRows(chunk: Uint8Array, sink: T4RowSink): void {
		if (this.ended) throw new FaxError("T4_UNSUPPORTED", "T.4 decoder: push after end");
		this.inputBytes += chunk.length;
		if (this.state === S_DONE || chunk.length === 0) return;
		// the unconsumed tail plus the chunk, zero padded, in our own reused buffer (the caller may reuse its chunk)
		const keep = Math.min(this.bit >>> 3, this.dataEnd);
		const left = this.dataEnd - keep;
		const end = left + chunk.length;
		if (this.own.length < end + PAD) {
			const grown = new Uint8Array(Math.max(end + PAD, this.own.length * 2, 4096));
			grown.set(this.buf.subarray(keep, this.dataEnd));
			this.own = grown;
		} else if (this.buf === this.own) {
			this.own.copyWithin(0, keep, this.dataEnd);
		} else {
			this.own.set(this.buf.subarray(keep, this.dataEnd));
		}
		const data = this.own;
		if (this.lsb) for (let i = 0; i < chunk.length; i++) data[left + i] = REVERSE[chunk[i]!]!;
		else data.set(chunk, left);
		data.fill(0, end, end + PAD);
		this.bit -= keep * 8;
		this.buf = data;
		this.dataEnd = end;
		this.run(false, sink);
	}

	/** No-copy variant of end. Throws FaxError when the whole input produced no good row. */
	finishRows(sink: T4RowSink | null): T4DecodeStats {
		if (!this.ended) {
			this.ended = true;
			if (this.state !== S_DONE) this.run(true, sink);
			this.buf = EMPTY;
			this.dataEnd = 0;
		}
		if (this.goodRows === 0) {
			const ctx = { context: { inputBytes: this.inputBytes, badLines: this.badLines, width: this.width } };
			if (this.inputBytes === 0) throw new FaxError("T4_TRUNCATED", "T.4 decoder: no data", ctx);
			if (this.truncated && this.rowsOut === 0) throw new FaxError("T4_TRUNCATED", "T.4 decoder: data ends inside the first row", ctx);
			throw new FaxError("T4_DECODE_ERROR", "T.4 decoder: no decodable row in the data", ctx);
		}
		return this.stats();
	}

	/** Decode a whole buffer at once, rows to `sink`. */
	decodeAll(data: Uint8Array, sink: T4RowSink): T4DecodeStats {
		this.load(data);
		return this.finishRows(sink);
	}

	/**
	 * Decode a whole buffer straight into a bitmap buffer (no per-row callback): rows are stored at
	 * y × stride of `into` (reused, e.g. a page buffer; rows past the decoded height are left as they
	 * were) or of a new buffer sized for `capacityRows`, grown (doubling, at most maxRows) when needed.
	 */
	decodePage(data: Uint8Array, capacityRows: number, into?: Uint8Array): { data: Uint8Array; height: number; stats: T4DecodeStats } {
		this.dst = into ?? new Uint8Array(Math.max(1, Math.min(capacityRows, this.rowLimit)) * this.stride);
		this.load(data);
		const stats = this.finishRows(null);
		return { data: this.dst, height: this.rowsOut, stats };
	}

	private load(data: Uint8Array): void {
		this.inputBytes += data.length;
		// a private copy with zero padding: the row decoders read up to PAD bytes past the data unchecked
		const buf = new Uint8Array(data.length + PAD);
		if (this.lsb) for (let i = 0; i < data.length; i++) buf[i] = REVERSE[data[i]!]!;
		else buf.set(data);
		this.buf = buf;
		this.dataEnd = data.length;
		this.bit = 0;
	}

	/** Append the current row to `dst` (decodePage). */
	private store(): void {
		const off = (this.rowsOut - 1) * this.stride;
		if (off + this.stride > this.dst.length) {
			const next = new Uint8Array(Math.min(this.rowLimit * this.stride, Math.max(this.dst.length * 2, off + this.stride)));
			next.set(this.dst);
			this.dst = next;
		}
		this.dst.set(this.row, off);
	}

	stats(): T4DecodeStats {
		return { rows: this.rowsOut, badLines: this.badLines, consecutiveBadLines: this.maxConsec, truncated: this.truncated, endMarker: this.endMarker };
	}

	private emitGood(n: number, sink: T4RowSink | null, painted: boolean): void {
		if (!painted) paintRow(this.cur, n, this.next32, this.words);
		const r = this.row;
		const r32 = this.row32;
		this.row = this.next;
		this.row32 = this.next32;
		this.next = r;
		this.next32 = r32;
		const t = this.ref;
		this.ref = this.cur;
		this.cur = t;
		this.rowsOut++;
		this.goodRows++;
		this.consec = 0;
		if (sink === null) this.store();
		else sink(this.row, false);
		if (this.rowsOut >= this.rowLimit) this.state = S_DONE;
	}

	private emitBad(sink: T4RowSink | null): void {
		// the row keeps the previous row's pixels (white before the first), the reference line stays
		this.rowsOut++;
		this.badLines++;
		if (++this.consec > this.maxConsec) this.maxConsec = this.consec;
		if (sink === null) this.store();
		else sink(this.row, true);
		if (this.rowsOut >= this.rowLimit) this.state = S_DONE;
	}

	/**
	 * Zero bits from bit `p` before the next 1, counting at most 16. Returns -1 - zeros when the data
	 * ends first.
	 */
	private leadZeros(p: number): number {
		const data = this.buf;
		let z = 0;
		let i = p >>> 3;
		let off = p & 7;
		while (z < 16) {
			if (i >= this.dataEnd) return -1 - z;
			const b = data[i]! & (0xff >>> off);
			if (b !== 0) return z + Math.clz32(b) - 24 - off;
			z += 8 - off;
			off = 0;
			i++;
		}
		return 16;
	}

	/** True when every bit from `p` to the end of data is 0. */
	private zeroTail(p: number): boolean {
		const i = p >>> 3;
		if (i >= this.dataEnd) return true;
		if ((this.buf[i]! & (0xff >>> (p & 7))) !== 0) return false;
		for (let k = i + 1; k < this.dataEnd; k++) if (this.buf[k] !== 0) return false;
		return true;
	}

	/** Scan for an EOL (>= 11 zeros then a 1) from this.bit; ones before it set sawOnes. */
	private scanEol(): boolean {
		const data = this.buf;
		const end = this.dataEnd;
		let zeros = this.zeros;
		let i = this.bit >>> 3;
		const off = this.bit & 7;
		if (off !== 0 && i < end) {
			const b = data[i]! & (0xff >>> off);
			if (b === 0) zeros += 8 - off;
			else {
				const at = Math.clz32(b) - 24;
				if (zeros + at - off >= 11) return this.eolAt(i * 8 + at + 1);
				this.sawOnes = true;
				zeros = 31 - Math.clz32(b & -b);
			}
			i++;
		}
		for (; i < end; i++) {
			const b = data[i]!;
			if (b === 0) {
				zeros += 8;
				continue;
			}
			const at = Math.clz32(b) - 24;
			if (zeros + at >= 11) return this.eolAt(i * 8 + at + 1);
			this.sawOnes = true;
			zeros = 31 - Math.clz32(b & -b);
		}
		this.bit = end * 8;
		this.zeros = zeros;
		return false;
	}

	private isDone(): boolean {
		return this.state === S_DONE;
	}

	private eolAt(bit: number): boolean {
		this.bit = bit;
		this.zeros = 0;
		return true;
	}

	private run(final: boolean, sink: T4RowSink | null): void {
		const endBit = this.dataEnd * 8;
		for (;;) {
			switch (this.state) {
				case S_DONE:
					return;
				case S_START: {
					const z = this.leadZeros(this.bit);
					if (z < 0 && -1 - z < 11) {
						if (final) this.state = S_DONE;
						return;
					}
					this.state = z < 0 || z >= 11 ? S_EOLSCAN : S_ROW;
					break;
				}
				case S_EOLSCAN: {
					if (!this.scanEol()) {
						if (final) this.state = S_DONE;
						return;
					}
					this.sawOnes = false;
					if (this.mode === 2) {
						this.endMarker = "eofb";
						this.state = S_DONE;
						return;
					}
					this.eolCount++;
					this.afterEol = true;
					if (this.eolCount >= 2 && this.rowsOut > 0 && this.expectRows === 0) {
						this.endMarker = "rtc";
						this.state = S_DONE;
						return;
					}
					this.state = S_ROW;
					break;
				}
				case S_TRAIL:
				case S_SYNC: {
					const found = this.scanEol();
					if (!found && !final) return;
					if (this.state === S_TRAIL) {
						if (this.sawOnes) this.emitBad(sink);
						else this.emitGood(this.pendingN, sink, this.pendingPainted);
					}
					this.sawOnes = false;
					if (!found) {
						this.state = S_DONE;
						return;
					}
					if (this.isDone()) return;
					this.eolCount = 1;
					this.afterEol = true;
					this.state = S_ROW;
					break;
				}
				case S_ROW: {
					let p = this.bit;
					let twoD = this.mode === 2;
					if (this.mode === 1 && this.afterEol) {
						if (p >= endBit) {
							if (final) this.state = S_DONE;
							return;
						}
						twoD = ((this.buf[p >>> 3]! >>> (7 - (p & 7))) & 1) === 0;
						p++;
					}
					const r = this.reader;
					r.load(this.buf, this.dataEnd, p);
					const n = twoD ? decode2D(r, this.width, this.ref, this.cur, this.next32, this.words) : decode1D(r, this.width, this.cur);
					if (n < 0 && r.bit() === p) {
						// no code word at the row start: fill, an EOL (RTC/EOFB), the end of data, or garbage
						const z = this.leadZeros(p);
						if (z < 0 && -1 - z < 11) {
							// only a few zero bits left: end of data, or wait for more
							if (final) this.state = S_DONE;
							return;
						}
						if (z < 0 || z >= 11) {
							this.bit = p;
							this.state = S_EOLSCAN;
							break;
						}
					}
					if (!final && r.peak > this.dataEnd) return; // looked past the data: wait for more
					const q = r.bit();
					if (q > endBit || (n < 0 && this.zeroTail(q))) {
						// the row runs into the end of the data: truncated, unless more data may come
						if (!final) return;
						this.truncated = true;
						this.state = S_DONE;
						return;
					}
					this.afterEol = false;
					this.eolCount = 0;
					if (n < 0) {
						this.emitBad(sink);
						this.bit = q;
						if (this.isDone()) return;
						if (!this.eolMode) {
							this.state = S_DONE; // no EOL to resynchronise on
							return;
						}
						this.state = S_SYNC;
						break;
					}
					if (this.eolMode) {
						this.pendingN = n;
						this.pendingPainted = twoD;
						this.bit = q;
						this.zeros = 0;
						this.sawOnes = false;
						this.state = S_TRAIL;
						break;
					}
					this.bit = this.byteAlign ? (q + 7) & ~7 : q;
					this.emitGood(n, sink, twoD);
					if (this.isDone()) return;
					break;
				}
			}
		}
	}
}
