/**
 * Crash safety of the persistent queue (issue 4): a real SIGKILL of the daemon process mid-call, then a
 * restart — no job lost or duplicated, and the interrupted call comes back as RETRYING with a truthful
 * extended status (DISCONNECTED, CARRIER_LOST "interrupted by daemon restart", outgoing-job.md §9.3);
 * SIGKILLs of the daemon at random moments; SIGKILLs of `faxline submit` at random moments — a submission
 * is all or nothing and no queued job points at a missing or half-written document (checked by tiffinfo).
 */
import test from "ava";
import { execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { JobStore } from "../../src/jobs/JobStore.js";
import { SAMPLE_TIF } from "../helpers/jobHarness.js";
import { faxline, startDaemon, startSim } from "../helpers/jobDaemon.js";
import { prng } from "../helpers/fixtures.js";
import { spawn } from "node:child_process";
import { dirname } from "node:path";
import { fileURLToPath } from "node:url";

const MAIN = join(dirname(fileURLToPath(import.meta.url)), "..", "..", "src", "cli", "main.ts");

function setup(modems: string[], queue: Record<string, unknown>): { dir: string; cfg: string; spool: string } {
	const dir = mkdtempSync(join(tmpdir(), "faxline-crash-"));
	const cfg = join(dir, "faxline.json");
	writeFileSync(cfg, JSON.stringify({ spoolDir: "spool", testModems: true, pollMs: 100, modems: modems.map((path) => ({ path })), queue }));
	return { dir, cfg, spool: join(dir, "spool") };
}

/** Wait (polling the store, the cross-process source of truth) until every job left the queue. */
async function allRemoved(spool: string, ids: string[], ms = 90_000): Promise<void> {
	const s = new JobStore(spool);
	try {
		const deadline = Date.now() + ms;
		while (!ids.every((id) => s.getJob(id)?.removedAt != null)) {
			if (Date.now() > deadline) throw new Error(`not all jobs finished: ${ids.map((id) => { const j = s.getJob(id); return `${j?.status} ${j?.failure?.code ?? ""} ${j?.failure?.text ?? ""} retries ${j?.retries}`; }).join("; ")}`);
			await new Promise((r) => setTimeout(r, 100));
		}
	} finally {
		s.close();
	}
}

const tiffPages = (f: string): number => (execFileSync("tiffinfo", [f], { encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] }).match(/TIFF Directory at offset/g) ?? []).length;

test.serial("SIGKILL mid-call: the call comes back as RETRYING DISCONNECTED/CARRIER_LOST, every job is sent exactly once", async (t) => {
	const { cfg, spool } = setup(["fake:a?dialMs=100&pageMs=700", "fake:b?dialMs=100&pageMs=700"], { retries: 3, retryDelay: 0 });
	let d = startDaemon(t, cfg);
	await d.waitLine(/^ready/);
	const sub = await faxline(["submit", "--config", cfg, "--to", "5551001", "--to", "5551002", "--to", "5551003", SAMPLE_TIF]);
	t.is(sub.code, 0, sub.err);
	const ids = sub.out.trim().split("\n");
	t.is(ids.length, 3);
	const mid = await d.waitLine(/^changed [0-9a-f]{16} INPROGRESS TRANSMITTING page 2\/3/);
	const victim = mid.split(" ")[1]!;
	d.child.kill("SIGKILL");
	await d.exited;
	// what the store holds right after the crash: the victim still INPROGRESS, on page 2 (or page 3 when
	// a loaded machine let the daemon run on for a moment before the kill landed)
	const store = new JobStore(spool);
	const before = store.getJob(victim)!;
	t.is(before.status, 0x2);
	t.true(before.currentPage === 2 || before.currentPage === 3, `page ${before.currentPage}`);
	t.is(store.queuedJobs().length, 3);
	store.close();

	d = startDaemon(t, cfg);
	const back = await d.waitLine(new RegExp(`^changed ${victim} RETRYING DISCONNECTED page ${before.currentPage}/3 device \\d retries 1 CARRIER_LOST \\(interrupted by daemon restart\\)`));
	t.truthy(back);
	await allRemoved(spool, ids);
	d.child.kill("SIGTERM");
	await d.exited;
	const s2 = new JobStore(spool);
	t.teardown(() => s2.close());
	const all = s2.submissionJobs(s2.getJob(ids[0]!)!.submissionId);
	t.deepEqual(all.map((j) => j.id).sort(), [...ids].sort(), "no job lost or duplicated");
	for (const j of all) t.is(j.status, 0x100, `${j.id} COMPLETED`);
	t.is(s2.getJob(victim)!.retries, 1);
	t.deepEqual(readdirSync(join(spool, "docs")).filter((f) => !f.startsWith(".")), [], "documents removed with their jobs");
});

