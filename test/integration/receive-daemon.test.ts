/**
 * The daemon receiving (issue 10): a modem configured `mode: "receive"` on the SpanDSP calling peer's pty.
 * A 3-page fax arrives, lands in the inbox (`faxline inbox --json`: Pages, TSID, CallerId, quality),
 * is routed to a folder (pixel-identical to what SpanDSP sent, decoded by libtiff) and to a command that
 * sees the fax's fields in its environment (no shell); and kill -9 of the daemon in the middle of a
 * reception leaves, after the restart, the pages already received in the inbox with a truthful
 * "interrupted" status, a TIFF libtiff reads without a warning, and nothing half-written.
 */
import test from "ava";
import { execFile } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { SpanDspPeer, buildPeer } from "../../hw-mocks/spandsp/SpanDspPeer.js";
import { cropRows, diffRows, readTiffPages, writeG3Pages } from "../../hw-mocks/spandsp/pages.js";
import { fixturePage } from "../helpers/fixtures.js";
import { faxline, startDaemon } from "../helpers/jobDaemon.js";

const exec = promisify(execFile);
const SPEED = Number(process.env.FAXLINE_INTEROP_SPEED ?? 3);

test.before(async () => {
	await buildPeer();
});

async function makeDoc(rows: number) {
	const pages = [cropRows(await fixturePage("text", "fine"), rows), cropRows(await fixturePage("form", "fine"), rows), cropRows(await fixturePage("halftone", "fine"), rows)];
	const dir = mkdtempSync(join(tmpdir(), "faxline-rxd-"));
	const files = await writeG3Pages(pages, 196, { dir });
	const path = join(dir, "doc.tif");
	await exec("tiffcp", [...files, path]);
	return { pages, path, dir };
}

function config(dir: string, pty: string, extra: Record<string, unknown> = {}): string {
	const cfg = join(dir, "faxline.json");
	writeFileSync(cfg, JSON.stringify({ spoolDir: join(dir, "spool"), modems: [{ path: pty, mode: "receive", tsid: "+1 555 0100", deviceId: 7 }], modemReopenMs: 500, ...extra }));
	return cfg;
}

