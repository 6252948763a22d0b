/**
 * AtChannel: one AT command in flight over a Transport (V.250 §5, T.31 §8; architecture.md "AtChannel").
 *
 * - command()/waitFinal() resolve on a final result code (resultCodes.ts) with the info lines seen on
 *   the way; a second concurrent call rejects with AT_BUSY_CHANNEL; expiry of the per-call timer (on
 *   the injected Clock) rejects with AT_TIMEOUT and frees the channel.
 * - Echo of the command in flight is dropped; unsolicited lines (RING, caller id...) and final codes
 *   nobody waits for are emitted to onUnsolicited listeners.
 * - With `dataAfterConnect`, the bytes after CONNECT are DLE-framed data (T.31 §8.3.5 +FRH, and after
 *   ATD in Class 1): the channel switches to raw mode at once, so no byte is mistaken for a line, and
 *   readDleBlock() returns the block up to DLE ETX; what follows goes back to line parsing.
 * - abortReceive(): cancel a pending +FRH/+FRM (class1.md §2.1: send CAN, wait for OK up to
 *   Class1RecvAbortOK, else flush and resynchronise with "AT").
 * Every line is traced on `at`, raw bytes on `io`. Layer: at (imports transport, core).
 */
import type { Clock } from "../core/Clock.js";
import { FaxError } from "../core/FaxError.js";
import { nullTracer, type Tracer } from "../core/trace.js";
import type { Transport } from "../transport/Transport.js";
import { CAN, DleDecoder, type DleDecoderOptions, type DleEvent } from "./dle.js";
import { LineParser } from "./lineParser.js";
import { finalCodeOf, isUnsolicited, numericFinalCodeOf, type FinalCode } from "./resultCodes.js";

/** Outcome of a command: the final code, its full line, and the information lines before it. */
export interface AtResult {
	code: FinalCode;
	/** The final line as received, e.g. "CONNECT 9600", "DELAYED 00:10:00". */
	line: string;
	/** Intermediate information lines, in order (e.g. ATI text, "+FRH:3"). */
	info: string[];
}

export interface WaitOptions {
	/** Per-call timeout in ms on the channel's Clock. Default: the channel's defaultTimeoutMs. */
	timeoutMs?: number;
	signal?: AbortSignal;
	/** Also accept ATV0 numeric finals (0 OK, 4 ERROR...): only before ATV1 is known to be active. */
	numericCodes?: boolean;
	/** After CONNECT the DCE sends DLE-framed data: switch to raw receive before parsing more lines. */
	dataAfterConnect?: boolean;
	/** Return true to treat this final as information and keep waiting (e.g. +FCERROR during ATD). */
	ignoreFinal?: (code: FinalCode, line: string) => boolean;
}

export interface AtChannelOptions {
	clock: Clock;
	tracer?: Tracer;
	/** Default per-command timeout, ms. Default 3000 (HylaFAX's default AT command timeout). */
	defaultTimeoutMs?: number;
	/** DLE receive quirks (dleBug, class10). */
	dle?: DleDecoderOptions;
	/** Longest hex dump per `io` trace record, bytes. Default 64. */
	ioTraceBytes?: number;
}

/** A decoded DLE block: data with DLEs unstuffed, plus Class 1.0 events seen inside it. */
export interface DleBlock {
	data: Uint8Array;
	events: DleEvent[];
	/**
	 * Set when, instead of data, the DCE sent a result line after CONNECT (e.g. "NO CARRIER": the carrier
	 * dropped before a frame completed; T.31 §8.3.5). `data` is then empty.
	 */
	final?: { code: FinalCode; line: string };
}

interface Waiter {
	cmd: string | undefined;
	opts: WaitOptions;
	info: string[];
	resolve(r: AtResult): void;
	reject(e: unknown): void;
}

interface RawState {
	decoder: DleDecoder;
	skipLf: boolean;
	/** Leading printable bytes held back until we know whether they are data or a result line. */
	probe: number[] | null;
	done?: DleBlock;
	waiter?: { resolve(b: DleBlock): void; reject(e: unknown): void };
}

const hex = (b: Uint8Array, max: number): string =>
	Array.from(b.subarray(0, max), (x) => x.toString(16).padStart(2, "0")).join(" ") + (b.length > max ? " …" : "");

export class AtChannel {
	private readonly clock: Clock;
	private readonly tracer: Tracer;
	private readonly parser = new LineParser();
	private readonly defaultTimeoutMs: number;
	private readonly ioMax: number;
	private waiter: Waiter | undefined;
	private busy = false;
	private raw: RawState | undefined;
	/** After a DLE block, keep following lines (OK/ERROR) for the next waitFinal instead of dropping them. */
	private holdLines = false;
	private closedError: FaxError | undefined;
	private readonly unsolicited = new Set<(line: string) => void>();

