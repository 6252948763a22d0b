/**
 * A small in-memory scripted DCE for unit tests: it is a Transport (what the AtChannel writes goes to
 * the script; what the script sends comes back as data on a later macrotask, like real I/O).
 * It has its own DLE unstuffing and CRC so it is an independent oracle for src/at/dle.ts.
 *
 * Command lines (up to CR) go to handlers registered with once()/always() (first match wins; one-shot
 * handlers first, FIFO). Built-in defaults: AT+FTH=3 (collects frames, CONNECT/OK per control octet),
 * AT+FTM=n (collects the data block, OK), AT+FTS/+FRS/ATH0/AT -> OK. A CAN byte outside data mode is
 * counted and answered OK unless `answerCan` is false.
 */
import { FaxError } from "../../../src/core/FaxError.js";
import { TransportEvents, type FlowControl, type Transport } from "../../../src/transport/Transport.js";

const DLE = 0x10;
const ETX = 0x03;

type Handler = (line: string, m: RegExpExecArray, dce: ScriptedDce) => void;

/** CRC-16/X.25 (own implementation for the test DCE). */
export function crc16(data: Uint8Array): number {
	let crc = 0xffff;
	for (const b of data) {
		crc ^= b;
		for (let i = 0; i < 8; i++) crc = crc & 1 ? (crc >>> 1) ^ 0x8408 : crc >>> 1;
	}
	return ~crc & 0xffff;
}

/** A frame as a DCE delivers it: body + FCS (low byte first), DLEs doubled, then DLE ETX. */
export function wireFrame(body: Uint8Array, opts: { badFcs?: boolean } = {}): Buffer {
	const fcs = crc16(body) ^ (opts.badFcs ? 0x5555 : 0);
	const withFcs = [...body, fcs & 0xff, fcs >>> 8];
	const out: number[] = [];
	for (const b of withFcs) {
		out.push(b);
		if (b === DLE) out.push(DLE);
	}
	out.push(DLE, ETX);
	return Buffer.from(out);
}

export class ScriptedDce extends TransportEvents implements Transport {
	readonly path = "scripted-dce";
	isOpen = true;
	/** Every command line received, in order. */
	readonly commands: string[] = [];
	/** Frames received after AT+FTH=3 (DLE-unstuffed, as the DTE gave them). */
	readonly framesReceived: Uint8Array[] = [];
	/** Data blocks received after AT+FTM=n. */
	readonly dataReceived: { mod: number; data: Uint8Array }[] = [];
	cancels = 0;
	answerCan = true;
	flowControl: FlowControl[] = [];
	discards = 0;
	/** Bytes written by the DTE, raw. */
	readonly rawWritten: number[] = [];

	private line = "";
	private data: { bytes: number[]; dle: boolean; done: (d: Uint8Array, end: number) => void; ends: readonly number[] } | undefined;
	private byteWaiter: ((b: number) => void) | undefined;
	private readonly onceHandlers: { re: RegExp; fn: Handler }[] = [];
	private readonly handlers: { re: RegExp; fn: Handler }[] = [];

	constructor() {
		super();
		this.always(/^AT\+FTH=3$/, (_l, _m, d) => d.hdlcTx());
		this.always(/^AT\+FTM=(\d+)$/, (_l, m, d) => {
			d.send("\r\nCONNECT\r\n");
			d.expectData((data) => {
				d.dataReceived.push({ mod: Number(m[1]), data });
				d.send("\r\nOK\r\n");
			});
		});
		this.always(/^(AT\+F[TR]S=\d+|ATH0?|AT|ATZ|AT&F|ATE0V1)$/, (_l, _m, d) => d.send("\r\nOK\r\n"));
	}

	/** Handle the next command matching `re` once. */
	once(re: RegExp | string, fn: Handler | string): this {
		this.onceHandlers.push({ re: toRe(re), fn: typeof fn === "string" ? (_l, _m, d) => d.send(fn) : fn });
		return this;
	}

	/** Handle every command matching `re` (after one-shot handlers). Later registrations win. */
	always(re: RegExp | string, fn: Handler | string): this {
		this.handlers.unshift({ re: toRe(re), fn: typeof fn === "string" ? (_l, _m, d) => d.send(fn) : fn });
		return this;
	}

	/** Send bytes to the DTE on a later macrotask. */
	send(s: string | Uint8Array): void {
		const b = typeof s === "string" ? Buffer.from(s, "latin1") : Buffer.from(s);
		setImmediate(() => {
			if (this.isOpen) this.emit("data", new Uint8Array(b));
		});
	}

