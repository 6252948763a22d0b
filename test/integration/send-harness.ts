/**
 * Shared set-up for the end-to-end send tests (test/integration/send-*.test.ts): the modem simulator
 * on an in-process pty, and `openFaxModem(ptyPath)`: our driver through the real serialport binding
 * (probe, profile, Class1Modem) with the T.30 engine (Class1Session) on top, as `faxline send` runs them. Host timers are real time (T4 shortened), the line runs at timeScale 0.02.
 */
import type { ExecutionContext } from "ava";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Bitmap, FaxPageSource } from "../../src/core/bitmap.js";
import type { SendEvent, SendRequest, SendResult } from "../../src/modem/FaxModem.js";
import type { FaxModem } from "../../src/modem/FaxModem.js";
import { openFaxModem, type OpenFaxModemOptions } from "../../src/session/openFaxModem.js";
import { ModemSimulator, type ModemSimulatorOptions } from "../../hw-mocks/ModemSimulator.js";
import { openPtyPair } from "../../hw-mocks/ptyPair.js";
import { formatTranscript } from "../../hw-mocks/transcript.js";
import type { CallRecord } from "../../hw-mocks/records.js";
import { fixturePage, type FixtureName } from "../helpers/fixtures.js";
import { libtiffDecodeTiff, topRows } from "../helpers/libtiff.js";

export interface SendRig {
	sim: ModemSimulator;
	session: FaxModem;
	out: string;
	path: string;
}

/** Simulator on a pty + driver + engine, torn down after the test. */
export async function sendRig(t: ExecutionContext, simOpts: ModemSimulatorOptions = {}, sessionOpts: OpenFaxModemOptions = {}): Promise<SendRig> {
	const out = mkdtempSync(join(tmpdir(), "faxline-send-"));
	const pair = await openPtyPair();
	const sim = new ModemSimulator(pair.master, { timeScale: 0.02, ...simOpts, farEnd: { outDir: out, ...(simOpts.farEnd ?? {}) } });
	const session = await openFaxModem(pair.path, { ...sessionOpts, timers: { T4: 1500, ...(sessionOpts.timers ?? {}) } });
	t.teardown(async () => {
		// a failed end-to-end test is hard to read without the wire: show the modem's side of it
		if (!t.passed) t.log(`simulator transcript (last 80 lines, line ms):\n${formatTranscript(sim.transcript, { last: 80 })}`);
		await session.close().catch(() => undefined);
		sim.detach();
		await pair.close();
		rmSync(out, { recursive: true, force: true });
	});
	return { sim, session, out, path: pair.path };
}

/** Pages for a document: fixture pages, optionally cut to `rows` rows to keep the line time short. */
export async function pages(names: FixtureName[], rows?: number): Promise<Bitmap[]> {
	const bs = await Promise.all(names.map((n) => fixturePage(n, "standard")));
	return rows ? bs.map((b) => topRows(b, rows)) : bs;
}

/** A FaxPageSource over bitmaps at 204×98 dpi. */
export function documentOf(bitmaps: Bitmap[], yRes = 98): FaxPageSource {
	return { pageCount: bitmaps.length, page: async (i) => ({ bitmap: bitmaps[i]!, xRes: 204, yRes }) };
}

/** Send and collect the events; resolves with the result, the events and the simulator's record of call `n`. */
export async function send(rig: SendRig, bitmaps: Bitmap[], req: Partial<SendRequest> = {}, n = 1): Promise<{ result: SendResult; events: SendEvent[]; call: CallRecord }> {
	const events: SendEvent[] = [];
	const result = await rig.session.send({ document: documentOf(bitmaps), number: "555-0100", tsid: "faxline e2e", onEvent: (e) => events.push(e), ...req });
	const call = await rig.sim.waitForCallEnd(n, 10000);
	return { result, events, call };
}

/** Pixels of every page of the far end's TIFF, decoded by libtiff. */
export async function tiffPages(call: CallRecord): Promise<Bitmap[]> {
	if (!call.tiffPath) return [];
	const lib = await libtiffDecodeTiff(readFileSync(call.tiffPath));
	return lib.pages;
}
