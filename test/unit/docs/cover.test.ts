/**
 * Cover pages (src/docs/cover.ts): the built-in design, an SVG template with {{field}} placeholders and a
 * HylaFAX faxcover-style PostScript template, each read back by tesseract at fine resolution; and
 * `send`'s document opener putting the cover first with the true page count.
 */
import test from "ava";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { openDocuments } from "../../../src/cli/documents.js";
import { pageBox, renderCover } from "../../../src/docs/index.js";
import { ocr } from "../../helpers/docFixtures.js";
import { SAMPLE_TIF } from "../../helpers/jobHarness.js";

const dir = mkdtempSync(join(tmpdir(), "faxline-cover2-"));
const words = (s: string) => s.replace(/\s+/g, " ");
const fields = {
	recipientName: "Jürgen Müller",
	recipientCompany: "Acme Widgets",
	recipientNumber: "+49 30 1234567",
	senderName: "Alice Martin",
	senderCompany: "Faxline Limited",
	senderNumber: "+1 555 0100",
	subject: "Quarterly report",
	note: "Please find the figures attached.",
	date: "2026-01-05 09:00",
	pages: 4,
};

test("built-in cover: every field legible by OCR at 1728 x 2292 fine", async (t) => {
	const p = await renderCover(fields, pageBox({}));
	t.deepEqual([p.bitmap.width, p.bitmap.height, p.yRes], [1728, 2292, 196]);
	const text = words(ocr(dir, p.bitmap, "builtin"));
	t.regex(text, /J[uü]rgen M[uü]ller/); // tesseract (eng) often reads ü as u; the text test checks accents
	for (const s of ["Acme Widgets", "+49 30 1234567", "Alice Martin", "Faxline Limited", "+1 555 0100", "Quarterly report", "Please find the figures attached.", "2026-01-05 09:00", "4 (including this cover page)"]) t.true(text.includes(s), `${s} in ${text}`);
});

test("SVG template: {{fields}} filled (XML-escaped) and rendered to the page", async (t) => {
	const tpl = join(dir, "cover.svg");
	writeFileSync(
		tpl,
		`<svg xmlns="http://www.w3.org/2000/svg" width="210mm" height="297mm" viewBox="0 0 595 842"><rect width="595" height="842" fill="#fff"/>` +
			`<text x="60" y="120" font-family="DejaVu Sans" font-size="28">Attention {{ recipientName }}</text>` +
			`<text x="60" y="180" font-family="DejaVu Sans" font-size="20">Regarding {{subject}}</text></svg>`,
	);
	const p = await renderCover({ ...fields, subject: "Tom & Jerry <draft>" }, pageBox({ paper: "letter" }), tpl);
	t.deepEqual([p.bitmap.width, p.bitmap.height], [1728, 2156]);
	const text = words(ocr(dir, p.bitmap, "svgtpl"));
	t.regex(text, /Attention J[uü]rgen M[uü]ller/);
	t.regex(text, /Regarding Tom & Jerry <draft>/);
});

test("PostScript template (HylaFAX faxcover names): to, regarding, page-count defined for it", async (t) => {
	const tpl = join(dir, "cover.ps");
	writeFileSync(tpl, "%!PS\n/Helvetica findfont 28 scalefont setfont\n72 700 moveto (To: ) show to show\n72 650 moveto regarding show\n72 600 moveto (Pages: ) show page-count show\nshowpage\n");
	const p = await renderCover({ ...fields, recipientName: "Bob (Sales)" }, pageBox({}), tpl);
	t.is(p.bitmap.width, 1728);
	const text = words(ocr(dir, p.bitmap, "pstpl"));
	t.regex(text, /To: Bob \(Sales\)/);
	t.regex(text, /Quarterly report/);
	t.regex(text, /Pages: 4/);
});

test("send's opener: the cover goes first and counts every page", async (t) => {
	const docs = await openDocuments([SAMPLE_TIF], {}, { fields: { recipientNumber: "5550123", senderName: "Alice" } });
	try {
		t.is(docs.pageCount, 4);
		const cover = await docs.page(0);
		t.is(cover.bitmap.width, 1728);
		t.regex(words(ocr(dir, cover.bitmap, "send")), /4 \(including this cover page\)/);
		t.is((await docs.page(1)).bitmap.height, 2156);
	} finally {
		await docs.close();
	}
});
