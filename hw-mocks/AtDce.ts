/**
 * AtDce: the AT-command half of the simulated modem (V.250 §5: command lines, echo, verbose/numeric
 * result codes, S-registers via atCommands.ts), its byte I/O on a duplex, the line clock, timers and
 * the byte transcript. ModemSimulator.ts adds the T.31 fax half (calls, V.21 frames, high-speed data).
 * Bytes that arrive while a command runs are held and processed after its result, as a DCE does.
 * Layer: hw-mocks.
 */
import { EventEmitter } from "node:events";
import { defaultHandlers, findHandler, parseCommandLine, type AtCommand, type AtHandler, type HandlerResult } from "./atCommands.js";
import { FaultSet, type Fault } from "./faults.js";
import { DEFAULT_RATE_LIST, LineClock, MODULATIONS, type LineTimer } from "./lineTime.js";
import type { ByteDuplex } from "./MemoryDuplex.js";
import type { TranscriptEntry } from "./records.js";

/** Octets of a high-speed data block kept in the transcript at each end (the middle is counted, not kept). */
export const TRANSCRIPT_DATA_KEEP = 128;

const DC1 = 0x11;
const DC3 = 0x13;

/** Identity the modem reports (ATI n, +FMI?, +FMM?, +FMR?), so driver profile matching can be tested. */
export interface ModemIdentity {
	manufacturer: string;
	model: string;
	revision: string;
	/** ATI<n> replies (lines separated by \n) */
	ati: Record<number, string>;
}

export interface AtDceOptions {
	/** real seconds per line second; default 1 (real time). 0.02 runs 50x faster. */
	timeScale?: number;
	identity?: Partial<ModemIdentity>;
	/** AT+FTM=? / AT+FRM=? reply; default "24,48,72,73,74,96,97,98,121,122,145,146" */
	rates?: string;
	/** AT+FCLASS=? classes; default ["0","1","1.0"] */
	classes?: string[];
	faults?: readonly Fault[];
	/** extra or replacement AT handlers */
	handlers?: Record<string, AtHandler>;
}

export type DceMode = "command" | "dialing" | "hdlcTx" | "hdlcRx" | "imageTx" | "imageRx" | "silent" | "dead";

const NUMERIC: Record<string, string> = { OK: "0", CONNECT: "1", RING: "2", "NO CARRIER": "3", ERROR: "4", "NO DIALTONE": "6", BUSY: "7", "NO ANSWER": "8", "+FCERROR": "+F4" };

export abstract class AtDce extends EventEmitter {
	readonly clock: LineClock;
	readonly identity: ModemIdentity;
	readonly rateList: string;
	readonly rateCodes: number[];
	readonly classes: string[];
	readonly faults: FaultSet;
	readonly settings = { echo: true, verbose: true, quiet: false, fclass: "0", sregs: {} as Record<number, number> };
	/** Every byte both ways. */
	readonly transcript: TranscriptEntry[] = [];
	/** Every command executed, in order (line ms, text without "AT"). */
	readonly commands: { at: number; text: string }[] = [];
	mode: DceMode = "command";

	/** a command line is running: input is held */
	protected busy = false;
	/** a handler that returned "online" keeps the input held until it sends its result */
	protected hold = false;
	protected readonly timers = new Set<LineTimer>();
	private readonly handlers: Record<string, AtHandler>;
	private line = "";
	private pending: number[] = [];
	/** bumped when the host goes away: a command line still running for the old host is abandoned */
	private hostSession = 0;
	private writeChain: Promise<void> = Promise.resolve();
	private readonly onData = (b: Buffer) => this.input(b);
	private readonly onClose = () => this.portClosed();
	private readonly onHostClose = () => this.hostClosed();

	constructor(
		readonly port: ByteDuplex,
		opts: AtDceOptions = {},
	) {
		super();
		this.clock = new LineClock(opts.timeScale ?? 1);
		this.identity = {
			manufacturer: opts.identity?.manufacturer ?? "faxline",
			model: opts.identity?.model ?? "T.31 simulator",
			revision: opts.identity?.revision ?? "1.0",
			ati: opts.identity?.ati ?? { 0: "faxline T.31 simulator", 3: "faxline sim 1.0" },
		};
		this.rateList = opts.rates ?? DEFAULT_RATE_LIST;
		this.rateCodes = this.rateList.split(",").map((s) => Number(s.trim())).filter((n) => MODULATIONS.has(n));
		this.classes = opts.classes ?? ["0", "1", "1.0"];
		this.faults = new FaultSet(opts.faults ?? []);
		this.handlers = { ...defaultHandlers, ...(opts.handlers ?? {}) };
		port.on("data", this.onData);
		port.on("close", this.onClose);
		port.on("hostClose", this.onHostClose);
	}

