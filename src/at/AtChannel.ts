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
 * - A written command is never abandoned on abort (outgoing-job.md §9.4): the channel stays busy and
 *   winds it down first — waits (bounded by the command's own timeout) for its final result, stops a
 *   receive (+FRH/+FRM/+FRS/ATD) with CAN, closes a transmit left in data mode (CONNECT to +FTH/+FTM or
 *   to a frame) with DLE ETX and its OK — and only then rejects with the signal's reason, so the next
 *   command (DCN, ATH) meets a DCE in command state. A transmit command that times out is closed the
 *   same way (DLE ETX, OK or resync) before AT_TIMEOUT. A caller already aborted writes nothing. A line
 *   that had begun before a command was written is never taken as its reply.
 * Every line is traced on `at`, raw bytes on `io`. Layer: at (imports transport, core).
 */
import { hex } from "../core/bytes.js";
import type { Clock } from "../core/Clock.js";
import { FaxError } from "../core/FaxError.js";
import { nullTracer, type Tracer } from "../core/trace.js";
import type { Transport } from "../transport/Transport.js";
import { CAN, DLE_ETX, type DleDecoderOptions } from "./dle.js";
import { LineParser } from "./lineParser.js";
import { RawBlockReader, type DleBlock } from "./rawBlock.js";
import { abortReason, abortStyleOf, race, type AbortStyle } from "./abortWait.js";
import { finalCodeOf, isUnsolicited, numericFinalCodeOf, type FinalCode } from "./resultCodes.js";

export type { DleBlock } from "./rawBlock.js";
export type { AbortStyle } from "./abortWait.js";

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
	/**
	 * How an abort through `signal` winds a written command down (AtChannel class comment). Default from
	 * the command: +FRH/+FRM/+FRS/ATD/ATA "cancel", +FTH/+FTM "transmit", anything else "final".
	 */
	abortStyle?: AbortStyle;
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
	/** How long an aborted receive (+FRH/+FRM/+FRS/ATD) may take to answer CAN, ms (Class1RecvAbortOK). Default 200. */
	abortOkMs?: number;
	/** How long the OK may take after DLE ETX closes an aborted transmission, ms. Default 5000. */
	closeDataOkMs?: number;
}

interface RawState {
	reader: RawBlockReader;
	done?: DleBlock;
	waiter?: { resolve(b: DleBlock): void; reject(e: unknown): void };
}

