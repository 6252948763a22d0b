/**
 * Job lifecycle (outgoing-job.md §2.2-§2.4, §9.4, §9.5): retries up to RETRIES_EXCEEDED then restart,
 * cancel while pending / before ATD / dialing / mid-page / in phase D (and the MCF-already-in race),
 * pause and resume, AvailableOperations per state, INVALID_OPERATION with its hresult.
 */
import test from "ava";
import { FaxError } from "../../../src/core/FaxError.js";
import { FaxJobExtendedStatus as X, FaxJobStatus as S } from "../../../src/jobs/enums.js";
import { jobHarness, T0 } from "../../helpers/jobHarness.js";

const codeOf = (e: unknown) => (e instanceof FaxError ? [e.code, e.hresult] : [String(e)]);

test("busy every time: retries 0..N, each RetryDelay apart, then RETRIES_EXCEEDED; restart() re-queues and it goes through", async (t) => {
	const h = await jobHarness(t, { settings: { retries: 2, retryDelay: 5 } });
	const m = h.bank.get("fake:1");
	m.script({ fail: "DIAL_BUSY" }, { fail: "DIAL_BUSY" }, { fail: "DIAL_BUSY" });
	const [id] = await h.submit(["5550100"]);
	await h.until(() => h.rec(id!).status === S.RETRIES_EXCEEDED, "exhausted", { stepMs: 1000 });
	t.is(m.calls.length, 3); // first attempt + 2 retries
	const r = h.rec(id!);
	t.is(r.retries, 2);
	t.is(r.extCode, X.BUSY);
	const starts = h.changes(id!).filter((s) => s.extendedStatusCode === X.INITIALIZING).map((s) => s.scheduledTime.getTime());
	t.is(starts.length, 3);
	const retrying = h.changes(id!).filter((s) => s.status === S.RETRYING);
	t.deepEqual(retrying.map((s) => s.retries), [1, 2]);
	const job = h.server.outgoingQueue.getJob(id!);
	t.is(job.availableOperations, 0x79);
	t.deepEqual(codeOf(await job.pause().catch((e) => e)), ["INVALID_OPERATION", 0x800710dd]);
	// restart: same id -> PENDING, counters reset, originalScheduledTime kept
	const before = h.clock.now() + T0;
	await job.restart();
	const p = h.changes(id!).find((s) => s.status === S.PENDING)!;
	t.truthy(p);
	t.is(p.retries, 0);
	t.is(p.extendedStatusCode, X.NONE);
	t.is(p.currentPage, 0);
	t.is(p.deviceId, 0);
	t.is(p.csid, "");
	t.is(p.transmissionStart, null);
	t.is(p.scheduledTime.getTime(), before);
	t.is(h.rec(id!).originalScheduledTime, T0);
	t.is(h.rec(id!).ageStart, before);
	await h.until(() => h.rec(id!).removedAt !== null, "sent after restart");
	t.is(h.rec(id!).status, S.COMPLETED);
	t.is(m.calls.length, 4);
});

test("cancel while pending: CANCELED at once, job leaves the queue, no call", async (t) => {
	const h = await jobHarness(t, { settings: { paused: true } });
	const [id] = await h.submit(["5550101"]);
	const job = h.server.outgoingQueue.getJob(id!);
	t.is(job.availableOperations, 0x73);
	t.is(h.server.outgoingQueue.getJobs().count, 1);
	await job.cancel();
	t.is(h.rec(id!).status, S.CANCELED);
	t.is(h.rec(id!).extCode, X.NONE); // ext unchanged
	t.is(h.server.outgoingQueue.getJobs().count, 0);
	t.deepEqual(h.events.map((e) => e.ev).slice(-2), ["changed", "removed"]);
	t.deepEqual(codeOf(await job.cancel().catch((e) => e)), ["MESSAGE_NOT_FOUND", 0x80041b61]);
	t.deepEqual(codeOf(await job.refresh().catch((e) => e)), ["MESSAGE_NOT_FOUND", 0x80041b61]);
	t.is(h.bank.get("fake:1").calls.length, 0);
});

test("cancel before ATD (INITIALIZING): CANCELED straight away, no dial", async (t) => {
	const h = await jobHarness(t);
	h.bank.get("fake:1").defaultScript = { initMs: 5000 };
	const [id] = await h.submit(["5550102"]);
	await h.until(() => h.rec(id!).extCode === X.INITIALIZING, "claimed");
	await h.server.outgoingQueue.getJob(id!).cancel();
	t.is(h.rec(id!).status, S.CANCELED);
	await h.until(() => h.server.engine!.active.size === 0 && h.server.engine!.pool.slots[0]!.state === "idle", "modem released");
	t.false(h.changes(id!).some((s) => s.status === S.CANCELING || s.extendedStatusCode === X.DIALING));
	// the abort reached the modem during init, or before send() was even called
	for (const c of h.bank.get("fake:1").calls) t.is(c.result.error?.code, "CALL_ABORTED");
});

