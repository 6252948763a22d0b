/**
 * faxline's ECM sender (T.30 Annex A, MMR on the line) against SpanDSP (hw-mocks/spandsp): real modulated
 * audio between SpanDSP's T.31 modem and SpanDSP's T.30 receiver with ECM on, which deframes our software
 * HDLC, answers PPS with MCF or PPR and decodes T.6. Oracles nobody here wrote: SpanDSP's result (status,
 * ECM in use, T.6 received, the PPRs it sent), libtiff/netpbm decoding of the TIFF it wrote. Few calls, all
 * at --speed 3 (FAXLINE_INTEROP_SPEED), small pages: the CI budget is tight.
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
import { cropRows, diffRows, readTiffPages, writeG3Pages } from "../../hw-mocks/spandsp/pages.js";
import type { Bitmap } from "../../src/core/bitmap.js";
import type { OpenFaxModemOptions } from "../../src/session/openFaxModem.js";

const exec = promisify(execFile);
const INTEROP_SPEED = Number(process.env.FAXLINE_INTEROP_SPEED ?? 3);

test.before(async () => {
	await buildPeer();
});

interface Doc {
	pages: Bitmap[];
	path: string;
}

async function makeDoc(names: FixtureName[], res: FixtureRes, rows: number): Promise<Doc> {
	const pages: Bitmap[] = [];
	for (const n of names) pages.push(cropRows(await fixturePage(n, res), rows));
	const dir = mkdtempSync(join(tmpdir(), "faxline-interop-ecm-"));
	const files = await writeG3Pages(pages, res === "standard" ? 98 : 196, { dir });
	const path = join(dir, "document.tif");
	await exec("tiffcp", [...files, path]);
	return { pages, path };
}

let calls = 0;
async function call(doc: Doc, peerOpts: PeerOptions, modemOptions: OpenFaxModemOptions = {}): Promise<{ r: PeerResult; s: FaxlineSendOutcome }> {
	const peer = await SpanDspPeer.start({ speed: INTEROP_SPEED, ecm: true, ...peerOpts });
	try {
		const number = `556${String(1000 + ++calls)}`;
		const s = await sendWithFaxline(peer.path, doc.path, { timeoutMs: 200_000, number, modemOptions });
		const r = await peer.result(30_000);
		return { r, s };
	} finally {
		await peer.stop();
	}
}

/** Rows of each page SpanDSP stored that differ from what we sent (page count and sizes must match). */
async function damage(doc: Doc, r: PeerResult): Promise<number[]> {
	const rx = r.pages > 0 ? await readTiffPages(r.rx_file) : [];
	return doc.pages.map((p, i) => (rx[i] && rx[i]!.width === p.width && rx[i]!.height === p.height ? diffRows(p, rx[i]!) : p.height));
}

const ECM64 = { ecm: { enabled: true, frameSize: 64 as const, persistent: true } };

for (const c of [
	{ title: "V.17 14400, standard, 256-octet frames", peer: { modems: ["v17", "v29", "v27ter"] } as PeerOptions, res: "standard" as const, rate: 14400, opts: {}, frame: 256 },
	{ title: "V.29 9600, fine, 64-octet frames", peer: { modems: ["v29"] } as PeerOptions, res: "fine" as const, rate: 9600, opts: ECM64, frame: 64 },
]) {
	test.serial(`ECM + MMR -> SpanDSP at ${c.title}: T.6 received under ECM, pages pixel-identical`, async (t) => {
		t.timeout(150_000);
		const doc = await makeDoc(["text", "form"], c.res, c.res === "fine" ? 500 : 300);
		const { r, s } = await call(doc, c.peer, c.opts);
		t.true(s.ok, `faxline: ${s.error ?? ""}\n${s.traceTail.join("\n")}`);
		t.like(s.result?.params, { ecm: true, coding: "mmr", bitRate: c.rate, resolution: c.res });
		t.is(r.t30, 0, r.t30_text);
		t.true(r.ecm, "SpanDSP's T.30 says ECM was used");
		t.is(r.pages, 2);
		t.deepEqual(r.page_info.map((p) => p.encoding), [3, 3], "T.6 (MMR) received");
		t.is(r.bit_rate, c.rate);
		t.deepEqual(await damage(doc, r), [0, 0]);
		t.true(r.ecm_exchanges.pps >= 2);
		t.true(s.pageTrace.some((m) => m.includes(`${c.frame}-octet frames`)));
		t.true(s.states.includes("D:IV_PPS_Q"));
	});
}

// Gated white noise at -30 dBm0 on the line from our modem, only during page data: 150 ms in every 1.5 s
// from 0.5 s into each carrier (past the training). Frames hit by a burst arrive with a bad FCS at V.29 9600.
const NOISY: PeerOptions = { modems: ["v29"], noiseDbm0: -30, noiseOn: "data", noisePeriodMs: 1500, noiseBurstMs: 150 };

test.serial("noisy V.29 line (gated noise at -30 dBm0): ECM resends the damaged frames and every page arrives identical; without ECM pages arrive damaged", async (t) => {
	t.timeout(300_000);
	const doc = await makeDoc(["text", "form"], "standard", 300);
	const ecm = await call(doc, NOISY);
	t.true(ecm.s.ok, `faxline: ${ecm.s.error ?? ""}\n${ecm.s.pageTrace.join("\n")}`);
	t.true(ecm.r.noise_ms > 0);
	t.true(ecm.r.ecm_exchanges.ppr >= 1, `SpanDSP asked for frames again: ${JSON.stringify(ecm.r.ecm_exchanges)}`);
	const resends = ecm.s.pageTrace.filter((m) => /^PPR \d+ for page \d+ block \d+: resend frames [\d,-]+/.test(m));
	t.true(resends.length >= 1, ecm.s.pageTrace.join("\n"));
	t.log(`ECM: ${resends.join(" | ")}`);
	t.deepEqual(await damage(doc, ecm.r), [0, 0], "every page pixel-identical");
	t.is(ecm.r.bad_rows, 0);

	const plain = await call(doc, { ...NOISY, ecm: false });
	const hurt = await damage(doc, plain.r);
	t.log(`without ECM: faxline ${plain.s.ok ? "ok" : plain.s.error}, SpanDSP ${plain.r.t30_text}, ${plain.r.pages} pages, bad rows ${plain.r.bad_rows}, rows differing per page ${hurt.join("+")} (a page whose height changed counts every row)`);
	t.true(hurt.some((n) => n > 0), "without ECM the same line damages pages");
});
