/**
 * faxline's own Class 1 sender as the interop tests and the benchmark drive it: opens the modem on a
 * device path with `openFaxModem(path, opts)` (src/t30/openFaxModem.ts), the document with
 * `openFaxDocument` (src/tiff), sends one call and closes both. The sender module is loaded at run time
 * so this adapter (and the benchmark) still build while it is being written; `available` says whether
 * it was there. Layer: hw-mocks (tests/benchmarks only).
 */
import type { FaxModem, SendEvent, SendResult } from "../../src/modem/FaxModem.js";
import { openFaxDocument } from "../../src/tiff/index.js";

export interface FaxlineSendOptions {
	number?: string;
	tsid?: string;
	/** options for openFaxModem (e.g. maxRate, allowMr) */
	modemOptions?: Record<string, unknown>;
	/** abort the call after this many ms (AbortSignal). Default 300000. */
	timeoutMs?: number;
}

export interface FaxlineSendOutcome {
	/** false when src/t30/openFaxModem.ts does not exist yet (or lacks openFaxModem) */
	available: boolean;
	ok: boolean;
	result?: SendResult;
	/** the FaxError code of a failed call, or the load error */
	error?: string;
	events: SendEvent[];
	wallMs: number;
}

type OpenFaxModem = (path: string, opts?: Record<string, unknown>) => Promise<FaxModem> | FaxModem;

/** Load `openFaxModem`, or undefined (with the reason) while the sender is not in the tree. */
export async function loadOpenFaxModem(): Promise<{ open?: OpenFaxModem; reason?: string }> {
	const spec = "../../src/t30/openFaxModem.js";
	try {
		const mod = (await import(spec)) as { openFaxModem?: OpenFaxModem };
		if (typeof mod.openFaxModem !== "function") return { reason: "src/t30/openFaxModem.ts exports no openFaxModem" };
		return { open: mod.openFaxModem };
	} catch (e) {
		return { reason: `faxline sender not loadable: ${(e as Error).message.split("\n")[0]}` };
	}
}

/** Send the TIFF/PBM at `documentPath` through the modem at `device` with faxline. Never rejects for a failed call. */
export async function sendWithFaxline(device: string, documentPath: string, o: FaxlineSendOptions = {}): Promise<FaxlineSendOutcome> {
	const events: SendEvent[] = [];
	const t0 = performance.now();
	const { open, reason } = await loadOpenFaxModem();
	if (!open) return { available: false, ok: false, error: reason ?? "unavailable", events, wallMs: 0 };
	const doc = await openFaxDocument(documentPath);
	const modem = await open(device, o.modemOptions ?? {});
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
		const outcome: FaxlineSendOutcome = { available: true, ok: result.ok, result, events, wallMs: performance.now() - t0 };
		if (result.error) outcome.error = result.error.code;
		return outcome;
	} finally {
		clearTimeout(timer);
		await modem.close().catch(() => undefined);
		await doc.close().catch(() => undefined);
	}
}
