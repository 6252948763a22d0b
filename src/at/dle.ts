/**
 * DLE transparency on the DTE-DCE link (T.31 §8.3.3-8.3.5, class1.md §2.3; HylaFAX
 * ClassModem::putModemDLEData and Class1Modem::recvRawFrame).
 *
 * Transmit: every 0x10 doubled, each block ended by DLE ETX (after any bit reversal).
 * Receive: DLE DLE -> DLE; DLE SUB -> DLE DLE (T.31 +FDD=1 double escape); DLE ETX ends the block.
 * Class 1.0 / V.34 (T.31 Amd.1 Table B.1), only with `class10`: DLE 0x51 -> DC1, DLE 0x53 -> DC3,
 * DLE EOT (hang-up), DLE 0x07 (frame ended with bad FCS), DLE 0x6B/0x6D/0x6C (primary channel, control
 * channel, primary-rate renegotiation) are reported as events. `dleBug` covers modems that do not double
 * DLEs (Class1ModemHasDLEBug): a DLE followed by anything but ETX is kept as data with that byte.
 * Layer: at (pure).
 */

export const DLE = 0x10;
export const ETX = 0x03;
export const SUB = 0x1a;
export const EOT = 0x04;
/** Sent to abort a pending +FRH/+FRM: anything but DC1/DC3 works (HylaFAX abortReceive sends CAN). */
export const CAN = 0x18;
export const DC1 = 0x11;
export const DC3 = 0x13;

export const DLE_ETX: Uint8Array = Uint8Array.of(DLE, ETX);

/** `data` with every DLE doubled (no terminator). */
export function dleStuff(data: Uint8Array): Uint8Array {
	let n = 0;
	for (const b of data) if (b === DLE) n++;
	if (n === 0) return data;
	const out = new Uint8Array(data.length + n);
	let j = 0;
	for (const b of data) {
		out[j++] = b;
		if (b === DLE) out[j++] = DLE;
	}
	return out;
}

/** `data` DLE-stuffed and terminated by DLE ETX: one HDLC frame or one data block for the DCE. */
export function dleFrame(data: Uint8Array): Uint8Array {
	const s = dleStuff(data);
	const out = new Uint8Array(s.length + 2);
	out.set(s);
	out[s.length] = DLE;
	out[s.length + 1] = ETX;
	return out;
}

/** Control events a Class 1.0 DCE can signal inside the data stream. */
export type DleEvent = "eot" | "fcsError" | "primaryChannel" | "controlChannel" | "renegotiate" | "unknown";

export interface DleDecoderOptions {
	/** Modem does not double DLEs (Class1ModemHasDLEBug). Default false. */
	dleBug?: boolean;
	/** Interpret the Class 1.0 DLE codes (T.31 Amd.1 Table B.1). Default false. */
	class10?: boolean;
	/** Largest decoded block accepted, bytes; beyond it push() throws RangeError. Default 1 MiB. */
	maxBytes?: number;
}

/**
 * Incremental DLE decoder for one block. Feed chunks with push(); it reports how many input bytes it
 * used, so whatever follows DLE ETX (the "OK" line) goes back to the line parser.
 */
export class DleDecoder {
	private out: Uint8Array;
	private len = 0;
	private pendingDle = false;
	private finished = false;
	private taken = 0;
	readonly events: { event: DleEvent; byte: number; at: number }[] = [];
	/** DLE followed by a meaningless byte (a hint of a DLE bug), count. */
	oddEscapes = 0;

	constructor(private readonly opts: DleDecoderOptions = {}) {
		this.out = new Uint8Array(256);
	}

	get done(): boolean {
		return this.finished;
	}

	/** The decoded bytes so far (a copy). */
	data(): Uint8Array {
		return this.out.slice(0, this.len);
	}

	/** Decoded bytes held now (what take() would return). */
	get length(): number {
		return this.len;
	}

	/** Decoded bytes over the whole block, including those already taken. */
	get total(): number {
		return this.taken + this.len;
	}

	/**
	 * The decoded bytes since the last take(), handed over and forgotten (streaming: a page never sits whole
	 * in memory, and `maxBytes` then bounds only what is held between two takes).
	 */
	take(): Uint8Array {
		const out = this.out.slice(0, this.len);
		this.taken += this.len;
		this.len = 0;
		return out;
	}

	/** Consume input up to and including DLE ETX; returns the number of bytes of `chunk` used. */
	push(chunk: Uint8Array): number {
		let i = 0;
		for (; i < chunk.length && !this.finished; i++) {
			const b = chunk[i]!;
			if (!this.pendingDle) {
				if (b === DLE) this.pendingDle = true;
				else this.put(b);
				continue;
			}
			this.pendingDle = false;
			if (b === ETX) {
				this.finished = true;
			} else if (b === DLE) {
				this.put(DLE);
				if (this.opts.dleBug) this.put(DLE);
			} else if (b === SUB) {
				this.put(DLE);
				this.put(DLE);
			} else if (this.opts.class10 && this.class10(b)) {
				// handled
			} else if (this.opts.dleBug) {
				this.put(DLE);
				this.put(b);
			} else {
				this.oddEscapes++; // meaningless DLE x: keep x (HylaFAX does the same)
				this.put(b);
			}
		}
		return i;
	}

	private class10(b: number): boolean {
		const ev: Record<number, DleEvent | "dc1" | "dc3"> = { 0x51: "dc1", 0x53: "dc3", [EOT]: "eot", 0x07: "fcsError", 0x6b: "primaryChannel", 0x6d: "controlChannel", 0x6c: "renegotiate" };
		const e = ev[b];
		if (e === undefined) return false;
		if (e === "dc1") this.put(DC1);
		else if (e === "dc3") this.put(DC3);
		else {
			this.events.push({ event: e, byte: b, at: this.taken + this.len });
			if (e === "eot" || e === "fcsError") this.finished = true;
		}
		return true;
	}

	private put(b: number): void {
		if (this.len >= this.out.length) {
			const max = this.opts.maxBytes ?? 1 << 20;
			if (this.len >= max) throw new RangeError(`DLE block longer than ${max} bytes`);
			const next = new Uint8Array(Math.min(max, this.out.length * 2));
			next.set(this.out);
			this.out = next;
		}
		this.out[this.len++] = b;
	}
}
