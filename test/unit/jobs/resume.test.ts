/**
 * Retries resume at the first page the far end did not confirm (issue 14, as HylaFAX does), in-process
 * with scripted modems: the retry sends only the unconfirmed pages, branded with the document's numbering
 * ("P. 3/3", not "P. 1/1"); the job's fields stay truthful (CurrentPage is the document page, Pages the
 * whole document, Retries counted) and its record lists every attempt with the pages it delivered; a
 * page that was on the wire when the daemon died is in doubt and, once confirmed again, reported as
 * possibly delivered twice; a restart keeps what was delivered.
 */
import test from "ava";
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { brandPage, bannerText } from "../../../src/jobs/branding.js";
import { tiffCodec } from "../../../src/jobs/codec.js";
import { renderContinuationPage } from "../../../src/jobs/coverPage.js";
import { FaxJobExtendedStatus as X, FaxJobStatus as S } from "../../../src/jobs/enums.js";
import { FaxOutgoingJob } from "../../../src/jobs/FaxOutgoingJob.js";
import { JobStore } from "../../../src/jobs/JobStore.js";
import { jobReceipt } from "../../../src/jobs/receipts.js";
import { writePbm } from "../../helpers/fixtures.js";
import { jobHarness, T0 } from "../../helpers/jobHarness.js";

const samePixels = (a: { data: Uint8Array }, b: { data: Uint8Array }): boolean => Buffer.from(a.data).equals(Buffer.from(b.data));

test("a call failing on page 3 of 3: the retry sends page 3 only, branded P. 3/3; the record lists both attempts", async (t) => {
	const h = await jobHarness(t, { settings: { branding: true, retryDelay: 0 } });
	const m = h.bank.get("fake:1");
	m.script({ fail: "CARRIER_LOST", at: "page", failPage: 3 });
	const [id] = await h.submit(["5550123"]);
	// the unbranded pages, as the spool holds them
	const doc = await tiffCodec.open(h.server.spool.path(h.rec(id!).docFile));
	const plain = [];
	for (let i = 0; i < doc.pageCount; i++) plain.push(await doc.page(i));
	await doc.close?.();
	await h.until(() => h.rec(id!).removedAt !== null, "sent");
	t.is(m.calls.length, 2);
	t.is(m.calls[0]!.pages.length, 3);
	t.is(m.calls[1]!.pages.length, 1, "the retry sent one page");
	// exactly the document's page 3 with the banner of page 3 of 3 (the banner time is the call's minute)
	const want = brandPage(plain[2]!, bannerText({ time: T0, tsid: "+1 555 0100", number: "5550123", page: 3, pages: 3 }).left, bannerText({ time: T0, tsid: "", number: "", page: 3, pages: 3 }).right);
	t.true(samePixels(m.calls[1]!.pages[0]!.bitmap, want.bitmap), "page 3 of 3, banner included");
	const oneOfOne = brandPage(plain[2]!, bannerText({ time: T0, tsid: "+1 555 0100", number: "5550123", page: 1, pages: 1 }).left, bannerText({ time: T0, tsid: "", number: "", page: 1, pages: 1 }).right);
	t.false(samePixels(m.calls[1]!.pages[0]!.bitmap, oneOfOne.bitmap), "not numbered as page 1 of 1");
	// truthful fields: the retry's Changed events name document page 3, never page 1; TotalPages 3; Retries 1
	const r = h.rec(id!);
	t.is(r.status, S.COMPLETED);
	t.is(r.retries, 1);
	t.is(r.pages, 3);
	const retryPages = h.changes(id!).filter((s) => s.retries === 1 && s.status === S.INPROGRESS).map((s) => s.currentPage);
	t.deepEqual([...new Set(retryPages)], [0, 3], retryPages.join(","));
	const j = h.server.archivedJob(id!)!;
	t.deepEqual(j.pagesDelivered, [1, 2, 3]);
	t.deepEqual(j.possiblyDuplicatedPages, []);
	const json = j.toJSON() as { attempts: Array<Record<string, unknown>> };
	t.like(json.attempts[0], { attempt: 1, deviceId: 1, pages: [1, 2, 3], pagesDelivered: [1, 2], pageInDoubt: null, result: "failed", failureDetail: { code: "CARRIER_LOST", text: "CARRIER_LOST" } });
	t.like(json.attempts[1], { attempt: 2, pages: [3], pagesDelivered: [3], result: "completed", failureDetail: null });
	t.regex(String(json.attempts[1]!.startTime), /^2026-01-05T/);
	t.true(Date.parse(String(json.attempts[0]!.endTime)) <= Date.parse(String(json.attempts[1]!.startTime)));
});

