/**
 * A daemon modem of mode "both" (issue 10 "each modem is send, receive or both"): one modem on the
 * simulator (`faxline sim --call DOC`, child process) completes a queued outgoing job (the simulator's
 * answering far end decodes the page: pixels equal the submitted document via libtiff) and receives the
 * fax the line calls with into the inbox (`faxline inbox --json`; routed to a folder, decoded by libtiff:
 * pixels equal DOC, a G3 TIFF written by efix and joined by tiffcp). The simulator's record shows the two
 * calls on the one line, and neither collided with the other.
 */
import test from "ava";
import { execFile } from "node:child_process";
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { cropRows, diffRows, readTiffPages, writeG3Pages } from "../../hw-mocks/spandsp/pages.js";
import { fixturePage } from "../helpers/fixtures.js";
import { faxline, startDaemon, startSim } from "../helpers/jobDaemon.js";

const exec = promisify(execFile);

test.serial("one modem, mode both: a queued send completes and a call from the line lands in the inbox", async (t) => {
	const dir = mkdtempSync(join(tmpdir(), "faxline-both-"));
	t.teardown(() => rmSync(dir, { recursive: true, force: true }));
	const incoming = [cropRows(await fixturePage("text", "standard"), 160), cropRows(await fixturePage("form", "standard"), 140)];
	const files = await writeG3Pages(incoming, 98, { dir });
	const doc = join(dir, "incoming.tif");
	await exec("tiffcp", [...files, doc]);
	const outgoing = [cropRows(await fixturePage("halftone", "standard"), 120)];
	const outFile = (await writeG3Pages(outgoing, 98, { dir: mkdtempSync(join(dir, "out-")) }))[0]!;

	const link = join(dir, "modem");
	const sim = startSim(t, link, ["--call", doc, "--time-scale", "0.05", "--out", join(dir, "far"), "--caller-number", "5551234", "--caller-name", "ACME", "--tsi", "SIM CALLER"]);
	await sim.waitLine(/Class 1 modem on/, 30_000);
	const cfg = join(dir, "faxline.json");
	const routed = join(dir, "routed");
	writeFileSync(cfg, JSON.stringify({ spoolDir: join(dir, "spool"), pollMs: 100, modemReopenMs: 500, modems: [{ path: link, mode: "both", rings: 2, tsid: "+1 555 0100", deviceId: 5 }], queue: { retries: 0, retryDelay: 0 }, routing: [{ deviceId: 5, actions: [{ type: "folder", dir: routed }] }] }));
	const sub = await faxline(["submit", "--config", cfg, "--to", "5550100", outFile]);
	t.is(sub.code, 0, sub.err);
	const jobId = sub.out.trim();

	const d = startDaemon(t, cfg);
	await d.waitLine(new RegExp(`^changed ${jobId} COMPLETED CALL_COMPLETED page 1/1 device 5`), 90_000);
	const inLine = await d.waitLine(/incoming changed \w+ received page \d+ pages 2 routed/, 90_000);
	const id = /incoming changed (\w+)/.exec(inLine)![1]!;

	const inbox = await faxline(["inbox", "--config", cfg, "--json"]);
	t.is(inbox.code, 0, inbox.err);
	const msgs = JSON.parse(inbox.out) as Record<string, unknown>[];
	t.is(msgs.length, 1);
	t.like(msgs[0], { Id: id, Pages: 2, TSID: "SIM CALLER", CallerId: "5551234", CallerName: "ACME", CSID: "+1 555 0100", Complete: true, ExtendedStatus: "received" });
	const tifs = readdirSync(routed).filter((f) => f.endsWith(".tif"));
	t.is(tifs.length, 1);
	const got = await readTiffPages(join(routed, tifs[0]!));
	t.is(got.length, 2);
	got.forEach((g, i) => t.is(diffRows(incoming[i]!, g), 0, `received page ${i + 1}`));

	// the simulator saw both calls on the one line: our ATD (its far end kept the page) and its own call
	const calls = [await sim.waitLine(/call \d+: ATDT?5550100/, 10_000), await sim.waitLine(/call \d+: incoming from 5551234 answered after 2 RINGs/, 10_000)];
	t.regex(calls[0], /pages kept 1 of 1 sent \(MCF\), ended: dcn/);
	t.regex(calls[1], /pages kept 2 of 2 sent \(MCF MCF\), ended: farDcn/);
	const farTif = readdirSync(join(dir, "far")).filter((f) => f.endsWith(".tif"));
	t.is(farTif.length, 1);
	const sent = await readTiffPages(join(dir, "far", farTif[0]!));
	t.is(diffRows(outgoing[0]!, sent[0]!), 0, "the sent page at the far end");
	d.child.kill("SIGTERM");
	await d.exited;
});
