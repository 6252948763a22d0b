/**
 * Independent senders into faxline's receiver over a real modulated line (issue 10 "Proof"): two SpanDSP
 * T.31 modems on one line (hw-mocks/spandsp twoline.c), the sender dialling on one pty, faxline answering
 * on the other. efax 0.9a (Ed Casas) sends a 2-page G3 document: our TIFF matches it pixel for pixel
 * below efax's blank header rows (efax(1) "HEADERS"), its TSI reaches us, efax exits 0. Then faxline's
 * own sender to faxline's receiver (the two-modem setup the issue names), pixel-identical.
 */
import test from "ava";
import { execFile } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { SpanDspPeer, buildPeer } from "../../hw-mocks/spandsp/SpanDspPeer.js";
import { efaxSend } from "../../hw-mocks/spandsp/efaxSender.js";
import { receiveWithFaxline } from "../../hw-mocks/spandsp/faxlineReceiver.js";
import { sendWithFaxline } from "../../hw-mocks/spandsp/faxlineSender.js";
import { cropRows, diffRows, matchWithTopMargin, readTiffPages, writeG3Pages } from "../../hw-mocks/spandsp/pages.js";
import { fixturePage } from "../helpers/fixtures.js";

const exec = promisify(execFile);
const SPEED = Number(process.env.FAXLINE_INTEROP_SPEED ?? 3);
/** efax times its waits in real time and writes as fast as the pty takes data: speed 2 keeps a loaded machine's peer in step */
const EFAX_SPEED = Number(process.env.FAXLINE_EFAX_SPEED ?? 2);

test.before(async () => {
	await buildPeer();
});

async function pages() {
	return [cropRows(await fixturePage("text", "fine"), 240), cropRows(await fixturePage("form", "fine"), 240)];
}

test.serial("efax -> SpanDSP modem ~ audio ~ SpanDSP modem -> faxline: both pages intact, TSI, efax exit 0", async (t) => {
	const want = await pages();
	const dir = mkdtempSync(join(tmpdir(), "faxline-2line-"));
	const files = await writeG3Pages(want, 196, { dir });
	const line = await SpanDspPeer.start({ speed: EFAX_SPEED, twoModems: true, callerId: "5552468", timeoutS: 200, lingerMs: 300 });
	t.teardown(() => line.stop());
	const tiff = join(dir, "rx.tif");
	const rx = receiveWithFaxline(line.pathB, tiff, { csid: "+1 555 0100", timeoutMs: 180_000 });
	const tx = await efaxSend({ device: line.path, files, localId: "EFAX SENDER", timeoutMs: 180_000 });
	const x = await rx;
	t.is(tx.exitCode, 0, tx.log?.slice?.(-2000) ?? "");
	t.true(x.result.ok, `${x.result.error?.message}\n${x.traceTail.join("\n")}`);
	t.is(x.result.tsid, "EFAX SENDER");
	t.is(x.result.callerId?.number, "5552468");
	const got = await readTiffPages(tiff);
	t.is(got.length, 2);
	for (let i = 0; i < 2; i++) t.not(matchWithTopMargin(want[i]!, got[i]!, 120), undefined, `page ${i + 1} equals what efax sent below its header rows`);
});

test.serial("faxline -> SpanDSP modem ~ audio ~ SpanDSP modem -> faxline: pixel-identical", async (t) => {
	const want = await pages();
	const dir = mkdtempSync(join(tmpdir(), "faxline-2line-"));
	const files = await writeG3Pages(want, 196, { dir });
	const doc = join(dir, "doc.tif");
	await exec("tiffcp", [...files, doc]);
	const line = await SpanDspPeer.start({ speed: SPEED, twoModems: true, timeoutS: 200, lingerMs: 300 });
	t.teardown(() => line.stop());
	const tiff = join(dir, "rx.tif");
	const rx = receiveWithFaxline(line.pathB, tiff, { csid: "+1 555 0100", timeoutMs: 180_000 });
	const tx = await sendWithFaxline(line.path, doc, { timeoutMs: 180_000, tsid: "FAXLINE SENDER" });
	const x = await rx;
	t.true(tx.ok, `${tx.error}\n${tx.traceTail.join("\n")}`);
	t.is(tx.result?.pagesConfirmed, 2);
	t.is(tx.result?.csid, "+1 555 0100");
	t.true(x.result.ok, `${x.result.error?.message}\n${x.traceTail.join("\n")}`);
	t.is(x.result.tsid, "FAXLINE SENDER");
	const got = await readTiffPages(tiff);
	t.is(got.length, 2);
	for (let i = 0; i < 2; i++) t.is(diffRows(want[i]!, got[i]!), 0, `page ${i + 1}: ${got[i]!.width}x${got[i]!.height} ${JSON.stringify(x.pages[i])}`);
});
