/**
 * The queue commands of issue 13 on the BUILT binary after a real simulated call: `faxline daemon` with
 * two modems — a `faxline sim` pty modem and a path where no modem exists yet — then `submit`, `status`
 * (sending to N while the call runs; the missing modem down with its reason, then up once a simulator
 * appears there: it is retried), `jobs --done/--all` (history with final status, pages, duration, the
 * far end's CSID), `alter`, timestamped levelled log lines (and --log-json), and SIGINT -> 130. The
 * simulator's own record of the call (its stdout line) is the oracle for what went over the line (the
 * modem's configured TSID, the pages the far end kept).
 */
import test from "ava";
import type { ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ensureBuilt, faxlineBin, spawnBin } from "../helpers/builtCli.js";
import { SAMPLE_TIF } from "../helpers/jobHarness.js";

test.before(async () => {
	await ensureBuilt();
});

interface Proc {
	child: ChildProcess;
	lines: string[];
	waitLine(re: RegExp, ms?: number): Promise<string>;
	exit: Promise<number | null>;
}

function run(t: { teardown(fn: () => void): void }, args: string[], env: Record<string, string> = {}): Proc {
	const child = spawnBin(args, { env });
	t.teardown(() => void child.kill("SIGKILL"));
	const lines: string[] = [];
	const waiters: { re: RegExp; res: (l: string) => void }[] = [];
	let buf = "";
	let err = "";
	child.stderr!.setEncoding("utf8").on("data", (d: string) => (err += d));
	child.stdout!.setEncoding("utf8").on("data", (d: string) => {
		buf += d;
		let i: number;
		while ((i = buf.indexOf("\n")) >= 0) {
			const l = buf.slice(0, i);
			buf = buf.slice(i + 1);
			lines.push(l);
			for (const w of [...waiters]) {
				if (!w.re.test(l)) continue;
				waiters.splice(waiters.indexOf(w), 1);
				w.res(l);
			}
		}
	});
	const exit = new Promise<number | null>((res) => child.once("exit", (code) => res(code)));
	return {
		child,
		lines,
		exit,
		waitLine: (re, ms = 60_000) => {
			const hit = lines.find((l) => re.test(l));
			if (hit) return Promise.resolve(hit);
			return new Promise((res, rej) => {
				const w = { re, res: (l: string) => (clearTimeout(timer), res(l)) };
				const timer = setTimeout(() => rej(new Error(`no line ${re} within ${ms} ms; last: ${lines.slice(-6).join(" | ")}; stderr: ${err}`)), ms);
				waiters.push(w);
			});
		},
	};
}

/** Polls `f` every 200 ms until it returns a value, or throws after `ms` saying what was awaited. */
async function until<T>(what: string, ms: number, f: () => Promise<T | undefined>): Promise<T> {
	const end = Date.now() + ms;
	let last: unknown;
	for (;;) {
		try {
			const v = await f();
			if (v !== undefined) return v;
		} catch (e) {
			last = e;
		}
		if (Date.now() > end) throw new Error(`${what}: not within ${ms} ms ${last ? String(last) : ""}`);
		await new Promise((r) => setTimeout(r, 200));
	}
}

interface StatusJson {
	daemon: { running: boolean; pid: number | null };
	modems: { deviceId: number; state: string; sendingTo: string | null; jobId: string | null; error: { code: string; message: string } | null; retryAt: string | null }[];
	queue: { jobs: number; byStatus: Record<string, number> };
}

const TS = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z (DEBUG|INFO |WARN |ERROR) \S/;

