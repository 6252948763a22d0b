/**
 * The T.30 transmitter end to end against a scripted far end (farEnd.ts), phases B-D: the pages the far
 * end decodes with src/t4's decoder must equal the pages sent; training and its fallback ladder, and
 * every post-page reply, with exact error codes, events and state trace. Dialling, timers, line loss,
 * formats and cancellation are in callControl.test.ts. Time is a ManualClock.
 */
import test from "ava";
import { buildDis, dcsRate, describeDis, encodeId } from "../../../src/t30/dis.js";
import { Fcf } from "../../../src/t30/fcf.js";
import { frame, standardDis } from "./farEnd.js";
import { call, testPage, types } from "./helpers.js";

test("clean 3-page call: pixels equal, V.17 14400 fine MR, events and states in order", async (t) => {
	const pages = [testPage(1), testPage(2), testPage(3)];
	const { result, events, far, states } = await call({}, { pages });
	t.true(result.ok, result.error?.message);
	t.is(result.pagesConfirmed, 3);
	t.is(result.pagesSent, 3);
	t.deepEqual(result.unconfirmedPages, []);
	t.is(result.csid, "+1 555 0100");
	t.like(result.params, { bitRate: 14400, modulation: "V.17", resolution: "fine", width: 1728, coding: "mr", ecm: false, minScanLineMs: 0 });
	t.is(far.log.pages.length, 3);
	far.log.pages.forEach((p, i) => {
		t.is(p.badLines, 0);
		t.is(p.mod, 146, "short train for pages");
		t.deepEqual(p.bitmap.data, pages[i]!.bitmap.data, `page ${i + 1} pixels`);
		t.is(p.bitmap.height, pages[i]!.bitmap.height);
	});
	t.deepEqual(far.log.tcf, [{ mod: 145, bytes: 2700, allZero: true }], "1.5 s of zeros at 14400, long train");
	t.deepEqual(far.log.ppms, ["MPS", "MPS", "EOP"]);
	t.is(describeDis(far.log.dcs[0]!, "DCS"), "V.17 14400, fine, 2-D, unlimited, scan 0 ms");
	// TSI non-final then DCS final, with X bit
	t.is(far.log.sent[0]!.fcf, Fcf.TSI | 1);
	t.false(far.log.sent[0]!.final);
	t.deepEqual(far.log.sent[0]!.fif, encodeId("+1 555 0199"));
	t.is(far.log.sent[1]!.fcf, Fcf.DCS | 1);
	t.is(far.log.sent[far.log.sent.length - 1]!.fcf, Fcf.DCN | 1);
	t.is(far.log.hangups, 1);
	t.deepEqual(types(events), [
		"dialing", "connected", "remoteId", "negotiated", "training:CFR@14400",
		"pageStart:1", "pageEnd:1:MCF:ok", "pageStart:2", "pageEnd:2:MCF:ok", "pageStart:3", "pageEnd:3:MCF:ok", "hangup",
	]);
	t.deepEqual(states, ["A:dial", "B:T", "B:D", "B:D_TCF", "B:D_POST_TCF", "C:I", "D:MPS", "D:II_Q", "C:I", "D:MPS", "D:II_Q", "C:I", "D:EOP", "D:II_Q", "E:DCN", "E:hangup"]);
	// issue 13: pageProgress between each pageStart and its pageEnd, growing, the last one exact (= pageEnd.bytes)
	for (const n of [1, 2, 3]) {
		const start = events.findIndex((e) => e.type === "pageStart" && e.page === n);
		const end = events.findIndex((e) => e.type === "pageEnd" && e.page === n);
		const prog = events.slice(start, end).flatMap((e) => (e.type === "pageProgress" ? [e] : []));
		t.true(prog.length >= 1, `page ${n}: progress events`);
		t.true(events.every((e, i) => e.type !== "pageProgress" || e.page !== n || (i > start && i < end)), `page ${n}: only during the page`);
		t.true(prog.every((e, i) => e.pages === 3 && e.bitRate === 14400 && e.bytesTotal >= e.bytesSent && (i === 0 || e.bytesSent > prog[i - 1]!.bytesSent)));
		const pageEnd = events[end]!;
		t.is(prog.at(-1)!.bytesSent, pageEnd.type === "pageEnd" ? pageEnd.bytes : -1, `page ${n}: the last report is the page's size`);
		t.is(prog.at(-1)!.bytesTotal, prog.at(-1)!.bytesSent);
	}
	// turnarounds: FRS before DCS, FTS before TCF, FRS before each page, FTS 75 before MPS, FTS 90 before EOP
	const ev = far.log.events.filter((e) => /^(FTS|FRS|tx|data)/.test(e));
	t.deepEqual(ev.slice(0, 5), ["FRS 75", "tx TSI", "tx DCS", "FTS 75", "data 145 2700"]);
	t.true(far.log.events.includes("FTS 90"));
	t.is(far.log.events[far.log.events.indexOf("tx EOP") - 1], "FTS 90");
	t.is(far.log.events[far.log.events.indexOf("tx MPS") - 1], "FTS 75");
});

