/**
 * ECM benchmark (issue 9): ATD to hang-up of a 2-page standard-resolution text document (1728 × 1100)
 * through the REAL-TIME SpanDSP line (speed 1, V.17 14400 offered, ECM and T.6 offered), by faxline with
 * ECM + MMR, beside
 *   - the line's own minimum for that mode (hw-mocks/spandsp/lineMinimum.ts minimumEcmCallMs: mandated
 *     phases, MMR bits as libtiff codes the pages, HDLC framing with stuffing, over the rate),
 *   - efax 0.9a on the same document and line (efax has no ECM: MH/MR pages),
 *   - faxline without ECM (`--no-ecm`) on the same line,
 *   - HylaFAX 6.0.7's 28.66 s (ECM + MMR, quoted from the issue: not measurable here).
 * Call times are the peer's own clock (its T.31 modem sees ATD and the hang-up), the same for every sender.
 * No sender sends the optional TSI (efax without -l, faxline with an empty TSI), as the minimum has none.
 * Two documents: A, about 28 kB of MH in all (the size HylaFAX's 28.66 s with ECM and 39.6 s without imply:
 * the line's own minimum leaves no room for more), and B, about 28 kB of MH a page (the issue read
 * literally; its minimum alone is about 45 s, so it shows only faxline against the minimum).
 * Measures and prints; asserts nothing. About four minutes (four real-time calls); ECM_BENCH_QUICK=1: A only.
 */
import { execFile } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { createBitmap, type Bitmap } from "../src/core/bitmap.js";
import { fixturePage } from "../test/helpers/fixtures.js";
import { SpanDspPeer, buildPeer, type PeerResult } from "../hw-mocks/spandsp/SpanDspPeer.js";
import { efaxSend } from "../hw-mocks/spandsp/efaxSender.js";
import { codedPageBits, codedPageMmr, minimumCallMs, minimumEcmCallMs } from "../hw-mocks/spandsp/lineMinimum.js";
import { writeG3Pages } from "../hw-mocks/spandsp/pages.js";
import { sendWithFaxline } from "../hw-mocks/spandsp/faxlineSender.js";

const exec = promisify(execFile);
const HYLAFAX_MS = 28_660; // HylaFAX 6.0.7, ECM + MMR, same kind of document (issue 9)
const secs = (ms: number): string => (ms / 1000).toFixed(2);

/** A 1728 × 1100 page: `rows` rows of the text fixture from `from`, white below (about 28 kB MH for 420 rows). */
function textPage(text: Bitmap, from: number, rows: number): Bitmap {
	const p = createBitmap(1728, 1100);
	p.data.set(text.data.subarray(p.stride * from, p.stride * (from + rows)));
	return p;
}

interface Row {
	sender: string;
	note: string;
	r?: PeerResult;
}

