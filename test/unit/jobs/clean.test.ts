/**
 * A clean send through the queue (outgoing-job.md §2.2, §3, §7, §9.1): status path, every job field the
 * engine fills, events (Added, Changed ≤ 1 per page, Removed), removal of a single-recipient job, and the
 * pages the modem received equal the pages of the submitted TIFF decoded independently by libtiff (tiffcp).
 */
import test from "ava";
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { FaxJobExtendedStatus as X, FaxJobStatus as S, FaxPriorityType, FaxScheduleType } from "../../../src/jobs/enums.js";
import { readPbm } from "../../helpers/fixtures.js";
import { jobHarness, SAMPLE_TIF, T0 } from "../../helpers/jobHarness.js";

test("clean send: PENDING -> INPROGRESS (INITIALIZING, DIALING, TRANSMITTING, pages) -> COMPLETED, then removed", async (t) => {
	const h = await jobHarness(t, { modems: [{ path: "fake:a", deviceId: 7 }] });
	const [id] = await h.submit(["5550123"], (d) => {
		d.priority = FaxPriorityType.NORMAL;
		d.subject = "hello";
	});
	t.regex(id!, /^[0-9a-f]{16}$/);
	const job0 = h.server.outgoingQueue.getJob(id!);
	t.is(job0.pages, 3);
	t.true(job0.size > 1000);
	t.is(job0.priority, FaxPriorityType.NORMAL);
	t.is(job0.scheduleType, FaxScheduleType.NOW);
	t.is(job0.subject, "hello");
	t.is(job0.recipient.faxNumber, "5550123");
	t.is(job0.sender.tsid, "+1 555 0100");
	t.is(job0.submissionTime.getTime(), T0);
	t.is(job0.originalScheduledTime.getTime(), T0);

	await h.until(() => h.events.some((e) => e.ev === "removed" && e.id === id), "job removed");
	const ch = h.changes(id!);
	const path = ch.map((s) => `${S[s.status & ~0x30]}/${X[s.extendedStatusCode]}/${s.currentPage}`);
	t.deepEqual(path, [
		"INPROGRESS/INITIALIZING/0",
		"INPROGRESS/DIALING/0",
		"INPROGRESS/TRANSMITTING/0",
		"INPROGRESS/TRANSMITTING/0", // CSID arrived
		"INPROGRESS/TRANSMITTING/1",
		"INPROGRESS/TRANSMITTING/2",
		"INPROGRESS/TRANSMITTING/3",
		"COMPLETED/CALL_COMPLETED/3",
	]);
	t.is(h.events[0]!.ev, "added");
	t.is(h.events.at(-1)!.ev, "removed");
	const last = ch.at(-1)!;
	t.is(last.deviceId, 7);
	t.is(last.csid, "REMOTE 1");
	t.is(last.tsid, "+1 555 0100");
	t.is(last.retries, 0);
	t.is(last.availableOperations, 0x61);
	t.truthy(last.transmissionStart);
	t.truthy(last.transmissionEnd);
	t.true(last.transmissionEnd!.getTime() > last.transmissionStart!.getTime());
	// the job left the queue: getJob -> MESSAGE_NOT_FOUND (hresult 0x80041B61)
	const e = t.throws(() => h.server.outgoingQueue.getJob(id!));
	t.is((e as { code?: string }).code, "MESSAGE_NOT_FOUND");
	t.is((e as { hresult?: number }).hresult, 0x80041b61);
	t.is(h.server.outgoingQueue.getJobs().count, 0);

	// pixels the modem was given == the submitted TIFF's pages decoded by libtiff
	const call = h.bank.get("fake:a").calls[0]!;
	t.is(call.number, "5550123");
	t.is(call.pages.length, 3);
	const dir = mkdtempSync(join(tmpdir(), "faxline-clean-"));
	for (let p = 0; p < 3; p++) {
		const out = join(dir, `p${p}.tif`);
		execFileSync("tiffcp", ["-c", "none", `${SAMPLE_TIF},${p}`, out]);
		const pbm = join(dir, `p${p}.pbm`);
		// tiff -> pbm through netpbm (tifftopnm), an oracle we did not write
		execFileSync("sh", ["-c", `tifftopnm ${out} > ${pbm} 2>/dev/null`]);
		const want = readPbm(readFileSync(pbm));
		const got = call.pages[p]!.bitmap;
		t.is(got.width, want.width);
		t.is(got.height, want.height);
		t.true(Buffer.from(got.data).equals(Buffer.from(want.data)), `page ${p + 1} pixels`);
	}
});
