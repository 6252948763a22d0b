/**
 * faxline's Class 1 receiver (issue 10) against a calling SpanDSP fax terminal: real modulated audio
 * between SpanDSP's T.31 modem (on the pty we answer) and SpanDSP's T.30 transmitter, which rings us
 * (RING with caller id), sends a TIFF and reports what we answered. Oracles nobody here wrote: the
 * document SpanDSP sent (built with efix / netpbm, decoded back with libtiff + netpbm), SpanDSP's T.30
 * result (completion code, its trainings with our CFR/FTT, our post-page answers). Rates below 14400 are
 * reached by SpanDSP's own fallback after our FTT (the peer makes the line too noisy for the refused
 * rates during TCF). Small pages at --speed 3 keep the calls short.
 */
import test from "ava";
import { execFile } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { SpanDspPeer, buildPeer, type PeerOptions, type PeerResult } from "../../hw-mocks/spandsp/SpanDspPeer.js";
import { receiveWithFaxline, type FaxlineReceiveOptions, type FaxlineReceiveOutcome } from "../../hw-mocks/spandsp/faxlineReceiver.js";
import { cropRows, diffRows, readTiffPages, tiffResolutions, writeG3Pages } from "../../hw-mocks/spandsp/pages.js";
import type { Bitmap } from "../../src/core/bitmap.js";
import { inspectReceivedFax } from "../../src/tiff/ReceivedFaxWriter.js";
import { fixturePage, type FixtureName } from "../helpers/fixtures.js";

const exec = promisify(execFile);
const SPEED = Number(process.env.FAXLINE_INTEROP_SPEED ?? 3);

test.before(async () => {
	await buildPeer();
});

interface Doc {
	pages: Bitmap[];
	path: string;
	yDpi: number;
}

async function makeDoc(names: FixtureName[], o: { yDpi: 98 | 196 | 391; rows: number; width?: 1728 | 2048 }): Promise<Doc> {
	const pages: Bitmap[] = [];
	for (const n of names) pages.push(cropRows(await fixturePage(n, o.yDpi === 98 ? "standard" : "fine", o.width ?? 1728), o.rows));
	const dir = mkdtempSync(join(tmpdir(), "faxline-rxdoc-"));
	const files = await writeG3Pages(pages, o.yDpi, { dir, twoD: o.yDpi === 391 });
	const path = join(dir, "document.tif");
	await exec("tiffcp", [...files, path]);
	return { pages, path, yDpi: o.yDpi };
}

interface Call {
	r: PeerResult;
	x: FaxlineReceiveOutcome;
	tiff: string;
}

async function call(doc: Doc, peer: PeerOptions, rx: FaxlineReceiveOptions = {}): Promise<Call> {
	const p = await SpanDspPeer.start({ speed: SPEED, call: doc.path, callerId: "5551234", callerName: "SPANDSP", ident: "SPANDSP CALLER", ringStartMs: 300, timeoutS: 240, lingerMs: 300, ...peer });
	const tiff = join(mkdtempSync(join(tmpdir(), "faxline-rx-")), "rx.tif");
	try {
		const x = await receiveWithFaxline(p.path, tiff, { csid: "+1 555 0100", timeoutMs: 200_000, ...rx });
		const r = await p.result(30_000);
		return { r, x, tiff };
	} finally {
		await p.stop();
	}
}

const why = (c: Call) => `\n${c.x.traceTail.join("\n")}\nPAGES ${JSON.stringify(c.x.pages.map((p) => ({ ...p, params: undefined })))}\nRESULT ${JSON.stringify({ ...c.r, page_info: undefined, tx_data: undefined })}`;