test.serial("a received fax lands in the inbox and is routed to a folder and a command (fields in its environment)", async (t) => {
	const doc = await makeDoc(200);
	const peer = await SpanDspPeer.start({ speed: SPEED, call: doc.path, callerId: "5551234", callerName: "ACME", ident: "SPANDSP CALLER", ringStartMs: 2500, timeoutS: 180, lingerMs: 300 });
	t.teardown(() => peer.stop());
	const out = join(doc.dir, "routed");
	const envFile = join(doc.dir, "env.txt");
	const script = join(doc.dir, "hook.sh");
	writeFileSync(script, `#!/bin/sh\nprintf '%s|%s|%s|%s|%s|%s\\n' "$FAX_ID" "$FAX_PAGES" "$FAX_TSID" "$FAX_CALLER_ID" "$FAX_DEVICE_ID" "$1" > "${envFile}"\n`, { mode: 0o755 });
	const cfg = config(doc.dir, peer.path, { routing: [{ deviceId: 7, callerId: "/^555/", actions: [{ type: "folder", dir: out }, { type: "command", argv: [script, "arg with spaces; rm -rf /"] }] }] });
	const d = startDaemon(t, cfg);
	const line = await d.waitLine(/incoming changed \w+ received page \d+ pages 3 routed/, 150_000);
	const id = /incoming changed (\w+)/.exec(line)![1]!;
	const r = await peer.result(30_000);
	t.is(r.t30, 0, r.t30_text);
	t.deepEqual(r.responses, ["MCF", "MCF", "MCF"]);
	const inbox = await faxline(["inbox", "--config", cfg, "--json"]);
	t.is(inbox.code, 0, inbox.err);
	const msgs = JSON.parse(inbox.out) as Record<string, unknown>[];
	t.is(msgs.length, 1);
	t.like(msgs[0], { Id: id, Pages: 3, TSID: "SPANDSP CALLER", CallerId: "5551234", CallerName: "ACME", CSID: "+1 555 0100", Complete: true, ExtendedStatus: "received" });
	t.regex(String(msgs[0]!.RoutingInformation), /^folder:.*; command:.*hook\.sh$/);
	const routed = readdirSync(out).filter((f) => f.endsWith(".tif"));
	t.is(routed.length, 1);
	const got = await readTiffPages(join(out, routed[0]!));
	t.is(got.length, 3);
	got.forEach((g, i) => t.is(diffRows(doc.pages[i]!, g), 0, `page ${i + 1}`));
	t.is(readFileSync(envFile, "utf8").trim(), `${id}|3|SPANDSP CALLER|5551234|7|arg with spaces; rm -rf /`);
	const incoming = await faxline(["incoming", "--config", cfg, "--json"]);
	t.deepEqual(JSON.parse(incoming.out), [], "no call in progress any more");
	// one JSONL trace per wait-and-call (the daemon is already waiting for the next call in a new file)
	const traces = readdirSync(join(doc.dir, "spool", "traces")).filter((f) => /incoming-dev7\.jsonl$/.test(f));
	const withCall = traces.filter((f) => /"msg":"<- DCS V\.17 14400/.test(readFileSync(join(doc.dir, "spool", "traces", f), "utf8")));
	t.is(withCall.length, 1, `the reception left its JSONL protocol trace (${traces.join(", ")})`);
	d.child.kill("SIGTERM");
	await d.exited;
});

test.serial("kill -9 of the daemon during a reception: after the restart the received pages are in the inbox, status says interrupted", async (t) => {
	const doc = await makeDoc(500);
	const peer = await SpanDspPeer.start({ speed: SPEED, call: doc.path, callerId: "5559876", ident: "SPANDSP CALLER", ringStartMs: 2500, timeoutS: 180, lingerMs: 300 });
	t.teardown(() => peer.stop());
	const cfg = config(doc.dir, peer.path);
	const d = startDaemon(t, cfg);
	const line = await d.waitLine(/incoming changed \w+ receiving page 3 page 3 pages 2/, 150_000);
	const id = /incoming changed (\w+)/.exec(line)![1]!;
	const during = await faxline(["incoming", "--config", cfg, "--json"]);
	t.like((JSON.parse(during.out) as Record<string, unknown>[])[0], { Id: id, CurrentPage: 3, Status: 2, TSID: "SPANDSP CALLER", CallerId: "5559876", JobType: 1 });
	d.child.kill("SIGKILL");
	await d.exited;
	await peer.stop();
	const d2 = startDaemon(t, config(doc.dir, join(doc.dir, "no-such-modem")));
	await d2.waitLine(/recovered incoming/, 60_000);
	const inbox = await faxline(["inbox", "--config", cfg, "--json"]);
	const msgs = JSON.parse(inbox.out) as Record<string, unknown>[];
	t.is(msgs.length, 1);
	t.like(msgs[0], { Id: id, Pages: 2, Complete: false, TSID: "SPANDSP CALLER" });
	t.regex(String(msgs[0]!.ExtendedStatus), /interrupted.*2 page/);
	const tiff = join(doc.dir, "spool", "incoming", `${id}.tif`);
	const info = await exec("tiffinfo", ["-D", tiff]);
	t.is(info.stderr.trim(), "", "libtiff reads it without a warning");
	t.regex(info.stdout, /Page Number: 1-2/);
	const got = await readTiffPages(tiff);
	t.is(got.length, 2);
	got.forEach((g, i) => t.is(diffRows(doc.pages[i]!, g), 0, `page ${i + 1}`));
	t.false(readdirSync(join(doc.dir, "spool", "incoming")).some((f) => f.endsWith(".tmp")), "no temporary file left");
	t.true(existsSync(tiff));
	d2.child.kill("SIGTERM");
	await d2.exited;
});