test.serial("SIGKILL of the daemon at random moments: every job ends COMPLETED exactly once", async (t) => {
	const { cfg, spool } = setup(["fake:a?dialMs=50&pageMs=150", "fake:b?dialMs=50&pageMs=150", "fake:c?dialMs=50&pageMs=150"], { retries: 20, retryDelay: 0 });
	const rnd = prng(4242);
	let d = startDaemon(t, cfg);
	await d.waitLine(/^ready/);
	const sub = await faxline(["submit", "--config", cfg, ...["1", "2", "3", "4", "5", "6", "7", "8"].flatMap((n) => ["--to", `555200${n}`]), SAMPLE_TIF]);
	t.is(sub.code, 0, sub.err);
	const ids = sub.out.trim().split("\n");
	for (let k = 0; k < 4; k++) {
		await new Promise((r) => setTimeout(r, 200 + Math.floor(rnd() * 1200)));
		d.child.kill("SIGKILL");
		await d.exited;
		d = startDaemon(t, cfg);
		await d.waitLine(/^ready/);
	}
	// any of the daemons may have finished a job: watch the store, not one daemon's output
	const s = new JobStore(spool);
	t.teardown(() => s.close());
	const deadline = Date.now() + 60_000;
	while (!ids.every((id) => s.getJob(id)?.removedAt !== null)) {
		if (Date.now() > deadline) throw new Error(`not all jobs finished: ${ids.map((id) => s.getJob(id)?.status).join(",")}`);
		await new Promise((r) => setTimeout(r, 100));
	}
	d.child.kill("SIGTERM");
	await d.exited;
	const all = s.submissionJobs(s.getJob(ids[0]!)!.submissionId);
	t.is(all.length, 8);
	t.deepEqual(new Set(all.map((j) => j.id)), new Set(ids));
	for (const j of all) t.is(j.status, 0x100);
	t.is(s.queuedJobs().length, 0);
});

test.serial("SIGKILL of faxline submit at random moments: each submission is all or nothing, no half-written document", async (t) => {
	const { cfg, spool } = setup([], {});
	const rnd = prng(77);
	const recipients = Array.from({ length: 30 }, (_, i) => ["--to", `55530${String(i).padStart(2, "0")}`]).flat();
	let finished = 0;
	for (let k = 0; k < 6; k++) {
		const c = spawn(process.execPath, ["--import", "tsx", MAIN, "submit", "--config", cfg, ...recipients, SAMPLE_TIF, SAMPLE_TIF], { stdio: "ignore" });
		const exited = new Promise<number | null>((r) => c.once("exit", (code) => r(code)));
		const timer = setTimeout(() => c.kill("SIGKILL"), 600 + Math.floor(rnd() * 1400));
		if ((await exited) === 0) finished++;
		clearTimeout(timer);
	}
	const s = new JobStore(spool);
	t.teardown(() => s.close());
	const jobs = s.queuedJobs();
	const bySub = new Map<string, number>();
	for (const j of jobs) bySub.set(j.submissionId, (bySub.get(j.submissionId) ?? 0) + 1);
	for (const [sid, n] of bySub) t.is(n, 30, `submission ${sid} complete`);
	t.true(bySub.size >= finished);
	t.log(`${bySub.size} of 6 submissions committed (${finished} exited normally)`);
	for (const j of jobs) {
		const f = join(spool, "docs", j.docFile);
		t.true(existsSync(f));
		t.is(tiffPages(f), 6);
	}
	// every file with a document's name is complete (temp files are hidden names)
	for (const f of readdirSync(join(spool, "docs")).filter((x) => x.endsWith(".tif") && !x.startsWith("."))) t.is(tiffPages(join(spool, "docs", f)), 6);
});

