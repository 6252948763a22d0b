/**
 * Far-end memory over a long call (issue 14: "the simulator's far end keeps every received page in memory:
 * 1.18 GB after a 2000-page call"). Drives hw-mocks/FarEndFax.ts directly, as the modem simulator does
 * (DIS, TSI/DCS, TCF, then page data + MPS per page, EOP, DCN, and the TIFF written at the end), with a
 * fine A4 text page (test/helpers/fixtures.ts, MH) as every page. Measures the process's RSS and the JS
 * heap + external memory after a forced GC, before and after, and the peak RSS sampled per page.
 *
 * Reference, same run: the same pages decoded and their bitmaps kept in an array — what the far end did
 * before it streamed pages to disk (pageSpool.ts) — over REF_PAGES pages (kept small: it is the thing that
 * grows), reported per page beside ours. FAREND_BENCH_PAGES (default 2000) sets our page count.
 * Measures only; asserts nothing.
 */
import { mkdtempSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
import type { Bitmap } from "../src/core/bitmap.js";
import { buildFrame } from "../src/hdlc/frame.js";
import { Fcf } from "../src/t30/fcf.js";
import { RATES, buildDis, dcsMinScanCode, emptyDis } from "../src/t30/dis.js";
import { encodeBitmap } from "../src/t4/index.js";
import { FarEndFax, type FarEndPort } from "../hw-mocks/FarEndFax.js";
import { FaultSet } from "../hw-mocks/faults.js";
import { decodePage } from "../hw-mocks/pageReceiver.js";
import type { CallRecord, DcsRecord } from "../hw-mocks/records.js";
import { fixturePage } from "../test/helpers/fixtures.js";

const PAGES = Number(process.env.FAREND_BENCH_PAGES ?? 2000);
const REF_PAGES = 200;
const V17 = RATES[0]!;

setFlagsFromString("--expose-gc");
const gc = runInNewContext("gc") as () => void;
const MiB = (n: number): string => (n / 2 ** 20).toFixed(1);

/** After a full GC (twice, with a turn between: ArrayBuffer stores are freed off-thread). */
async function mem(): Promise<{ rss: number; js: number }> {
	gc();
	await new Promise((r) => setTimeout(r, 50));
	gc();
	const m = process.memoryUsage();
	return { rss: m.rss, js: m.heapUsed + m.external };
}

/** A far end on a line whose timers never fire (we are the caller and answer at once). */
function farEnd(outDir: string): { far: FarEndFax; call: CallRecord } {
	const call: CallRecord = { index: 1, dial: { raw: "5550100", digits: "5550100", method: "", modifiers: [], ignored: "" }, startedAt: 0, dcs: [], tcf: [], pages: [], frames: [], gaps: [], collisions: 0, listens: [], ppms: [], notes: [] };
	let now = 0;
	const line: FarEndPort = {
		now: () => now,
		timer: () => ({ cancel: () => undefined }),
		watchdog: () => ({ cancel: () => undefined }),
		transmit: (frames, delayMs) => (now += delayMs + frames.length * 100),
	};
	return { far: new FarEndFax(line, call, { outDir, minScanCode: 7 }, new FaultSet([])), call };
}

const hostFrame = (name: keyof typeof Fcf, fif?: Uint8Array, final = true): Uint8Array => buildFrame(Fcf[name] | 1, fif, final);

async function longCall(pages: number, coded: Uint8Array): Promise<{ peakRss: number; tiffBytes: number; kept: number }> {
	const dir = mkdtempSync(join(tmpdir(), "faxline-farend-bench-"));
	try {
		const { far, call } = farEnd(dir);
		far.answer();
		const d = emptyDis();
		d.t4Receiver = true;
		d.modemCode = V17.dcsCode;
		d.fine = true;
		d.minScanCode = dcsMinScanCode(0);
		far.hostFrames([hostFrame("TSI", new Uint8Array(20).fill(0x20), false), hostFrame("DCS", buildDis(d))]);
		far.hostData(V17.longTrain, new Uint8Array((V17.bitRate * 1.5) / 8), { durationMs: 1500, underrunMs: 0, lostBytes: 0, gapMs: 75 });
		let peakRss = 0;
		for (let p = 1; p <= pages; p++) {
			far.hostData(V17.shortTrain, coded, { durationMs: (coded.length * 8000) / V17.bitRate, underrunMs: 0, lostBytes: 0, gapMs: 75 });
			far.hostFrames([hostFrame(p === pages ? "EOP" : "MPS")]);
			// each page arrives in its own event-loop task in the simulator (the DCE's data events)
			await new Promise((r) => setImmediate(r));
			if (p % 50 === 0) peakRss = Math.max(peakRss, process.memoryUsage().rss);
		}
		far.hostFrames([hostFrame("DCN")]);
		await far.finish("dcn");
		peakRss = Math.max(peakRss, process.memoryUsage().rss);
		return { peakRss, tiffBytes: call.tiffPath ? statSync(call.tiffPath).size : 0, kept: call.pages.filter((x) => x.accepted).length };
	} finally {
		rmSync(dir, { recursive: true, force: true });
	}
}

/** The reference: decode every page and keep its bitmap (the far end before pageSpool.ts). */
function keepInMemory(pages: number, dcs: DcsRecord, coded: Uint8Array): Bitmap[] {
	const kept: Bitmap[] = [];
	for (let p = 0; p < pages; p++) kept.push(decodePage(dcs, V17.shortTrain, coded).bitmap!);
	return kept;
}

export async function run(): Promise<void> {
	const page = await fixturePage("text", "fine");
	const coded = encodeBitmap(page, { coding: "mh", rtc: true, bitOrder: "lsb" });
	console.log(`page: fine A4 text, ${page.width}x${page.height}, ${coded.length} B coded (MH), bitmap ${page.data.length} B`);

	const before = await mem();
	const t0 = performance.now();
	const r = await longCall(PAGES, coded);
	const ms = performance.now() - t0;
	const after = await mem();
	console.log(`ours: ${PAGES} pages (${r.kept} kept, TIFF ${MiB(r.tiffBytes)} MiB written) in ${(ms / 1000).toFixed(1)} s`);
	console.log(`  RSS ${MiB(before.rss)} -> peak ${MiB(r.peakRss)} MiB (+${MiB(r.peakRss - before.rss)}); JS heap+external after GC +${MiB(after.js - before.js)} MiB = ${((after.js - before.js) / PAGES / 1024).toFixed(2)} KiB/page`);

	const dcs = { pageCodes: [V17.longTrain, V17.shortTrain], coding: "mh", width: 1728, bitRate: V17.bitRate } as DcsRecord;
	const rb = await mem();
	const held = keepInMemory(REF_PAGES, dcs, coded);
	const ra = await mem();
	console.log(`reference (bitmaps kept in memory, the old far end): ${REF_PAGES} pages +${MiB(ra.js - rb.js)} MiB JS heap+external = ${((ra.js - rb.js) / REF_PAGES / 1024).toFixed(2)} KiB/page; RSS +${MiB(ra.rss - rb.rss)} MiB`);
	console.log(`  extrapolated to ${PAGES} pages: ${MiB(((ra.js - rb.js) / REF_PAGES) * PAGES)} MiB`);
	held.length = 0;
}