test("a link with profile turnarounds gets them at every switch point", async (t) => {
	const { result, far } = await call({ turnaround: true }, { pages: [testPage(1), testPage(2)] });
	t.true(result.ok);
	const seq = far.log.events.filter((e) => /^(turn|tx|data)/.test(e));
	t.deepEqual(seq, [
		"turn switching", "tx TSI", "tx DCS", "turn tcf", "data 145 2700", "turn response",
		"turn switching", seq[7]!, "turn ppm", "tx MPS",
		"turn switching", seq[11]!, "turn eop", "tx EOP",
		"turn switching", "tx DCN",
	]);
	t.regex(seq[7]!, /^data 146 \d+$/);
	t.false(far.log.events.some((e) => /^(FTS|FRS)/.test(e)));
});

test("hdlc trace decodes frames both ways", async (t) => {
	const { trace } = await call();
	const hd = trace.channel("hdlc").map((r) => r.msg);
	t.true(hd.includes('<- CSI "+1 555 0100" (more)'));
	t.true(hd.some((m) => m.startsWith("<- DIS V.17+V.29+V.27ter, fine, 1-D+2-D")));
	t.true(hd.includes("-> DCS V.17 14400, fine, 2-D, unlimited, scan 0 ms"));
	t.true(hd.includes("<- CFR"));
	t.true(trace.channel("timer").some((r) => r.msg === "T4 start 3000 ms"));
});

test("FTT ladder: 14400 -> 12000 -> V.29 9600 (skips V.17 9600), then CFR", async (t) => {
	const { result, events, far } = await call({ onTraining: (_n, rate, ok) => [frame(ok && rate!.bitRate <= 9600 ? "CFR" : "FTT")] });
	t.true(result.ok);
	t.deepEqual(far.log.tcf.map((x) => x.mod), [145, 121, 96]);
	t.deepEqual(far.log.dcs.map((d) => `${dcsRate(d.modemCode)!.modulation} ${dcsRate(d.modemCode)!.bitRate}`), ["V.17 14400", "V.17 12000", "V.29 9600"]);
	t.deepEqual(types(events).filter((e) => e.startsWith("training")), ["training:FTT@14400", "training:FTT@12000", "training:CFR@9600"]);
	t.like(result.params, { bitRate: 9600, modulation: "V.29" });
	t.true(far.log.pages.every((p) => p.mod === 96));
});

test("FTT at every rate: TRAINING_FAILED after V.27ter 2400, never back to V.17", async (t) => {
	const { result, far } = await call({ onTraining: () => [frame("FTT")] });
	t.is(result.error?.code, "TRAINING_FAILED");
	t.deepEqual(far.log.tcf.map((x) => x.mod), [145, 121, 96, 72, 48, 24]);
	t.is(far.log.pages.length, 0);
	t.true(far.log.events.includes("tx DCN"));
	t.is(far.log.hangups, 1);
});

test("FTT below minRate: TRAINING_FAILED at 9600", async (t) => {
	const { result, far } = await call({ onTraining: () => [frame("FTT")] }, { opts: { minRate: 9600 } });
	t.is(result.error?.code, "TRAINING_FAILED");
	t.deepEqual(far.log.tcf.map((x) => x.mod), [145, 121, 96]);
});

test("maxRate and the modem's own rate list limit the ladder", async (t) => {
	const a = await call({}, { opts: { maxRate: 9600 } });
	t.deepEqual(a.far.log.tcf.map((x) => x.mod), [96]);
	const b = await call({ transmitRates: [24, 48, 72, 96] });
	t.deepEqual(b.far.log.tcf.map((x) => x.mod), [96]);
	t.like(b.result.params, { modulation: "V.29", bitRate: 9600 });
});

