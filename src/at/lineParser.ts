/**
 * LineParser: splits DCE output into response lines (V.250 §5.7.1: results framed by CR LF) while
 * letting the caller take the raw bytes that follow a line (the data after CONNECT belongs to the DLE
 * layer, not to lines). Empty lines are skipped; a CR LF pair counts once even when split across
 * chunks; NUL and XON/XOFF bytes are ignored inside lines. Bounded: a "line" longer than `maxLine`
 * bytes is cut (binary noise in command mode). Layer: at (pure).
 */

const CR = 0x0d;
const LF = 0x0a;

export class LineParser {
	private buf: Uint8Array = new Uint8Array(0);
	private pos = 0;
	private lastWasCr = false;

	/** @param maxLine longest line kept, bytes (default 1024) */
	constructor(private readonly maxLine = 1024) {}

	/** Append bytes from the DCE. */
	push(bytes: Uint8Array): void {
		if (bytes.length === 0) return;
		const rest = this.buf.subarray(this.pos);
		const next = new Uint8Array(rest.length + bytes.length);
		next.set(rest);
		next.set(bytes, rest.length);
		this.buf = next;
		this.pos = 0;
	}

	/** The next complete non-empty line (without terminator), or undefined when none is complete yet. */
	nextLine(): string | undefined {
		for (;;) {
			if (this.lastWasCr && this.pos < this.buf.length && this.buf[this.pos] === LF) this.pos++;
			this.lastWasCr = false;
			let end = -1;
			for (let i = this.pos; i < this.buf.length; i++) {
				const b = this.buf[i]!;
				if (b === CR || b === LF) {
					end = i;
					break;
				}
				if (i - this.pos >= this.maxLine) {
					end = i;
					break;
				}
			}
			if (end < 0) return undefined;
			const raw = this.buf.subarray(this.pos, end);
			const term = this.buf[end];
			this.pos = term === CR || term === LF ? end + 1 : end;
			this.lastWasCr = term === CR;
			let s = "";
			for (const b of raw) if (b >= 0x20 || b === 0x09) s += String.fromCharCode(b);
			s = s.trim();
			if (s.length > 0) return s;
		}
	}

	/**
	 * Remove and return every byte not yet consumed as a line (e.g. the HDLC data after "CONNECT").
	 * A LF that completes the CR LF of the last line is dropped, not returned.
	 */
	takeRest(): Uint8Array {
		let start = this.pos;
		if (this.lastWasCr && start < this.buf.length && this.buf[start] === LF) start++;
		const rest = this.buf.slice(start);
		this.buf = new Uint8Array(0);
		this.pos = 0;
		return rest;
	}

	/** True when a CR ended the last line and its LF may still arrive (the next raw byte may be it). */
	get pendingLf(): boolean {
		return this.lastWasCr && this.pos >= this.buf.length;
	}

	/** Bytes held but not yet returned. */
	get buffered(): number {
		return this.buf.length - this.pos;
	}

	/** True when printable bytes of a line not yet terminated are held (a line has begun). */
	get partialLine(): boolean {
		for (let i = this.pos; i < this.buf.length; i++) if (this.buf[i]! > 0x20) return true;
		return false;
	}

	/** Forget everything buffered. */
	reset(): void {
		this.buf = new Uint8Array(0);
		this.pos = 0;
		this.lastWasCr = false;
	}
}