/** Our TIFF holds exactly the document's pages, pixel for pixel, at its resolution. */
async function assertSamePages(t: import("ava").ExecutionContext, doc: Doc, c: Call, pages = doc.pages.length): Promise<void> {
	const got = await readTiffPages(c.tiff);
	t.is(got.length, pages, `pages in our TIFF${why(c)}`);
	for (let i = 0; i < Math.min(got.length, pages); i++) {
		t.is(got[i]!.width, doc.pages[i]!.width, `page ${i + 1} width`);
		t.is(diffRows(doc.pages[i]!, got[i]!), 0, `page ${i + 1}: rows differing from what SpanDSP sent`);
	}
	for (const r of await tiffResolutions(c.tiff)) t.is(Math.round(r.y), doc.yDpi);
}

const rateCases: { title: string; peer: PeerOptions; rate: number; modulation: string; yDpi: 98 | 196 | 391; width: 1728 | 2048; coding: "mh" | "mr" }[] = [
	{ title: "V.17 14400, fine, A4, MR", peer: {}, rate: 14400, modulation: "V.17", yDpi: 196, width: 1728, coding: "mr" },
	{ title: "V.17 12000 after FTT at 14400, standard, B4, MH", peer: { refuseRates: [14400], no2d: true }, rate: 12000, modulation: "V.17", yDpi: 98, width: 2048, coding: "mh" },
	{ title: "V.17 9600 after FTT at 14400/12000, superfine, A4, MR", peer: { refuseRates: [14400, 12000] }, rate: 9600, modulation: "V.17", yDpi: 391, width: 1728, coding: "mr" },
	{ title: "V.29 7200 after FTT at 9600, fine, B4, MR", peer: { modems: ["v29"], refuseRates: [9600] }, rate: 7200, modulation: "V.29", yDpi: 196, width: 2048, coding: "mr" },
	{ title: "V.27ter 4800, standard, A4, MH", peer: { modems: ["v27ter"], no2d: true }, rate: 4800, modulation: "V.27ter", yDpi: 98, width: 1728, coding: "mh" },
	{ title: "V.27ter 2400 after FTT at 4800, fine, A4, MR", peer: { modems: ["v27ter"], refuseRates: [4800] }, rate: 2400, modulation: "V.27ter", yDpi: 196, width: 1728, coding: "mr" },
];

for (const c of rateCases) {
	test.serial(`pixel-identical reception: ${c.title}`, async (t) => {
		const doc = await makeDoc(["text", "form"], { yDpi: c.yDpi, rows: c.rate <= 4800 ? 120 : 240, width: c.width });
		const k = await call(doc, c.peer);
		t.true(k.x.result.ok, `our result${why(k)}`);
		t.is(k.r.t30, 0, `SpanDSP's completion: ${k.r.t30_text}`);
		t.deepEqual(k.r.responses, ["MCF", "MCF"]);
		t.is(k.x.result.params?.bitRate, c.rate);
		t.is(k.x.result.params?.modulation, c.modulation);
		t.is(k.x.result.params?.coding, c.coding);
		t.is(k.x.result.params?.width, c.width);
		t.is(k.x.result.tsid, "SPANDSP CALLER");
		t.is(k.x.result.callerId?.number, "5551234");
		// every training SpanDSP reports got the verdict we meant: FTT at the refused rates, CFR at the last
		const refused: number[] = Array.isArray(c.peer.refuseRates) ? c.peer.refuseRates : [];
		t.true(k.r.trainings.length >= 1);
		t.deepEqual(k.r.trainings.at(-1), { rate: c.rate, result: "CFR" });
		for (const tr of k.r.trainings.slice(0, -1)) t.true(tr.result === "FTT" && refused.includes(tr.rate), JSON.stringify(k.r.trainings));
		await assertSamePages(t, doc, k);
		t.deepEqual(await inspectReceivedFax(k.tiff), { pages: 2, finished: true, tailBytes: 0 });
	});
}

