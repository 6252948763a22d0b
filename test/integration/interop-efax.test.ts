/**
 * Interop proof of the SpanDSP peer itself, with efax (Debian efax 0.9a, Class 1 with -o1) as an
 * independent sender: real V.21/V.17/V.29/V.27ter audio between SpanDSP's T.31 modem and SpanDSP's
 * T.30 receiver (issue 5). Oracles: the peer's RESULT (SpanDSP's own T.30 status, page count, bad rows,
 * rate), libtiff/netpbm decoding of the TIFF SpanDSP wrote compared with the pages we gave efax.
 * efax reserves blank header rows at the top of every page (efax(1) HEADERS), so those are allowed here.
 */
import test from "ava";
import { fixturePage } from "../helpers/fixtures.js";
import { SpanDspPeer, buildPeer, type PeerOptions, type PeerResult } from "../../hw-mocks/spandsp/SpanDspPeer.js";
import { efaxSend, type EfaxSendResult } from "../../hw-mocks/spandsp/efaxSender.js";
import { cropRows, matchWithTopMargin, readTiffPages, writeG3Pages } from "../../hw-mocks/spandsp/pages.js";
import type { Bitmap } from "../../src/core/bitmap.js";

/** efax's header space is about 0.1" (efax(1)); allow a little more, never a whole line of text. */
const EFAX_MAX_TOP_ROWS = 24;

/**
 * Audio runs this many times faster than real time; SpanDSP's T.30 timers (T2 = 6 s) shrink with it while
 * the sender's own reaction times do not, so a loaded machine needs headroom: 3 keeps T2 at 2 s of wall time.
 */
// efax writes page data as fast as the pty takes it and times its own waits in real time: at speed 3 a
// loaded machine lets the peer fall behind (T2 at the far end), so efax runs at speed 2 unless told otherwise
const INTEROP_SPEED = Number(process.env.FAXLINE_EFAX_SPEED ?? process.env.FAXLINE_INTEROP_SPEED ?? 2);

test.before(async () => {
	await buildPeer();
});

async function callWithEfax(pages: Bitmap[], peerOpts: PeerOptions): Promise<{ r: PeerResult; sent: EfaxSendResult }> {
	const files = await writeG3Pages(pages, 98);
	const peer = await SpanDspPeer.start({ speed: INTEROP_SPEED, ...peerOpts });
	try {
		const sent = await efaxSend({ device: peer.path, files, localId: "+1 555 0100", timeoutMs: 150_000 });
		const r = await peer.result(20_000);
		return { r, sent };
	} finally {
		await peer.stop();
	}
}

test.serial("efax sends 2 pages through the SpanDSP peer at V.17 14400: OK, 2 pages, 0 bad rows, same pixels", async (t) => {
	t.timeout(180_000);
	const pages = [cropRows(await fixturePage("text", "standard"), 500), cropRows(await fixturePage("form", "standard"), 500)];
	const { r, sent } = await callWithEfax(pages, {});
	t.true(sent.ok, sent.log.slice(-2000));
	t.is(r.t30, 0, `${r.t30_text}\n${sent.log.slice(-1500)}`);
	t.is(r.pages, 2);
	t.is(r.bad_rows, 0);
	t.is(r.bit_rate, 14400);
	t.false(r.ecm);
	t.is(r.remote_ident, "+1 555 0100");
	t.true(r.host_hangup);
	t.deepEqual(r.trainings, [{ rate: 14400, result: "CFR" }]);
	t.is(r.tx_data.filter((s) => s.kind === "page").length, 2);
	const rx = await readTiffPages(r.rx_file);
	t.is(rx.length, 2);
	for (let i = 0; i < 2; i++) {
		t.is(rx[i]!.width, 1728);
		const k = matchWithTopMargin(pages[i]!, rx[i]!, EFAX_MAX_TOP_ROWS);
		t.not(k, undefined, `page ${i + 1}: received pixels are not the sent page below efax's blank header rows`);
	}
});

test.serial("restricting the peer to V.27ter makes efax send at 4800 and the page still arrives intact", async (t) => {
	t.timeout(180_000);
	const page = cropRows(await fixturePage("form", "standard"), 240);
	const { r, sent } = await callWithEfax([page], { modems: ["v27ter"] });
	t.true(sent.ok, sent.log.slice(-2000));
	t.is(r.t30, 0, `${r.t30_text}\n${sent.log.slice(-1500)}`);
	t.is(r.bit_rate, 4800);
	t.is(r.pages, 1);
	t.is(r.bad_rows, 0);
	const rx = await readTiffPages(r.rx_file);
	t.not(matchWithTopMargin(page, rx[0]!, EFAX_MAX_TOP_ROWS), undefined);
});

test.serial("a peer refusing 14400 answers FTT; efax falls back and SpanDSP confirms the page at the lower rate", async (t) => {
	t.timeout(180_000);
	const page = cropRows(await fixturePage("text", "standard"), 200);
	const { r, sent } = await callWithEfax([page], { refuseRates: [14400] });
	t.true(sent.ok, sent.log.slice(-2000));
	t.is(r.t30, 0, `${r.t30_text}\n${sent.log.slice(-1500)}`);
	t.deepEqual(r.trainings[0], { rate: 14400, result: "FTT" });
	t.is(r.trainings.at(-1)?.result, "CFR");
	t.true(r.bit_rate < 14400 && r.bit_rate > 0);
	t.is(r.pages, 1);
	t.is(r.bad_rows, 0);
});
