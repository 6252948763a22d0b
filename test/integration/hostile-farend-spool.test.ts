/**
 * Issue 14: the simulator's far end streams received pages to disk (hw-mocks/pageSpool.ts) instead of
 * keeping every decoded page in memory, and the API tests read received pages through keeps working.
 * Structural checks after a real `faxline send` of 12 pages through the pty simulator:
 * - every received page's data went to the spool (pages and bytes counted equal the call's records);
 * - no page record holds a bitmap: `bitmap` is an accessor that decodes from the spool on demand, and
 *   what it returns equals the pixels sent;
 * - the transcript keeps each high-speed block as one bounded entry (first/last octets + a count), and the
 *   counts add up to at least every page's bytes;
 * - the TIFF the far end writes at the end of the call (read back page by page) decodes with libtiff, an
 *   independent decoder, to the pixels sent.
 * Memory over a 2000-page call is measured in bench/farend.bench.ts.
 */
import test from "ava";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { memoryIO } from "../../src/cli/io.js";
import { main } from "../../src/cli/main.js";
import { writeClassF } from "../../src/tiff/index.js";
import { TRANSCRIPT_DATA_KEEP } from "../../hw-mocks/AtDce.js";
import { ModemSimulator } from "../../hw-mocks/ModemSimulator.js";
import { openPtyPair } from "../../hw-mocks/ptyPair.js";
import { fixturePage } from "../helpers/fixtures.js";
import { firstRowDiff, libtiffDecodeTiff, topRows } from "../helpers/libtiff.js";

test("a 12-page call: pages go to the far end's spool on disk, records hold no bitmaps, the read-back API and the TIFF give the pixels sent", async (t) => {
	const dir = mkdtempSync(join(tmpdir(), "faxline-spool-"));
	t.teardown(() => rmSync(dir, { recursive: true, force: true }));
	const pair = await openPtyPair({ link: join(dir, "modem") });
	const sim = new ModemSimulator(pair.master, { timeScale: 0.02, farEnd: { outDir: join(dir, "rx") } });
	t.teardown(async () => {
		sim.detach();
		await pair.close();
	});
	const kinds = ["text", "form", "halftone"] as const;
	const sent = await Promise.all(Array.from({ length: 12 }, async (_, i) => topRows(await fixturePage(kinds[i % 3]!, "standard"), 100 + 10 * i)));
	const file = join(dir, "doc.tif");
	writeFileSync(file, writeClassF(sent.map((bitmap) => ({ bitmap, xRes: 204, yRes: 98 }))));
	const io = memoryIO();
	const code = await main(["send", "--device", pair.path, "--to", "5550100", file], io);
	t.is(code, 0, io.stderr.join("\n"));
	const rec = await sim.waitForCallEnd(1, 10000);

	const pages = rec.pages;
	t.is(pages.length, 12);
	t.is(sim.pageSpool.pagesWritten, pages.length, "every received page went to the spool");
	t.is(sim.pageSpool.bytesWritten, pages.reduce((n, p) => n + p.bytes, 0), "with all its bytes");
	for (const p of pages) {
		const d = Object.getOwnPropertyDescriptor(p, "bitmap");
		t.truthy(d?.get, `page ${p.page}: bitmap is read back on demand`);
		t.false(d !== undefined && "value" in d, `page ${p.page}: the record holds no bitmap`);
	}
	pages.forEach((p, i) => t.is(firstRowDiff(p.bitmap!, sent[i]!), -1, `page ${i + 1} read back from the spool`));

	const blocks = sim.transcript.filter((e) => e.elided !== undefined);
	t.true(blocks.length >= 13, `one entry per high-speed block (TCF + 12 pages), got ${blocks.length}`);
	t.true(blocks.every((e) => e.data.length <= 3 * TRANSCRIPT_DATA_KEEP), "each block's entry is bounded");
	t.true(blocks.reduce((n, e) => n + e.data.length + e.elided!, 0) >= pages.reduce((n, p) => n + p.bytes, 0), "the counts cover every page's bytes");

	t.truthy(rec.tiffPath);
	const lib = await libtiffDecodeTiff(readFileSync(rec.tiffPath!));
	t.deepEqual(lib.warnings, []);
	t.is(lib.pages.length, 12);
	lib.pages.forEach((b, i) => t.is(firstRowDiff(b, sent[i]!), -1, `TIFF page ${i + 1}`));
});