test.serial("daemon + sim: status while sending, history after the call, a missing modem reported and retried, alter, SIGINT 130", async (t) => {
	const dir = mkdtempSync(join(tmpdir(), "faxline-cliq-"));
	t.teardown(() => rmSync(dir, { recursive: true, force: true }));
	const link = join(dir, "modem1");
	const missing = join(dir, "modem2");
	const sim = run(t, ["sim", "--link", link, "--time-scale", "0.25", "--csi", "+1 555 0100 FAR"]);
	await sim.waitLine(/Class 1 modem on/);
	const cfg = join(dir, "faxline.json");
	writeFileSync(
		cfg,
		JSON.stringify({
			spoolDir: "spool",
			pollMs: 100,
			modemReopenMs: 5000, // long enough that two status reads on a loaded machine see the same "down" (it was 1000: flaky)
			modems: [
				{ path: link, deviceId: 1, tsid: "+1 555 0000 LINE1" },
				{ path: missing, deviceId: 2 },
			],
			queue: { retries: 0, retryDelay: 0 },
		}),
	);
	const q = ["--config", cfg];
	const daemon = run(t, ["daemon", ...q]);
	await daemon.waitLine(/ INFO  ready: 2 modem\(s\)/);
	// the missing modem: a WARN line with its reason and when it is tried again
	const warn = await daemon.waitLine(/WARN  modem 2 .*modem2 down: /);
	t.regex(warn, /down: (PORT_NOT_FOUND|PORT_OPEN_FAILED): .*; retrying at \d{4}-/);
	await daemon.waitLine(/INFO  modem 1 .*modem1 ready/);
	const status = async (): Promise<StatusJson> => {
		const r = await faxlineBin(["status", ...q, "--json"]);
		if (r.code !== 0) throw new Error(r.stderr);
		return JSON.parse(r.stdout) as StatusJson;
	};
	const s0 = await status();
	t.true(s0.daemon.running);
	t.is(s0.modems.find((m) => m.deviceId === 1)?.state, "idle");
	const down = s0.modems.find((m) => m.deviceId === 2)!;
	t.is(down.state, "down");
	t.truthy(down.error?.code);
	t.truthy(down.retryAt);
	const human0 = await faxlineBin(["status", ...q]);
	t.regex(human0.stdout, /^modem 2 .*modem2: down: \S+: .*; retrying at /m);
	t.regex(human0.stdout, /^modem 1 .*modem1: idle$/m);

	// a call: no --tsid, so the modem's own tsid goes out in TSI
	const sub = await faxlineBin(["submit", ...q, "--to", "555 0100", SAMPLE_TIF]);
	t.is(sub.code, 0, sub.stderr);
	const id = sub.stdout.trim();
	const during = await until("status: modem 1 sending to 5550100", 60_000, async () => {
		const s = await status();
		const m = s.modems.find((x) => x.deviceId === 1);
		return m?.state === "sending" ? s : undefined;
	});
	const m1 = during.modems.find((x) => x.deviceId === 1)!;
	t.is(m1.sendingTo, "555 0100");
	t.is(m1.jobId, id);
	t.is(during.queue.byStatus.INPROGRESS, 1);
	t.regex((await faxlineBin(["status", ...q])).stdout, new RegExp(`^modem 1 .*: sending to 555 0100 \\(job ${id}\\)$`, "m"));

	const simLine = await sim.waitLine(/^call 1: /, 120_000);
	t.regex(simLine, /TSI "\+1 555 0000 LINE1"/, "the modem's configured tsid was sent");
	t.regex(simLine, /pages kept 3 of 3 sent/);
	const done = await until("the job finished", 60_000, async () => {
		const r = await faxlineBin(["job", id, ...q, "--json"]);
		const j = JSON.parse(r.stdout) as Record<string, unknown>;
		return j.queued === false ? j : undefined;
	});
	t.is(done.statusName, "COMPLETED");
	t.is(done.tsid, "+1 555 0000 LINE1");

	// history: gone from the queue, listed by --done and --all with status, pages, duration, CSID
	const plain = await faxlineBin(["jobs", ...q, "--json"]);
	t.deepEqual(JSON.parse(plain.stdout), []);
	const hist = JSON.parse((await faxlineBin(["jobs", ...q, "--done", "--json"])).stdout) as Record<string, unknown>[];
	t.is(hist.length, 1);
	const h = hist[0]!;
	t.is(h.id, id);
	t.is(h.queued, false);
	t.is(h.status, 0x100);
	t.is(h.statusName, "COMPLETED");
	t.is(h.extendedStatusName, "CALL_COMPLETED");
	t.is(h.pages, 3);
	t.is(h.currentPage, 3);
	t.is(h.csid, "+1 555 0100 FAR");
	t.true(typeof h.duration === "number" && h.duration > 0, `duration ${String(h.duration)}`);
	t.truthy(h.finishedTime);
	const human = await faxlineBin(["jobs", ...q, "--done"]);
	t.regex(human.stdout, new RegExp(`^${id} COMPLETED +CALL_COMPLETED +555 0100 +3/3 +\\d+:\\d\\d +\\+1 555 0100 FAR +\\d{4}-`, "m"));
	const all = await faxlineBin(["jobs", ...q, "--all"]);
	t.regex(all.stdout, /^ID +STATUS +EXTENDED/m);
	t.true(all.stdout.includes(id));

	// the missing modem appears: retried and idle, without restarting the daemon
	const sim2 = run(t, ["sim", "--link", missing, "--time-scale", "0.25"]);
	await sim2.waitLine(/Class 1 modem on/);
	await daemon.waitLine(/INFO  modem 2 .*modem2 ready/, 30_000);
	const s2 = await status();
	t.deepEqual(s2.modems.map((m) => [m.deviceId, m.state]), [[1, "idle"], [2, "idle"]]);
	t.is(s2.modems[1]!.error, null);

	// alter a waiting job; a finished one is refused
	const later = (await faxlineBin(["submit", ...q, "--to", "5550199", "--at", "2099-01-01T00:00:00Z", SAMPLE_TIF])).stdout.trim();
	const alt = await faxlineBin(["alter", later, ...q, "--priority", "high", "--retries", "5", "--at", "2098-06-01T12:00:00Z", "--json"]);
	t.is(alt.code, 0, alt.stderr);
	const aj = JSON.parse(alt.stdout) as Record<string, unknown>;
	t.is(aj.priorityName, "HIGH");
	t.is(aj.scheduledTime, "2098-06-01T12:00:00.000Z");
	t.is((JSON.parse((await faxlineBin(["job", later, ...q, "--json"])).stdout) as Record<string, unknown>).priorityName, "HIGH");
	const refused = await faxlineBin(["alter", id, ...q, "--priority", "low"]);
	t.is(refused.code, 1);
	t.regex(refused.stderr, /^faxline alter: .*not in the queue|not found/);
	t.is((await faxlineBin(["alter", later, ...q])).code, 2, "nothing to change is a usage error");

	// every log line: timestamp, level, one event
	t.true(daemon.lines.length > 5);
	for (const l of daemon.lines) t.regex(l, TS, l);
	t.true(daemon.lines.some((l) => new RegExp(`INFO  changed ${id} COMPLETED CALL_COMPLETED page 3/3`).test(l)));

	daemon.child.kill("SIGINT");
	t.is(await daemon.exit, 130);
	t.regex(daemon.lines.at(-1)!, /INFO  stopping/);
	const after = await status();
	t.false(after.daemon.running);
	t.deepEqual(after.modems.map((m) => m.state), ["unknown", "unknown"]);
});