test("DIS after DCS renegotiates: a DIS without V.17 moves to V.29", async (t) => {
	const { result, far, events } = await call({
		onTraining: (n) => (n === 1 ? [frame("CSI", encodeId("+1 555 0100"), false), frame("DIS", (() => { const d = standardDis({ modemCode: 0xc }); return buildDis(d); })())] : [frame("CFR")]),
	});
	t.true(result.ok, result.error?.message);
	t.deepEqual(far.log.tcf.map((x) => x.mod), [145, 96]);
	t.deepEqual(types(events).filter((e) => e.startsWith("training") || e === "negotiated"), ["negotiated", "training:none@14400", "negotiated", "training:CFR@9600"]);
});

test("DIS after DCS three times: DIS_AFTER_DCS_LIMIT", async (t) => {
	const { result, far } = await call({ onTraining: (_n, _r, _ok, f) => [frame("DIS", buildDis(f.dis))] });
	t.is(result.error?.code, "DIS_AFTER_DCS_LIMIT");
	t.is(far.log.dcs.length, 3);
});

test("no reply to DCS once: DCS+TCF resent, call succeeds", async (t) => {
	const { result, far, clock } = await call({ onTraining: (n) => (n === 1 ? [] : [frame("CFR")]) });
	t.true(result.ok);
	t.is(far.log.dcs.length, 2);
	t.deepEqual(far.log.tcf.map((x) => x.mod), [145, 145]);
	t.true(clock.now() >= 3000);
});

test("no reply to DCS three times: NO_RESPONSE_DCS", async (t) => {
	const { result, far } = await call({ onTraining: () => [] });
	t.is(result.error?.code, "NO_RESPONSE_DCS");
	t.is(far.log.dcs.length, 3);
	t.true(far.log.events.includes("tx DCN"));
});

test("RTN with the default policy (retransmit-ignore): 2 resends at lower rates, then on; the page is reported unconfirmed and the call is not ok", async (t) => {
	const { result, far, events } = await call({ onPpm: (_ppm, page) => [frame(page === 2 ? "RTN" : "MCF")] });
	t.false(result.ok);
	t.is(result.error?.code, "PAGE_REJECTED");
	t.deepEqual(result.error?.context, { unconfirmedPages: [2] });
	t.deepEqual(result.unconfirmedPages, [2]);
	t.is(result.pagesConfirmed, 2);
	t.is(result.pagesSent, 3);
	t.deepEqual(far.log.ppms, ["MPS", "MPS", "MPS", "MPS", "EOP"]);
	t.deepEqual(far.log.tcf.map((x) => x.mod), [145, 121, 96, 96], "drop a rate per resend, retrain after the final RTN");
	t.deepEqual(types(events).filter((e) => e.startsWith("pageEnd")), ["pageEnd:1:MCF:ok", "pageEnd:2:RTN:not", "pageEnd:2:RTN:not", "pageEnd:2:RTN:not", "pageEnd:3:MCF:ok"]);
	t.is(types(events).filter((e) => e === "retrain").length, 3);
});

test("RTN policy retransmit: 3 resends then PAGE_REJECTED", async (t) => {
	const { result, far } = await call({ onPpm: (_p, page) => [frame(page === 1 ? "RTN" : "MCF")] }, { opts: { rtnPolicy: "retransmit" } });
	t.is(result.error?.code, "PAGE_REJECTED");
	t.deepEqual(far.log.ppms, ["MPS", "MPS", "MPS", "MPS"]);
	t.deepEqual(result.unconfirmedPages, [1]);
	t.is(result.pagesConfirmed, 0);
});

test("RTN policy retransmit: RTN once then MCF confirms the page", async (t) => {
	const { result, far } = await call({ onPpm: (_p, page, n) => [frame(page === 1 && n === 1 ? "RTN" : "MCF")] }, { opts: { rtnPolicy: "retransmit" } });
	t.true(result.ok);
	t.is(result.pagesConfirmed, 3);
	t.deepEqual(result.unconfirmedPages, []);
	t.is(far.log.pages.length, 4);
	t.deepEqual(far.log.pages[1]!.bitmap.data, far.log.pages[0]!.bitmap.data, "same page sent again");
});

test("RTN policy giveup: PAGE_REJECTED at once, DCN sent", async (t) => {
	const { result, far } = await call({ onPpm: () => [frame("RTN")] }, { opts: { rtnPolicy: "giveup" } });
	t.is(result.error?.code, "PAGE_REJECTED");
	t.deepEqual(far.log.ppms, ["MPS"]);
	t.true(far.log.events.includes("tx DCN"));
});