	/** Send bytes to the DTE now, synchronously (a line that begins while the DTE is still writing). */
	sendNow(s: string | Uint8Array): void {
		const b = typeof s === "string" ? Buffer.from(s, "latin1") : Buffer.from(s);
		if (this.isOpen) this.emit("data", new Uint8Array(b));
	}

	/**
	 * Collect the next DLE-framed block from the DTE (unstuffed here) and pass it to `done` with the byte
	 * that followed the closing DLE: ETX by default; `ends` adds others (T.32 §8.3.3 <DLE>, ; . page ends).
	 */
	expectData(done: (data: Uint8Array, end: number) => void, ends: readonly number[] = [ETX]): void {
		this.data = { bytes: [], dle: false, done, ends };
	}

	/** Pass the next control byte (below 0x20, not CR or CAN) the DTE writes outside data mode to `fn`: the character that starts +FDR data (T.32 / SP-2388 DC1 or DC2). */
	expectByte(fn: (b: number) => void): void {
		this.byteWaiter = fn;
	}

	/** Leave data mode without a DLE ETX (the DCE's own NO CARRIER): later bytes are commands again. */
	leaveDataMode(): void {
		this.data = undefined;
	}

	/** Behave like AT+FTH=3: CONNECT, then per frame CONNECT (control 0x03) or OK (0x13). */
	hdlcTx(): void {
		this.send("\r\nCONNECT\r\n");
		const next = () =>
			this.expectData((f) => {
				if (f.length === 0) return this.send("\r\nOK\r\n"); // DLE ETX alone ends HDLC transmit (T.31 §8.3.6)
				this.framesReceived.push(f);
				if (f[1] === 0x13) this.send("\r\nOK\r\n");
				else {
					this.send("\r\nCONNECT\r\n");
					next();
				}
			});
		next();
	}

	/** The port disappears: pending writes fail and `close` carries PORT_CLOSED. */
	vanish(): void {
		if (!this.isOpen) return;
		this.isOpen = false;
		this.emit("close", new FaxError("PORT_CLOSED", "scripted DCE vanished"));
	}

	async write(bytes: Uint8Array): Promise<void> {
		if (!this.isOpen) throw new FaxError("PORT_CLOSED", "scripted DCE closed");
		for (const b of bytes) {
			this.rawWritten.push(b);
			this.byte(b);
		}
	}

	async setFlowControl(mode: FlowControl): Promise<void> {
		this.flowControl.push(mode);
	}

	async discardInput(): Promise<void> {
		this.discards++;
	}

	async close(): Promise<void> {
		if (!this.isOpen) return;
		this.isOpen = false;
		this.emit("close", undefined);
	}

	private byte(b: number): void {
		const d = this.data;
		if (d) {
			if (d.dle) {
				d.dle = false;
				if (d.ends.includes(b)) {
					this.data = undefined;
					d.done(Uint8Array.from(d.bytes), b);
				} else d.bytes.push(b); // DLE DLE -> DLE
			} else if (b === DLE) d.dle = true;
			else d.bytes.push(b);
			return;
		}
		if (this.byteWaiter && b < 0x20 && b !== 0x0d && b !== 0x18) {
			const fn = this.byteWaiter;
			this.byteWaiter = undefined;
			return fn(b);
		}
		if (b === 0x18) {
			this.cancels++;
			if (this.answerCan) this.send("\r\nOK\r\n");
			return;
		}
		if (b === 0x0d) {
			const line = this.line.trim();
			this.line = "";
			if (line) this.command(line);
			return;
		}
		if (b >= 0x20 && b < 0x7f) this.line += String.fromCharCode(b); // like a modem hunting for "AT"
	}

	private command(line: string): void {
		this.commands.push(line);
		const oi = this.onceHandlers.findIndex((h) => h.re.test(line));
		if (oi >= 0) {
			const h = this.onceHandlers.splice(oi, 1)[0]!;
			return h.fn(line, h.re.exec(line)!, this);
		}
		const h = this.handlers.find((x) => x.re.test(line));
		if (h) return h.fn(line, h.re.exec(line)!, this);
		this.send("\r\nERROR\r\n");
	}
}

const toRe = (re: RegExp | string): RegExp => (typeof re === "string" ? new RegExp(`^${re.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}$`) : re);

/** Let pending I/O (setImmediate replies) run. */
export const settle = async (n = 5): Promise<void> => {
	for (let i = 0; i < n; i++) await new Promise((r) => setImmediate(r));
};
