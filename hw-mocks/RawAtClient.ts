/**
 * A raw, scripted Class 1 AT client for simulator tests: deliberately independent of our driver
 * (src/at, src/modem), so the simulator is checked against a second reading of T.31 (§8.3: DLE
 * stuffing, DLE ETX, CONNECT/OK/ERROR sequencing). It talks to any byte stream: the real serialport
 * binding on a pty, or a MemoryDuplex end. Every wait has a deadline (real ms). Layer: hw-mocks.
 */

const DLE = 0x10;
const ETX = 0x03;

/** The byte stream the client drives (serialport and MemoryEnd both fit through `fromEmitter`). */
export interface ClientStream {
	write(b: Uint8Array): Promise<void> | void;
	onData(fn: (b: Buffer) => void): void;
}

/** Adapt an emitter with `write(buf, cb?)` and `data` events (SerialPort, MemoryEnd). */
export function fromEmitter(e: { write(b: Buffer, cb?: (err?: Error | null) => void): unknown; on(ev: "data", fn: (b: Buffer) => void): unknown }): ClientStream {
	return {
		write: (b) =>
			new Promise<void>((resolve, reject) => {
				const r = e.write(Buffer.from(b), (err) => (err ? reject(err) : resolve()));
				if (r instanceof Promise) r.then(() => resolve(), reject);
			}),
		onData: (fn) => void e.on("data", fn),
	};
}

const FINAL = /^(OK|CONNECT|ERROR|NO CARRIER|BUSY|NO DIALTONE|NO ANSWER|\+FCERROR)$/;
const FINAL_NUMERIC = /^([0-9]|\+F4)$/; // ATV0

export class RawAtClient {
	private buf = Buffer.alloc(0);
	private waiters: (() => void)[] = [];
	/** expect ATV0 numeric result codes (set it before sending ATV0) */
	numeric = false;
	/** every line received, in order (for assertions) */
	readonly lines: string[] = [];
	/** real ms timestamps of lines (performance.now) */
	readonly lineTimes: number[] = [];

	constructor(private readonly s: ClientStream) {
		s.onData((b) => {
			this.buf = Buffer.concat([this.buf, b]);
			const w = this.waiters;
			this.waiters = [];
			for (const f of w) f();
		});
	}

	private wait(ms: number, what: string, pred: () => boolean): Promise<void> {
		return new Promise((resolve, reject) => {
			let expired = false;
			const deadline = setTimeout(() => {
				expired = true; // a late check must not consume what a later wait is for
				reject(new Error(`timeout (${ms} ms) waiting for ${what}; pending ${JSON.stringify(this.buf.toString("latin1").slice(0, 200))}`));
			}, ms);
			const check = () => {
				if (expired) return;
				if (pred()) {
					clearTimeout(deadline);
					resolve();
				} else this.waiters.push(check);
			};
			check();
		});
	}

	/** Next non-empty text line (CR/LF delimited). */
	async line(ms = 5000): Promise<string> {
		let out = "";
		await this.wait(ms, "a line", () => {
			for (;;) {
				let i = 0;
				while (i < this.buf.length && (this.buf[i] === 0x0d || this.buf[i] === 0x0a)) i++;
				const end = this.buf.indexOf(0x0d, i);
				const endLf = this.buf.indexOf(0x0a, i);
				const e = end < 0 ? endLf : endLf < 0 ? end : Math.min(end, endLf);
				if (e < 0) {
					this.buf = this.buf.subarray(i);
					return false;
				}
				out = this.buf.subarray(i, e).toString("latin1");
				// consume the whole terminator (CR LF), so a DLE block right after CONNECT starts clean
				const skip = this.buf[e] === 0x0d && this.buf[e + 1] === 0x0a ? 2 : 1;
				this.buf = this.buf.subarray(e + skip);
				if (out.trim() !== "") return true;
			}
		});
		this.lines.push(out);
		this.lineTimes.push(performance.now());
		return out;
	}

	/** Lines up to and including a final result code; returns them (last = the code). */
	async response(ms = 5000): Promise<string[]> {
		const got: string[] = [];
		for (;;) {
			const l = await this.line(ms);
			got.push(l);
			if (FINAL.test(l) || (this.numeric && FINAL_NUMERIC.test(l))) return got;
		}
	}

	/** Send `AT...` and return its response lines (info lines then the final code). */
	async at(cmd: string, ms = 5000): Promise<string[]> {
		await this.s.write(Buffer.from(`${cmd}\r`, "latin1"));
		return this.response(ms);
	}

	/** Send `AT...` and return just its final code. */
	async final(cmd: string, ms = 5000): Promise<string> {
		return (await this.at(cmd, ms)).at(-1)!;
	}

	/** Raw bytes out. */
	async write(b: Uint8Array | string): Promise<void> {
		await this.s.write(typeof b === "string" ? Buffer.from(b, "latin1") : b);
	}

	/** Send a frame or data block: DLEs doubled, DLE ETX appended (T.31 §8.3.2). */
	async sendBlock(data: Uint8Array): Promise<void> {
		await this.write(dleWrap(data));
	}

	/**
	 * Read a DLE-framed block up to DLE ETX (after CONNECT) and the result line after it.
	 * @returns the unstuffed bytes and the code (OK/ERROR)
	 */
	async readBlock(ms = 5000): Promise<{ data: Uint8Array; code: string }> {
		let data = new Uint8Array(0);
		await this.wait(ms, "DLE ETX", () => {
			let k = 0; // a line terminator left over from CONNECT (frames start with 0xff)
			while (k < this.buf.length && (this.buf[k] === 0x0d || this.buf[k] === 0x0a)) k++;
			this.buf = this.buf.subarray(k);
			const out: number[] = [];
			for (let i = 0; i < this.buf.length; i++) {
				const b = this.buf[i]!;
				if (b !== DLE) {
					out.push(b);
					continue;
				}
				if (i + 1 >= this.buf.length) return false;
				const n = this.buf[++i]!;
				if (n === ETX) {
					data = Uint8Array.from(out);
					this.buf = this.buf.subarray(i + 1);
					return true;
				}
				if (n === DLE) out.push(DLE);
			}
			return false;
		});
		return { data, code: await this.line(ms) };
	}
}

/** Double every DLE and append DLE ETX. */
export function dleWrap(data: Uint8Array): Buffer {
	const out: number[] = [];
	for (const b of data) {
		out.push(b);
		if (b === DLE) out.push(DLE);
	}
	out.push(DLE, ETX);
	return Buffer.from(out);
}
