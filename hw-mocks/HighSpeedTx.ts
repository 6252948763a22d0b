/**
 * One +FTM transmission as the DCE models it (T.31 §8.3.3): training first, then the DTE's bytes
 * drained at the modulation's bit rate from the DCE's buffer. Tracks when the line will have sent
 * everything (the OK after DLE ETX waits for it), buffer underruns (the modem sends fill) and bytes
 * lost because they came before the modem was ready (the CONNECT-before-ready fault).
 * Layer: hw-mocks.
 */
import { concatBytes } from "../src/core/bytes.js";
import { MODULATIONS, dataMs } from "./lineTime.js";

export class HighSpeedTx {
	readonly bitRate: number;
	/** line ms when the buffer will be empty (the last byte sent) */
	cursor: number;
	underrunMs = 0;
	lostBytes = 0;
	bytes = 0;
	private readonly chunks: Uint8Array[] = [];

	/**
	 * @param code T.31 modulation code
	 * @param trainedAt line ms when training ends and data can start
	 * @param readyAt line ms before which bytes from the DTE are dropped
	 * @param gapMs silence on the line before the carrier came on
	 */
	constructor(
		readonly code: number,
		trainedAt: number,
		readonly readyAt: number,
		readonly gapMs: number | undefined,
	) {
		this.bitRate = MODULATIONS.get(code)!.bitRate;
		this.cursor = trainedAt;
	}

	/** Bytes that arrived from the DTE at line time `now`. */
	accept(bytes: Uint8Array, now: number): void {
		if (bytes.length === 0) return;
		if (now < this.readyAt) {
			// still training and not listening to the DTE: what would have been sent by readyAt is gone
			const lost = Math.min(bytes.length, Math.ceil(((this.readyAt - now) * this.bitRate) / 8000) || bytes.length);
			this.lostBytes += lost;
			bytes = bytes.subarray(lost);
			if (bytes.length === 0) return;
		}
		if (now > this.cursor && this.bytes > 0) this.underrunMs += now - this.cursor; // buffer ran dry: fill sent
		this.cursor = Math.max(this.cursor, now) + dataMs(bytes.length, this.bitRate);
		this.chunks.push(bytes);
		this.bytes += bytes.length;
	}

	/** Line ms the data took at the bit rate. */
	get durationMs(): number {
		return dataMs(this.bytes, this.bitRate);
	}

	/** All bytes sent, in order. */
	data(): Uint8Array {
		return concatBytes(this.chunks, this.bytes).slice();
	}
}
