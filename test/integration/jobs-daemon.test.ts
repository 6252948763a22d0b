/**
 * The daemon and the queue CLI as separate processes (issue 4 "Daemon and CLI"): submit a broadcast,
 * list and inspect jobs, pause/resume/cancel/restart and copy-tiff through requests in the store, errors as
 * one line with a non-zero exit. Modems are the daemon's simulated `fake:` lines.
 */
import test from "ava";
import { execFileSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { SAMPLE_TIF } from "../helpers/jobHarness.js";
import { faxline, startDaemon } from "../helpers/jobDaemon.js";

test.serial("CLI against a running daemon: submit, jobs, job --json, pause/resume, cancel, restart, copy-tiff", async (t) => {
	const dir = mkdtempSync(join(tmpdir(), "faxline-cli-"));
	const cfg = join(dir, "faxline.json");
	writeFileSync(
		cfg,
		JSON.stringify({
			spoolDir: "spool",
			testModems: true,
			pollMs: 100,
			modems: [{ path: "fake:one?dialMs=200&pageMs=1500", deviceId: 11, tsid: "DEVICE ONE" }, { path: "fake:two?dialMs=200&pageMs=400&fail=DIAL_BUSY", deviceId: 12 }],
			queue: { retries: 0, retryDelay: 0, useDeviceTsid: true },
		}),
	);
	const d = startDaemon(t, cfg);
	await d.waitLine(/^ready: 2 modem/);
	// one daemon per spool
	const second = await faxline(["daemon", "--config", cfg], { FAXLINE_TEST_MODEMS: "1" });
	t.is(second.code, 1);
	t.regex(second.err, /another daemon is running/);
	// a job scheduled far ahead stays PENDING so pause/resume/copy-tiff have something to act on
	const later = await faxline(["submit", "--config", cfg, "--to", "5550001", "--at", "2099-01-01T00:00:00Z", "--priority", "high", SAMPLE_TIF]);
	t.is(later.code, 0, later.err);
	const laterId = later.out.trim();
	t.regex(laterId, /^[0-9a-f]{16}$/);
	await d.waitLine(new RegExp(`^added ${laterId}`));
	t.is((await faxline(["pause", laterId, "--config", cfg])).out.trim(), `paused ${laterId}`);
	const j1 = JSON.parse((await faxline(["job", laterId, "--json", "--config", cfg])).out) as Record<string, unknown>;
	t.is(j1.status, 0x11);
	t.is(j1.availableOperations, 0x75);
	t.is(j1.priority, 2);
	const again = await faxline(["pause", laterId, "--config", cfg]);
	t.is(again.code, 1);
	t.regex(again.err, /^faxline pause: cannot pause job [0-9a-f]{16} .*\(FAX-801\)\n$/);
	t.is((await faxline(["resume", laterId, "--config", cfg])).code, 0);
	const copy = join(dir, "copy.tif");
	t.is((await faxline(["copy-tiff", laterId, copy, "--config", cfg])).code, 0);
	t.is((execFileSync("tiffinfo", [copy], { encoding: "utf8" }).match(/TIFF Directory/g) ?? []).length, 3);

	// a broadcast to two numbers: one line completes on device 11, the other is busy on device 12
	const sub = await faxline(["submit", "--config", cfg, "--to", "5550002", "--to", "5550003", "--tsid", "SENDER", SAMPLE_TIF]);
	t.is(sub.code, 0, sub.err);
	const [a, b] = sub.out.trim().split("\n");
	await d.waitLine(new RegExp(`^changed (${a}|${b}) RETRIES_EXCEEDED BUSY`));
	await d.waitLine(new RegExp(`^changed (${a}|${b}) COMPLETED CALL_COMPLETED page 3/3 device 11`));
	const list = (await faxline(["jobs", "--spool", join(dir, "spool")])).out;
	t.regex(list, new RegExp(`${laterId} PENDING`));
	const failed = [a, b].find((id) => new RegExp(`${id} RETRIES_EXCEEDED`).test(list))!;
	t.truthy(failed, list);
	const jf = JSON.parse((await faxline(["job", failed, "--json", "--config", cfg])).out) as Record<string, unknown>;
	t.is(jf.extendedStatusCode, 8);
	t.deepEqual(jf.failureDetail, { code: "DIAL_BUSY", text: "simulated DIAL_BUSY" });
	t.is(jf.deviceId, 12);
	const ok = [a, b].find((id) => id !== failed)!;
	const jok = JSON.parse((await faxline(["job", ok, "--json", "--config", cfg])).out) as Record<string, unknown>;
	t.is(jok.tsid, "DEVICE ONE"); // UseDeviceTSID
	t.is(jok.csid, "FAKE REMOTE");
	// restart the failed member: it may land on either line (a call on line one lasts 4.7 s); cancel it
	// during that call, or after line two failed it again: either way it ends CANCELED
	const seen = d.lines.length; // the job's earlier PENDING/INPROGRESS lines do not count
	t.is((await faxline(["restart", failed, "--config", cfg])).code, 0);
	await d.waitLine(new RegExp(`^changed ${failed} (PENDING|INPROGRESS)`), undefined, seen);
	const c = await faxline(["cancel", failed, "--config", cfg]);
	t.is(c.code, 0, c.err);
	await d.waitLine(new RegExp(`^removed ${failed}`));
	const gone = await faxline(["cancel", failed, "--config", cfg]);
	t.is(gone.code, 1);
	t.regex(gone.err, /FAX-800/);
	const arch = JSON.parse((await faxline(["job", failed, "--json", "--config", cfg])).out) as Record<string, unknown>;
	t.is(arch.queued, false);
	t.is(arch.status, 0x200);
	// the daemon stops cleanly
	d.child.kill("SIGTERM");
	t.is(await d.exited, 143); // issue 13: 128 + SIGTERM after a clean stop (was 0)
});