	// ------------------------------------------------------------------ what the fax half provides

	/** A byte in hdlcTx / imageTx mode. */
	protected abstract dataByte(b: number): void;
	/** A byte (not DC1/DC3) while receiving or dialling: abort. */
	protected abstract abortByte(): void;
	/** The "silent" fault fired. */
	protected abstract wentSilent(): void;
	/** The port closed under us. */
	protected abstract portClosed(): void;
	/** The host closed the port (DTR drop): V.250 &D2 behaviour, hang up and return to command state. */
	protected abstract hostClosed(): void;
	/** Current call number for fault filters (1-based; 0 before the first ATD). */
	protected abstract callNumber(): number;

	/** Stop listening to the port and cancel every timer (the port itself is the caller's). */
	detach(): void {
		this.port.off("data", this.onData);
		this.port.off("close", this.onClose);
		this.port.off("hostClose", this.onHostClose);
		this.cancelTimers();
		this.mode = "dead";
	}

	/** Resolve when a command matching `pred` is executed; reject after `ms` real ms. */
	expectCommand(pred: (text: string) => boolean, ms: number): Promise<string> {
		return new Promise((resolve, reject) => {
			const t = setTimeout(() => {
				this.off("command", on);
				reject(new Error(`no matching command within ${ms} ms`));
			}, ms);
			const on = (text: string) => {
				if (!pred(text)) return;
				clearTimeout(t);
				this.off("command", on);
				resolve(text);
			};
			this.on("command", on);
		});
	}

	// ------------------------------------------------------------------ output

	protected write(bytes: Uint8Array | string): void {
		if (this.mode === "dead") return;
		const buf = typeof bytes === "string" ? Buffer.from(bytes, "latin1") : Buffer.from(bytes);
		this.transcript.push({ t: this.clock.now(), dir: "modem", data: buf });
		this.writeChain = this.writeChain.then(() => this.port.write(buf)).catch(() => undefined);
	}

	/** Send a result code (verbose or numeric per ATV; nothing under ATQ1). */
	result(code: string): void {
		if (this.settings.quiet) return;
		this.write(this.settings.verbose ? `\r\n${code}\r\n` : `${NUMERIC[code] ?? code}\r`);
		this.emit("result", code);
	}

	/** Send an information text line. */
	info(text: string): void {
		this.write(this.settings.verbose ? `\r\n${text}\r\n` : `${text}\r\n`);
	}

	// ------------------------------------------------------------------ input

	private input(chunk: Buffer): void {
		if (this.mode === "dead") return;
		this.recordHost(chunk);
		this.feed(chunk);
	}

	private feed(chunk: Uint8Array): void {
		for (let i = 0; i < chunk.length; i++) {
			if (this.busy) {
				for (let j = i; j < chunk.length; j++) this.pending.push(chunk[j]!);
				return;
			}
			const b = chunk[i]!;
			switch (this.mode) {
				case "command":
					this.commandByte(b);
					break;
				case "hdlcTx":
				case "imageTx":
					this.dataByte(b);
					break;
				case "hdlcRx":
				case "imageRx":
				case "dialing":
					if (b === DC1 || b === DC3) break; // flow-control characters do not abort (T.31 §8.3.2 note)
					this.abortByte();
					break;
				default:
					return; // silent or dead
			}
		}
	}

	/**
	 * Transcript of host bytes. While the host sends high-speed data (+FTM), the chunks of one block merge
	 * into one entry that keeps the block's first and last TRANSCRIPT_DATA_KEEP octets and counts the rest
	 * (`elided`): pages stay out of memory (issue 14), the wire around them stays readable.
	 */
	private recordHost(chunk: Buffer): void {
		const last = this.transcript.at(-1);
		if (this.mode !== "imageTx" || !last || last.dir !== "host" || last.elided === undefined) {
			this.transcript.push({ t: this.clock.now(), dir: "host", data: Buffer.from(chunk), ...(this.mode === "imageTx" ? { elided: 0 } : {}) });
			return this.trimBlock(this.transcript.at(-1)!);
		}
		last.data = Buffer.concat([last.data, chunk]);
		this.trimBlock(last);
	}

