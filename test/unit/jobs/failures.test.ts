/**
 * Engine failures -> job state, one case per row of outgoing-job.md §9.2 (dial results) and §9.3 (T.30
 * failures), plus our block list and a modem that fails init / vanishes (§9.3 last line): extended status,
 * failureDetail, retry or not, retries counter, scheduledTime, transmissionStart cleared (§9.5).
 */
import test from "ava";
import type { FaxErrorCode } from "../../../src/core/FaxError.js";
import { FaxJobExtendedStatus as X, FaxJobStatus as S } from "../../../src/jobs/enums.js";
import type { FailStage } from "../../helpers/fakeModem.js";
import { jobHarness, T0 } from "../../helpers/jobHarness.js";

interface Row {
	code: FaxErrorCode;
	at?: FailStage;
	failPage?: number;
	context?: Record<string, unknown>;
	ext: X;
	retry: boolean;
	/** minimum delay before the retry, ms (default the queue's RetryDelay of 2 min) */
	minDelay?: number;
	/** currentPage left on the job */
	page?: number;
}

const rows: Row[] = [
	// §9.2
	{ code: "DIAL_BUSY", ext: X.BUSY, retry: true },
	{ code: "DIAL_NO_DIALTONE", ext: X.NO_DIAL_TONE, retry: true },
	{ code: "DIAL_NO_ANSWER", ext: X.NO_ANSWER, retry: true },
	{ code: "DIAL_NO_CARRIER", ext: X.NO_ANSWER, retry: true },
	{ code: "BLACKLISTED", ext: X.CALL_BLACKLISTED, retry: false },
	{ code: "DIAL_DELAYED", context: { seconds: 1800 }, ext: X.CALL_DELAYED, retry: true, minDelay: 1_800_000 },
	{ code: "BAD_DIAL_STRING", ext: X.BAD_ADDRESS, retry: false },
	{ code: "DIAL_ERROR", ext: X.FATAL_ERROR, retry: true },
	{ code: "AT_TIMEOUT", at: "dial", ext: X.FATAL_ERROR, retry: true },
	{ code: "AT_ERROR", at: "dial", ext: X.FATAL_ERROR, retry: true },
	// §9.3
	{ code: "T1_TIMEOUT", at: "phaseB", ext: X.NO_ANSWER, retry: true },
	{ code: "REMOTE_CANNOT_RECEIVE", at: "phaseB", ext: X.FATAL_ERROR, retry: true },
	{ code: "NO_RESPONSE_DCS", at: "phaseB", ext: X.FATAL_ERROR, retry: true },
	{ code: "TRAINING_FAILED", at: "phaseB", ext: X.FATAL_ERROR, retry: true },
	{ code: "NO_RESPONSE_POST_PAGE", at: "page", failPage: 2, ext: X.FATAL_ERROR, retry: true, page: 2 },
	{ code: "PAGE_REJECTED", at: "page", failPage: 1, ext: X.FATAL_ERROR, retry: true, page: 1 },
	{ code: "PROTOCOL_ERROR", at: "phaseD", ext: X.FATAL_ERROR, retry: true, page: 3 },
	{ code: "REMOTE_DCN", at: "page", failPage: 2, ext: X.DISCONNECTED, retry: true, page: 2 },
	{ code: "CARRIER_LOST", at: "page", failPage: 3, ext: X.DISCONNECTED, retry: true, page: 3 },
];

