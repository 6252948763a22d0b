/**
 * The simulator's calling far end (issue 10, `faxline sim --call`): the simulated line rings our
 * Class 1 receiver (RING with NMBR/NAME caller id), and once it answers (ATA after N rings, or the
 * modem's auto-answer) FarEndCaller.ts sends a document as a T.30 transmitter through the simulator's
 * T.31 emulation. Our receiver writes a TIFF Class F; libtiff (tiffcp -c none, test/helpers/libtiff.ts)
 * decodes it and the pixels must equal the pages the far end coded. Faults mirrored from the send side:
 * a damaged page (our copy-quality check answers RTN, the far end resends), hang-up mid-page and after
 * a page (pages received so far kept), no DCS (T1), frames with a bad FCS (we answer CRP), CRP from
 * the far end.
 */
import test from "ava";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { receiveWithFaxline, type FaxlineReceiveOptions, type FaxlineReceiveOutcome } from "../../hw-mocks/spandsp/faxlineReceiver.js";
import type { Fault } from "../../hw-mocks/faults.js";
import { ModemSimulator, type IncomingOptions } from "../../hw-mocks/ModemSimulator.js";
import { openPtyPair } from "../../hw-mocks/ptyPair.js";
import type { CallRecord } from "../../hw-mocks/records.js";
import type { Bitmap, FaxPage } from "../../src/core/bitmap.js";
import { fixturePage } from "../helpers/fixtures.js";
import { libtiffDecodeTiff } from "../helpers/libtiff.js";

const SCALE = 0.05;

/** Rows 0..rows-1 of a page (short pages keep the calls quick). */
function crop(b: Bitmap, rows: number): Bitmap {
	return { ...b, height: rows, data: b.data.slice(0, rows * b.stride) };
}

async function doc(n: number, rows = 300): Promise<FaxPage[]> {
	const names = ["text", "form", "checker"] as const;
	const out: FaxPage[] = [];
	for (let i = 0; i < n; i++) out.push({ bitmap: crop(await fixturePage(names[i % 3]!, "fine"), rows), xRes: 204, yRes: 196 });
	return out;
}

interface Run {
	x: FaxlineReceiveOutcome;
	call: CallRecord;
	tiff: string;
	pages: Bitmap[];
}

async function receiveFrom(t: import("ava").ExecutionContext, pages: FaxPage[], faults: Fault[] = [], caller: Partial<IncomingOptions> = {}, rx: FaxlineReceiveOptions = {}): Promise<Run> {
	const dir = mkdtempSync(join(tmpdir(), "faxline-simin-"));
	const pair = await openPtyPair();
	const sim = new ModemSimulator(pair.master, { timeScale: SCALE, faults, caller: { pages, number: "5551234", name: "ACME FAX", tsi: "+1 555 1234", ringIntervalMs: 2000, ...caller } });
	t.teardown(async () => {
		sim.detach();
		await pair.close();
		rmSync(dir, { recursive: true, force: true });
	});
	const tiff = join(dir, "rx.tif");
	const ended = new Promise<CallRecord>((res) => sim.once("callEnd", res));
	const x = await receiveWithFaxline(pair.path, tiff, { timeoutMs: 60_000, csid: "+1 555 0100", ...rx });
	const call = await Promise.race([ended, new Promise<CallRecord>((_r, rej) => setTimeout(() => rej(new Error("the simulator's call did not end")), 10_000))]);
	let got: Bitmap[] = [];
	if (x.stored > 0) got = (await libtiffDecodeTiff(readFileSync(tiff))).pages;
	return { x, call, tiff, pages: got };
}

const why = (r: Run) => `\n${r.x.traceTail.join("\n")}\nSIM NOTES ${r.call.notes.join("; ")}\nRESULT ${JSON.stringify({ ...r.x.result, error: r.x.result.error?.code })}`;

function samePixels(t: import("ava").ExecutionContext, want: FaxPage[], got: Bitmap[], r: Run): void {
	t.is(got.length, want.length, `pages in the TIFF${why(r)}`);
	for (let i = 0; i < Math.min(want.length, got.length); i++) {
		t.is(got[i]!.width, want[i]!.bitmap.width);
		t.is(got[i]!.height, want[i]!.bitmap.height);
		t.true(Buffer.compare(Buffer.from(got[i]!.data), Buffer.from(want[i]!.bitmap.data)) === 0, `page ${i + 1} pixels`);
	}
}

