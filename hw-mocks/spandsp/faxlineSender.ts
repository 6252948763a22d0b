/**
 * faxline's own Class 1 sender as the interop tests and the benchmark drive it: opens the modem on a
 * device path with `openFaxModem(path, opts)` (src/session/openFaxModem.ts), the document with
 * `openFaxDocument` (src/tiff), sends one call and closes both. Keeps a protocol trace (MemoryTracer) so
 * a failed interop call can show what was said on the line. Layer: hw-mocks (tests/benchmarks only).
 */
import { SystemClock } from "../../src/core/Clock.js";
import { MemoryTracer } from "../../src/core/trace.js";
import type { SendEvent, SendResult } from "../../src/modem/FaxModem.js";
import { openFaxModem, type OpenFaxModemOptions } from "../../src/session/openFaxModem.js";
import { openFaxDocument } from "../../src/tiff/index.js";

export interface FaxlineSendOptions {
	number?: string;
	tsid?: string;
	/** options for openFaxModem (e.g. maxRate, allowMr) */
	modemOptions?: OpenFaxModemOptions;
	/** abort the call after this many ms (AbortSignal). Default 300000. */
	timeoutMs?: number;
}

export interface FaxlineSendOutcome {
	ok: boolean;
	result?: SendResult;
	/** the FaxError code of a failed call, or the load error */
	error?: string;
	events: SendEvent[];
	wallMs: number;
	/** the last protocol trace lines ("t ch dir msg"), for failure messages */
	traceTail: string[];
}

/** Send the TIFF/PBM at `documentPath` through the modem at `device` with faxline. Never rejects for a failed call. */
export async function sendWithFaxline(device: string, documentPath: string, o: FaxlineSendOptions = {}): Promise<FaxlineSendOutcome> {
	const events: SendEvent[] = [];
	const t0 = performance.now();
	const tracer = new MemoryTracer(new SystemClock());
	const traceTail = (): string[] =>
		tracer.records.slice(-40).map((r) => `${r.t.toFixed(0)} ${r.ch} ${r.dir} ${r.msg}${typeof r.data === "string" ? ` ${r.data.slice(0, 60)}` : ""}`);
	const doc = await openFaxDocument(documentPath);
	const modem = await openFaxModem(device, { tracer, ...(o.modemOptions ?? {}) });
	const ac = new AbortController();
	const timer = setTimeout(() => ac.abort(), o.timeoutMs ?? 300_000);
	try {
		const result = await modem.send({
			document: doc,
			number: o.number ?? "5551234",
			tsid: o.tsid ?? "+1 555 0199",
			signal: ac.signal,
			onEvent: (e) => events.push(e),
		});
		const outcome: FaxlineSendOutcome = { ok: result.ok, result, events, wallMs: performance.now() - t0, traceTail: traceTail() };
		if (result.error) outcome.error = result.error.code;
		return outcome;
	} finally {
		clearTimeout(timer);
		await modem.close().catch(() => undefined);
		await doc.close().catch(() => undefined);
	}
}