interface Waiter {
	cmd: string | undefined;
	opts: WaitOptions;
	info: string[];
	resolve(r: AtResult): void;
	reject(e: unknown): void;
	/** Set once the final arrived. */
	result?: AtResult;
}


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
	/** A line had begun before the command in flight was written: it is not that command's reply. */
	private staleLine = false;
	private abortOkMs: number;
	private readonly closeDataOkMs: number;
	private readonly unsolicited = new Set<(line: string) => void>();
	private idleWaiters: (() => void)[] = [];

	constructor(
		readonly transport: Transport,
		private opts: AtChannelOptions,
	) {
		this.clock = opts.clock;
		this.tracer = opts.tracer ?? nullTracer;
		this.defaultTimeoutMs = opts.defaultTimeoutMs ?? 3000;
		this.ioMax = opts.ioTraceBytes ?? 64;
		this.abortOkMs = opts.abortOkMs ?? 200;
		this.closeDataOkMs = opts.closeDataOkMs ?? 5000;
		transport.on("data", (b) => this.onData(b));
		transport.on("close", (err) => this.onClose(err));
	}

	/** Change the DLE receive quirks (once the modem's profile is known). */
	setDleOptions(dle: DleDecoderOptions): void {
		this.opts = { ...this.opts, dle };
	}

	/** How long an aborted receive may take to answer CAN, ms (the profile's Class1RecvAbortOK). */
	setAbortOkMs(ms: number): void {
		this.abortOkMs = ms;
	}

	/**
	 * Resolves true once no command, wait or raw receive is in progress (an aborted one wound down), or
	 * false after `timeoutMs` on the channel's clock.
	 */
	idle(timeoutMs: number): Promise<boolean> {
		if (!this.busy) return Promise.resolve(true);
		let ready!: () => void;
		const p = new Promise<void>((r) => (ready = r));
		this.idleWaiters.push(ready);
		return race(this.clock, p, timeoutMs).then((o) => o.kind === "value");
	}

	/** True while a command, a wait or a raw receive is in progress (an aborted one until wound down). */
	get isBusy(): boolean {
		return this.busy;
	}

	/** Listen for unsolicited lines (RING, caller id, finals nobody waited for). Returns an unsubscribe. */
	onUnsolicited(fn: (line: string) => void): () => void {
		this.unsolicited.add(fn);
		return () => this.unsolicited.delete(fn);
	}

	/** Send `cmd` + CR and wait for its final result code (see the class comment for what an abort does). */
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
	 * Rejects AT_TIMEOUT after `timeoutMs` (the channel stays in raw mode: call abortReceive()). On abort
	 * the receive is cancelled here (CAN, OK or resync) before the promise rejects with the reason.
	 * With `onData` the decoded bytes stream to it as they arrive (what came before is handed over first)
	 * and the block's `data` is empty; calling again after AT_TIMEOUT keeps streaming to the new `onData`.
	 */
	async readDleBlock(timeoutMs: number, signal?: AbortSignal, onData?: (chunk: Uint8Array) => void): Promise<DleBlock> {
		const raw = this.raw;
		if (!raw) throw new FaxError("AT_UNEXPECTED_RESPONSE", "No DLE data expected (not after CONNECT)");
		if (onData && !raw.done) raw.reader.stream(onData); // +FRM page data: decoded bytes go out as they arrive
		if (raw.done) {
			this.raw = undefined;
			const b = raw.done;
			if (!onData || b.streamed !== undefined || b.final) return b;
			if (b.data.length > 0) onData(b.data); // the whole block came before the caller asked to stream
			return { ...b, data: new Uint8Array(0), streamed: b.data.length };
		}
		if (this.closedError) throw this.closedError;
		if (raw.waiter || this.busy) throw new FaxError("AT_BUSY_CHANNEL", "Channel busy");
		this.busy = true;
		try {
			const p = new Promise<DleBlock>((resolve, reject) => (raw.waiter = { resolve, reject }));
			const o = await race(this.clock, p, timeoutMs, signal);
			if (o.kind === "value") return o.value;
			raw.waiter = undefined;
			if (o.kind === "timeout") throw new FaxError("AT_TIMEOUT", `No DLE ETX within ${timeoutMs} ms`, { context: { received: raw.reader.length } });
			const reason = abortReason(signal);
			this.tracer.trace("info", "-", "receive aborted: cancelling it");
			await this.cancelReceive(this.abortOkMs).catch(() => false);
			throw reason;
		} finally {
			raw.waiter = undefined;
			this.setIdle();
		}
	}

	/** Switch to raw DLE receive now (the DCE is known to be sending data, e.g. +FAR=1 "+FRH:3"). */
	enterRawReceive(): void {
		this.raw = { reader: new RawBlockReader(this.opts.dle, false) };
		const rest = this.parser.takeRest();
		if (rest.length) this.feedRaw(rest);
	}

	/** Write raw bytes (DLE-stuffed data, CAN...). Resolves when the transport accepted them. */
	writeRaw(bytes: Uint8Array): Promise<void> {
		return this.writeBytes(bytes);
	}

	/**
	 * Abort a pending +FRH/+FRM (class1.md §2.1, HylaFAX Class1Modem::abortReceive): leave raw mode,
	 * send CAN, wait up to `okWaitMs` for a final result (OK; NO CARRIER after an aborted dial); if none
	 * (or okWaitMs is 0), pause 200 ms, drop the input and resynchronise with "AT". Resolves true when
	 * the modem answered. Never throws except PORT_CLOSED.
	 */
	async abortReceive(okWaitMs: number): Promise<boolean> {
		this.raw = undefined;
		if (this.waiter) this.failWaiter(new FaxError("AT_ABORTED", "Receive aborted"));
		return this.cancelReceive(okWaitMs);
	}

	/** Drop buffered input, in the OS and here, and leave raw mode. */
	async resync(): Promise<void> {
		this.raw = undefined;
		this.parser.reset();
		this.staleLine = false;
		await this.transport.discardInput();
	}

	// --- internals ---------------------------------------------------------------------------------

	private async wait(cmd: string | undefined, opts: WaitOptions, payload?: Uint8Array): Promise<AtResult> {
		if (this.closedError) throw this.closedError;
		if (this.busy) {
			throw new FaxError("AT_BUSY_CHANNEL", `Command ${cmd ?? "(wait)"} issued while another is in flight`, { context: { cmd } });
		}
		const signal = opts.signal;
		// Nothing written yet: an aborted caller sends nothing, so the DCE owes nothing.
		if (payload && signal?.aborted) throw abortReason(signal);
		this.busy = true;
		try {
			this.raw = undefined;
			const timeoutMs = opts.timeoutMs ?? this.defaultTimeoutMs;
			const deadline = this.clock.now() + timeoutMs;
			if (payload) {
				// Lines held since the last DLE block belong to no one once we send something new, nor does a
				// line that had begun before a command was written (raw bytes — DLE ETX, a frame — continue
				// the exchange in progress: a result line already under way is theirs).
				this.holdLines = false;
				this.drainLines();
				this.staleLine = cmd !== undefined && this.parser.partialLine;
			}
			const { promise, waiter } = this.expect(cmd, opts);
			if (payload) this.send(cmd, payload, waiter);
			const o = await race(this.clock, promise, timeoutMs, signal);
			if (o.kind === "value") return o.value;
			const style = opts.abortStyle ?? abortStyleOf(cmd);
			if (o.kind === "timeout") {
				this.dropWaiter(waiter);
				this.tracer.trace("timer", "-", `AT timeout ${timeoutMs} ms`, { cmd });
				// A transmit command may yet say CONNECT (or be waiting after a frame): make sure the DCE
				// is not left taking our next command as data.
				if (payload && style === "transmit") await this.closeData().catch(() => undefined);
				throw new FaxError("AT_TIMEOUT", `No response to ${cmd ?? "wait"} within ${timeoutMs} ms`, { context: { cmd, timeoutMs } });
			}
			const reason = abortReason(signal);
			this.tracer.trace("info", "-", `${cmd ?? "wait"} aborted: winding it down (${style})`);
			await this.windDown(style, promise, waiter, deadline);
			throw reason;
		} finally {
			this.setIdle();
		}
	}

	/**
	 * Bring the DCE back to command state after an aborted command, before anyone may send the next one
	 * (spec outgoing-job.md §9.4): "final" waits for the command's own final result (bounded by its own
	 * timeout); "cancel" stops it with CAN (T.31 §8.3.4-8.3.5); "transmit" waits for the final and, if it
	 * is CONNECT (the DCE now takes bytes as data), closes the data with DLE ETX and waits for OK.
	 * Whatever does not answer in time is followed by a flush and an "AT". Errors are traced, not thrown.
	 */
	private async windDown(style: AbortStyle, pending: Promise<AtResult>, w: Waiter, deadline: number): Promise<void> {
		try {
			if (style === "cancel") {
				if (w.result && w.result.code !== "CONNECT") return; // it had already finished
				await this.cancelReceive(this.abortOkMs, w.result ? undefined : { pending, w });
				return;
			}
			const o = w.result ? ({ kind: "value", value: w.result } as const) : await race(this.clock, pending, Math.max(0, deadline - this.clock.now()));
			if (o.kind !== "value") this.dropWaiter(w);
			if (style === "transmit" && (o.kind !== "value" || o.value.code === "CONNECT")) await this.closeData();
			else if (o.kind !== "value") await this.resyncWithAt();
		} catch (e) {
			this.tracer.trace("info", "-", `winding down: ${(e as Error).message}`);
		}
	}

	/**
	 * CAN, then the final result that ends the receive (anything but CONNECT), within
	 * `okWaitMs`; else (or with okWaitMs 0 after 200 ms) flush and "AT". `pending` is the aborted
	 * command's own wait, whose final may be the answer to the CAN. True when the DCE answered.
	 */
	private async cancelReceive(okWaitMs: number, pending?: { pending: Promise<AtResult>; w: Waiter }): Promise<boolean> {
		this.raw = undefined;
		this.tracer.trace("at", "tx", "<CAN> (abort receive)");
		await this.writeBytes(Uint8Array.of(CAN));
		if (okWaitMs <= 0) {
			if (pending) this.dropWaiter(pending.w);
			await this.clock.sleep(200);
			return this.resyncWithAt();
		}
		const end = this.clock.now() + okWaitMs;
		if (pending) {
			const o = await race(this.clock, pending.pending, okWaitMs);
			if (o.kind !== "value") {
				this.dropWaiter(pending.w);
				return this.resyncWithAt();
			}
			if (o.value.code !== "CONNECT") return true;
			// CONNECT crossed the CAN: the DCE stops delivering data and says OK (or the frame's OK/ERROR).
			this.raw = undefined;
		}
		const { promise, waiter } = this.expect(undefined, { ignoreFinal: (c) => c === "CONNECT" });
		const o = await race(this.clock, promise, Math.max(1, end - this.clock.now()));
		if (o.kind === "value") return true;
		this.dropWaiter(waiter);
		return this.resyncWithAt();
	}

	/** A transmission left open (CONNECT to +FTH/+FTM or to a frame): DLE ETX, then its OK. */
	private async closeData(): Promise<void> {
		this.tracer.trace("at", "tx", "<DLE><ETX> (closing the interrupted transmission)");
		// a CONNECT still on its way (late answer to +FTH/+FTM) is not the end: its OK is
		const { promise, waiter } = this.expect(undefined, { ignoreFinal: (c) => c === "CONNECT" });
		this.send(undefined, DLE_ETX, waiter);
		const o = await race(this.clock, promise, this.closeDataOkMs);
		if (o.kind === "value") return;
		this.dropWaiter(waiter);
		await this.resyncWithAt();
	}

	/** Flush the input and check the DCE answers "AT" (1 s). True on OK. */
	private async resyncWithAt(): Promise<boolean> {
		await this.resync();
		const { promise, waiter } = this.expect("AT", {});
		this.send("AT", Buffer.from("AT\r", "latin1"), waiter);
		const o = await race(this.clock, promise, 1000);
		if (o.kind === "value") return o.value.code === "OK";
		this.dropWaiter(waiter);
		return false;
	}

	/** Install the waiter for the next final result (held lines after a DLE block are for it). */
	private expect(cmd: string | undefined, opts: WaitOptions): { promise: Promise<AtResult>; waiter: Waiter } {
		let waiter!: Waiter;
		const promise = new Promise<AtResult>((resolve, reject) => {
			waiter = {
				cmd,
				opts,
				info: [],
				resolve: (r) => {
					waiter.result = r;
					resolve(r);
				},
				reject,
			};
		});
		promise.catch(() => undefined); // consumed through race(); a late rejection is nobody's
		this.waiter = waiter;
		this.holdLines = false;
		this.drainLines();
		return { promise, waiter };
	}

	/** Write `payload` for waiter `w` (a write failure fails it). */
	private send(cmd: string | undefined, payload: Uint8Array, w: Waiter): void {
		if (cmd !== undefined) this.tracer.trace("at", "tx", cmd);
		this.writeBytes(payload).catch((e: unknown) => {
			if (this.waiter === w) this.failWaiter(e);
		});
	}

	private setIdle(): void {
		this.busy = false;
		const ws = this.idleWaiters;
		this.idleWaiters = [];
		for (const w of ws) w();
	}

	private dropWaiter(w: Waiter): void {
		if (this.waiter === w) this.waiter = undefined;
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
		const r = raw.reader.push(bytes);
		if (r.kind === "more") return;
		if (r.kind === "error") {
			// Runaway data without DLE ETX: give up on the block.
			this.raw = undefined;
			raw.waiter?.reject(new FaxError("AT_UNEXPECTED_RESPONSE", r.message));
			return;
		}
		const { block, rest } = r;
		if (block.final) this.tracer.trace("at", "rx", block.final.line);
		else this.tracer.trace("at", "rx", `<${hex(block.data, this.ioMax)}> <DLE><ETX>`, { bytes: block.streamed ?? block.data.length, events: block.events });
		this.finishRaw(raw, block, rest);
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
		const w = this.staleLine ? undefined : this.waiter;
		if (this.staleLine) {
			this.staleLine = false;
			this.tracer.trace("info", "-", `line begun before the command was written, not its reply: ${line}`);
		}
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
			this.raw = { reader: new RawBlockReader(this.opts.dle, skipLf) };
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
