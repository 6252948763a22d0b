/**
 * One DLE-framed block after CONNECT (T.31 §8.3.5: +FRH/+FRM data, and the first frame after ATD in
 * Class 1), as the AtChannel receives it in raw mode: an optional LF left from the CONNECT line, then
 * either data up to DLE ETX (dle.ts DleDecoder), or — when the carrier went away before a frame — a
 * result line such as "NO CARRIER" instead of data. Pure: bytes in, outcome out. Layer: at.
 */
import { DleDecoder, type DleDecoderOptions, type DleEvent } from "./dle.js";
import { finalCodeOf, type FinalCode } from "./resultCodes.js";

/** A decoded DLE block: data with DLEs unstuffed, plus Class 1.0 events seen inside it. */
export interface DleBlock {
	data: Uint8Array;
	events: DleEvent[];
	/**
	 * Set when, instead of data, the DCE sent a result line after CONNECT (e.g. "NO CARRIER": the carrier
	 * dropped before a frame completed; T.31 §8.3.5). `data` is then empty.
	 */
	final?: { code: FinalCode; line: string };
	/** Set when the data went to a stream sink (AtChannel.readDleBlock onData): its byte count; `data` is empty. */
	streamed?: number;
}

/** What push() found: need more bytes, a complete block (+ the bytes after it), or runaway data. */
export type RawOutcome = { kind: "more" } | { kind: "block"; block: DleBlock; rest: Uint8Array } | { kind: "error"; message: string };

/** Leading printable bytes examined before committing to data. */
const PROBE_MAX = 64;

export class RawBlockReader {
	private readonly decoder: DleDecoder;
	/** Leading printable bytes held back until we know whether they are data or a result line. */
	private probe: number[] | null = [];

	/** @param skipLf the CONNECT line ended in CR and its LF may be the first byte here */
	constructor(
		dle: DleDecoderOptions | undefined,
		private skipLf: boolean,
	) {
		this.decoder = new DleDecoder(dle);
	}

	/** Where decoded data goes as it arrives (streaming +FRM); undefined = kept for the block. */
	private sink: ((chunk: Uint8Array) => void) | undefined;

	/** Data bytes decoded so far (streamed ones included). */
	get length(): number {
		return this.decoder.total;
	}

	/**
	 * Stream the data from now on: what was decoded before is handed over at once, then each push's
	 * decoded bytes; the block then carries only its events and end (`data` empty, `streamed` = total).
	 */
	stream(sink: (chunk: Uint8Array) => void): void {
		this.sink = sink;
		this.flush();
	}

	private flush(): void {
		if (this.sink && this.decoder.length > 0) this.sink(this.decoder.take());
	}

	push(bytes: Uint8Array): RawOutcome {
		let chunk = bytes;
		if (this.skipLf) {
			this.skipLf = false;
			if (chunk[0] === 0x0a) chunk = chunk.subarray(1);
		}
		if (this.probe) {
			// A DCE may answer CONNECT and then, with no frame, a result line (carrier lost): watch the
			// leading printable bytes; the first binary byte (HDLC frames start with 0xFF) commits to data.
			let i = 0;
			for (; i < chunk.length; i++) {
				const b = chunk[i]!;
				if (b === 0x0d || b === 0x0a) {
					if (this.probe.length === 0) continue;
					const line = String.fromCharCode(...this.probe).trim();
					const code = finalCodeOf(line);
					if (code !== undefined) return { kind: "block", block: { data: new Uint8Array(0), events: [], final: { code, line } }, rest: chunk.subarray(i + 1) };
					break;
				}
				if (b < 0x20 || b > 0x7e) break;
				this.probe.push(b);
			}
			if (i >= chunk.length && this.probe.length < PROBE_MAX) return { kind: "more" }; // still undecided
			const held = Uint8Array.from(this.probe);
			this.probe = null;
			const merged = new Uint8Array(held.length + chunk.length - i);
			merged.set(held);
			merged.set(chunk.subarray(i), held.length);
			chunk = merged;
		}
		let used: number;
		try {
			used = this.decoder.push(chunk);
		} catch (e) {
			return { kind: "error", message: (e as Error).message }; // runaway data without DLE ETX
		}
		this.flush();
		if (!this.decoder.done) return { kind: "more" };
		const block: DleBlock = { data: this.decoder.data(), events: this.decoder.events.map((e) => e.event) };
		if (this.sink) block.streamed = this.decoder.total;
		return { kind: "block", block, rest: chunk.subarray(used) };
	}
}