for (const where of ["dialing", "mid-page", "phase D"] as const) {
	test(`cancel while ${where}: CANCELING -> CANCELED, ext CALL_ABORTED, no retry`, async (t) => {
		const h = await jobHarness(t, { settings: { retries: 3 } });
		h.bank.get("fake:1").defaultScript = { dialMs: 5000, pageMs: 5000, postMs: 5000 };
		const [id] = await h.submit(["5550103"]);
		const reached = {
			dialing: () => h.rec(id!).extCode === X.DIALING,
			"mid-page": () => h.rec(id!).currentPage === 2,
			"phase D": () => h.rec(id!).currentPage === 3 && h.bank.get("fake:1").busy && h.clock.now() > 1100 + 3 * 5000 + 100,
		}[where];
		await h.until(reached, where);
		const job = h.server.outgoingQueue.getJob(id!);
		t.is(job.availableOperations, 0x71);
		await job.cancel();
		t.is(h.rec(id!).status, S.CANCELING);
		t.is(h.server.outgoingQueue.getJob(id!).availableOperations, 0x60);
		await h.until(() => h.rec(id!).removedAt !== null, "canceled and removed");
		const r = h.rec(id!);
		t.is(r.status, S.CANCELED);
		t.is(r.extCode, X.CALL_ABORTED);
		t.is(r.retries, 0);
		t.is(r.transmissionStart, null);
		t.is(h.bank.get("fake:1").calls.length, 1);
	});
}

test("cancel in phase D after the final MCF is already in: COMPLETED (CANCELING -> COMPLETED)", async (t) => {
	const h = await jobHarness(t);
	const m = h.bank.get("fake:1");
	// a modem that ignores the abort once the last page is confirmed
	const real = m.send.bind(m);
	m.send = (req) => real({ ...req, signal: undefined });
	m.defaultScript = { postMs: 5000 };
	const [id] = await h.submit(["5550104"]);
	await h.until(() => h.rec(id!).currentPage === 3 && h.clock.now() > 1100 + 3 * 2000 + 100, "phase D");
	await h.server.outgoingQueue.getJob(id!).cancel();
	t.is(h.rec(id!).status, S.CANCELING);
	await h.until(() => h.rec(id!).removedAt !== null, "done");
	t.is(h.rec(id!).status, S.COMPLETED);
	t.is(h.rec(id!).extCode, X.CALL_COMPLETED);
});

test("pause and resume: a paused job is not dialed until resumed; pause refused while INPROGRESS", async (t) => {
	const h = await jobHarness(t, { settings: { paused: true } });
	const [id] = await h.submit(["5550105"]);
	const job = h.server.outgoingQueue.getJob(id!);
	await job.pause();
	t.is(h.rec(id!).status, S.PENDING | S.PAUSED);
	await job.refresh();
	t.is(job.status, 0x11);
	t.is(job.availableOperations, 0x75);
	t.deepEqual(codeOf(await job.pause().catch((e) => e)), ["INVALID_OPERATION", 0x800710dd]);
	// un-pause the queue: the job stays put while paused
	h.server.outgoingQueue.paused = false;
	await h.server.outgoingQueue.save();
	await h.clock.advance(60_000);
	t.is(h.bank.get("fake:1").calls.length, 0);
	await job.resume();
	t.is(h.rec(id!).status & S.PAUSED, 0);
	await h.until(() => h.rec(id!).extCode === X.DIALING, "dialing");
	t.deepEqual(codeOf(await job.pause().catch((e) => e)), ["INVALID_OPERATION", 0x800710dd]);
	t.deepEqual(codeOf(await job.resume().catch((e) => e)), ["INVALID_OPERATION", 0x800710dd]);
	t.deepEqual(codeOf(await job.restart().catch((e) => e)), ["INVALID_OPERATION", 0x800710dd]);
	await h.until(() => h.rec(id!).removedAt !== null, "sent");
	t.is(h.rec(id!).status, S.COMPLETED);
});

test("a paused RETRYING job keeps its retry state; queue Paused holds new attempts but lets a call finish", async (t) => {
	const h = await jobHarness(t, { settings: { retries: 2, retryDelay: 1 } });
	const m = h.bank.get("fake:1");
	m.script({ fail: "DIAL_NO_ANSWER" }, { pageMs: 4000 });
	const [a] = await h.submit(["5550106"]);
	await h.until(() => h.rec(a!).status === S.RETRYING, "retrying");
	const job = h.server.outgoingQueue.getJob(a!);
	await job.pause();
	t.is(h.rec(a!).status, S.RETRYING | S.PAUSED);
	t.is(h.server.outgoingQueue.getJob(a!).status, 0x50);
	await h.clock.advance(5 * 60_000);
	t.is(m.calls.length, 1);
	await job.resume();
	await h.until(() => h.rec(a!).currentPage === 1, "second attempt on page 1");
	h.server.outgoingQueue.paused = true;
	await h.server.outgoingQueue.save();
	const [b] = await h.submit(["5550107"]);
	await h.until(() => h.rec(a!).removedAt !== null, "running call finished");
	await h.clock.advance(10 * 60_000);
	t.is(h.rec(b!).status, S.PENDING); // no attempt while the queue is paused, status untouched
	t.is(m.calls.length, 2);
	t.true(h.events.some((e) => e.ev === "queueState" && e.paused));
});
