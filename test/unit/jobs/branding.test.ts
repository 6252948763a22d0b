/**
 * Branding (outgoing-job.md §5): with queue.Branding on, every page the modem gets carries a banner —
 * date/time, TSID, recipient number, page x/y — read back by OCR (tesseract, an oracle we did not write);
 * the rest of the page is untouched, and copyTiff/the spooled TIFF keep no banner.
 */
import test from "ava";
import { execFileSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Bitmap } from "../../../src/core/bitmap.js";
import { bannerRows, bannerScaleY } from "../../../src/jobs/branding.js";
import { FONT_CHARS, glyph } from "../../../src/jobs/font5x7.js";
import { writePbm } from "../../helpers/fixtures.js";
import { jobHarness, T0 } from "../../helpers/jobHarness.js";
import { tiffCodec } from "../../../src/jobs/codec.js";

const dir = mkdtempSync(join(tmpdir(), "faxline-ocr-"));

/** OCR a horizontal slice [x0, x0+w) of the banner rows, stretched to square pixels and smoothed. */
function ocr(b: Bitmap, rows: number, yRes: number, x0: number, w: number, name: string, chars: string): string {
	const band: Bitmap = { width: b.width, height: rows, stride: b.stride, data: b.data.slice(0, rows * b.stride) };
	const f = join(dir, `${name}.pbm`);
	writeFileSync(f, writePbm(band));
	const png = join(dir, `${name}.png`);
	execFileSync("sh", [
		"-c",
		`pnmscale -xscale 1 -yscale ${Math.round(196 / yRes)} ${f} 2>/dev/null | pnmcut -left ${x0} -width ${w} | pnmpad -white -top 20 -bottom 20 -left 20 -right 20 | pnmscale 2 2>/dev/null | pnmsmooth -size 3 3 2>/dev/null | pnmtopng > ${png}`,
	]);
	return execFileSync("tesseract", [png, "-", "--psm", "7", "-c", `tessedit_char_whitelist=${chars}`], { encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] }).trim();
}

function editDistance(a: string, b: string): number {
	const d = Array.from({ length: a.length + 1 }, (_, i) => [i, ...Array<number>(b.length).fill(0)]);
	for (let j = 1; j <= b.length; j++) d[0]![j] = j;
	for (let i = 1; i <= a.length; i++) for (let j = 1; j <= b.length; j++) d[i]![j] = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
	return d[a.length]![b.length]!;
}

/** Read `n` character cells back by exact match against the font (scale 3 x bannerScaleY). */
function readBanner(b: Bitmap, yRes: number, x0: number, n: number): string {
	const sy = bannerScaleY(yRes);
	let out = "";
	for (let c = 0; c < n; c++) {
		const rowsOf: number[] = [];
		for (let gy = 0; gy < 7; gy++) {
			let bits = 0;
			for (let gx = 0; gx < 5; gx++) {
				const x = x0 + c * 18 + gx * 3 + 1;
				const y = sy + gy * sy;
				if (b.data[y * b.stride + (x >> 3)]! & (0x80 >> (x & 7))) bits |= 0x10 >> gx;
			}
			rowsOf.push(bits);
		}
		const ch = FONT_CHARS.find((k) => glyph(k).every((v, i) => v === rowsOf[i]));
		out += ch ?? "~";
	}
	return out;
}

test("banner on every sent page: date/time, TSID, number, page x/y (OCR); body rows untouched; spool copy unbranded", async (t) => {
	const h = await jobHarness(t, { settings: { branding: true }, startEpoch: new Date(2026, 0, 5, 9, 7).getTime() });
	const [id] = await h.submit(["5550123"]);
	await h.until(() => h.rec(id!).removedAt !== null, "sent");
	const call = h.bank.get("fake:1").calls[0]!;
	t.is(call.pages.length, 3);
	t.true(T0 < new Date(2026, 0, 5, 9, 8).getTime());
	const src = await tiffCodec.open(h.server.spool.path(h.rec(id!).docFile)).catch(() => null);
	t.is(src, null, "the document left the spool with the job");
	const orig = await tiffCodec.open(join(h.spoolDir, "..", "nonexistent")).catch(() => null);
	t.is(orig, null);
	for (let p = 0; p < 3; p++) {
		const page = call.pages[p]!;
		const rows = bannerRows(page.yRes);
		// OCR of a 5x7 pixel font is imperfect: each field must read back within one character edit, and
		// the whole line must read back exactly through the font's own glyph table (readBanner below)
		const cells = (from: number, n: number): [number, number] => [36 + from * 18 - 4, n * 18 + 8];
		const fields: Array<[number, number, string, string]> = [
			[0, 16, "2026-01-05 09:07", "0123456789-: "],
			[18, 28, "FROM +1 555 0100 TO 5550123", "0123456789+ FROMT"],
		];
		for (const [at, n, want, chars] of fields) {
			const got = ocr(page.bitmap, rows, page.yRes, ...cells(at, n), `p${p}c${at}`, chars).replace(/\s+/g, " ");
			t.true(editDistance(got, want) <= 1, `page ${p + 1}: OCR read ${JSON.stringify(got)} for ${JSON.stringify(want)}`);
		}
		const right = ocr(page.bitmap, rows, page.yRes, 1400, 328, `r${p}`, "0123456789/. P");
		t.true(editDistance(right.replace(/\s+/g, ""), `P.${p + 1}/3`) <= 1, `page ${p + 1} number: ${right}`);
		t.is(readBanner(page.bitmap, page.yRes, 36, 46), "2026-01-05 09:07  FROM +1 555 0100  TO 5550123");
		t.is(readBanner(page.bitmap, page.yRes, 1728 - 36 - 6 * 18, 6), `P. ${p + 1}/3`);
	}
});

test("banner rows only: the rest of each page equals the unbranded page", async (t) => {
	const h = await jobHarness(t, { settings: { branding: true, paused: true } });
	const [id] = await h.submit(["5550124"]);
	// the unbranded pages as the spool holds them
	const doc = await tiffCodec.open(h.server.spool.path(h.rec(id!).docFile));
	const plain = [];
	for (let i = 0; i < doc.pageCount; i++) plain.push(await doc.page(i));
	await doc.close?.();
	h.server.outgoingQueue.paused = false;
	await h.server.outgoingQueue.save();
	await h.until(() => h.rec(id!).removedAt !== null, "sent");
	const call = h.bank.get("fake:1").calls[0]!;
	for (let p = 0; p < 3; p++) {
		const b = call.pages[p]!.bitmap;
		const rows = bannerRows(call.pages[p]!.yRes);
		const off = rows * b.stride;
		t.true(Buffer.from(b.data.subarray(off)).equals(Buffer.from(plain[p]!.bitmap.data.subarray(off))), `page ${p + 1} body`);
		t.false(Buffer.from(b.data.subarray(0, off)).equals(Buffer.from(plain[p]!.bitmap.data.subarray(0, off))), `page ${p + 1} banner drawn`);
		t.true(b.data.subarray(0, off).some((x) => x !== 0));
	}
});
