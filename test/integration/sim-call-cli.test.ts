/**
 * `faxline sim --call DOC` with `faxline receive --device LINK --once --json` (issue 10), both as child
 * processes as a user runs them: DOC is a 2-page G3 TIFF written by efix and joined by tiffcp (tools
 * nobody here wrote); the simulated line rings with caller id, the calling fax sends DOC, our receiver
 * writes its TIFF, and libtiff/netpbm decode it back to exactly DOC's pixels. The simulator reports the
 * incoming call on stdout; a caller fault (hang-up after page 1) gives an incomplete reception.
 */
import test from "ava";
import { execFile } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { cropRows, diffRows, readTiffPages, writeG3Pages } from "../../hw-mocks/spandsp/pages.js";
import type { Bitmap } from "../../src/core/bitmap.js";
import { fixturePage } from "../helpers/fixtures.js";
import { faxline, startSim } from "../helpers/jobDaemon.js";

const exec = promisify(execFile);

async function makeDoc(dir: string): Promise<{ path: string; pages: Bitmap[] }> {
	const pages = [cropRows(await fixturePage("text", "standard"), 180), cropRows(await fixturePage("form", "standard"), 160)];
	const files = await writeG3Pages(pages, 98, { dir });
	const path = join(dir, "doc.tif");
	await exec("tiffcp", [...files, path]);
	return { path, pages };
}

test.serial("sim --call DOC -> faxline receive --once --json: RING with caller id, 2 pages pixel-identical, reported by both", async (t) => {
	const dir = mkdtempSync(join(tmpdir(), "faxline-simcall-"));
	t.teardown(() => rmSync(dir, { recursive: true, force: true }));
	const doc = await makeDoc(dir);
	const link = join(dir, "modem");
	const sim = startSim(t, link, ["--call", doc.path, "--time-scale", "0.05", "--caller-number", "5551234", "--caller-name", "ACME", "--tsi", "SIM CALLER"]);
	await sim.waitLine(/Class 1 modem on/, 30_000);
	const r = await faxline(["receive", "--device", link, "--once", "--json", "--rings", "2", "--out", join(dir, "in"), "--csid", "+1 555 0100"]);
	t.is(r.code, 0, r.err);
	const rep = JSON.parse(r.out) as Record<string, unknown> & { tiff: string; pageDetails: { result: string; badRows: number }[] };
	t.like(rep, { complete: true, status: "completed", pages: 2, tsid: "SIM CALLER", callerId: "5551234", rings: 2 });
	t.deepEqual(rep.pageDetails.map((p) => [p.result, p.badRows]), [["MCF", 0], ["MCF", 0]]);
	const got = await readTiffPages(rep.tiff);
	t.is(got.length, 2);
	for (let i = 0; i < 2; i++) t.is(diffRows(doc.pages[i]!, got[i]!), 0, `page ${i + 1}`);
	const line = await sim.waitLine(/call 1: /, 10_000);
	t.regex(line, /call 1: incoming from 5551234 answered after 2 RINGs, connected, CSI "\+1 555 0100", V\.17 14400 standard, TCF CFR, pages kept 2 of 2 sent \(MCF MCF\), ended: farDcn/);
	sim.child.kill("SIGINT");
	t.is(await sim.exited, 130); // interrupted after cleaning up (issue 13 exit codes)
});

test.serial("sim --call DOC --fault hangup:page=1,when=after: 1 page kept, the reception is incomplete (exit 1)", async (t) => {
	const dir = mkdtempSync(join(tmpdir(), "faxline-simcall-"));
	t.teardown(() => rmSync(dir, { recursive: true, force: true }));
	const doc = await makeDoc(dir);
	const link = join(dir, "modem");
	const sim = startSim(t, link, ["--call", doc.path, "--time-scale", "0.05", "--fault", "hangup:page=1,when=after"]);
	await sim.waitLine(/Class 1 modem on/, 30_000);
	const r = await faxline(["receive", "--device", link, "--once", "--json", "--out", join(dir, "in")]);
	const rep = JSON.parse(r.out) as Record<string, unknown> & { tiff: string };
	t.like(rep, { complete: false, pages: 1 }, r.out);
	t.not(r.code, 0);
	const got = await readTiffPages(rep.tiff);
	t.is(got.length, 1);
	t.is(diffRows(doc.pages[0]!, got[0]!), 0);
	sim.child.kill("SIGINT");
	t.is(await sim.exited, 130); // interrupted after cleaning up (issue 13 exit codes)
});

test("sim --call with a missing document or a bad --calls is a usage error", async (t) => {
	const dir = mkdtempSync(join(tmpdir(), "faxline-simcall-"));
	t.teardown(() => rmSync(dir, { recursive: true, force: true }));
	const a = await faxline(["sim", "--link", join(dir, "m"), "--call", join(dir, "nope.tif")]);
	t.not(a.code, 0);
	t.regex(a.err, /nope\.tif/);
	const b = await faxline(["sim", "--link", join(dir, "m"), "--call", join(dir, "nope.tif"), "--calls", "0"]);
	t.is(b.code, 2);
});
