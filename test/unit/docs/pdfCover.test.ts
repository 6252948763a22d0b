/**
 * PDF cover templates (src/docs/pdfCover.ts): a template with AcroForm text fields named after the cover
 * fields, made here with pdf-lib, is filled, flattened and rendered by Ghostscript; tesseract reads the
 * values back at fine resolution. Also: a PDF without fields is a static cover, unknown field names are
 * left alone, encrypted / broken / multi-page templates give typed errors, and `send --cover-template`'s
 * opener puts the filled PDF cover first.
 */
import test from "ava";
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { deflateSync } from "node:zlib";
import { PDFDocument, StandardFonts } from "pdf-lib";
import { coverOf, openDocuments } from "../../../src/cli/documents.js";
import { isFaxError } from "../../../src/core/FaxError.js";
import { fillPdfTemplate, pageBox, renderCover } from "../../../src/docs/index.js";
import { ink, makePdf, ocr } from "../../helpers/docFixtures.js";
import { SAMPLE_TIF } from "../../helpers/jobHarness.js";

const dir = mkdtempSync(join(tmpdir(), "faxline-pdfcover-"));
const words = (s: string) => s.replace(/\s+/g, " ");

/** An A4 template: a static heading, and text fields (name, y) at x 200 with a printed label. */
async function template(fields: Array<[string, number, boolean?]>, name: string): Promise<string> {
	const doc = await PDFDocument.create();
	const page = doc.addPage([595, 842]);
	const font = await doc.embedFont(StandardFonts.Helvetica);
	page.drawText("COVER SHEET", { x: 60, y: 770, size: 30, font });
	const form = doc.getForm();
	for (const [f, y, multi] of fields) {
		page.drawText(`${f.replace(/^.*\./, "")}:`, { x: 60, y: y + 6, size: 14, font });
		const tf = form.createTextField(f);
		if (multi) tf.enableMultiline();
		tf.addToPage(page, { x: 200, y: multi ? y - 40 : y, width: 340, height: multi ? 70 : 26, borderWidth: 0 });
		tf.setFontSize(16);
	}
	const p = join(dir, name);
	writeFileSync(p, await doc.save());
	return p;
}

test("PDF template: form fields named after the cover fields are filled, flattened, rendered at fine A4", async (t) => {
	const tpl = await template(
		[
			["recipientName", 680],
			["recipientNumber", 640],
			["cover.subject", 600], // a dotted (hierarchical) name: its last part counts
			["pages", 560],
			["note", 480, true],
			["reference", 400], // not a cover field: left as it is (empty)
		],
		"form.pdf",
	);
	const p = await renderCover({ recipientName: "Jürgen Müller", recipientNumber: "+49 30 1234567", subject: "Quarterly report", pages: 4, note: "Please find the figures attached.\nCall me." }, pageBox({}), tpl);
	t.deepEqual([p.bitmap.width, p.bitmap.height, p.xRes, p.yRes], [1728, 2292, 204, 196]);
	const text = words(ocr(dir, p.bitmap, "pdfform"));
	// tesseract reads the label column and the value column apart; the values are what we filled
	for (const s of ["COVER SHEET", "recipientName:", "reference:", "+49 30 1234567", "Quarterly report", "Please find the figures attached. Call me."]) t.true(text.includes(s), `${s} in ${text}`);
	t.regex(text, /J[uü]rgen M[uü]ller/); // tesseract (eng) often reads ü as u
	t.regex(text, /pages: .*\b4\b/);
});

