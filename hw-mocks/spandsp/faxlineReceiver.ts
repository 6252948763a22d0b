/**
 * faxline's Class 1 receiver as the interop tests and the benchmark drive it: opens the modem on a
 * device path, waits for the ring, answers and receives one call into a TIFF Class F file
 * (src/receive/TiffReceiveSink.ts), closes. Keeps a protocol trace (MemoryTracer) so a failed call can
 * show what was said on the line. Layer: hw-mocks (tests/benchmarks only).
 */
import { SystemClock } from "../../src/core/Clock.js";
import { MemoryTracer } from "../../src/core/trace.js";
import { openClass1Modem } from "../../src/modem/probe.js";
import { TiffReceiveSink, type StoredPage } from "../../src/receive/TiffReceiveSink.js";
import type { ReceiveOptions } from "../../src/t30/receive.js";
import { receiveCall, type ReceiveCallResult } from "../../src/t30/receiveCall.js";
import type { ReceiveEvent } from "../../src/t30/receiveTypes.js";
import { resolveTimers, type T30Timers } from "../../src/t30/timers.js";

export interface FaxlineReceiveOptions {
	/** answer after this many rings; default 1 */
	rings?: number;
	csid?: string;
	/** timer overrides (e.g. a short T1 for the no-DCS test) */
	timers?: Partial<T30Timers>;
	/** receiver options beyond the modem's rates (quality limits, TCF limits) */
	receive?: Omit<ReceiveOptions, "caps">;
	/** abort after this many ms; default 300000 */
	timeoutMs?: number;
}

export interface FaxlineReceiveOutcome {
	result: ReceiveCallResult;
	pages: StoredPage[];
	/** pages in the TIFF file */
	stored: number;
	events: ReceiveEvent[];
	wallMs: number;
	/** wall ms from the far end's DCN (the last frame heard) to the TIFF being final, when there was one */
	dcnToFileMs?: number;
	traceTail: string[];
	/** DIS frames we sent (T.30 repeats DIS while the caller is silent) */
	disSent: number;
}

/** Receive one call on `device` into `tiffPath`. Never rejects for a failed call. */
export async function receiveWithFaxline(device: string, tiffPath: string, o: FaxlineReceiveOptions = {}): Promise<FaxlineReceiveOutcome> {
	const events: ReceiveEvent[] = [];
	const t0 = performance.now();
	const clock = new SystemClock();
	const tracer = new MemoryTracer(clock);
	const traceTail = (): string[] => tracer.records.slice(-60).map((r) => `${r.t.toFixed(0)} ${r.ch} ${r.dir} ${r.msg}`);
	const modem = await openClass1Modem(device, { clock, tracer });
	const ac = new AbortController();
	const timer = setTimeout(() => ac.abort(), o.timeoutMs ?? 300_000);
	let tsid = "";
	const sink = new TiffReceiveSink(tiffPath, { tsid: () => tsid });
	try {
		const result = await receiveCall(
			modem,
			{ clock, tracer, timers: resolveTimers({ ...modem.profile.timers, ...(o.timers ?? {}) }) },
			{ sink, rings: o.rings ?? 1, signal: ac.signal, onEvent: (e) => (e.type === "remoteTsi" && (tsid = e.tsid), events.push(e)) },
			{ caps: { receiveRates: modem.receiveRates }, ...(o.csid ? { csid: o.csid } : {}), ...(o.receive ?? {}) },
		);
		const dcnAt = [...tracer.records].reverse().find((r) => r.ch === "hdlc" && r.dir === "rx" && /DCN/.test(r.msg))?.t;
		const stored = await sink.finish();
		const disSent = tracer.records.filter((r) => r.ch === "hdlc" && r.dir === "tx" && /^-> DIS/.test(r.msg)).length;
		const out: FaxlineReceiveOutcome = { result, pages: sink.pages, stored, events, wallMs: performance.now() - t0, traceTail: traceTail(), disSent };
		if (dcnAt !== undefined) out.dcnToFileMs = clock.now() - dcnAt;
		return out;
	} finally {
		clearTimeout(timer);
		await sink.finish().catch(() => undefined);
		await modem.close().catch(() => undefined);
	}
}
