/**
 * HDLC deframing in software for high-speed data received with +FRM (ISO/IEC 13239 §4.3; T.30 §5.3.7;
 * T.4 Annex A): the inverse of framer.ts. Octets arrive in Class 1 line order (first bit on the line =
 * LSB, T.31 §8.3.4). The deframer hunts for a flag (0111 1110), removes the 0 that follows five 1s,
 * ends a frame at the next flag, checks its FCS-16 (fcs.ts) and reports what it found; seven or more 1s
 * in a row are an abort (ISO/IEC 13239 §4.3.3): the frame in progress is dropped and the flag hunt
 * starts again. A frame whose bit count is not a whole number of octets, or that is shorter than
 * address + control + FCS, or longer than `maxLength`, is reported as bad, never as good.
 * Streaming: feed any chunking with `push`; frames are returned as soon as their closing flag is seen.
 * Layer: hdlc (pure).
 */
import { checkFcs } from "./fcs.js";

export type DeframedEvent =
	/** a frame with a good FCS; `frame` excludes the 2 FCS octets (DTE-link octet form, as framer.ts takes) */
	| { kind: "frame"; frame: Uint8Array }
	/**
	 * a frame that failed: "fcs" (`frame` excludes the received FCS octets), "misaligned" (not a whole
	 * number of octets between the flags), "short" (fewer than 4 octets), "long" (over `maxLength`)
	 */
	| { kind: "bad"; reason: "fcs" | "misaligned" | "short" | "long"; frame: Uint8Array }
	/** an abort sequence ended a frame in progress */
	| { kind: "abort" };

export interface DeframerOptions {
	/** longest frame accepted, octets without FCS; default 1024 (an ECM frame is at most 4 + 256) */
	maxLength?: number;
}

/** Counters since the deframer was made. */
export interface DeframerStats {
	flags: number;
	frames: number;
	badFrames: number;
	aborts: number;
}

export class HdlcDeframer {
	readonly stats: DeframerStats = { flags: 0, frames: 0, badFrames: 0, aborts: 0 };
	private readonly maxBits: number;
	private buf: Uint8Array;
	/** data bits of the frame in progress (after destuffing) */
	private bits = 0;
	/** consecutive 1s on the line */
	private ones = 0;
	/** no flag seen since the start or the last abort */
	private hunting = true;
	private overflow = false;

	constructor(o: DeframerOptions = {}) {
		const max = o.maxLength ?? 1024;
		this.maxBits = (max + 2) * 8 + 8; // + FCS, + the bits of the closing flag taken in before it is seen
		this.buf = new Uint8Array(max + 4);
	}

	/** True once a flag has been seen (and no abort since). */
	get synchronised(): boolean {
		return !this.hunting;
	}

	/** Feed line octets (LSB first); returns what ended in them, in order. */
	push(data: Uint8Array): DeframedEvent[] {
		const out: DeframedEvent[] = [];
		for (let i = 0; i < data.length; i++) {
			const octet = data[i]!;
			for (let k = 0; k < 8; k++) this.bit((octet >> k) & 1, out);
		}
		return out;
	}

	/** Forget the frame in progress and hunt for a flag (e.g. at a new carrier). */
	reset(): void {
		this.bits = 0;
		this.ones = 0;
		this.hunting = true;
		this.overflow = false;
	}

	private bit(b: number, out: DeframedEvent[]): void {
		if (b === 1) {
			this.ones++;
			if (this.ones === 7) {
				// abort: a frame in progress is dropped (more than the 6 bits a flag would have put there)
				if (!this.hunting && this.bits > 6) {
					this.stats.aborts++;
					out.push({ kind: "abort" });
				}
				this.hunting = true;
				this.bits = 0;
				this.overflow = false;
				return;
			}
			if (this.ones === 6 || this.hunting) return; // a 6th 1: flag or abort, decided by the next bit
			this.append(1);
			return;
		}
		const ones = this.ones;
		this.ones = 0;
		if (ones === 5) return; // the stuffed 0
		if (ones === 6) return this.flag(out);
		if (!this.hunting) this.append(0);
	}

	private append(b: number): void {
		if (this.overflow) return;
		if (this.bits >= this.maxBits) {
			this.overflow = true;
			return;
		}
		const i = this.bits >> 3;
		const m = 1 << (this.bits & 7);
		this.buf[i] = b ? this.buf[i]! | m : this.buf[i]! & ~m;
		this.bits++;
	}

	private flag(out: DeframedEvent[]): void {
		this.stats.flags++;
		if (this.hunting) {
			this.hunting = false;
			this.bits = 0;
			return;
		}
		// the flag's leading 0 and five 1s went in as data: take them out
		const bits = this.bits - 6;
		const overflow = this.overflow;
		this.bits = 0;
		this.overflow = false;
		if (bits <= 0 && !overflow) return; // back-to-back flags
		const n = Math.max(0, bits) >> 3;
		const bad = (reason: "fcs" | "misaligned" | "short" | "long", frame: Uint8Array): void => {
			this.stats.badFrames++;
			out.push({ kind: "bad", reason, frame });
		};
		if (overflow) return bad("long", this.buf.slice(0, Math.max(0, this.buf.length - 2)));
		if ((bits & 7) !== 0) return bad("misaligned", this.buf.slice(0, n));
		if (n < 4) return bad("short", this.buf.slice(0, n));
		const whole = this.buf.subarray(0, n);
		if (!checkFcs(whole)) return bad("fcs", this.buf.slice(0, n - 2));
		this.stats.frames++;
		out.push({ kind: "frame", frame: this.buf.slice(0, n - 2) });
	}
}

/** Convenience: every event in `data` from a fresh deframer. */
export function deframe(data: Uint8Array, o?: DeframerOptions): DeframedEvent[] {
	return new HdlcDeframer(o).push(data);
}
