/**
 * Server cover pages (outgoing-job.md §3 HasCoverPage/Pages, §2.4 copyTiff, §6): one cover per recipient
 * in front of the body, counted in Pages; the cover names its recipient (read by tesseract OCR; the
 * built-in design of src/docs/cover.ts since issue 12); the body pages are the submitted ones (pixels via
 * netpbm); LOCAL .cov and unknown names are refused; a LOCAL SVG template is filled per recipient.
 */
import test from "ava";
import { execFileSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { FaxError } from "../../../src/core/FaxError.js";
import { FaxCoverPageType } from "../../../src/jobs/enums.js";
import { wrap } from "../../../src/jobs/coverPage.js";
import { writePbm } from "../../helpers/fixtures.js";
import { jobHarness, SAMPLE_TIF } from "../../helpers/jobHarness.js";

const dir = mkdtempSync(join(tmpdir(), "faxline-cover-"));

test("SERVER cover page: per-recipient cover + body, Pages counts it, copyTiff holds it, OCR reads the recipient", async (t) => {
	const h = await jobHarness(t, { settings: { paused: true } });
	const ids = await h.submit(["5550123", "5550456"], (d) => {
		d.coverPageType = FaxCoverPageType.SERVER;
		d.subject = "Quarterly report";
		d.note = "Please find the figures attached.";
	});
	const jobs = ids.map((id) => h.server.outgoingQueue.getJob(id));
	for (const j of jobs) {
		t.true(j.hasCoverPage);
		t.is(j.pages, 4);
	}
	t.not(h.rec(ids[0]!).docFile, h.rec(ids[1]!).docFile);
	const copy = join(dir, "c.tif");
	await jobs[1]!.copyTiff(copy);
	t.is((execFileSync("tiffinfo", [copy], { encoding: "utf8" }).match(/TIFF Directory at offset/g) ?? []).length, 4);
	// body page 1 of the copy == page 1 of the submitted file (both decoded by libtiff/netpbm)
	const pnm = (f: string, p: number) => execFileSync("sh", ["-c", `tiffcp -c none '${f},${p}' '${dir}/p.tif' && tifftopnm '${dir}/p.tif' 2>/dev/null`]);
	t.true(pnm(copy, 1).equals(pnm(SAMPLE_TIF, 0)));
	h.server.outgoingQueue.paused = false;
	await h.server.outgoingQueue.save();
	await h.until(() => h.server.outgoingQueue.getJobs().count === 0, "sent");
	const calls = h.bank.get("fake:1").calls;
	t.is(calls.length, 2);
	for (const c of calls) {
		t.is(c.pages.length, 4);
		// OCR the To/From block and the date row of the cover (top 40 % of page 1; src/docs/cover.ts design)
		const b = c.pages[0]!.bitmap;
		const rows = Math.round(b.height * 0.4);
		const f = join(dir, `cover-${c.number}.pbm`);
		writeFileSync(f, writePbm({ ...b, height: rows, data: b.data.slice(0, rows * b.stride) }));
		const text = execFileSync("sh", ["-c", `pnmscale -xscale 1 -yscale ${(204 / c.pages[0]!.yRes).toFixed(3)} ${f} 2>/dev/null | pnmpad -white -left 20 -right 20 -top 20 -bottom 20 | pnmtopng > ${f}.png && tesseract ${f}.png - 2>/dev/null`], { encoding: "utf8" });
		const fax = text.split("\n").find((l) => l.replace(/\s+/g, "").includes(`Fax:${c.number}`)) ?? "";
		t.truthy(fax, `cover names the recipient's number ${c.number}: ${JSON.stringify(text)}`);
		t.regex(text, /FROM/);
		t.regex(text, /Alice/i);
		t.regex(text, /DATE\s+2026-01-05 09:00/);
	}
});

test("cover page requests that are refused: LOCAL .cov, unknown server cover name, attaching a cover-only fax", async (t) => {
	const h = await jobHarness(t, { settings: { paused: true } });
	const code = async (f: Parameters<typeof h.submit>[1]) => {
		const e = await h.submit(["1"], f).catch((x) => x);
		return e instanceof FaxError ? e.code : String(e);
	};
	t.is(await code((d) => (d.coverPageType = FaxCoverPageType.LOCAL)), "INVALID_ARG");
	t.is(await code((d) => {
		d.coverPageType = FaxCoverPageType.SERVER;
		d.coverPage = "fancy";
	}), "INVALID_ARG");
	t.is(await code((d) => {
		d.coverPageType = FaxCoverPageType.SERVER;
		d.body = "";
		d.receiptType = 1;
		d.receiptAddress = "a@b.test";
		d.attachFaxToReceipt = true;
	}), "INVALID_ARG");
	t.is(h.server.store.queuedJobs().length, 0);
});

test("note wrapping keeps words whole and splits over-long words", (t) => {
	t.deepEqual(wrap("aaa bbb ccc", 7), ["aaa bbb", "ccc"]);
	t.deepEqual(wrap("abcdefghij", 4), ["abcd", "efgh", "ij"]);
	t.deepEqual(wrap("one\n\ntwo", 10), ["one", "", "two"]);
});

test("a cover page alone is a valid fax (§6: a body or a cover page)", async (t) => {
	const h = await jobHarness(t);
	const [id] = await h.submit(["5550999"], (d) => {
		d.body = "";
		d.coverPageType = FaxCoverPageType.SERVER;
		d.note = "Short message only.";
	});
	const job = h.server.outgoingQueue.getJob(id!);
	t.is(job.pages, 1);
	t.true(job.hasCoverPage);
	await h.until(() => h.rec(id!).removedAt !== null, "sent");
	const call = h.bank.get("fake:1").calls[0]!;
	t.is(call.pages.length, 1);
	t.is(call.pages[0]!.bitmap.width, 1728);
	t.true(call.pages[0]!.bitmap.data.some((x) => x !== 0));
});
