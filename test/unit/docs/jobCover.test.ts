/**
 * The job option for cover pages with documents of any format: a PDF body submitted to the queue is
 * rendered by src/docs into the job's TIFF; COVER LOCAL with an SVG template fills the recipient's
 * fields per recipient; HasCoverPage and Pages are truthful (outgoing-job.md §3).
 */
import test from "ava";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { FaxCoverPageType } from "../../../src/jobs/enums.js";
import { makePdf, ocr } from "../../helpers/docFixtures.js";
import { jobHarness } from "../../helpers/jobHarness.js";

const dir = mkdtempSync(join(tmpdir(), "faxline-jobcover-"));

test("PDF body + personal SVG cover template: 3 pages per job, the cover names each recipient, HasCoverPage", async (t) => {
	const pdf = makePdf(dir);
	const tpl = join(dir, "mine.svg");
	writeFileSync(tpl, `<svg xmlns="http://www.w3.org/2000/svg" width="595" height="842"><rect width="595" height="842" fill="#fff"/><text x="50" y="100" font-family="DejaVu Sans" font-size="26">For {{recipientName}} at {{recipientNumber}}</text><text x="50" y="150" font-family="DejaVu Sans" font-size="26">{{pages}} pages</text></svg>`);
	const h = await jobHarness(t, { settings: { paused: true } });
	const ids = await h.submit(["5550123", "5550456"], (d) => {
		d.body = pdf;
		d.coverPageType = FaxCoverPageType.LOCAL;
		d.coverPage = tpl;
	});
	for (const id of ids) {
		const j = h.server.outgoingQueue.getJob(id);
		t.true(j.hasCoverPage);
		t.is(j.pages, 3);
	}
	h.server.outgoingQueue.paused = false;
	await h.server.outgoingQueue.save();
	await h.until(() => h.server.outgoingQueue.getJobs().count === 0, "sent");
	for (const c of h.bank.get("fake:1").calls) {
		t.is(c.pages.length, 3);
		const text = ocr(dir, c.pages[0]!.bitmap, `cover-${c.number}`).replace(/\s+/g, " ");
		t.true(text.includes(c.number), text);
		t.regex(text, /3 pages/);
		t.is(c.pages[1]!.bitmap.width, 1728);
	}
});