test.serial("daemon --log-json: one JSON object per line with time, level, msg and the event's fields", async (t) => {
	const dir = mkdtempSync(join(tmpdir(), "faxline-cliq-"));
	t.teardown(() => rmSync(dir, { recursive: true, force: true }));
	const cfg = join(dir, "faxline.json");
	writeFileSync(cfg, JSON.stringify({ spoolDir: "spool", pollMs: 100, modemReopenMs: 60_000, modems: [{ path: join(dir, "nothing-here"), deviceId: 7 }] }));
	const daemon = run(t, ["daemon", "--config", cfg, "--log-json"]);
	const warn = JSON.parse(await daemon.waitLine(/"level":"warn"/)) as Record<string, unknown>;
	t.is(warn.event, "modem");
	t.is(warn.deviceId, 7);
	t.is(warn.state, "down");
	t.truthy((warn.error as { code: string }).code);
	t.regex(String(warn.time), /^\d{4}-\d\d-\d\dT[\d:.]+Z$/);
	daemon.child.kill("SIGTERM");
	t.is(await daemon.exit, 143);
	for (const l of daemon.lines) {
		const o = JSON.parse(l) as Record<string, unknown>;
		t.truthy(o.time);
		t.true(["debug", "info", "warn", "error"].includes(String(o.level)));
		t.is(typeof o.msg, "string");
	}
});