	private trimBlock(e: TranscriptEntry): void {
		if (e.elided === undefined || e.data.length <= 3 * TRANSCRIPT_DATA_KEEP) return;
		e.elided += e.data.length - 2 * TRANSCRIPT_DATA_KEEP;
		e.data = Buffer.concat([e.data.subarray(0, TRANSCRIPT_DATA_KEEP), e.data.subarray(e.data.length - TRANSCRIPT_DATA_KEEP)]);
	}

	/** The running command (or data block) is done: process bytes held meanwhile. */
	protected release(): void {
		this.busy = false;
		if (this.pending.length === 0) return;
		const p = Uint8Array.from(this.pending);
		this.pending = [];
		this.feed(p);
	}

	private commandByte(b: number): void {
		if (b === DC1 || b === DC3) return; // XON/XOFF are not command characters
		if (this.settings.echo) this.write(Uint8Array.of(b));
		if (b === 0x0d) {
			const line = this.line;
			this.line = "";
			this.processLine(line);
		} else if (b === 0x08 || b === 0x7f) this.line = this.line.slice(0, -1);
		else if (b === 0x0a) return;
		else if (this.line.length < 256) this.line += String.fromCharCode(b);
	}

	private processLine(raw: string): void {
		const text = raw.trim();
		if (!/^AT/i.test(text)) return; // V.250 §5.2.1: anything else is ignored
		let cmds: AtCommand[];
		try {
			cmds = parseCommandLine(text.slice(2));
		} catch {
			this.result("ERROR");
			return;
		}
		this.busy = true;
		void this.runCommands(cmds);
	}

	private async runCommands(cmds: AtCommand[]): Promise<void> {
		const session = this.hostSession;
		let final: "OK" | "ERROR" | undefined = "OK";
		for (const cmd of cmds) {
			this.commands.push({ at: this.clock.now(), text: cmd.text });
			this.emit("command", cmd.text);
			const norm = cmd.text.toUpperCase();
			const silent = this.faults.active("silent", this.callNumber()).find((f) => norm.startsWith(f.command.toUpperCase()));
			if (silent && this.countMatching(silent.command) >= (silent.nth ?? 1)) {
				this.mode = "silent";
				this.cancelTimers();
				this.wentSilent();
				return;
			}
			if (this.faults.take("error", this.callNumber(), (f) => norm.startsWith(f.command.toUpperCase()))) {
				final = "ERROR";
				break;
			}
			const h = findHandler(this.handlers, cmd.name);
			let r: HandlerResult;
			try {
				r = h ? await h(this as unknown as Parameters<AtHandler>[0], cmd) : "error";
			} catch {
				r = "error";
			}
			if (this.mode === "dead" || this.mode === "silent" || session !== this.hostSession) return;
			if (r === "error") {
				final = "ERROR";
				break;
			}
			if (r === "online") {
				final = undefined; // the handler sends CONNECT / its result itself; the rest of the line is dropped
				break;
			}
		}
		if (final) this.result(final);
		if (this.hold) this.hold = false;
		else this.release();
	}

	/**
	 * Forget a half-typed command line, held input and the command line still running (the host that sent
	 * them has gone, V.250 §6.2.9 DTR drop): the next byte is read in command state at once.
	 */
	protected resetInput(): void {
		this.line = "";
		this.pending = [];
		this.hold = false;
		this.busy = false;
		this.hostSession++;
	}

	private countMatching(prefix: string): number {
		const p = prefix.toUpperCase();
		return this.commands.filter((c) => c.text.toUpperCase().startsWith(p)).length;
	}

	// ------------------------------------------------------------------ timers

	/** Run `fn` after `lineMs` of line time (cancelled by detach/port loss). */
	protected after(lineMs: number, fn: () => void): LineTimer {
		const h = this.clock.timer(lineMs, () => {
			this.timers.delete(h);
			if (this.mode === "dead") return;
			fn();
		});
		this.timers.add(h);
		return h;
	}

	protected cancelTimers(): void {
		for (const t of this.timers) t.cancel();
		this.timers.clear();
	}
}
