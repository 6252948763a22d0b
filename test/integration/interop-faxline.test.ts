/**
 * faxline's Class 1 sender against SpanDSP (issue 5): real modulated audio between SpanDSP's T.31 modem
 * and SpanDSP's T.30 receiver (hw-mocks/spandsp). Oracles nobody here wrote: SpanDSP's T.30 result
 * (status, pages, bad rows, rate, its reading of DCS), libtiff/netpbm decoding of the TIFF SpanDSP wrote,
 * and the peer's count of T.31 transmit underruns. Every call runs at --speed 3 (FAXLINE_INTEROP_SPEED) with small pages.
 */
import test from "ava";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { fixturePage, type FixtureName, type FixtureRes } from "../helpers/fixtures.js";
import { SpanDspPeer, buildPeer, type PeerOptions, type PeerResult } from "../../hw-mocks/spandsp/SpanDspPeer.js";
import { sendWithFaxline, type FaxlineSendOutcome } from "../../hw-mocks/spandsp/faxlineSender.js";
import { cropRows, diffRows, readTiffPages, tiffResolutions, writeG3Pages } from "../../hw-mocks/spandsp/pages.js";
import type { Bitmap } from "../../src/core/bitmap.js";

const exec = promisify(execFile);

/**
 * Audio runs this many times faster than real time; SpanDSP's T.30 timers (T2 = 6 s) shrink with it while
 * the sender's own reaction times do not, so a loaded machine needs headroom: 3 keeps T2 at 2 s of wall time.
 */
const INTEROP_SPEED = Number(process.env.FAXLINE_INTEROP_SPEED ?? 3);

test.before(async () => {
	await buildPeer();
});

interface Doc {
	pages: Bitmap[];
	path: string;
	yDpi: number;
}

/** Fixture pages cut to `rows` (one count for all, or one per page), as one multi-page G3 TIFF. */
async function makeDoc(names: FixtureName[], res: FixtureRes, rows: number | number[]): Promise<Doc> {
	const pages: Bitmap[] = [];
	for (const [i, n] of names.entries()) pages.push(cropRows(await fixturePage(n, res), Array.isArray(rows) ? rows[i]! : rows));
	const yDpi = res === "standard" ? 98 : 196;
	const dir = mkdtempSync(join(tmpdir(), "faxline-interop-"));
	const files = await writeG3Pages(pages, yDpi, { dir });
	const path = join(dir, "document.tif");
	await exec("tiffcp", [...files, path]);
	return { pages, path, yDpi };
}

let calls = 0;
async function call(doc: Doc, peerOpts: PeerOptions, timeoutMs = 120_000): Promise<{ r: PeerResult; s: FaxlineSendOutcome }> {
	const peer = await SpanDspPeer.start({ speed: INTEROP_SPEED, ...peerOpts });
	try {
		// a number per call: faxline remembers per destination (e.g. V.17 trouble), calls must not share it
		const number = `555${String(1000 + ++calls)}`;
		const s = await sendWithFaxline(peer.path, doc.path, { timeoutMs, number, tsid: "+1 555 0199" });
		const r = await peer.result(30_000);
		return { r, s };
	} finally {
		await peer.stop();
	}
}

/** SpanDSP's pages equal ours pixel for pixel: same count, size, rows, no shift, no added rows. */
async function assertSamePages(t: import("ava").ExecutionContext, doc: Doc, r: PeerResult): Promise<void> {
	const rx = await readTiffPages(r.rx_file);
	t.is(rx.length, doc.pages.length, "page count in SpanDSP's TIFF");
	for (let i = 0; i < Math.min(rx.length, doc.pages.length); i++) {
		t.is(rx[i]!.width, doc.pages[i]!.width, `page ${i + 1} width`);
		t.is(rx[i]!.height, doc.pages[i]!.height, `page ${i + 1} rows`);
		t.is(diffRows(doc.pages[i]!, rx[i]!), 0, `page ${i + 1}: rows differing from what we sent`);
	}
	const res = await tiffResolutions(r.rx_file);
	for (const x of res) t.is(Math.round(x.y), doc.yDpi);
}

const ftest = test.serial;

// Each modulation the peer offers, by restricting the far end (modems it lists in DIS, rates it refuses).
const rateCases: { title: string; peer: PeerOptions; rate: number; res: FixtureRes; coding: "MH" | "MR" }[] = [
	{ title: "V.17 14400, standard, MR", peer: { modems: ["v17", "v29", "v27ter"] }, rate: 14400, res: "standard", coding: "MR" },
	{ title: "V.17 12000, fine, MH", peer: { modems: ["v17"], refuseRates: [14400], no2d: true }, rate: 12000, res: "fine", coding: "MH" },
	{ title: "V.29 9600, standard, MH", peer: { modems: ["v29"], no2d: true }, rate: 9600, res: "standard", coding: "MH" },
	{ title: "V.29 7200, fine, MR", peer: { modems: ["v29"], refuseRates: [9600] }, rate: 7200, res: "fine", coding: "MR" },
	{ title: "V.27ter 4800, fine, MH", peer: { modems: ["v27ter"], no2d: true }, rate: 4800, res: "fine", coding: "MH" },
	{ title: "V.27ter 2400, standard, MR", peer: { modems: ["v27ter"], refuseRates: [4800] }, rate: 2400, res: "standard", coding: "MR" },
];