/** One document's calls and the line's minimum for it. */
async function document(title: string, pages: Bitmap[], senders: ("ecm" | "efax" | "plain")[]): Promise<void> {
	const dir = mkdtempSync(join(tmpdir(), "faxline-ecm-bench-"));
	const files = await writeG3Pages(pages, 98, { dir });
	const doc = join(dir, "document.tif");
	await exec("tiffcp", [...files, doc]);
	const rows: Row[] = [];
	for (const who of senders) {
		const peer = await SpanDspPeer.start({ speed: 1, ecm: true, timeoutS: 600 });
		try {
			if (who === "efax") {
				const s = await efaxSend({ device: peer.path, files, timeoutMs: 300_000 });
				rows.push({ sender: "efax 0.9a", r: await peer.result(30_000), note: s.ok ? "ok, no ECM" : `exit ${s.exitCode}` });
			} else {
				// no TSI (tsid ""): the optional frame is not in the minimum, and efax sends none without -l
				const s = await sendWithFaxline(peer.path, doc, { timeoutMs: 300_000, tsid: "", modemOptions: { useEcm: who === "ecm" } });
				const p = s.result?.params;
				rows.push({ sender: who === "ecm" ? "faxline ECM" : "faxline no-ECM", r: await peer.result(30_000), note: `${s.ok ? "ok" : `failed: ${s.error}`}${p ? `, ${p.coding.toUpperCase()}${p.ecm ? " ECM" : ""}` : ""}` });
			}
		} finally {
			await peer.stop();
		}
	}
	const mh = await Promise.all(pages.map((p) => codedPageBits(p, 98, "mh")));
	const mr = await Promise.all(pages.map((p) => codedPageBits(p, 98, "mr")));
	const mmr = await Promise.all(pages.map((p) => codedPageMmr(p, 98)));
	const min = minimumEcmCallMs(mmr, 14400, 256);
	const minNonEcm = minimumCallMs(mh.map((b, i) => Math.min(b, mr[i]!)), 14400);
	console.log(`\n${title}: ${pages.length} pages 1728x1100 standard text; libtiff MH ${mh.map((b) => Math.round(b / 8)).join(" + ")} bytes, MMR ${mmr.map((b) => b.length).join(" + ")} bytes`);
	console.log(
		`  minimum with ECM + MMR at 14400: ${secs(min.totalMs)} s (answer + phase B ${secs(min.parts.phaseB)}, page bursts ${secs(min.parts.bursts)} ` +
			`[${min.pages.map((p) => `${p.frames} frames, ${p.burstBits} bits`).join("; ")}], PPS/MCF ${secs(min.parts.postPage)}, DCN ${secs(min.parts.dcn)}); without ECM (best of MH/MR): ${secs(minNonEcm)} s`,
	);
	console.log("  sender          | result                 | pages | rate  | ATD->hang-up | vs ECM minimum | vs HylaFAX 28.66 s | PPR");
	for (const row of rows) {
		const r = row.r;
		if (!r || !r.dialed) {
			console.log(`  ${row.sender.padEnd(15)} | ${row.note}`);
			continue;
		}
		const ok = r.t30 === 0 && r.pages === pages.length;
		console.log(
			"  " +
				[
					row.sender.padEnd(15),
					`${r.t30_text} (${row.note})`.slice(0, 22).padEnd(22),
					String(r.pages).padStart(5),
					String(r.bit_rate).padStart(5),
					`${secs(r.call_wall_ms)} s`.padStart(12),
					(ok ? `${((r.call_wall_ms / min.totalMs - 1) * 100).toFixed(1)} %` : "-").padStart(14),
					(ok ? `${((1 - r.call_wall_ms / HYLAFAX_MS) * 100).toFixed(1)} % faster` : "-").padStart(18),
					String(r.ecm_exchanges.ppr).padStart(3),
				].join(" | "),
		);
	}
}

export async function run(): Promise<void> {
	await buildPeer();
	const text = await fixturePage("text", "standard");
	console.log("line: SpanDSP 0.0.6 T.31 modem <-> SpanDSP T.30 receiver, real time (speed 1), V.17 14400, ECM + T.6 offered");
	console.log(`HylaFAX 6.0.7 with ECM + MMR on the issue's 2-page document (quoted, not measured here): ${secs(HYLAFAX_MS)} s`);
	// HylaFAX's 28.66 s (and 39.6 s without ECM) fit a document of about 28 kB MH in all: about 12 kB of MMR a page
	await document("document A (about 28 kB MH in all, as HylaFAX's timings imply)", [textPage(text, 0, 210), textPage(text, 500, 210)], ["ecm", "efax", "plain"]);
	// read literally, "pages of about 28 kB MH": twice the data; no sender can beat 28.66 s there (see its minimum)
	if (process.env.ECM_BENCH_QUICK !== "1") await document("document B (about 28 kB MH a page)", [textPage(text, 0, 420), textPage(text, 500, 420)], ["ecm"]);
}