test("daemon died with page 2 on the wire: the retry sends pages 2-3 and the job says page 2 may be printed twice", async (t) => {
	const h = await jobHarness(t, { settings: { paused: true, retryDelay: 0 } });
	const [id] = await h.submit(["5550124"]);
	const t1 = T0 - 60_000;
	await h.reopen({}, () => {
		// what a daemon killed mid-page 2 leaves: page 1 confirmed, page 2 started, the attempt running
		const s = new JobStore(h.spoolDir);
		s.updateJob(id!, {
			status: S.INPROGRESS,
			extCode: X.TRANSMITTING,
			currentPage: 2,
			deviceId: 1,
			transmissionStart: t1,
			confirmedPages: [1],
			attempts: [{ attempt: 1, deviceId: 1, startTime: t1, endTime: null, pages: [1, 2, 3], continuationCover: false, pagesDelivered: [1], pageInDoubt: null, result: "inProgress", failure: null }],
		});
		s.close();
	});
	const rec = h.rec(id!);
	t.is(rec.status, S.RETRYING);
	t.is(rec.currentPage, 2);
	t.like(rec.attempts[0], { result: "interrupted", pageInDoubt: 2, endTime: null, failure: { code: "CARRIER_LOST", text: "interrupted by daemon restart" } });
	h.server.outgoingQueue.paused = false;
	await h.server.outgoingQueue.save();
	await h.until(() => h.rec(id!).removedAt !== null, "sent");
	const m = h.bank.get("fake:1");
	t.is(m.calls.length, 1);
	t.is(m.calls[0]!.pages.length, 2, "pages 2 and 3 only");
	const j = h.server.archivedJob(id!)!;
	t.is(j.status, S.COMPLETED);
	t.deepEqual(j.pagesDelivered, [1, 2, 3]);
	t.deepEqual(j.possiblyDuplicatedPages, [2]);
	t.deepEqual(j.attempts.map((a) => [a.attempt, a.pages, a.pagesDelivered, a.result]), [
		[1, [1, 2, 3], [1], "interrupted"],
		[2, [2, 3], [2, 3], "completed"],
	]);
	t.true(j instanceof FaxOutgoingJob);
	// the delivery receipt says so too
	t.regex(jobReceipt(h.rec(id!)).text, /2 calls, each sending only the pages not yet confirmed; page\(s\) 2 may have been printed twice/);
});

test("retries exhausted after page 1; restart sends pages 2-3 only (delivered pages stay delivered)", async (t) => {
	const h = await jobHarness(t, { settings: { retries: 0 } });
	const m = h.bank.get("fake:1");
	m.script({ fail: "PROTOCOL_ERROR", at: "page", failPage: 2 });
	const [id] = await h.submit(["5550125"]);
	await h.until(() => h.rec(id!).status === S.RETRIES_EXCEEDED, "failed");
	t.deepEqual(h.rec(id!).confirmedPages, [1]);
	await h.server.outgoingQueue.getJob(id!).restart();
	await h.until(() => h.rec(id!).removedAt !== null, "sent after restart");
	t.is(m.calls[1]!.pages.length, 2);
	t.deepEqual(h.rec(id!).attempts.map((a) => a.pages), [[1, 2, 3], [2, 3]]);
	t.is(h.rec(id!).retries, 0);
	// the non-delivery receipt of the failed state named the delivered page
	t.regex(jobReceipt({ ...h.rec(id!), status: S.RETRIES_EXCEEDED, confirmedPages: [1] }).text, /page\(s\) 1 of 3 were delivered/);
});

test("continuationCover: a resumed retry starts with a continuation cover naming the pages that follow", async (t) => {
	const h = await jobHarness(t, { settings: { continuationCover: true, retryDelay: 0 } });
	const m = h.bank.get("fake:1");
	m.script({ fail: "CARRIER_LOST", at: "page", failPage: 3 });
	const [id] = await h.submit(["5550126"], (d) => (d.subject = "Quarterly"));
	const doc = await tiffCodec.open(h.server.spool.path(h.rec(id!).docFile));
	const page3 = await doc.page(2);
	await doc.close?.();
	await h.until(() => h.rec(id!).removedAt !== null, "sent");
	t.is(m.calls[0]!.pages.length, 3, "the first call has no continuation cover");
	const retry = m.calls[1]!.pages;
	t.is(retry.length, 2, "cover + page 3");
	const r = h.rec(id!);
	const retryStart = r.attempts[1]!.startTime;
	const want = renderContinuationPage({ sender: r.sender, recipient: r.recipient, subject: "Quarterly", pages: [3], total: 3, delivered: [1, 2], time: retryStart, submitted: r.submissionTime }, page3.bitmap.width, page3.yRes);
	t.true(samePixels(retry[0]!.bitmap, want.bitmap), "the continuation cover as rendered for pages 3 of 3");
	// and it reads as such (tesseract OCR of its top part)
	const b = retry[0]!.bitmap;
	const rows = Math.round(b.height * 0.3);
	const dir = mkdtempSync(join(tmpdir(), "faxline-contcover-"));
	t.teardown(() => rmSync(dir, { recursive: true, force: true }));
	const f = join(dir, "cover.pbm");
	writeFileSync(f, writePbm({ ...b, height: rows, data: b.data.slice(0, rows * b.stride) }));
	const text = execFileSync("sh", ["-c", `pnmscale -xscale 1 -yscale ${(204 / retry[0]!.yRes).toFixed(3)} ${f} 2>/dev/null | pnmpad -white -left 20 -right 20 -top 20 -bottom 20 | pnmsmooth -size 3 3 2>/dev/null | pnmtopng > ${f}.png && tesseract ${f}.png - --psm 6 2>/dev/null`], { encoding: "utf8" });
	t.regex(text, /PAGES: 3 OF 3 FOLLOW/, text);
	t.regex(text, /EARLIER: 1-2 DELIVERED/, text);
	t.true(samePixels(retry[1]!.bitmap, page3.bitmap), "then document page 3");
	t.like(r.attempts[1], { pages: [3], continuationCover: true, pagesDelivered: [3], result: "completed" });
	t.false(r.attempts[0]!.continuationCover);
	t.deepEqual(r.confirmedPages, [1, 2, 3]);
	// CurrentPage never showed the cover as a document page
	t.false(h.changes(id!).some((s) => s.retries === 1 && s.currentPage !== 0 && s.currentPage !== 3));
});
