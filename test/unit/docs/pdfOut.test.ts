/**
 * PDF out (src/docs/pdfWriter.ts, `faxline convert IN OUT.pdf`): every page a CCITT G4 stencil at the
 * page's true size. Read back by poppler (pdfinfo, pdfimages -list, pdftoppm) and Ghostscript: the
 * rendered pixels equal libtiff's decoding of the TIFF page (tiffcp + tifftopnm), page for page.
 */
import test from "ava";
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { runCommand } from "../../helpers/runCommand.js";

const convert = (argv: string[], io: Parameters<typeof runCommand>[2]) => runCommand("convert", argv, io);
import { memoryIO } from "../../../src/cli/io.js";
import { faxToPdf, openDocument, writePdf } from "../../../src/docs/index.js";
import { SAMPLE_TIF } from "../../helpers/jobHarness.js";

const dir = mkdtempSync(join(tmpdir(), "faxline-pdfout-"));
const sh = (cmd: string, args: string[]) => execFileSync(cmd, args, { stdio: ["ignore", "pipe", "ignore"] });
/** libtiff's decoding of page p (0-based) as PBM bytes. */
const libtiffPage = (tif: string, p: number): Buffer => {
	const one = join(dir, `lt${p}.tif`);
	sh("tiffcp", ["-c", "none", `${tif},${p}`, one]);
	return sh("tifftopnm", [one]);
};

test("convert sample.tif out.pdf: 3 CCITT pages of 8.47 x 11 in; pdftoppm and gs render each to libtiff's pixels exactly", async (t) => {
	const out = join(dir, "sample.pdf");
	const io = memoryIO();
	t.is(await convert([SAMPLE_TIF, out], io), 0);
	t.regex(io.stdout.join(""), /PDF, 3 pages, CCITT G4/);
	const info = sh("pdfinfo", [out]).toString();
	t.regex(info, /Pages:\s+3/);
	t.regex(info, /Page size:\s+609\.882 x 792 pts/);
	const list = sh("pdfimages", ["-list", out]).toString();
	t.is((list.match(/ ccitt /g) ?? []).length, 3);
	for (let p = 0; p < 3; p++) {
		const ref = libtiffPage(SAMPLE_TIF, p);
		sh("pdftoppm", ["-rx", "204", "-ry", "196", "-mono", "-f", String(p + 1), "-l", String(p + 1), out, join(dir, "pp")]);
		t.true(readFileSync(join(dir, `pp-${p + 1}.pbm`)).equals(ref), `poppler page ${p + 1}`);
		const gs = sh("sh", ["-c", `gs -q -dSAFER -dBATCH -dNOPAUSE -sDEVICE=pbmraw -r204x196 -dFirstPage=${p + 1} -dLastPage=${p + 1} -sOutputFile=- '${out}' | pamtopnm`]);
		t.true(gs.equals(ref), `ghostscript page ${p + 1}`);
	}
});

test("writePdf of rendered pages (PDF in, standard resolution): true size kept (11 in at 98 lpi), pixels round-trip through poppler", async (t) => {
	const src = join(dir, "sample-std.tif");
	t.is(await convert([SAMPLE_TIF, src, "--resolution", "standard", "--compression", "mmr"], memoryIO()), 0);
	const doc = await openDocument(src);
	const out = join(dir, "std.pdf");
	try {
		t.is(await writePdf(out, doc), 3);
	} finally {
		await doc.close();
	}
	t.regex(sh("pdfinfo", [out]).toString(), /Page size:\s+609\.882 x 792 pts/);
	sh("pdftoppm", ["-rx", "204", "-ry", "98", "-mono", "-f", "2", "-l", "2", out, join(dir, "sd")]);
	t.true(readFileSync(join(dir, "sd-2.pbm")).equals(libtiffPage(src, 1)));
});

test("convert to .pdf refuses nothing send accepts: a text file becomes a PDF of its fax pages", async (t) => {
	const txt = join(dir, "note.txt");
	(await import("node:fs")).writeFileSync(txt, "Hello PDF\n");
	const out = join(dir, "note.pdf");
	t.is(await convert([txt, out], memoryIO()), 0);
	t.regex(sh("pdfinfo", [out]).toString(), /Pages:\s+1[\s\S]*Page size:\s+609\.882 x 841\.959 pts/);
});

test("faxToPdf (for received faxes and receipts): a Class F TIFF to PDF, pages and pixels kept", async (t) => {
	const out = join(dir, "rx.pdf");
	t.is(await faxToPdf(SAMPLE_TIF, out), 3);
	sh("pdftoppm", ["-rx", "204", "-ry", "196", "-mono", "-f", "3", "-l", "3", out, join(dir, "rx")]);
	t.true(readFileSync(join(dir, "rx-3.pbm")).equals(libtiffPage(SAMPLE_TIF, 2)));
});