for (const c of rateCases) {
	ftest(`faxline -> SpanDSP at ${c.title}: 2 pages pixel-identical, 0 bad rows`, async (t) => {
		t.timeout(150_000);
		// small pages keep the slow rates short: rows scale with resolution so the content is the same
		const rows = (c.rate <= 4800 ? 120 : 300) * (c.res === "fine" ? 2 : 1);
		const doc = await makeDoc(["form", "text"], c.res, rows);
		const { r, s } = await call(doc, c.peer);
		t.true(s.ok, `faxline: ${s.error ?? ""}\n${s.traceTail.join("\n")}`);
		t.is(s.result?.pagesConfirmed, 2);
		t.is(r.t30, 0, r.t30_text);
		t.is(r.pages, 2);
		t.is(r.bad_rows, 0);
		t.is(r.bit_rate, c.rate);
		t.is(r.trainings.at(-1)?.result, "CFR");
		t.is(r.trainings.at(-1)?.rate, c.rate);
		for (const p of r.page_info) t.is(p.encoding, c.coding === "MH" ? 1 : 2, "coding SpanDSP received");
		t.is(r.remote_ident, "+1 555 0199");
		await assertSamePages(t, doc, r);
	});
}

ftest("faxline keeps SpanDSP's T.31 modem fed: no transmit underrun on any page at 14400", async (t) => {
	t.timeout(150_000);
	// three long pages (text, form, half a halftone page: about 67 + 26 + 78 kB of MH) keep the modem busy
	const doc = await makeDoc(["text", "form", "halftone"], "standard", [1143, 1143, 572]);
	const { r, s } = await call(doc, { modems: ["v17"] }, 140_000);
	t.true(s.ok, `faxline: ${s.error ?? ""}\n${s.traceTail.join("\n")}`);
	t.is(r.bit_rate, 14400);
	t.is(r.pages, 3);
	const pages = r.tx_data.filter((x) => x.kind === "page");
	t.is(pages.length, 3);
	for (const p of pages) {
		t.is(p.rate, 14400);
		t.is(p.gaps, 0, `underrun on a page: ${JSON.stringify(p)}`);
		t.is(p.fill_bytes, 0);
	}
	t.is(r.underruns, 0);
	t.is(r.bad_rows, 0);
});

ftest("far end hangs up mid-page and the line goes quiet: NO_RESPONSE_POST_PAGE, 1 page confirmed", async (t) => {
	t.timeout(150_000);
	const doc = await makeDoc(["form", "text"], "standard", 400);
	const { r, s } = await call(doc, { hangupAfterPage: 1, hangupDelayMs: 500, hangupMode: "silent" });
	t.true(r.far_end_hangup);
	t.is(r.pages, 1);
	t.false(s.ok);
	t.is(s.error, "NO_RESPONSE_POST_PAGE", s.traceTail.join("\n"));
	t.is(s.result?.pagesConfirmed, 1);
});

ftest("far end hangs up mid-page and the modem reports NO CARRIER: CARRIER_LOST", async (t) => {
	t.timeout(150_000);
	const doc = await makeDoc(["form", "text"], "standard", 400);
	const { r, s } = await call(doc, { hangupAfterPage: 1, hangupDelayMs: 500, hangupMode: "drop" });
	t.true(r.far_end_hangup && r.line_dropped);
	t.false(s.ok);
	t.is(s.error, "CARRIER_LOST", s.traceTail.join("\n"));
	t.is(s.result?.pagesConfirmed, 1);
});

ftest("far end never answers: the modem's NO ANSWER ends the call as DIAL_NO_ANSWER", async (t) => {
	t.timeout(60_000);
	const doc = await makeDoc(["form"], "standard", 100);
	const { r, s } = await call(doc, { noAnswer: true, ringMs: 8000 });
	t.false(r.answered);
	t.false(s.ok);
	t.is(s.error, "DIAL_NO_ANSWER", s.traceTail.join("\n"));
	t.is(s.result?.pagesSent, 0);
});

ftest("answered by something that never sends fax flags: the modem's NO CARRIER (S7) ends it as DIAL_NO_CARRIER", async (t) => {
	t.timeout(90_000);
	const doc = await makeDoc(["form"], "standard", 100);
	const { r, s } = await call(doc, { silentAnswer: true });
	t.true(r.dialed);
	t.false(s.ok);
	t.is(s.error, "DIAL_NO_CARRIER", s.traceTail.join("\n"));
	t.is(s.result?.pagesSent, 0);
});

ftest("far end refuses every rate (FTT each time): TRAINING_FAILED after stepping down to 2400", async (t) => {
	t.timeout(150_000);
	const doc = await makeDoc(["form"], "standard", 100);
	const { r, s } = await call(doc, { refuseRates: "all" });
	t.false(s.ok);
	t.is(s.error, "TRAINING_FAILED", s.traceTail.join("\n"));
	t.true(r.trainings.length >= 2);
	t.true(r.trainings.every((x) => x.result === "FTT"));
	t.is(r.trainings[0]!.rate, 14400);
	t.is(r.trainings.at(-1)!.rate, 2400);
	t.is(r.pages, 0);
});
