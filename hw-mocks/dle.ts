/**
 * DLE framing on the DTE link (T.31 §8.3.2, class1.md §2.3): the DTE doubles every DLE (0x10) in frames
 * and data and ends a block with DLE ETX; DLE SUB stands for two DLEs (+FDD=1 "double escape").
 * Layer: hw-mocks (pure).
 */

export const DLE = 0x10;
export const ETX = 0x03;
export const SUB = 0x1a;

/** Unstuffs bytes from the DTE until DLE ETX. */
export class DleDecoder {
	private out: number[] = [];
	private dle = false;

	/** @param max bytes kept at most (the rest of an over-long block is dropped) */
	constructor(private readonly max = Infinity) {}

	/** Feed one byte; true when it completed a DLE ETX. Other DLE pairs are ignored. */
	push(b: number): boolean {
		if (this.dle) {
			this.dle = false;
			if (b === ETX) return true;
			if (b === DLE) this.keep(DLE);
			else if (b === SUB) {
				this.keep(DLE);
				this.keep(DLE);
			}
			return false;
		}
		if (b === DLE) this.dle = true;
		else this.keep(b);
		return false;
	}

	private keep(b: number): void {
		if (this.out.length < this.max) this.out.push(b);
	}

	/** Bytes held so far. */
	get length(): number {
		return this.out.length;
	}

	/** Take the bytes held so far (the decoder keeps its DLE state). */
	take(): Uint8Array {
		const r = Uint8Array.from(this.out);
		this.out = [];
		return r;
	}
}

/** Double every DLE (T.31 §8.3.2). */
export function dleStuff(bytes: Uint8Array): Buffer {
	const out: number[] = [];
	for (const b of bytes) {
		out.push(b);
		if (b === DLE) out.push(DLE);
	}
	return Buffer.from(out);
}
