/**
 * faxline's Class 1 receiver as the interop tests and the benchmark drive it: opens the modem on a
 * device path, waits for the ring, answers and receives one call into a TIFF Class F file
 * (src/receive/TiffReceiveSink.ts), closes. Keeps a protocol trace (MemoryTracer) so a failed call can
 * show what was said on the line. Layer: hw-mocks (tests/benchmarks only).
 */
import { SystemClock } from "../../src/core/Clock.js";
import { MemoryTracer } from "../../src/core/trace.js";
import type { ReceiveEvent, ReceiveResult } from "../../src/modem/FaxModem.js";
import { TiffReceiveSink, type StoredPage } from "../../src/receive/TiffReceiveSink.js";
import { openFaxModem } from "../../src/session/openFaxModem.js";
import type { Class1SessionOptions } from "../../src/t30/Class1Session.js";
import type { T30Timers } from "../../src/t30/timers.js";

export interface FaxlineReceiveOptions {
	/** answer after this many rings; default 1 */
	rings?: number;
	/** let the modem answer by itself (ATS0=n) instead of ATA */
	autoAnswer?: boolean;
	csid?: string;
	/** timer overrides (e.g. a short T1 for the no-DCS test) */
	timers?: Partial<T30Timers>;
	/** receiver options (copy-quality and TCF limits) */
	receive?: Pick<Class1SessionOptions, "copyQuality" | "tcfLimits" | "receiveEcm">;
	/** abort after this many ms; default 300000 */
	timeoutMs?: number;
}

export interface FaxlineReceiveOutcome {
	result: ReceiveResult;
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
	/** PPR frames we sent (ECM: frames asked again) */
	pprs: number;
}

/** Receive one call on `device` into `tiffPath`. Never rejects for a failed call. */
export async function receiveWithFaxline(device: string, tiffPath: string, o: FaxlineReceiveOptions = {}): Promise<FaxlineReceiveOutcome> {
	const events: ReceiveEvent[] = [];
	const t0 = performance.now();
	const clock = new SystemClock();
	const tracer = new MemoryTracer(clock);
	const traceTail = (): string[] => tracer.records.slice(-60).map((r) => `${r.t.toFixed(0)} ${r.ch} ${r.dir} ${r.msg}`);
	const modem = await openFaxModem(device, { clock, tracer, ...(o.timers ? { timers: o.timers } : {}), ...(o.receive ?? {}) });
	const ac = new AbortController();
	const timer = setTimeout(() => ac.abort(), o.timeoutMs ?? 300_000);
	let tsid = "";
	const sink = new TiffReceiveSink(tiffPath, { tsid: () => tsid });
	try {
		const result = await modem.receive({
			sink,
			rings: o.rings ?? 1,
			...(o.autoAnswer ? { autoAnswer: true } : {}),
			signal: ac.signal,
			onEvent: (e) => (e.type === "remoteTsi" && (tsid = e.tsid), events.push(e)),
			...(o.csid ? { csid: o.csid } : {}),
		});
		const dcnAt = [...tracer.records].reverse().find((r) => r.ch === "hdlc" && r.dir === "rx" && /DCN/.test(r.msg))?.t;
		const stored = await sink.finish();
		const disSent = tracer.records.filter((r) => r.ch === "hdlc" && r.dir === "tx" && /^-> DIS/.test(r.msg)).length;
		const pprs = tracer.records.filter((r) => r.ch === "hdlc" && r.dir === "tx" && /^-> PPR/.test(r.msg)).length;
		const out: FaxlineReceiveOutcome = { result, pages: sink.pages, stored, events, wallMs: performance.now() - t0, traceTail: traceTail(), disSent, pprs };
		if (dcnAt !== undefined) out.dcnToFileMs = clock.now() - dcnAt;
		return out;
	} finally {
		clearTimeout(timer);
		await sink.finish().catch(() => undefined);
		await modem.close().catch(() => undefined);
	}
}