	constructor(
		readonly transport: Transport,
		private opts: AtChannelOptions,
	) {
		this.clock = opts.clock;
		this.tracer = opts.tracer ?? nullTracer;
		this.defaultTimeoutMs = opts.defaultTimeoutMs ?? 3000;
		this.ioMax = opts.ioTraceBytes ?? 64;
		transport.on("data", (b) => this.onData(b));
		transport.on("close", (err) => this.onClose(err));
	}

	/** Change the DLE receive quirks (once the modem's profile is known). */
	setDleOptions(dle: DleDecoderOptions): void {
		this.opts = { ...this.opts, dle };
	}

	/** True while a command, a wait or a raw receive is in progress. */
	get isBusy(): boolean {
		return this.busy;
	}

	/** Listen for unsolicited lines (RING, caller id, finals nobody waited for). Returns an unsubscribe. */
	onUnsolicited(fn: (line: string) => void): () => void {
		this.unsolicited.add(fn);
		return () => this.unsolicited.delete(fn);
	}

	/** Send `cmd` + CR and wait for its final result code. */
	async command(cmd: string, opts: WaitOptions = {}): Promise<AtResult> {
		if (/[\r\n]/.test(cmd)) throw new FaxError("AT_UNEXPECTED_RESPONSE", "AT command contains CR/LF", { context: { cmd } });
		return this.wait(cmd, opts, Buffer.from(cmd + "\r", "latin1"));
	}

	/**
	 * Write raw bytes (a DLE-stuffed frame ending in DLE ETX...) and wait for the final code they cause.
	 * The waiter is installed before the write, so a fast reply cannot be missed.
	 */
	sendAndWait(bytes: Uint8Array, opts: WaitOptions = {}): Promise<AtResult> {
		return this.wait(undefined, opts, bytes);
	}

	/** Wait for a final result code without sending anything (e.g. the OK after DLE ETX). */
	waitFinal(opts: WaitOptions = {}): Promise<AtResult> {
		return this.wait(undefined, opts);
	}

	/**
	 * The DLE block following a CONNECT obtained with `dataAfterConnect` (or after enterRawReceive()).
	 * Rejects AT_TIMEOUT after `timeoutMs` (the channel stays in raw mode: call abortReceive()).
	 */
	readDleBlock(timeoutMs: number, signal?: AbortSignal): Promise<DleBlock> {
		const raw = this.raw;
		if (!raw) return Promise.reject(new FaxError("AT_UNEXPECTED_RESPONSE", "No DLE data expected (not after CONNECT)"));
		if (raw.done) {
			this.raw = undefined;
			return Promise.resolve(raw.done);
		}
		if (this.closedError) return Promise.reject(this.closedError);
		if (raw.waiter || this.busy) return Promise.reject(new FaxError("AT_BUSY_CHANNEL", "Channel busy"));
		this.busy = true;
		return this.timed(
			new Promise<DleBlock>((resolve, reject) => (raw.waiter = { resolve, reject })),
			timeoutMs,
			signal,
			() => {
				raw.waiter = undefined;
				this.busy = false;
				return new FaxError("AT_TIMEOUT", `No DLE ETX within ${timeoutMs} ms`, { context: { received: raw.decoder.length } });
			},
		).finally(() => {
			if (raw.waiter) raw.waiter = undefined;
			this.busy = false;
		});
	}

	/** Switch to raw DLE receive now (the DCE is known to be sending data, e.g. +FAR=1 "+FRH:3"). */
	enterRawReceive(): void {
		this.raw = { decoder: new DleDecoder(this.opts.dle), skipLf: false, probe: [] };
		const rest = this.parser.takeRest();
		if (rest.length) this.feedRaw(rest);
	}

	/** Write raw bytes (DLE-stuffed data, CAN...). Resolves when the transport accepted them. */
	writeRaw(bytes: Uint8Array): Promise<void> {
		return this.writeBytes(bytes);
	}

