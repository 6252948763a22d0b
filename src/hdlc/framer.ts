/**
 * HDLC framing in software for high-speed (+FTM) data (ISO/IEC 13239 §4; T.30 §5.3.1, §5.3.7; T.4 Annex A
 * for ECM blocks): flag sequences (0x7E), frames with their FCS-16 (fcs.ts), a 0 inserted after every five
 * consecutive 1s between the flags (transparency, ISO/IEC 13239 §4.3.1), and the result packed into octets
 * the way a Class 1 modem takes them under +FTM: the first bit on the line is the least significant bit of
 * the octet (T.31 §8.3.3 / §8.3.4). Frame octets are given in the same DTE-link form the V.21 frames use
 * (address 0xFF, control 0x03/0x13, FCF as in fcf.ts): each octet's LSB is its first bit on the line.
 *
 * Most Class 1 modems do HDLC only at V.21 (+FTH=3), so ECM blocks are framed here and sent as plain data
 * (HylaFAX Class1 blockFrame does the same). DLE stuffing happens later, on the link (src/at/dle.ts).
 * Layer: hdlc (pure: Uint8Array in/out).
 */
import { crc16Itu } from "./fcs.js";

/** The flag octet (0111 1110): symmetric, so the same in either bit order. */
export const HDLC_FLAG = 0x7e;

/** Packs a bit stream LSB first into octets and frames data into it. */
export class HdlcFramer {
	private out: Uint8Array;
	private len = 0;
	private acc = 0;
	private nbits = 0;

	constructor(expectedBytes = 1024) {
		this.out = new Uint8Array(Math.max(16, expectedBytes));
	}

	/** Bits written so far (stuffing included). */
	get bitLength(): number {
		return this.len * 8 + this.nbits;
	}

	private bit(b: number): void {
		this.acc |= (b & 1) << this.nbits;
		if (++this.nbits === 8) {
			if (this.len === this.out.length) {
				const next = new Uint8Array(this.out.length * 2);
				next.set(this.out);
				this.out = next;
			}
			this.out[this.len++] = this.acc;
			this.acc = 0;
			this.nbits = 0;
		}
	}

	/** `n` flags, unstuffed (they are the only place six 1s in a row may appear). */
	flags(n = 1): this {
		for (let i = 0; i < n; i++) for (let k = 0; k < 8; k++) this.bit((HDLC_FLAG >> k) & 1);
		return this;
	}

	/**
	 * One frame: `frame` (address, control, FCF, FIF — without FCS), its FCS (low octet first), all
	 * zero-bit stuffed, then one closing flag. The caller writes the opening flag(s) first (`flags()`); a
	 * closing flag also opens the next frame (ISO/IEC 13239 §4.3.1).
	 */
	frame(frame: Uint8Array): this {
		const fcs = crc16Itu(frame);
		let ones = 0;
		const put = (octet: number): void => {
			for (let k = 0; k < 8; k++) {
				const b = (octet >> k) & 1;
				this.bit(b);
				if (b === 0) ones = 0;
				else if (++ones === 5) {
					this.bit(0); // transparency: a 0 after five 1s
					ones = 0;
				}
			}
		};
		for (let i = 0; i < frame.length; i++) put(frame[i]!);
		put(fcs & 0xff);
		put(fcs >>> 8);
		return this.flags(1);
	}

	/**
	 * An abort sequence (seven or more 1s, ISO/IEC 13239 §4.3.3): the frame in progress is discarded by
	 * the receiver. Only for tests and fault injection; a flag must follow before the next frame.
	 */
	abort(): this {
		for (let k = 0; k < 8; k++) this.bit(1);
		return this;
	}

	/** Octets completed so far (the bits of an unfinished octet stay); the framer forgets them. */
	take(): Uint8Array {
		const b = this.out.slice(0, this.len);
		this.len = 0;
		return b;
	}

	/**
	 * Flush: complete the last octet with the leading bits of another flag (the receiver sees the end of
	 * carrier inside an idle flag) and return everything not yet taken.
	 */
	finish(): Uint8Array {
		let k = 0;
		while (this.nbits !== 0) this.bit((HDLC_FLAG >> k++) & 1);
		return this.take();
	}
}

/** Convenience: `leadingFlags` flags, then each frame with one flag between, flushed to whole octets. */
export function frameStream(frames: readonly Uint8Array[], leadingFlags = 1): Uint8Array {
	const f = new HdlcFramer(frames.reduce((a, x) => a + x.length + 4, leadingFlags + 1) * 1.25);
	f.flags(leadingFlags);
	for (const fr of frames) f.frame(fr);
	return f.finish();
}

/** Octets of flags lasting at least `ms` at `bitRate` (e.g. T.4 A: 200 ms of flags before a block). */
export const flagsFor = (ms: number, bitRate: number): number => Math.ceil((ms * bitRate) / 8000);