test.serial("the caller hangs up during page 3 of 3: pages 1-2 kept, the call is reported incomplete", async (t) => {
	const doc = await makeDoc(["text", "form", "text"], { yDpi: 98, rows: 240 });
	const k = await call(doc, { hangupAfterPage: 2, hangupDelayMs: 300 });
	t.false(k.x.result.ok, why(k));
	t.true(["CARRIER_LOST", "RX_T2_TIMEOUT", "REMOTE_DCN"].includes(k.x.result.error!.code), k.x.result.error!.code);
	t.deepEqual(k.r.responses, ["MCF", "MCF"]);
	t.is(k.x.result.pagesReceived, 2);
	t.is(k.x.stored, 2);
	await assertSamePages(t, doc, k, 2);
});

test.serial("noise on page 2 with lenient limits: RTP, the damaged page kept with its bad rows in the TIFF", async (t) => {
	const doc = await makeDoc(["text", "form", "text"], { yDpi: 196, rows: 600 });
	const k = await call(doc, { noise: { page: 2, dbm0: -33, atMs: 300, ms: 600 } }, { receive: { copyQuality: { goodMaxBadPercent: 0.01, tolerableMaxBadPercent: 60, maxConsecutiveBadRows: 1000 } } });
	t.true(k.x.result.ok, why(k));
	t.deepEqual(k.r.responses, ["MCF", "RTP", "MCF"], why(k));
	const p2 = k.x.pages[1]!;
	t.is(p2.result, "RTP");
	t.true(p2.badRows > 0 && p2.kept);
	const { stdout } = await exec("tiffinfo", [k.tiff]);
	const bad = [...stdout.matchAll(/^\s*Bad Fax Lines: (\d+)/gm)].map((m) => Number(m[1]));
	t.is(bad.length, 3);
	t.is(bad[0], 0);
	t.true(bad[1]! > 0, "page 2 carries its bad rows");
	t.regex(stdout, /ImageDescription: SPANDSP CALLER/);
});

test.serial("noise on page 2 with the default limits: RTN, SpanDSP resends it, the file holds the clean resend", async (t) => {
	const doc = await makeDoc(["text", "form", "text"], { yDpi: 196, rows: 600 });
	const k = await call(doc, { noise: { page: 2, dbm0: -30, atMs: 300, ms: 900 } });
	t.true(k.x.result.ok, why(k));
	t.deepEqual(k.r.responses.slice(0, 2), ["MCF", "RTN"], why(k));
	t.is(k.x.pages[1]!.result, "RTN");
	await assertSamePages(t, doc, k, 3);
});

test.serial("no DCS (the caller answers nothing): T1 expires after DIS repeats, no file", async (t) => {
	const doc = await makeDoc(["text"], { yDpi: 98, rows: 100 });
	const k = await call(doc, { silentCall: true }, { timers: { T1: 5000 } });
	t.false(k.x.result.ok);
	t.is(k.x.result.error?.code, "T1_TIMEOUT");
	t.true(k.x.disSent >= 2, `DIS repeated (${k.x.disSent})`);
	t.is(k.x.stored, 0);
});

test.serial("ECM with MMR: pixel-identical, every block confirmed", async (t) => {
	const doc = await makeDoc(["text", "form"], { yDpi: 196, rows: 400 });
	const k = await call(doc, { ecm: true }, { receive: { receiveEcm: true } });
	t.true(k.x.result.ok, `our result${why(k)}`);
	t.is(k.r.t30, 0, k.r.t30_text);
	t.true(k.r.ecm);
	t.is(k.x.result.params?.coding, "mmr");
	t.true(k.x.result.params?.ecm);
	await assertSamePages(t, doc, k);
});

test.serial("ECM with noise on the page: frames lost are asked again with PPR, the page arrives intact", async (t) => {
	const doc = await makeDoc(["text", "form"], { yDpi: 196, rows: 600 });
	const k = await call(doc, { ecm: true, noise: { page: 1, dbm0: -30, atMs: 300, ms: 500 } }, { receive: { receiveEcm: true } });
	t.true(k.x.result.ok, `our result${why(k)}`);
	t.is(k.r.t30, 0, k.r.t30_text);
	await assertSamePages(t, doc, k);
	t.true(k.x.pprs > 0, `at least one PPR (${k.x.pprs})`);
});