test.serial("SIGKILL mid-call with pty-simulated modems (faxline sim): the restarted daemon sends the rest, the far end gets every page", async (t) => {
	const dir = mkdtempSync(join(tmpdir(), "faxline-crash-sim-"));
	const sims = [0, 1].map((i) => startSim(t, join(dir, `modem${i}`), ["--time-scale", "0.1", "--out", join(dir, `far${i}`), "--csi", `FAR ${i}`]));
	for (const s of sims) await s.waitLine(/^faxline sim: Class 1 modem on/);
	const cfg = join(dir, "faxline.json");
	writeFileSync(cfg, JSON.stringify({ spoolDir: "spool", pollMs: 100, modemReopenMs: 500, modems: [0, 1].map((i) => ({ path: join(dir, `modem${i}`), deviceId: 21 + i })), queue: { retries: 10, retryDelay: 0 } }));
	let d = startDaemon(t, cfg);
	await d.waitLine(/^ready/);
	const sub = await faxline(["submit", "--config", cfg, "--to", "5554001", "--to", "5554002", SAMPLE_TIF]);
	t.is(sub.code, 0, sub.err);
	const ids = sub.out.trim().split("\n");
	const mid = await d.waitLine(/^changed [0-9a-f]{16} INPROGRESS TRANSMITTING page 2\/3/, 60_000);
	const victim = mid.split(" ")[1]!;
	d.child.kill("SIGKILL");
	await d.exited;
	const s0 = new JobStore(join(dir, "spool"));
	const page = s0.getJob(victim)!.currentPage; // 2, or 3 when the kill landed a moment late
	s0.close();
	t.true(page === 2 || page === 3, `page ${page}`);
	d = startDaemon(t, cfg);
	await d.waitLine(new RegExp(`^changed ${victim} RETRYING DISCONNECTED page ${page}/3 device 2[12] retries 1 CARRIER_LOST \\(interrupted by daemon restart\\)`), 60_000);
	await allRemoved(join(dir, "spool"), ids);
	d.child.kill("SIGTERM");
	await d.exited;
	// the far ends: each number got a complete 3-page fax (the interrupted call ended short); a call that
	// delivered every page but then failed (a protocol timeout under heavy machine load) would be
	// resent, which is why this is "at least once" while the store holds each job exactly once.
	// A simulator prints a call's line when the call's record is closed and its TIFF written, which can
	// be after the daemon has finished the job: wait for the lines (event with a deadline), not a snapshot.
	const anySim = (re: RegExp, what: string): Promise<string> =>
		new Promise((res, rej) => {
			// the helper's own stdout listener came first: by the time ours runs, the new lines are in s.lines
			const check = () => {
				const hit = sims.flatMap((s) => s.lines).find((l) => re.test(l));
				if (hit === undefined) return;
				done();
				res(hit);
			};
			const done = () => {
				clearTimeout(timer);
				for (const s of sims) s.child.stdout!.off("data", check);
			};
			const timer = setTimeout(() => {
				done();
				rej(new Error(`${what}: no simulator line matching ${re} within 30 s; calls: ${sims.flatMap((s) => s.lines.filter((l) => l.startsWith("call "))).join(" | ")}`));
			}, 30_000);
			for (const s of sims) s.child.stdout!.on("data", check);
			check();
		});
	const s = new JobStore(join(dir, "spool"));
	t.teardown(() => s.close());
	// issue 14: the victim's retry sends only the pages not confirmed before the kill, so its fax arrives
	// in two parts (pages 1..k, then the rest; see jobs-resume.test.ts for the page-by-page proof)
	const v = s.getJob(victim)!;
	for (const n of ["5554001", "5554002"]) {
		if (n === v.recipient.faxNumber) {
			const rest = v.attempts.at(-1)!.pages.length; // the completing attempt sent what was left
			t.true(rest < 3, `the retry resumed (sent ${rest} pages)`);
			const tail = await anySim(new RegExp(`^call \\d+: ATDT${n}, .*pages kept ${rest} of ${rest} sent`), `${n} got the rest of the fax`);
			const tif = /TIFF (\S+\.tif)/.exec(tail)?.[1];
			if (t.truthy(tif, tail)) t.is(tiffPages(tif!), rest);
			continue;
		}
		const whole = await anySim(new RegExp(`^call \\d+: ATDT${n}, .*pages kept 3 of 3 sent`), `${n} got the whole fax`);
		const tif = /TIFF (\S+\.tif)/.exec(whole)?.[1];
		if (!t.truthy(tif, whole)) continue;
		t.is(tiffPages(tif!), 3);
	}
	t.truthy(await anySim(/^call \d+: .*ended: hostHangup/, "the killed call ended by the host's hang-up"));
	for (const id of ids) t.is(s.getJob(id)!.status, 0x100);
	t.true(s.getJob(victim)!.retries >= 1);
	t.deepEqual(s.submissionJobs(s.getJob(ids[0]!)!.submissionId).map((j) => j.id).sort(), [...ids].sort(), "no job lost or duplicated");
});