test("fillPdfTemplate: which fields it filled; the result has no form left (flattened)", async (t) => {
	const tpl = await template([["senderName", 680], ["date", 640], ["other", 600]], "lib.pdf");
	const r = await fillPdfTemplate(readFileSync(tpl), { senderName: "Alice Martin", date: "2026-01-05 09:00" }, tpl);
	t.true(r.hasForm);
	t.deepEqual(r.filled.sort(), ["date", "senderName"]);
	const out = await PDFDocument.load(r.pdf);
	t.is(out.getForm().getFields().length, 0);
	const f = join(dir, "filled.pdf");
	writeFileSync(f, r.pdf);
	const r2 = spawnSync("pdftotext", [f, "-"], { encoding: "utf8" });
	t.is(r2.stderr, "", "poppler reads the filled PDF without complaint (no dangling widget references)");
	const text = r2.stdout;
	t.regex(text, /Alice Martin/);
	t.regex(text, /2026-01-05 09:00/);
});

test("a PDF without form fields is a static cover, rendered as it is", async (t) => {
	const tpl = await template([], "static.pdf");
	const p = await renderCover({ recipientName: "Nobody" }, pageBox({ paper: "letter" }), tpl);
	t.deepEqual([p.bitmap.width, p.bitmap.height], [1728, 2156]);
	t.true(ink(p.bitmap) > 0);
	t.regex(words(ocr(dir, p.bitmap, "static")), /COVER SHEET/);
});

test("encrypted, broken and two-page PDF templates: typed errors", async (t) => {
	const locked = makePdf(dir, ["-sOwnerPassword=owner", "-sUserPassword=secret"], "locked.pdf");
	t.true(isFaxError(await t.throwsAsync(renderCover({}, pageBox({}), locked)), "DOC_ENCRYPTED"));
	const junk = join(dir, "junk.pdf");
	writeFileSync(junk, Buffer.concat([Buffer.from("%PDF-1.7\n"), Buffer.alloc(3000, 0x41)]));
	const e = await t.throwsAsync(renderCover({}, pageBox({}), junk));
	t.true(isFaxError(e, "DOC_MALFORMED"), String(e?.message));
	const two = await PDFDocument.create();
	two.addPage();
	two.addPage();
	const twoPath = join(dir, "two.pdf");
	writeFileSync(twoPath, await two.save());
	t.true(isFaxError(await t.throwsAsync(renderCover({}, pageBox({}), twoPath)), "DOC_TOO_LARGE"));
});

test("send's opener with --cover-template form.pdf: the filled PDF cover goes first, `pages` counts it", async (t) => {
	const tpl = await template([["recipientNumber", 680], ["senderName", 640], ["pages", 600]], "send.pdf");
	const req = coverOf({ "cover-template": tpl, "from-name": "Alice Martin" }, "5550123", undefined);
	const docs = await openDocuments([SAMPLE_TIF], {}, req);
	try {
		t.is(docs.pageCount, 4);
		const cover = await docs.page(0);
		t.deepEqual([cover.bitmap.width, cover.bitmap.height], [1728, 2292]);
		const text = words(ocr(dir, cover.bitmap, "sendpdf"));
		for (const s of ["5550123", "Alice Martin"]) t.true(text.includes(s), `${s} in ${text}`);
		t.regex(text, /pages: .*\b4\b/);
	} finally {
		await docs.close();
	}
});

test("a decompression bomb (an object stream of 100 MB of zeros in ~100 KB) is refused DOC_TOO_LARGE before pdf-lib inflates it", async (t) => {
	const bomb = deflateSync(Buffer.alloc(100 * 1024 * 1024), { level: 9 });
	const pdf = Buffer.concat([
		Buffer.from(`%PDF-1.7\n1 0 obj\n<< /Type /ObjStm /N 1 /First 4 /Filter /FlateDecode /Length ${bomb.length} >>\nstream\n`, "latin1"),
		bomb,
		Buffer.from("\nendstream\nendobj\ntrailer\n<< /Root 2 0 R >>\n%%EOF\n", "latin1"),
	]);
	t.true(pdf.length < 200_000);
	const p = join(dir, "bomb.pdf");
	writeFileSync(p, pdf);
	const e = await t.throwsAsync(renderCover({}, pageBox({}), p));
	t.true(isFaxError(e, "DOC_TOO_LARGE"), String(e?.message));
});