	/**
	 * Abort a pending +FRH/+FRM (class1.md §2.1, HylaFAX Class1Modem::abortReceive): leave raw mode,
	 * send CAN, wait up to `okWaitMs` for OK; if none (or okWaitMs is 0), pause 200 ms, drop the input
	 * and resynchronise with "AT". Resolves true when the modem answered OK to either. Never throws
	 * except PORT_CLOSED.
	 */
	async abortReceive(okWaitMs: number): Promise<boolean> {
		this.raw = undefined;
		if (this.waiter) this.failWaiter(new FaxError("AT_ABORTED", "Receive aborted"));
		this.tracer.trace("at", "tx", "<CAN> (abort receive)");
		await this.writeBytes(Uint8Array.of(CAN));
		if (okWaitMs > 0) {
			try {
				const r = await this.waitFinal({ timeoutMs: okWaitMs, ignoreFinal: (c) => c !== "OK" });
				if (r.code === "OK") return true;
			} catch (e) {
				if (this.closedError) throw this.closedError;
				if (!(e instanceof FaxError)) throw e;
			}
		} else {
			await this.clock.sleep(200);
		}
		await this.resync();
		try {
			return (await this.command("AT", { timeoutMs: 1000 })).code === "OK";
		} catch {
			if (this.closedError) throw this.closedError;
			return false;
		}
	}

	/** Drop buffered input, in the OS and here, and leave raw mode. */
	async resync(): Promise<void> {
		this.raw = undefined;
		this.parser.reset();
		await this.transport.discardInput();
	}

	// --- internals ---------------------------------------------------------------------------------

	private wait(cmd: string | undefined, opts: WaitOptions, payload?: Uint8Array): Promise<AtResult> {
		if (this.closedError) return Promise.reject(this.closedError);
		if (this.busy) {
			return Promise.reject(new FaxError("AT_BUSY_CHANNEL", `Command ${cmd ?? "(wait)"} issued while another is in flight`, { context: { cmd } }));
		}
		this.busy = true;
		this.raw = undefined;
		const timeoutMs = opts.timeoutMs ?? this.defaultTimeoutMs;
		if (payload) {
			// Lines held since the last DLE block belong to no one once we send something new.
			this.holdLines = false;
			this.drainLines();
		}
		const p = new Promise<AtResult>((resolve, reject) => {
			this.waiter = { cmd, opts, info: [], resolve, reject };
		});
		const me = this.waiter;
		// Lines held after a DLE block (e.g. the OK that came with the frame data) are for this wait.
		this.holdLines = false;
		this.drainLines();
		if (payload) {
			if (cmd !== undefined) this.tracer.trace("at", "tx", cmd);
			this.writeBytes(payload).catch((e: unknown) => {
				if (this.waiter === me) this.failWaiter(e);
			});
		}
		return this.timed(p, timeoutMs, opts.signal, () => {
			if (this.waiter === me) this.waiter = undefined;
			this.tracer.trace("timer", "-", `AT timeout ${timeoutMs} ms`, { cmd });
			return new FaxError("AT_TIMEOUT", `No response to ${cmd ?? "wait"} within ${timeoutMs} ms`, { context: { cmd, timeoutMs } });
		}).finally(() => {
			if (this.waiter === me) this.waiter = undefined;
			this.busy = false;
		});
	}

	/** Race `p` against the clock and the signal; `onTimeout` builds the rejection. */
	private timed<T>(p: Promise<T>, ms: number, signal: AbortSignal | undefined, onTimeout: () => unknown): Promise<T> {
		return new Promise<T>((resolve, reject) => {
			let done = false;
			const finish = () => {
				done = true;
				h.cancel();
				signal?.removeEventListener("abort", onAbort);
			};
			const onAbort = () => {
				if (done) return;
				finish();
				if (this.waiter) this.waiter = undefined;
				reject(signal?.reason instanceof Error ? signal.reason : new FaxError("CALL_ABORTED", "Aborted"));
			};
			const h = this.clock.setTimer(ms, () => {
				if (done) return;
				finish();
				reject(onTimeout());
			});
			if (signal?.aborted) return onAbort();
			signal?.addEventListener("abort", onAbort, { once: true });
			p.then(
				(v) => {
					if (!done) {
						finish();
						resolve(v);
					}
				},
				(e: unknown) => {
					if (!done) {
						finish();
						reject(e);
					}
				},
			);
		});
	}

	private async writeBytes(bytes: Uint8Array): Promise<void> {
		if (this.closedError) throw this.closedError;
		this.tracer.trace("io", "tx", `${bytes.length} bytes`, hex(bytes, this.ioMax));
		await this.transport.write(bytes);
	}

	private onData(bytes: Uint8Array): void {
		this.tracer.trace("io", "rx", `${bytes.length} bytes`, hex(bytes, this.ioMax));
		if (this.raw && !this.raw.done) return this.feedRaw(bytes);
		this.parser.push(bytes);
		this.drainLines();
	}

