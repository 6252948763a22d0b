/**
 * Start-up recovery of the engine (issue 4 crash safety; outgoing-job.md §2.2, §9.3, §9.5) on a store left
 * by a dead daemon: INPROGRESS -> RETRYING (DISCONNECTED, CARRIER_LOST "interrupted by daemon restart",
 * retries+1) or RETRIES_EXCEEDED when none are left; CANCELING -> CANCELED (CALL_ABORTED); stale NOLINE
 * cleared. Also: a queue without any device fails due jobs (§2.2 "no usable device"), and a graceful
 * stop turns a running call into a retry.
 */
import test from "ava";
import { FaxJobExtendedStatus as X, FaxJobStatus as S } from "../../../src/jobs/enums.js";
import { JobStore } from "../../../src/jobs/JobStore.js";
import { jobHarness } from "../../helpers/jobHarness.js";

test("recovery of INPROGRESS / CANCELING / NOLINE rows left by a dead daemon", async (t) => {
	const h = await jobHarness(t, { settings: { paused: true, retries: 2 } });
	const [a, b, c, d] = await h.submit(["5551", "5552", "5553", "5554"]);
	await h.reopen({}, () => {
		const s = new JobStore(h.spoolDir);
		s.updateJob(a!, { status: S.INPROGRESS, extCode: X.TRANSMITTING, currentPage: 2, deviceId: 1, transmissionStart: 123 });
		s.updateJob(b!, { status: S.CANCELING, extCode: X.TRANSMITTING, deviceId: 1 });
		s.updateJob(c!, { status: S.PENDING | S.NOLINE });
		s.updateJob(d!, { status: S.INPROGRESS, retries: 2, extCode: X.DIALING });
		s.close();
	});
	const ra = h.rec(a!);
	t.is(ra.status, S.RETRYING);
	t.is(ra.extCode, X.DISCONNECTED);
	t.deepEqual(ra.failure, { code: "CARRIER_LOST", text: "interrupted by daemon restart" });
	t.is(ra.retries, 1);
	t.is(ra.transmissionStart, null);
	t.is(ra.currentPage, 2);
	const rb = h.rec(b!);
	t.is(rb.status, S.CANCELED);
	t.is(rb.extCode, X.CALL_ABORTED);
	t.is(h.rec(c!).status, S.PENDING);
	const rd = h.rec(d!);
	t.is(rd.status, S.RETRIES_EXCEEDED);
	t.is(rd.extCode, X.DISCONNECTED);
	t.is(rd.retries, 2);
	// the recovered jobs go through once the queue runs
	h.server.outgoingQueue.paused = false;
	h.server.outgoingQueue.retryDelay = 0;
	await h.server.outgoingQueue.save();
	await h.until(() => h.rec(a!).status === S.COMPLETED && h.rec(c!).status === S.COMPLETED, "sent", { stepMs: 1000 });
});

test("graceful stop mid-call: the call comes back as a retry (interrupted by daemon shutdown)", async (t) => {
	const h = await jobHarness(t, { settings: { retries: 3 } });
	const [id] = await h.submit(["5555"]);
	await h.until(() => h.rec(id!).currentPage === 2, "on page 2");
	await h.reopen();
	const r = h.rec(id!);
	t.is(r.status, S.RETRYING);
	t.is(r.extCode, X.DISCONNECTED);
	t.deepEqual(r.failure, { code: "CARRIER_LOST", text: "interrupted by daemon shutdown" });
	t.is(r.retries, 1);
});

test("no device configured: a due job ends RETRIES_EXCEEDED (NO_DEVICE) instead of waiting forever", async (t) => {
	const h = await jobHarness(t, { modems: [] });
	const [id] = await h.submit(["5556"]);
	await h.until(() => h.rec(id!).status === S.RETRIES_EXCEEDED, "failed");
	t.is(h.rec(id!).failure?.code, "NO_DEVICE");
	t.is(h.rec(id!).extCode, X.LINE_UNAVAILABLE);
});
