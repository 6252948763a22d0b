/**
 * `faxline receive --device PTY --once --json --rings 2` (issue 10 CLI) against the calling SpanDSP
 * terminal: answers after the second RING, prints the result as JSON (pages, TSID, caller id, per-page
 * quality, the TIFF path), the TIFF holds the document pixel for pixel, exit 0; and the usage errors.
 */
import test from "ava";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { SpanDspPeer, buildPeer } from "../../hw-mocks/spandsp/SpanDspPeer.js";
import { cropRows, diffRows, readTiffPages, writeG3Pages } from "../../hw-mocks/spandsp/pages.js";
import { fixturePage } from "../helpers/fixtures.js";
import { faxline } from "../helpers/jobDaemon.js";


test.before(async () => {
	await buildPeer();
});

test.serial("faxline receive --once --json --rings 2: answers on the 2nd RING, JSON result, pixel-identical TIFF", async (t) => {
	const want = [cropRows(await fixturePage("text", "standard"), 200)];
	const dir = mkdtempSync(join(tmpdir(), "faxline-clirx-"));
	const files = await writeG3Pages(want, 98, { dir });
	const peer = await SpanDspPeer.start({ speed: Number(process.env.FAXLINE_INTEROP_SPEED ?? 3), call: files[0]!, callerId: "5551234", ident: "SPANDSP CALLER", ringStartMs: 2500, timeoutS: 120, lingerMs: 300 });
	t.teardown(() => peer.stop());
	const r = await faxline(["receive", "--device", peer.path, "--once", "--json", "--rings", "2", "--out", join(dir, "in"), "--csid", "+1 555 0100"]);
	t.is(r.code, 0, r.err);
	const rep = JSON.parse(r.out) as Record<string, unknown> & { tiff: string; pageDetails: { result: string; badRows: number }[] };
	t.like(rep, { complete: true, status: "completed", pages: 1, tsid: "SPANDSP CALLER", callerId: "5551234", rings: 2 });
	t.deepEqual(rep.pageDetails.map((p) => [p.result, p.badRows]), [["MCF", 0]]);
	const got = await readTiffPages(rep.tiff);
	t.is(got.length, 1);
	t.is(diffRows(want[0]!, got[0]!), 0);
	t.is((await peer.result(20_000)).rings, 2);
});

test.serial("faxline receive --auto-answer --rings 3: the modem answers by itself (ATS0=3), same result", async (t) => {
	const want = [cropRows(await fixturePage("form", "standard"), 150)];
	const dir = mkdtempSync(join(tmpdir(), "faxline-clirx-"));
	const files = await writeG3Pages(want, 98, { dir });
	const peer = await SpanDspPeer.start({ speed: Number(process.env.FAXLINE_INTEROP_SPEED ?? 3), call: files[0]!, ident: "SPANDSP CALLER", ringStartMs: 2500, timeoutS: 120, lingerMs: 300 });
	t.teardown(() => peer.stop());
	const trace = join(dir, "trace.jsonl");
	const r = await faxline(["receive", "--device", peer.path, "--once", "--json", "--auto-answer", "--rings", "3", "--out", join(dir, "in"), "--trace", trace]);
	t.is(r.code, 0, r.err);
	const rep = JSON.parse(r.out) as { tiff: string; rings: number; complete: boolean };
	t.true(rep.complete);
	t.is(rep.rings, 3);
	t.is(diffRows(want[0]!, (await readTiffPages(rep.tiff))[0]!), 0);
	const at = readFileSync(trace, "utf8");
	t.regex(at, /"msg":"ATS0=3"/);
	t.notRegex(at, /"msg":"ATA"/, "no ATA: the modem answered");
	t.regex(at, /"msg":"ATS0=0"/, "auto-answer switched off after the call");
	t.is((await peer.result(20_000)).rings, 3);
});

test("faxline receive usage errors exit 2", async (t) => {
	t.is((await faxline(["receive"])).code, 2);
	t.is((await faxline(["receive", "--device", "/dev/null", "--rings", "x"])).code, 2);
	t.is((await faxline(["receive", "--device", "/dev/null", "--csid", "x".repeat(21)])).code, 2);
});
