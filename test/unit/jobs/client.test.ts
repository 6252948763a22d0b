/**
 * Client mode (FaxServer.connect, the CLI's view of a running daemon): submissions from the client are
 * picked up by the daemon, actions travel as requests through the store and come back with the daemon's
 * verdict (errors with their codes), and the client's §7 events are sampled from the store.
 */
import test from "ava";
import { FaxError } from "../../../src/core/FaxError.js";
import { tiffCodec } from "../../../src/jobs/codec.js";
import { FaxJobStatus as S, FaxServerEventsType } from "../../../src/jobs/enums.js";
import { offsetClock } from "../../../src/jobs/EpochClock.js";
import { FaxDocument } from "../../../src/jobs/FaxDocument.js";
import { FaxServer } from "../../../src/jobs/FaxServer.js";
import { jobHarness, SAMPLE_TIF, T0 } from "../../helpers/jobHarness.js";

test("a client submits, watches events, and cancels through the daemon", async (t) => {
	const h = await jobHarness(t, { extra: { pollMs: 100 } });
	h.bank.get("fake:1").defaultScript = { pageMs: 3000 };
	const client = FaxServer.connect({ spoolDir: h.spoolDir, codec: tiffCodec, clock: offsetClock(h.clock, T0), name: "client", user: "alice", watchMs: 100 });
	t.teardown(() => client.disconnect());
	const seen: string[] = [];
	client.listenToServerEvents(FaxServerEventsType.OUT_QUEUE);
	client.on("outgoingJobAdded", (_s, id) => seen.push(`added ${id}`));
	client.on("outgoingJobChanged", (_s, id, st) => seen.push(`changed ${id} ${st.status} ${st.currentPage}`));
	client.on("outgoingJobRemoved", (_s, id) => seen.push(`removed ${id}`));
	const d = new FaxDocument();
	d.body = SAMPLE_TIF;
	d.recipients.add("5559001");
	d.recipients.add("5559002");
	const [a, b] = await d.connectedSubmit(client);
	await h.until(() => h.rec(a!).status === S.INPROGRESS && h.rec(a!).currentPage === 1, "a on page 1");
	// cancel a (in its call) and b (waiting) from the client: requests the daemon acts on
	const ca = client.outgoingQueue.getJob(a!).cancel();
	const cb = client.outgoingQueue.getJob(b!).cancel();
	await h.until(() => h.server.store.newRequests().length === 0 && h.rec(b!).status === S.CANCELED, "requests handled");
	await Promise.all([ca, cb]);
	await h.until(() => h.rec(a!).removedAt !== null && h.rec(b!).removedAt !== null, "both gone");
	await h.until(() => seen.includes(`removed ${a}`) && seen.includes(`removed ${b}`), "client saw the removals");
	t.is(h.rec(a!).status, S.CANCELED);
	for (const id of [a!, b!]) {
		const mine = seen.filter((l) => l.split(" ")[1] === id);
		t.is(mine[0], `added ${id}`);
		t.is(mine.at(-1), `removed ${id}`);
	}
	t.true(seen.some((l) => l.startsWith(`changed ${a} ${S.INPROGRESS}`)), seen.join("\n"));
	// an action refused by the daemon comes back as its FaxError
	const [c] = await (() => {
		const d2 = new FaxDocument();
		d2.body = SAMPLE_TIF;
		d2.recipients.add("5559003");
		return d2.connectedSubmit(client);
	})();
	await h.until(() => h.rec(c!).status === S.INPROGRESS, "c in progress");
	const p = client.outgoingQueue.getJob(c!).pause().catch((e) => e);
	await h.until(() => h.server.store.newRequests().length === 0, "pause request handled");
	const e = await p;
	t.true(e instanceof FaxError && e.code === "INVALID_OPERATION" && e.hresult === 0x800710dd, String(e));
});

test("FaxDocument.submit(serverName): the name is the queue's spool directory, no registry of servers", async (t) => {
	// submit() connects with the real wall clock: the daemon's clock starts there too
	const h = await jobHarness(t, { extra: { pollMs: 100 }, startEpoch: Date.now() });
	const d = new FaxDocument();
	d.body = SAMPLE_TIF;
	d.recipients.add("5559010");
	const [id] = await d.submit(h.spoolDir);
	t.regex(d.submissionId, /^[0-9a-f]{16}$/);
	await h.until(() => h.rec(id!).status === S.COMPLETED, "sent by the daemon");
	t.deepEqual(h.events.filter((e) => e.ev === "added").map((e) => (e as { id: string }).id), [id!], "the daemon announced it");
	const e = await new FaxDocument().submit("").catch((x) => x);
	t.true(e instanceof FaxError && e.code === "INVALID_ARG", String(e));
});