for (const row of rows) {
	test(`${row.code}${row.at ? ` at ${row.at}` : ""} -> ${X[row.ext]}, ${row.retry ? "retry" : "no retry"}`, async (t) => {
		const h = await jobHarness(t, { settings: { retries: 3, retryDelay: 2 } });
		h.bank.get("fake:1").script({ fail: row.code, at: row.at, failPage: row.failPage, context: row.context });
		const [id] = await h.submit(["5550001"]);
		await h.until(() => h.changes(id!).some((s) => (s.status & S.INPROGRESS) === 0), "attempt over");
		const r = h.rec(id!);
		t.is(r.extCode, row.ext);
		t.is(r.extText, "");
		t.is(r.failure?.code, row.code);
		t.is(r.transmissionStart, null);
		t.is(r.transmissionEnd, null);
		t.is(r.deviceId, 1);
		t.is(r.currentPage, row.page ?? 0);
		const failedAt = h.clock.now() + T0;
		if (row.retry) {
			t.is(r.status, S.RETRYING);
			t.is(r.retries, 1);
			const delay = r.scheduledTime - failedAt;
			t.true(delay >= (row.minDelay ?? 120_000) && delay < (row.minDelay ?? 120_000) + 1000, `retry delay ${delay}`);
			t.deepEqual(r.failure ? typeof r.failure.text : "", "string");
		} else {
			t.is(r.status, S.RETRIES_EXCEEDED);
			t.is(r.retries, 0);
			t.is(h.server.outgoingQueue.getJob(id!).availableOperations, 0x79);
		}
	});
}

test("our block list: 911 is never dialed -> CALL_BLACKLISTED, no retry", async (t) => {
	const h = await jobHarness(t);
	const [id] = await h.submit(["9-1-1"]);
	await h.until(() => h.rec(id!).status === S.RETRIES_EXCEEDED, "blacklisted");
	t.is(h.rec(id!).extCode, X.CALL_BLACKLISTED);
	t.is(h.bank.get("fake:1").calls.length, 0);
});

test("the block list is not evaded by a + prefix or an outside-line prefix: '+911', '9,911' -> CALL_BLACKLISTED, nothing dialed", async (t) => {
	const h = await jobHarness(t);
	const ids = await h.submit(["+911", "9,911", "9W112"]);
	for (const id of ids) {
		await h.until(() => h.rec(id).status === S.RETRIES_EXCEEDED, `blacklisted ${id}`);
		t.is(h.rec(id).extCode, X.CALL_BLACKLISTED);
	}
	t.is(h.bank.get("fake:1").calls.length, 0);
});

test("modem fails init (MODEM_NO_RESPONSE): LINE_UNAVAILABLE, retries not bumped, modem marked down and reopened later", async (t) => {
	const h = await jobHarness(t, { settings: { retries: 1, retryDelay: 1 }, modemReopenMs: 30_000 });
	h.bank.get("fake:1").script({ fail: "MODEM_NO_RESPONSE" });
	const [id] = await h.submit(["5550002"]);
	await h.until(() => h.changes(id!).some((s) => s.extendedStatusCode === X.LINE_UNAVAILABLE), "line unavailable");
	let r = h.rec(id!);
	t.is(r.status & ~0x30, S.PENDING); // back to what it was, not a counted retry
	t.is(r.retries, 0);
	t.is(r.failure?.code, "MODEM_NO_RESPONSE");
	t.is(h.server.engine!.pool.slots[0]!.state, "down");
	// due but no modem: NOLINE
	await h.until(() => (h.rec(id!).status & S.NOLINE) !== 0, "NOLINE while the modem is down");
	// the modem comes back after the reopen delay and the job goes through
	await h.until(() => h.rec(id!).removedAt !== null, "sent after reopen");
	r = h.rec(id!);
	t.is(r.status, S.COMPLETED);
	t.is(r.retries, 0);
	t.is(h.bank.opens, 2);
});

test("modem vanishes mid-call (PORT_CLOSED): LINE_UNAVAILABLE, retries not bumped, sent on the other modem", async (t) => {
	const h = await jobHarness(t, { modems: ["fake:1", "fake:2"], settings: { retries: 0 } });
	h.bank.get("fake:1").script({ fail: "PORT_CLOSED", at: "page", failPage: 2 });
	h.bank.get("fake:2").defaultScript = { dialMs: 50 };
	const [id] = await h.submit(["5550003"]);
	await h.until(() => h.rec(id!).removedAt !== null, "sent");
	const r = h.rec(id!);
	t.is(r.status, S.COMPLETED);
	t.is(r.retries, 0);
	t.is(r.deviceId, 2);
	const exts = h.changes(id!).map((s) => s.extendedStatusCode);
	t.true(exts.includes(X.LINE_UNAVAILABLE));
	t.is(h.server.engine!.pool.slots[0]!.state, "down");
});