test("RTN policy ignore: moves on, every RTN page listed as unconfirmed, retrains", async (t) => {
	const { result, far } = await call({ onPpm: () => [frame("RTN")] }, { opts: { rtnPolicy: "ignore" } });
	t.false(result.ok);
	t.is(result.error?.code, "PAGE_REJECTED");
	t.deepEqual(result.unconfirmedPages, [1, 2, 3]);
	t.is(result.pagesConfirmed, 0);
	t.deepEqual(far.log.ppms, ["MPS", "MPS", "EOP"]);
	t.is(far.log.dcs.length, 3, "retrain after each RTN before the next page");
});

test("RTP: page confirmed, retrain at the same rate before the next page", async (t) => {
	const { result, far, events } = await call({ onPpm: (_p, page) => [frame(page === 1 ? "RTP" : "MCF")] });
	t.true(result.ok);
	t.is(result.pagesConfirmed, 3);
	t.deepEqual(far.log.tcf.map((x) => x.mod), [145, 145]);
	t.true(types(events).includes("pageEnd:1:RTP:ok"));
});

test("PIN: PAGE_REJECTED", async (t) => {
	const { result, events } = await call({ onPpm: () => [frame("PIN")] });
	t.is(result.error?.code, "PAGE_REJECTED");
	t.true(types(events).includes("pageEnd:1:PIN:not"));
	t.deepEqual(result.unconfirmedPages, [1]);
});

test("PIP: confirmed; with pages left the call ends PAGE_REJECTED, after EOP it is a success", async (t) => {
	const a = await call({ onPpm: () => [frame("PIP")] });
	t.is(a.result.error?.code, "PAGE_REJECTED");
	t.is(a.result.pagesConfirmed, 1);
	t.deepEqual(a.result.unconfirmedPages, []);
	const b = await call({ onPpm: (ppm) => [frame(ppm === "EOP" ? "PIP" : "MCF")] });
	t.true(b.result.ok);
	t.is(b.result.pagesConfirmed, 3);
});

test("CRP once: the PPM is repeated; CRP every time: CRP_LIMIT after 3 sends", async (t) => {
	const a = await call({ onPpm: (_p, page, n) => [frame(page === 1 && n === 1 ? "CRP" : "MCF")] });
	t.true(a.result.ok);
	t.deepEqual(a.far.log.ppms, ["MPS", "MPS", "MPS", "EOP"]);
	const b = await call({ onPpm: () => [frame("CRP")] });
	t.is(b.result.error?.code, "CRP_LIMIT");
	t.deepEqual(b.far.log.ppms, ["MPS", "MPS", "MPS"]);
});

test("no reply to MPS once: repeated after T4; three times: NO_RESPONSE_POST_PAGE", async (t) => {
	const a = await call({ onPpm: (_p, page, n) => (page === 2 && n === 1 ? [] : [frame("MCF")]) });
	t.true(a.result.ok);
	t.deepEqual(a.far.log.ppms, ["MPS", "MPS", "MPS", "EOP"]);
	const b = await call({ onPpm: (ppm) => (ppm === "EOP" ? [] : [frame("MCF")]) });
	t.is(b.result.error?.code, "NO_RESPONSE_POST_PAGE");
	t.deepEqual(b.far.log.ppms, ["MPS", "MPS", "EOP", "EOP", "EOP"]);
	t.deepEqual(b.result.unconfirmedPages, [3]);
	t.is(b.result.pagesConfirmed, 2);
	// a repeat after silence waits for line silence (+FRS), not +FTS
	const i = b.far.log.events.lastIndexOf("tx EOP");
	t.is(b.far.log.events[i - 1], "FRS 75");
});

test("bad FCS on the PPM reply counts as no reply", async (t) => {
	const { result, far } = await call({ onPpm: (_p, page, n) => (page === 1 && n === 1 ? [{ fcf: Fcf.MCF, badFcs: true }] : [frame("MCF")]) });
	t.true(result.ok);
	t.deepEqual(far.log.ppms, ["MPS", "MPS", "MPS", "EOP"]);
});

test("echo of our own PPM: listen again without resending", async (t) => {
	const { result, far } = await call({ onPpm: (ppm) => [{ fcf: Fcf[ppm as "MPS"] | 1 }, frame("MCF")] });
	t.true(result.ok);
	t.deepEqual(far.log.ppms, ["MPS", "MPS", "EOP"]);
});
