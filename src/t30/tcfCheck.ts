/**
 * The receiver's training check (T.30 §5.3.6.2.11 TCF: 1.5 s ± 10 % of zeros at the DCS rate; the
 * receiver answers CFR when the check passes, FTT otherwise, T.30 §5.3.2 / Figure 5-2b node "D").
 * T.30 leaves the judgement to the receiver; we apply both rules in use:
 *  - SpanDSP t30.c: the longest run of zero BITS must last at least 1 s (tcf_most_zeros ≥ bit rate);
 *  - HylaFAX Class1Recv: at most 10 % of the octets non-zero (Class1TCFMaxNonZero) and a zero run of at
 *    least 2/3 of the TCF duration (Class1TCFMinRun = 1000 ms).
 * Both the run and the error count are kept so a trace can say why a TCF failed. Streaming: octets come
 * in as the modem delivers them (already DLE-decoded). Layer: t30, pure (no I/O, no timers).
 */

/** Limits of the check; defaults are HylaFAX's (= SpanDSP's 1 s zero run). */
export interface TcfLimits {
	/** longest zero run needed, ms; default 1000 (HylaFAX Class1TCFMinRun, SpanDSP: 1 s of zero bits) */
	minZeroRunMs?: number;
	/** largest share of non-zero octets, 0..1; default 0.10 (HylaFAX Class1TCFMaxNonZero 10 %) */
	maxNonZero?: number;
}

/** The verdict on one TCF. */
export interface TcfVerdict {
	ok: boolean;
	/** octets received */
	bytes: number;
	/** their duration at the rate, ms */
	durationMs: number;
	/** longest run of zero bits, in ms at the rate */
	zeroRunMs: number;
	/** octets that were not 0x00 */
	nonZeroBytes: number;
	/** nonZeroBytes / bytes (1 when nothing came) */
	nonZeroFraction: number;
	/** why it failed ("" when ok) */
	reason: string;
}

/** A streaming TCF judge: `push` octets, then `verdict()`. */
export class TcfJudge {
	private bytes = 0;
	private nonZero = 0;
	private runBits = 0;
	private bestBits = 0;

	constructor(
		/** the DCS rate, bit/s */
		readonly bitRate: number,
		private readonly limits: TcfLimits = {},
	) {}

	push(chunk: Uint8Array): void {
		for (let i = 0; i < chunk.length; i++) {
			const b = chunk[i]!;
			this.bytes++;
			if (b === 0) {
				this.runBits += 8;
				continue;
			}
			this.nonZero++;
			// bits go out LSB first: the zeros below the lowest 1 continue the run, the ones above the highest 1 start the next
			const low = 31 - Math.clz32(b & -b); // index of the lowest set bit = zero bits before it on the line
			this.runBits += low;
			if (this.runBits > this.bestBits) this.bestBits = this.runBits;
			this.runBits = 7 - (31 - Math.clz32(b)); // zero bits after the highest set bit
		}
		if (this.runBits > this.bestBits) this.bestBits = this.runBits;
	}

	verdict(): TcfVerdict {
		const minRun = this.limits.minZeroRunMs ?? 1000;
		const maxNonZero = this.limits.maxNonZero ?? 0.1;
		const zeroRunMs = (this.bestBits * 1000) / this.bitRate;
		const nonZeroFraction = this.bytes ? this.nonZero / this.bytes : 1;
		let reason = "";
		if (this.bytes === 0) reason = "no TCF data";
		else if (nonZeroFraction > maxNonZero) reason = `${Math.round(nonZeroFraction * 100)} % non-zero octets (max ${Math.round(maxNonZero * 100)} %)`;
		else if (zeroRunMs < minRun) reason = `longest zero run ${Math.round(zeroRunMs)} ms (min ${minRun} ms)`;
		return {
			ok: reason === "",
			bytes: this.bytes,
			durationMs: (this.bytes * 8000) / this.bitRate,
			zeroRunMs,
			nonZeroBytes: this.nonZero,
			nonZeroFraction,
			reason,
		};
	}
}

/** Judge a whole TCF at once. */
export function judgeTcf(data: Uint8Array, bitRate: number, limits?: TcfLimits): TcfVerdict {
	const j = new TcfJudge(bitRate, limits);
	j.push(data);
	return j.verdict();
}
