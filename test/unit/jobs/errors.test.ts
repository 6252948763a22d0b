/**
 * Facade errors (outgoing-job.md §2.5) with their hresults, rights (§2.4), queue settings save/refresh
 * and events (§5, §7), enum values (§4) and the AvailableOperations table (§2.3).
 */
import test from "ava";
import { FaxError } from "../../../src/core/FaxError.js";
import { FaxAccessRight, FaxCoverPageType, FaxJobOperations, FaxJobStatus as S, FaxPriorityType, FaxScheduleType, availableOperations, statusName } from "../../../src/jobs/enums.js";
import { FaxDocument } from "../../../src/jobs/FaxDocument.js";
import { FaxServer } from "../../../src/jobs/FaxServer.js";
import { tiffCodec } from "../../../src/jobs/codec.js";
import { jobHarness, SAMPLE_TIF } from "../../helpers/jobHarness.js";

const codeOf = (e: unknown) => (e instanceof FaxError ? [e.code, e.hresult] : [String(e)]);

test("§2.3 AvailableOperations table and §2.1 status encoding", (t) => {
	t.is(availableOperations(S.PENDING), 0x73);
	t.is(availableOperations(S.RETRYING | S.NOLINE), 0x73);
	t.is(availableOperations(S.PENDING | S.PAUSED), 0x75);
	t.is(availableOperations(S.RETRYING | S.PAUSED | S.NOLINE), 0x75);
	t.is(availableOperations(S.INPROGRESS), 0x71);
	t.is(availableOperations(S.RETRIES_EXCEEDED), 0x79);
	t.is(availableOperations(S.COMPLETED), 0x61);
	t.is(availableOperations(S.CANCELING), 0x60);
	t.is(availableOperations(S.CANCELED), 0x60);
	t.is(S.PENDING | S.PAUSED, 0x11);
	t.is(S.RETRYING | S.NOLINE, 0x60);
	t.is(statusName(0x60), "RETRYING|NOLINE");
	t.is(FaxJobOperations.SENDER_INFO, 0x40);
});

test("QUEUE_BLOCKED, RECIPIENTS_LIMIT, INVALID_ARG with hresults; queued jobs continue while Blocked", async (t) => {
	const h = await jobHarness(t, { settings: { recipientsLimit: 2 } });
	const [first] = await h.submit(["5550900"]);
	const q = h.server.outgoingQueue;
	q.blocked = true;
	await q.save();
	t.true(h.events.some((e) => e.ev === "queueState" && e.blocked));
	t.true(h.events.some((e) => e.ev === "config"));
	t.deepEqual(codeOf(await h.submit(["1"]).catch((e) => e)), ["QUEUE_BLOCKED", 0x80070013]);
	await h.until(() => h.rec(first!).status === S.COMPLETED, "queued job still sent");
	q.blocked = false;
	await q.save();
	t.deepEqual(codeOf(await h.submit(["1", "2", "3"]).catch((e) => e)), ["RECIPIENTS_LIMIT", 0x80041b65]);
	t.deepEqual(codeOf(await h.submit([]).catch((e) => e)), ["INVALID_ARG", 0x80070057]);
	t.deepEqual(codeOf(await h.submit(["1"], (d) => (d.body = "")).catch((e) => e)), ["INVALID_ARG", 0x80070057]);
	t.deepEqual(codeOf(await h.submit(["1"], (d) => (d.priority = 7 as FaxPriorityType)).catch((e) => e)), ["INVALID_ARG", 0x80070057]);
	t.deepEqual(codeOf(await h.submit(["1"], (d) => (d.scheduleType = FaxScheduleType.SPECIFIC_TIME)).catch((e) => e)), ["INVALID_ARG", 0x80070057]);
	t.deepEqual(codeOf(await h.submit(["1"], (d) => (d.sender.tsid = "x".repeat(21))).catch((e) => e)), ["INVALID_ARG", 0x80070057]);
	t.deepEqual(codeOf(await h.submit(["1"], (d) => (d.coverPageType = 9 as FaxCoverPageType)).catch((e) => e)), ["INVALID_ARG", 0x80070057]);
	t.deepEqual(codeOf(await h.submit(["1"], (d) => (d.body = "/nonexistent/x.tif")).catch((e) => e)), ["FILE_NOT_FOUND", undefined]);
	q.retries = 100;
	t.deepEqual(codeOf(await q.save().catch((e) => e)), ["INVALID_ARG", 0x80070057]);
	await q.refresh(); // drops the unsaved edit
	t.is(q.retries, 3);
	t.deepEqual(codeOf((() => { try { q.getJob("0123456789abcdef"); } catch (e) { return e; } })()), ["MESSAGE_NOT_FOUND", 0x80041b61]);
	t.deepEqual(codeOf((() => { try { q.getJobs().item(5); } catch (e) { return e; } })()), ["INVALID_ARG", 0x80070057]);
	t.is(h.server.store.queuedJobs().length, 0, "no failed submission left a job behind");
});

test("rights: another user's job needs MANAGE_JOBS to act and QUERY_JOBS to see; priorities need their submit right", async (t) => {
	const h = await jobHarness(t, { settings: { paused: true } });
	const [mine] = await h.submit(["5550910"]);
	const bob = FaxServer.connect({ spoolDir: h.spoolDir, codec: tiffCodec, user: "bob", rights: FaxAccessRight.SUBMIT_LOW, name: "bob" });
	t.teardown(() => bob.disconnect());
	t.is(bob.outgoingQueue.getJobs().count, 0, "bob sees only his own jobs");
	t.deepEqual(codeOf((() => { try { bob.outgoingQueue.getJob(mine!); } catch (e) { return e; } })()), ["ACCESS_DENIED", 0x80070005]);
	const d = new FaxDocument();
	d.body = SAMPLE_TIF;
	d.recipients.add("5550911");
	d.priority = FaxPriorityType.HIGH;
	t.deepEqual(codeOf(await d.connectedSubmit(bob).catch((e) => e)), ["ACCESS_DENIED", 0x80070005]);
	bob.outgoingQueue.paused = false;
	t.deepEqual(codeOf(await bob.outgoingQueue.save().catch((e) => e)), ["ACCESS_DENIED", 0x80070005]);
	const alice = h.server.outgoingQueue.getJob(mine!);
	const viaBob = { cancel: () => bob.outgoingQueue.cancelSubmission(alice.submissionId) };
	t.deepEqual(codeOf(await viaBob.cancel().catch((e) => e)), ["ACCESS_DENIED", 0x80070005]);
	t.is(h.rec(mine!).status, S.PENDING);
});

test("events: Added first, Removed last, at most one Changed per page", async (t) => {
	const h = await jobHarness(t);
	const [id] = await h.submit(["5550920"]);
	await h.until(() => h.events.some((e) => e.ev === "removed"), "done");
	const mine = h.events.filter((e) => "id" in e && e.id === id);
	t.is(mine[0]!.ev, "added");
	t.is(mine.at(-1)!.ev, "removed");
	const perPage = new Map<number, number>();
	for (const s of h.changes(id!)) perPage.set(s.currentPage, (perPage.get(s.currentPage) ?? 0) + 1);
	for (const p of [1, 2]) t.is(perPage.get(p), 1, `page ${p}`);
	t.is(perPage.get(3), 2); // page 3 start + COMPLETED
});