	private feedRaw(bytes: Uint8Array): void {
		const raw = this.raw!;
		let chunk = bytes;
		if (raw.skipLf) {
			raw.skipLf = false;
			if (chunk[0] === 0x0a) chunk = chunk.subarray(1);
		}
		if (raw.probe) {
			// A DCE may answer CONNECT and then, with no frame, a result line (carrier lost): watch the
			// leading printable bytes; the first binary byte (HDLC frames start with 0xFF) commits to data.
			let i = 0;
			for (; i < chunk.length; i++) {
				const b = chunk[i]!;
				if (b === 0x0d || b === 0x0a) {
					if (raw.probe.length === 0) continue;
					const line = String.fromCharCode(...raw.probe).trim();
					const code = finalCodeOf(line);
					if (code !== undefined) {
						this.tracer.trace("at", "rx", line);
						return this.finishRaw(raw, { data: new Uint8Array(0), events: [], final: { code, line } }, chunk.subarray(i + 1));
					}
					break;
				}
				if (b < 0x20 || b > 0x7e) break;
				raw.probe.push(b);
			}
			if (i >= chunk.length && raw.probe.length < 64) return; // still undecided
			const held = Uint8Array.from(raw.probe);
			raw.probe = null;
			const merged = new Uint8Array(held.length + chunk.length - i);
			merged.set(held);
			merged.set(chunk.subarray(i), held.length);
			chunk = merged;
		}
		let used: number;
		try {
			used = raw.decoder.push(chunk);
		} catch (e) {
			// Runaway data without DLE ETX: give up on the block.
			this.raw = undefined;
			raw.waiter?.reject(new FaxError("AT_UNEXPECTED_RESPONSE", (e as Error).message));
			return;
		}
		if (!raw.decoder.done) return;
		const block: DleBlock = { data: raw.decoder.data(), events: raw.decoder.events.map((e) => e.event) };
		this.tracer.trace("at", "rx", `<${hex(block.data, this.ioMax)}> <DLE><ETX>`, { bytes: block.data.length, events: block.events });
		this.finishRaw(raw, block, chunk.subarray(used));
	}

	private finishRaw(raw: RawState, block: DleBlock, rest: Uint8Array): void {
		this.holdLines = true;
		if (raw.waiter) {
			this.raw = undefined;
			raw.waiter.resolve(block);
		} else {
			raw.done = block; // readDleBlock() not called yet; keep it
		}
		if (rest.length) {
			this.parser.push(rest);
			this.drainLines();
		}
	}

	private drainLines(): void {
		for (;;) {
			if (this.raw && !this.raw.done) return; // bytes now belong to the DLE decoder
			if (this.holdLines && !this.waiter) return; // the final after a DLE block waits for waitFinal()
			const line = this.parser.nextLine();
			if (line === undefined) return;
			this.onLine(line);
		}
	}

	private onLine(line: string): void {
		this.tracer.trace("at", "rx", line);
		const w = this.waiter;
		if (!w) {
			const code = finalCodeOf(line);
			if (code !== undefined || isUnsolicited(line)) this.emitUnsolicited(line);
			else this.tracer.trace("info", "-", `stray line ignored: ${line}`);
			return;
		}
		if (w.cmd !== undefined && line.replace(/\s+/g, "").toUpperCase() === w.cmd.replace(/\s+/g, "").toUpperCase()) return; // echo (ATE1)
		const code = finalCodeOf(line) ?? (w.opts.numericCodes ? numericFinalCodeOf(line) : undefined);
		if (code === undefined) {
			if (isUnsolicited(line)) this.emitUnsolicited(line);
			else w.info.push(line);
			return;
		}
		if (w.opts.ignoreFinal?.(code, line)) {
			w.info.push(line);
			return;
		}
		this.waiter = undefined;
		if (code === "CONNECT" && w.opts.dataAfterConnect) {
			const skipLf = this.parser.pendingLf;
			this.raw = { decoder: new DleDecoder(this.opts.dle), skipLf, probe: [] };
			const rest = this.parser.takeRest();
			w.resolve({ code, line, info: w.info });
			if (rest.length) this.feedRaw(rest);
			return;
		}
		w.resolve({ code, line, info: w.info });
	}

	private emitUnsolicited(line: string): void {
		for (const fn of [...this.unsolicited]) fn(line);
	}

	private failWaiter(e: unknown): void {
		const w = this.waiter;
		this.waiter = undefined;
		w?.reject(e);
	}

	private onClose(err: FaxError | undefined): void {
		this.closedError = err ?? new FaxError("PORT_CLOSED", `Port ${this.transport.path} closed`);
		this.tracer.trace("error", "-", this.closedError.message);
		this.failWaiter(this.closedError);
		const raw = this.raw;
		this.raw = undefined;
		raw?.waiter?.reject(this.closedError);
	}
}
