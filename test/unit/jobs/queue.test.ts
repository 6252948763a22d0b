/**
 * Queue behaviour (outgoing-job.md §5, §6): broadcast with mixed outcomes and its retention rules,
 * cancelSubmission, NOLINE, priority/schedule/submission order, SPECIFIC_TIME, AgeLimit, the discount
 * window (wrapping midnight; start == end = all day), CopyTiff checked with libtiff.
 */
import test from "ava";
import { execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { FaxError } from "../../../src/core/FaxError.js";
import { FaxJobExtendedStatus as X, FaxJobStatus as S, FaxPriorityType as P, FaxScheduleType } from "../../../src/jobs/enums.js";
import { inDiscountWindow, nextDiscountStart } from "../../../src/jobs/schedule.js";
import { jobHarness, SAMPLE_TIF, T0 } from "../../helpers/jobHarness.js";

const codeOf = (e: unknown) => (e instanceof FaxError ? [e.code, e.hresult] : [String(e)]);

test("broadcast: one job per recipient, one SubmissionId; mixed outcomes; members stay until all final, then COMPLETED/CANCELED leave and the failed one stays restartable", async (t) => {
	const h = await jobHarness(t, { modems: ["fake:1"], settings: { retries: 0 } });
	const m = h.bank.get("fake:1");
	m.script({}, { fail: "DIAL_BUSY" }, { dialMs: 20_000 });
	const ids = await h.submit(["5550201", "5550202", "5550203", "5550204"]);
	t.is(ids.length, 4);
	t.is(new Set(ids).size, 4);
	const jobs = [...h.server.outgoingQueue.getJobs()];
	t.deepEqual(jobs.map((j) => j.id), ids);
	t.is(new Set(jobs.map((j) => j.submissionId)).size, 1);
	t.deepEqual(jobs.map((j) => j.recipient.faxNumber), ["5550201", "5550202", "5550203", "5550204"]);
	t.is(h.events.filter((e) => e.ev === "added").length, 4);
	// job 1 completes, job 2 fails (no retries), job 3 is canceled while dialing, job 4 canceled while waiting
	await h.until(() => h.rec(ids[0]!).status === S.COMPLETED, "1 completed");
	t.is(h.rec(ids[0]!).removedAt, null, "a completed broadcast member stays while others are not final");
	t.is(h.server.outgoingQueue.getJob(ids[0]!).availableOperations, 0x61);
	await h.until(() => h.rec(ids[1]!).status === S.RETRIES_EXCEEDED, "2 failed");
	await h.until(() => h.rec(ids[2]!).extCode === X.DIALING, "3 dialing");
	await h.server.outgoingQueue.getJob(ids[3]!).cancel();
	t.is(h.server.outgoingQueue.getJobs().count, 4, "a canceled broadcast member stays listed");
	t.is(h.server.outgoingQueue.getJob(ids[3]!).availableOperations, 0x60);
	await h.server.outgoingQueue.getJob(ids[2]!).cancel();
	await h.until(() => h.rec(ids[2]!).status === S.CANCELED, "3 canceled");
	// all final now: 1, 3 and 4 leave, 2 stays
	t.deepEqual([...h.server.outgoingQueue.getJobs()].map((j) => j.id), [ids[1]]);
	t.deepEqual(h.events.filter((e) => e.ev === "removed").map((e) => (e as { id: string }).id).sort(), [ids[0], ids[2], ids[3]].sort());
	// the failed member is restartable and the submission is live again
	await h.server.outgoingQueue.getJob(ids[1]!).restart();
	await h.until(() => h.rec(ids[1]!).removedAt !== null, "2 sent after restart");
	t.is(h.rec(ids[1]!).status, S.COMPLETED);
	// the shared document is gone once no queued job uses it
	t.false(existsSync(join(h.spoolDir, "docs", h.rec(ids[1]!).docFile)));
});

test("cancelSubmission cancels every non-final member", async (t) => {
	const h = await jobHarness(t, { settings: { paused: true } });
	const ids = await h.submit(["5550211", "5550212", "5550213"]);
	await h.server.outgoingQueue.cancelSubmission(h.rec(ids[0]!).submissionId);
	t.deepEqual(ids.map((id) => h.rec(id).status), [S.CANCELED, S.CANCELED, S.CANCELED]);
	t.is(h.server.outgoingQueue.getJobs().count, 0);
});

test("NOLINE: due jobs while every modem is busy get NOLINE; it clears when a modem is claimed", async (t) => {
	const h = await jobHarness(t, { modems: ["fake:1", "fake:2"] });
	for (const p of ["fake:1", "fake:2"]) h.bank.get(p).defaultScript = { pageMs: 3000 };
	const ids = await h.submit(["5550301", "5550302", "5550303"]);
	await h.until(() => h.rec(ids[2]!).status === (S.PENDING | S.NOLINE), "third job NOLINE");
	t.is(h.server.outgoingQueue.getJob(ids[2]!).availableOperations, 0x73);
	t.is(h.rec(ids[0]!).status, S.INPROGRESS);
	t.is(h.rec(ids[1]!).status, S.INPROGRESS);
	t.not(h.rec(ids[0]!).deviceId, h.rec(ids[1]!).deviceId);
	await h.until(() => h.rec(ids[2]!).status === S.INPROGRESS, "third claimed");
	t.is(h.rec(ids[2]!).status & S.NOLINE, 0);
	await h.until(() => h.server.outgoingQueue.getJobs().count === 0, "all sent");
});

test("order: priority HIGH > NORMAL > LOW, then scheduledTime, then submission order", async (t) => {
	const h = await jobHarness(t, { settings: { paused: true } });
	const low1 = (await h.submit(["1001"], (d) => (d.priority = P.LOW)))[0]!;
	const norm1 = (await h.submit(["1002"], (d) => (d.priority = P.NORMAL)))[0]!;
	const high = (await h.submit(["1003"], (d) => (d.priority = P.HIGH)))[0]!;
	const norm0 = (await h.submit(["1004"], (d) => {
		d.priority = P.NORMAL;
		d.scheduleType = FaxScheduleType.SPECIFIC_TIME;
		d.scheduleTime = new Date(T0 - 3600_000); // in the past: sends when a device frees, before norm1
	}))[0]!;
	const low2 = (await h.submit(["1005"], (d) => (d.priority = P.LOW)))[0]!;
	h.server.outgoingQueue.paused = false;
	await h.server.outgoingQueue.save();
	await h.until(() => h.server.outgoingQueue.getJobs().count === 0, "all sent", { stepMs: 500 });
	t.deepEqual(h.bank.get("fake:1").calls.map((c) => c.number), ["1003", "1004", "1002", "1001", "1005"]);
	t.truthy(low1 && norm1 && high && norm0 && low2);
});

test("SPECIFIC_TIME: not attempted before its time", async (t) => {
	const h = await jobHarness(t);
	const at = new Date(T0 + 2 * 3600_000);
	const [id] = await h.submit(["5550401"], (d) => {
		d.scheduleType = FaxScheduleType.SPECIFIC_TIME;
		d.scheduleTime = at;
	});
	t.is(h.server.outgoingQueue.getJob(id!).scheduledTime.getTime(), at.getTime());
	await h.clock.advance(2 * 3600_000 - 1000);
	t.is(h.bank.get("fake:1").calls.length, 0);
	t.is(h.rec(id!).status, S.PENDING);
	await h.until(() => h.rec(id!).removedAt !== null, "sent at its time");
	t.true(h.rec(id!).transmissionStart! >= at.getTime());
});

test("discount window maths: wraps midnight, start == end is all day, next start", (t) => {
	const at = (h: number, m = 0) => new Date(2026, 0, 5, h, m).getTime();
	const s = { hour: 20, minute: 0 };
	const e = { hour: 7, minute: 0 };
	t.false(inDiscountWindow(at(19, 59), s, e));
	t.true(inDiscountWindow(at(20, 0), s, e));
	t.true(inDiscountWindow(at(23, 59), s, e));
	t.true(inDiscountWindow(at(0, 0), s, e));
	t.true(inDiscountWindow(at(6, 59), s, e));
	t.false(inDiscountWindow(at(7, 0), s, e));
	t.true(inDiscountWindow(at(12, 0), { hour: 9, minute: 30 }, { hour: 9, minute: 30 }));
	t.false(inDiscountWindow(at(12, 0), { hour: 13, minute: 0 }, { hour: 14, minute: 0 }));
	t.true(inDiscountWindow(at(13, 30), { hour: 13, minute: 0 }, { hour: 14, minute: 0 }));
	t.is(nextDiscountStart(at(9), s, e), at(20));
	t.is(nextDiscountStart(at(21), s, e), at(21));
	t.is(nextDiscountStart(at(15), { hour: 13, minute: 0 }, { hour: 14, minute: 0 }), new Date(2026, 0, 6, 13, 0).getTime());
});

test("DISCOUNT_PERIOD: scheduled at the window's start; its retries wait for the window too", async (t) => {
	const h = await jobHarness(t, { settings: { retries: 1, retryDelay: 30, discountRateStart: { hour: 22, minute: 0 }, discountRateEnd: { hour: 23, minute: 0 } } });
	h.bank.get("fake:1").script({ fail: "DIAL_BUSY", dialMs: 3000_000 }); // a 50-minute "dial": fails at 22:50
	const [id] = await h.submit(["5550501"], (d) => (d.scheduleType = FaxScheduleType.DISCOUNT_PERIOD));
	const start = new Date(2026, 0, 5, 22, 0).getTime();
	t.is(h.rec(id!).scheduledTime, start);
	await h.clock.advance(start - T0 - 1000);
	t.is(h.bank.get("fake:1").calls.length, 0);
	await h.until(() => h.rec(id!).status === S.RETRYING, "first attempt failed", { stepMs: 10_000 });
	// 22:50 + 30 min = 23:20 is outside the window: next window start, 22:00 next day
	t.is(h.rec(id!).scheduledTime, new Date(2026, 0, 6, 22, 0).getTime());
	await h.until(() => h.rec(id!).removedAt !== null, "sent next night", { stepMs: 60_000 });
	t.true(h.rec(id!).transmissionStart! >= new Date(2026, 0, 6, 22, 0).getTime());
});

test("AgeLimit: an undelivered job leaves the queue after AgeLimit days", async (t) => {
	const h = await jobHarness(t, { settings: { ageLimit: 1, retries: 0 } });
	h.bank.get("fake:1").script({ fail: "DIAL_NO_ANSWER" });
	const [id] = await h.submit(["5550601"]);
	await h.until(() => h.rec(id!).status === S.RETRIES_EXCEEDED, "failed");
	await h.clock.advance(23 * 3600_000);
	t.is(h.rec(id!).removedAt, null);
	await h.until(() => h.rec(id!).removedAt !== null, "aged out", { stepMs: 60_000 });
	t.true(h.events.some((e) => e.ev === "removed" && e.id === id));
	t.true(h.rec(id!).removedAt! >= T0 + 86_400_000);
});

test("CopyTiff: copies the job's TIFF (no banner) readable by libtiff; errors INVALID_ARG / FILE_ACCESS_DENIED / INVALID_OPERATION", async (t) => {
	const h = await jobHarness(t, { settings: { paused: true, branding: true } });
	const [id, other] = await h.submit(["5550701", "5550702"]);
	const job = h.server.outgoingQueue.getJob(id!);
	const dir = mkdtempSync(join(tmpdir(), "faxline-copy-"));
	const out = join(dir, "job.tif");
	await job.copyTiff(out);
	await job.copyTiff(out); // overwrites
	const info = execFileSync("tiffinfo", [out], { encoding: "utf8" });
	t.is((info.match(/TIFF Directory at offset/g) ?? []).length, 3);
	t.regex(info, /Image Width: 1728/);
	t.regex(info, /Compression Scheme: CCITT Group 3/);
	t.is(readFileSync(out).length, job.size);
	// no banner: page 1 of the copy has the same pixels as page 1 of the submitted file (both via netpbm)
	const pnm = (f: string) => execFileSync("sh", ["-c", `tiffcp -c none '${f},0' '${dir}/p.tif' && tifftopnm '${dir}/p.tif' 2>/dev/null`]);
	t.true(pnm(out).equals(pnm(SAMPLE_TIF)));
	t.deepEqual(codeOf(await job.copyTiff("relative.tif").catch((e) => e)), ["INVALID_ARG", 0x80070057]);
	t.deepEqual(codeOf(await job.copyTiff(join(dir, "no-such-dir", "x.tif")).catch((e) => e)), ["FILE_ACCESS_DENIED", 0x80041b60]);
	await job.cancel(); // a canceled broadcast member stays listed without VIEW
	t.deepEqual(codeOf(await job.copyTiff(out).catch((e) => e)), ["INVALID_OPERATION", 0x800710dd]);
	await h.server.outgoingQueue.getJob(other!).cancel();
	t.deepEqual(codeOf(await job.copyTiff(out).catch((e) => e)), ["MESSAGE_NOT_FOUND", 0x80041b61]);
});

test("a job scheduled years ahead does not spin the scheduler (timer overflow guard)", async (t) => {
	const h = await jobHarness(t);
	await h.submit(["5550801"], (d) => {
		d.scheduleType = FaxScheduleType.SPECIFIC_TIME;
		d.scheduleTime = new Date(2099, 0, 1);
	});
	t.true(h.clock.pending <= 2, `timers pending: ${h.clock.pending}`);
	let fired = 0;
	const orig = h.clock.setTimer.bind(h.clock);
	h.clock.setTimer = (ms, fn) => {
		fired++;
		t.true(ms <= 3_600_000, `timer of ${ms} ms`);
		return orig(ms, fn);
	};
	await h.clock.advance(5 * 3600_000);
	t.true(fired <= 6, `scheduler re-armed ${fired} times in 5 h`);
	t.is(h.bank.get("fake:1").calls.length, 0);
});
