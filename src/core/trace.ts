/**
 * Protocol traces (architecture.md "Protocol traces"): records `{t, ch, dir, msg, data?}` on channels
 * io/at/hdlc/timer/state/job/page. Sinks: JSONL file per call, in-memory recorder for tests, none.
 * Codecs never log. Layer: core (the file sink uses node:fs synchronously-appending streams).
 */
import { createWriteStream, type WriteStream } from "node:fs";
import { finished } from "node:stream";
import type { Clock } from "./Clock.js";

export type TraceChannel = "io" | "at" | "hdlc" | "timer" | "state" | "job" | "page" | "error" | "info";
export type TraceDir = "tx" | "rx" | "-";

export interface TraceRecord {
	/** ms on the call's clock */
	t: number;
	ch: TraceChannel;
	dir: TraceDir;
	msg: string;
	data?: unknown;
}

export interface Tracer {
	trace(ch: TraceChannel, dir: TraceDir, msg: string, data?: unknown): void;
}

export const nullTracer: Tracer = { trace() {} };

/** Keeps every record in memory; tests assert on `records` / `states()`. */
export class MemoryTracer implements Tracer {
	readonly records: TraceRecord[] = [];
	constructor(private readonly clock: Clock) {}
	trace(ch: TraceChannel, dir: TraceDir, msg: string, data?: unknown): void {
		const r: TraceRecord = { t: this.clock.now(), ch, dir, msg };
		if (data !== undefined) r.data = data;
		this.records.push(r);
	}
	/** The state vocabulary entered, e.g. ["A", "B:T", "C", ...] from `state` records. */
	states(): string[] {
		return this.records.filter((r) => r.ch === "state").map((r) => r.msg);
	}
	channel(ch: TraceChannel): TraceRecord[] {
		return this.records.filter((r) => r.ch === ch);
	}
}

/** Appends one JSON line per record to a file. Call `close()` at the end of the call. */
export class JsonlTracer implements Tracer {
	private readonly out: WriteStream;
	private failed: Error | undefined;
	constructor(path: string, private readonly clock: Clock) {
		this.out = createWriteStream(path, { flags: "a" });
		// a trace that cannot be written (disk full, /dev/full, a vanished mount) never ends the call: the
		// first error is kept for the caller to report, later records are dropped (issue 14)
		this.out.on("error", (e) => void (this.failed ??= e));
	}
	/** The write error that stopped the trace, if any. */
	get error(): Error | undefined {
		return this.failed;
	}
	trace(ch: TraceChannel, dir: TraceDir, msg: string, data?: unknown): void {
		if (this.failed) return;
		const r: TraceRecord = { t: Math.round(this.clock.now() * 1000) / 1000, ch, dir, msg };
		if (data !== undefined) r.data = data instanceof Uint8Array ? Buffer.from(data).toString("hex") : data;
		this.out.write(JSON.stringify(r) + "\n");
	}
	close(): Promise<void> {
		return new Promise((resolve) => {
			finished(this.out, () => resolve());
			this.out.end();
		});
	}
}

/** Fan out to several tracers. */
export const teeTracer = (...ts: Tracer[]): Tracer => ({
	trace: (ch, dir, msg, data) => ts.forEach((t) => t.trace(ch, dir, msg, data)),
});