test("clean call: RING with caller id, ATA after 2 rings, 2 pages pixel-identical, TSI, MCF/MCF, DCN", async (t) => {
	const pages = await doc(2);
	const r = await receiveFrom(t, pages, [], {}, { rings: 2 });
	t.true(r.x.result.ok, why(r));
	t.is(r.x.result.pagesReceived, 2);
	t.is(r.x.result.tsid, "+1 555 1234");
	t.deepEqual({ number: r.x.result.callerId?.number, name: r.x.result.callerId?.name }, { number: "5551234", name: "ACME FAX" });
	t.is(r.x.result.rings, 2);
	t.is(r.call.direction, "in");
	t.is(r.call.end, "farDcn");
	t.deepEqual(r.call.ppms.map((p) => `${p.name}:${p.response}`), ["MPS:MCF", "EOP:MCF"]);
	t.is(r.call.tsi, "+1 555 0100"); // the CSI our receiver sent
	samePixels(t, pages, r.pages, r);
});

test("auto-answer (ATS0=n) takes the call as well", async (t) => {
	const pages = await doc(1, 200);
	const r = await receiveFrom(t, pages, [], {}, { rings: 2, autoAnswer: true });
	t.true(r.x.result.ok, why(r));
	t.is(r.x.result.rings, 2);
	samePixels(t, pages, r.pages, r);
});

test("bad page: rows damaged on page 1 -> our copy-quality check says RTN, the far end retrains and resends; the document arrives whole", async (t) => {
	const pages = await doc(2, 200);
	const r = await receiveFrom(t, pages, [{ kind: "badPage", page: 1 }]);
	t.deepEqual(r.call.ppms.map((p) => `${p.name}:${p.response}`), ["MPS:RTN", "MPS:MCF", "EOP:MCF"], why(r));
	t.is(r.call.dcs.length, 2, "retrained after RTN");
	t.true(r.x.result.ok, why(r));
	t.is(r.x.result.pagesReceived, 2);
	// the damaged copy was judged (bad rows counted) and answered RTN, not kept; the resend is
	t.deepEqual(r.x.pages.map((p) => p.result), ["RTN", "MCF", "MCF"]);
	t.true(r.x.pages[0]!.badRows > 0);
	t.false(r.x.pages[0]!.kept);
	t.is(r.x.stored, 2);
	samePixels(t, pages, r.pages, r);
});

test("hang-up mid-page 2 of 3: page 1 kept, the call fails with the line lost", async (t) => {
	const pages = await doc(3, 200);
	const r = await receiveFrom(t, pages, [{ kind: "hangup", page: 2 }]);
	t.false(r.x.result.ok);
	t.is(r.x.result.pagesReceived, 1, why(r));
	t.is(r.call.end, "farHangup");
	t.is(r.x.result.error?.code, "CARRIER_LOST", why(r));
	t.is(r.x.stored, 1);
	samePixels(t, pages.slice(0, 1), r.pages.slice(0, 1), r);
});

test("hang-up after page 2 of 3 (no DCN): 2 pages kept, incomplete", async (t) => {
	const pages = await doc(3, 200);
	const r = await receiveFrom(t, pages, [{ kind: "hangup", page: 2, when: "after" }]);
	t.false(r.x.result.ok, why(r));
	t.is(r.x.result.pagesReceived, 2, why(r));
	t.is(r.x.stored, 2);
	t.is(r.x.result.error?.code, "CARRIER_LOST");
	t.is(r.call.end, "farHangup");
	samePixels(t, pages.slice(0, 2), r.pages, r);
});

test("no DCS: our DIS is repeated and the call ends on T1 with no page", async (t) => {
	const pages = await doc(1, 100);
	const r = await receiveFrom(t, pages, [{ kind: "noDcs" }], {}, { timers: { T1: 6000 } });
	t.false(r.x.result.ok);
	t.is(r.x.result.pagesReceived, 0);
	t.true(r.x.disSent >= 2, why(r));
	t.is(r.x.result.error?.code, "T1_TIMEOUT", why(r));
});

test("garbage frames: the DCS and the EOP arrive with a bad FCS -> we send CRP, the far end repeats; the page arrives", async (t) => {
	const pages = await doc(1, 200);
	const r = await receiveFrom(t, pages, [
		{ kind: "badFcs", frame: "DCS", times: 1 },
		{ kind: "badFcs", frame: "EOP", times: 1 },
	]);
	t.true(r.x.result.ok, why(r));
	t.is(r.call.frames.filter((f) => f.dir === "far" && f.badFcs).length, 2);
	t.is(r.call.frames.filter((f) => f.dir === "host" && f.name.startsWith("CRP")).length, 2, why(r));
	samePixels(t, pages, r.pages, r);
});

test("CRP from the far end: it asks for our CFR and our MCF again; we repeat them and the call completes", async (t) => {
	const pages = await doc(1, 200);
	const r = await receiveFrom(t, pages, [
		{ kind: "crp", to: "CFR" },
		{ kind: "crp", to: "MCF" },
	]);
	t.true(r.x.result.ok, why(r));
	t.is(r.call.frames.filter((f) => f.dir === "host" && f.name.startsWith("MCF")).length, 2);
	t.is(r.call.frames.filter((f) => f.dir === "host" && f.name.startsWith("CFR")).length, 2);
	samePixels(t, pages, r.pages, r);
});
