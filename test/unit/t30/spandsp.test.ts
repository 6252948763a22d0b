/**
 * The transmitter against an implementation nobody here wrote: SpanDSP's T.30 receiver behind SpanDSP's
 * T.31 modem on a pty, exchanging real modulated audio (hw-mocks/spandsp, built from libspandsp-dev),
 * reached through the real driver (openFaxModem -> openClass1Modem -> serialport). Oracles: SpanDSP's
 * T.30 completion code, its page/bad-row counts and negotiated rate, and the TIFF it wrote (pixels).
 */
import test from "ava";
import { execFile } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { buildPeer, SpanDspPeer, type PeerOptions } from "../../../hw-mocks/spandsp/SpanDspPeer.js";
import { cropRows, diffRows, readTiffPages, writeG3Pages } from "../../../hw-mocks/spandsp/pages.js";
import type { Bitmap } from "../../../src/core/bitmap.js";
import type { SendEvent } from "../../../src/modem/FaxModem.js";
import { MemoryDestinationStore } from "../../../src/t30/destinations.js";
import { openFaxModem, type OpenFaxModemOptions } from "../../../src/session/openFaxModem.js";
import { openFaxDocument } from "../../../src/tiff/index.js";
import { fixturePage } from "../../helpers/fixtures.js";

const exec = promisify(execFile);

test.before(async () => {
	await buildPeer();
});

async function run(peerOpts: PeerOptions, res: "standard" | "fine", rows: number, modemOpts: OpenFaxModemOptions = {}) {
	const pages: Bitmap[] = [];
	for (const n of ["form", "text"] as const) pages.push(cropRows(await fixturePage(n, res), rows));
	const dir = mkdtempSync(join(tmpdir(), "t30-spandsp-"));
	const files = await writeG3Pages(pages, res === "fine" ? 196 : 98, { dir });
	const path = join(dir, "doc.tif");
	await exec("tiffcp", [...files, path]);
	const peer = await SpanDspPeer.start({ speed: 4, ...peerOpts });
	const events: SendEvent[] = [];
	try {
		const doc = await openFaxDocument(path);
		const modem = await openFaxModem(peer.path, modemOpts);
		const ac = new AbortController();
		const timer = setTimeout(() => ac.abort(), 120_000);
		try {
			const result = await modem.send({ document: doc, number: "5550100", tsid: "+1 555 0199", signal: ac.signal, onEvent: (e) => events.push(e) });
			const r = await peer.result(30_000);
			return { result, r, pages, events };
		} finally {
			clearTimeout(timer);
			await modem.close();
			await doc.close();
		}
	} finally {
		await peer.stop();
	}
}

test.serial("SpanDSP receives 2 fine pages at V.17 14400 MR, pixel-identical", async (t) => {
	t.timeout(150_000);
	const { result, r, pages } = await run({}, "fine", 400);
	t.true(result.ok, result.error?.message);
	t.is(result.pagesConfirmed, 2);
	t.is(result.csid, "SPANDSP PEER");
	t.is(r.t30, 0, r.t30_text);
	t.is(r.pages, 2);
	t.is(r.bad_rows, 0);
	t.is(r.bit_rate, 14400);
	t.is(r.remote_ident, "+1 555 0199");
	const rx = await readTiffPages(r.rx_file);
	t.is(rx.length, 2);
	rx.forEach((p, i) => {
		t.is(p.height, pages[i]!.height);
		t.is(diffRows(pages[i]!, p), 0, `page ${i + 1}`);
	});
});

const trainings = (events: SendEvent[]) => events.filter((e) => e.type === "training").map((e) => (e.type === "training" ? `${e.result}@${e.bitRate}` : ""));

test.serial("SpanDSP fails TCF at 14400 and 12000: FTT ladder lands on V.29 9600 (skipping V.17 9600); the next call to the number starts at V.29", async (t) => {
	t.timeout(300_000);
	const destinations = new MemoryDestinationStore();
	const { result, r, events } = await run({ refuseRates: [14400, 12000] }, "standard", 200, { destinations });
	t.true(result.ok, result.error?.message);
	t.deepEqual(trainings(events), ["FTT@14400", "FTT@12000", "CFR@9600"]);
	t.like(result.params, { modulation: "V.29", bitRate: 9600 });
	t.is(r.bit_rate, 9600);
	t.is(r.pages, 2);
	t.is(r.bad_rows, 0);
	t.like(destinations.get("5550100"), { v17Trouble: true }, "class1.md §2.4: V.17 trouble remembered");
	// a SpanDSP that would take V.17 14400 this time: the remembered trouble keeps us on V.29
	const again = await run({}, "standard", 200, { destinations });
	t.true(again.result.ok, again.result.error?.message);
	t.deepEqual(trainings(again.events), ["CFR@9600"]);
	t.is(again.r.bit_rate, 9600);
	t.is(again.r.pages, 2);
	t.is(again.r.bad_rows, 0);
});

test.serial("SpanDSP offering only V.27ter and MH: 4800, 1-D, pages intact", async (t) => {
	t.timeout(150_000);
	const { result, r, pages } = await run({ modems: ["v27ter"], no2d: true }, "standard", 120);
	t.true(result.ok, result.error?.message);
	t.like(result.params, { modulation: "V.27ter", bitRate: 4800, coding: "mh" });
	t.is(r.pages, 2);
	for (const p of r.page_info) t.is(p.encoding, 1);
	const rx = await readTiffPages(r.rx_file);
	rx.forEach((p, i) => t.is(diffRows(pages[i]!, p), 0));
});
