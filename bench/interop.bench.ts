/**
 * Interop benchmark (issue 5): total call time, ATD to hang-up, for the same 3-page document sent through
 * the same real-time (speed 1) SpanDSP line, by faxline and by efax, side by side in one run, both next to
 * the line's theoretical minimum (hw-mocks/spandsp/lineMinimum.ts). The call time is measured by the peer
 * (its T.31 modem sees ATD and the hang-up), so both senders are timed by the same clock.
 * Measures and prints; asserts nothing. Takes a few minutes (two real-time calls).
 */
import { execFile } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { fixturePage } from "../test/helpers/fixtures.js";
import { SpanDspPeer, buildPeer, type PeerResult } from "../hw-mocks/spandsp/SpanDspPeer.js";
import { efaxSend } from "../hw-mocks/spandsp/efaxSender.js";
import { codedPageBits, minimumCallMs } from "../hw-mocks/spandsp/lineMinimum.js";
import { writeG3Pages } from "../hw-mocks/spandsp/pages.js";
import { sendWithFaxline } from "../hw-mocks/spandsp/faxlineSender.js";

const exec = promisify(execFile);

interface Row {
	sender: string;
	r?: PeerResult;
	note: string;
}

const secs = (ms: number): string => (ms / 1000).toFixed(1);

export async function run(): Promise<void> {
	await buildPeer();
	const pages = [await fixturePage("form", "standard"), await fixturePage("text", "standard"), await fixturePage("blank", "standard")];
	const dir = mkdtempSync(join(tmpdir(), "faxline-interop-bench-"));
	const files = await writeG3Pages(pages, 98, { dir });
	const doc = join(dir, "document.tif");
	await exec("tiffcp", [...files, doc]);

	const rows: Row[] = [];
	// faxline first, efax second: same document, same line settings, fresh peer each.
	{
		const peer = await SpanDspPeer.start({ speed: 1, timeoutS: 900 });
		try {
			const s = await sendWithFaxline(peer.path, doc, { timeoutMs: 600_000 });
			const r = await peer.result(30_000);
			rows.push({ sender: "faxline", r, note: s.ok ? "ok" : `failed: ${s.error}` });
		} catch (e) {
			rows.push({ sender: "faxline", note: `error: ${(e as Error).message}` });
		} finally {
			await peer.stop();
		}
	}
	{
		const peer = await SpanDspPeer.start({ speed: 1, timeoutS: 900 });
		try {
			const s = await efaxSend({ device: peer.path, files, timeoutMs: 600_000 });
			const r = await peer.result(30_000);
			rows.push({ sender: "efax 0.9a", r, note: s.ok ? "ok" : `exit ${s.exitCode}` });
		} finally {
			await peer.stop();
		}
	}

	const best: number[] = [];
	for (const p of pages) best.push(Math.min(await codedPageBits(p, 98, "mh"), await codedPageBits(p, 98, "mr")));
	const lineMin = minimumCallMs(best, 14400);
	console.log(`document: 3 pages (form, text, blank), A4 standard; libtiff-coded size ${best.map((b) => Math.round(b / 8)).join(" + ")} bytes (best of MH/MR)`);
	console.log(`line: SpanDSP 0.0.6 T.31 modem <-> SpanDSP T.30 receiver, real time (speed 1), V.17 14400 offered, non-ECM`);
	console.log(`theoretical minimum at 14400: ${secs(lineMin)} s (CED 2.8 s; each V.21 burst 75 ms + 0.85 s flags + frames at 300 bit/s;`);
	console.log(`  DCS, TCF = 75 ms + 1.393 s V.17 long train + 1.5 s; each page 75 ms + 0.142 s short train + bits/14400, MPS|EOP, MCF; DCN)\n`);
	console.log("sender     | result               | pages | rate  | ATD->hang-up | vs minimum | page bytes sent | min for those bytes | underruns");
	for (const row of rows) {
		const r = row.r;
		if (!r || !r.dialed) {
			console.log(`${row.sender.padEnd(10)} | ${row.note}`);
			continue;
		}
		const sent = r.tx_data.filter((s) => s.kind === "page").map((s) => s.bytes);
		const ownMin = minimumCallMs(
			sent.map((b) => b * 8),
			r.bit_rate || 14400,
		);
		console.log(
			[
				row.sender.padEnd(10),
				`${r.t30_text} (${row.note})`.slice(0, 20).padEnd(20),
				String(r.pages).padStart(5),
				String(r.bit_rate).padStart(5),
				`${secs(r.call_wall_ms)} s`.padStart(12),
				(r.t30 === 0 && r.pages === pages.length ? `${((r.call_wall_ms / lineMin - 1) * 100).toFixed(1)} %` : "-").padStart(10),
				sent.join("+").padStart(15),
				`${secs(ownMin)} s`.padStart(19),
				String(r.underruns).padStart(9),
			].join(" | "),
		);
	}
}
