/**
 * The T.30 transmitter end to end against a scripted far end (farEnd.ts), the call around phases B-D:
 * DCN and line loss in any phase, T1/T2, DIS checks, page formats (MH/MR, resolution, scan-line time,
 * EOM), dialling (sanitising, block list, dial outcomes) and cancellation in every phase (outgoing-job.md
 * §9.4), with exact error codes, events and state trace. Time is a ManualClock, so T1 (35 s) takes
 * microseconds.
 */
import test from "ava";
import { FaxError } from "../../../src/core/FaxError.js";
import { buildDis, encodeId } from "../../../src/t30/dis.js";
import { Fcf } from "../../../src/t30/fcf.js";
import { frame, standardDis } from "./farEnd.js";
import { call, testPage, types } from "./helpers.js";

test("DCN instead of DIS, in reply to DCS, in reply to MPS: REMOTE_DCN, no DCN of ours, hang-up", async (t) => {
	for (const script of [
		{ greeting: [frame("DCN")] },
		{ onTraining: () => [frame("DCN")] },
		{ onPpm: () => [frame("DCN")] },
	]) {
		const { result, far, events } = await call(script);
		t.is(result.error?.code, "REMOTE_DCN");
		t.is(result.error?.disposition, "retry");
		t.false(far.log.events.includes("tx DCN"));
		t.is(far.log.hangups, 1);
		t.is(events[events.length - 1]!.type, "hangup");
	}
});

test("NO CARRIER waiting for the post-page reply: CARRIER_LOST, no DCN", async (t) => {
	const { result, far, states } = await call({ onPpm: () => ["noCarrier"] });
	t.is(result.error?.code, "CARRIER_LOST");
	t.false(far.log.events.includes("tx DCN"));
	t.is(far.log.hangups, 1);
	t.false(states.includes("E:DCN"));
	t.is(states[states.length - 1], "E:hangup");
});

test("line lost during page data (NO CARRIER after DLE ETX): CARRIER_LOST, no DCN, hang-up", async (t) => {
	const { result, far, states } = await call({ failData: (n) => (n === 3 ? new FaxError("CARRIER_LOST", "NO CARRIER after page data") : undefined) });
	t.is(result.error?.code, "CARRIER_LOST");
	t.is(result.pagesConfirmed, 1);
	t.false(far.log.events.includes("tx DCN"));
	t.is(far.log.hangups, 1);
	t.deepEqual(states.slice(-2), ["C:I", "E:hangup"]);
});

test("no DIS after EOM within T2: DCS sent anyway with the earlier DIS", async (t) => {
	const pages = [testPage(1, { yRes: 196 }), testPage(2, { yRes: 98 })];
	const { result, far, clock } = await call({ afterEom: [] }, { pages });
	t.true(result.ok, result.error?.message);
	t.deepEqual(far.log.ppms, ["EOM", "EOP"]);
	t.is(far.log.dcs.length, 2);
	t.true(clock.now() > 6000);
	far.log.pages.forEach((p, i) => t.deepEqual(p.bitmap.data, pages[i]!.bitmap.data));
});

test("T1 expiry: no DIS within 35 s -> T1_TIMEOUT", async (t) => {
	const { result, clock, far } = await call({ greeting: [] });
	t.is(result.error?.code, "T1_TIMEOUT");
	t.true(clock.now() >= 35_000 && clock.now() < 36_000, `t=${clock.now()}`);
	t.is(far.log.hangups, 1);
});

test("T1 override from options", async (t) => {
	const { result, clock } = await call({ greeting: [] }, { opts: { timers: { T1: 5000 } } });
	t.is(result.error?.code, "T1_TIMEOUT");
	t.true(clock.now() >= 5000 && clock.now() < 6000);
});

test("a DIS with bad FCS is ignored; NSF/CSI/+FCERROR before the DIS are fine", async (t) => {
	const { result, far } = await call({
		greeting: [frame("NSF", Uint8Array.of(0x00, 0x50, 0x00), false), { fcf: Fcf.DIS, fif: buildDis(standardDis()), badFcs: true }, "fcError", frame("CSI", encodeId("42"), false), frame("DIS", buildDis(standardDis()))],
	});
	t.true(result.ok, result.error?.message);
	t.is(result.csid, "42");
	t.is(far.log.pages.length, 3);
});

test("DIS without the T.4 receiver bit: REMOTE_CANNOT_RECEIVE (no retry); DTC: PROTOCOL_ERROR", async (t) => {
	const a = await call({ dis: standardDis({ t4Receiver: false }) });
	t.is(a.result.error?.code, "REMOTE_CANNOT_RECEIVE");
	t.is(a.result.error?.disposition, "fail");
	const b = await call({ greeting: [{ fcf: Fcf.DTC, fif: buildDis(standardDis()) }] });
	t.is(b.result.error?.code, "PROTOCOL_ERROR");
});

test("far end without 2-D and fine: MH at standard resolution, page rows halved by normalisation", async (t) => {
	const pages = [testPage(5, { height: 40 })];
	const { result, far } = await call({ dis: standardDis({ twoD: false, fine: false }) }, { pages });
	t.true(result.ok);
	t.like(result.params, { coding: "mh", resolution: "standard" });
	t.is(far.log.pages[0]!.bitmap.height, 20);
	t.false(far.log.dcs[0]!.twoD);
	t.false(far.log.dcs[0]!.fine);
});

test("allowMr false forces MH", async (t) => {
	const { result, far } = await call({}, { opts: { allowMr: false } });
	t.true(result.ok);
	t.false(far.log.dcs[0]!.twoD);
	t.like(result.params, { coding: "mh" });
});

test("min scan-line time: DIS 20 ms std / 10 ms fine -> DCS 10 ms and rows padded to 144 bits at 14400", async (t) => {
	const blank = testPage(0, { height: 30 });
	blank.bitmap.data.fill(0);
	const { result, far } = await call({ dis: standardDis({ minScanCode: 6 }) }, { pages: [blank] });
	t.true(result.ok);
	t.is(result.params?.minScanLineMs, 10);
	t.is(far.log.dcs[0]!.minScanCode, 2);
	// 30 rows of ≥144 bits plus leading EOL, RTC and 20 zero octets
	t.true(far.log.pages[0]!.bytes >= (30 * 144) / 8 + 20, `bytes ${far.log.pages[0]!.bytes}`);
	t.deepEqual(far.log.pages[0]!.bitmap.data, blank.bitmap.data);
});

test("format change between pages: EOM, DIS again, new DCS at standard", async (t) => {
	const pages = [testPage(1, { yRes: 196 }), testPage(2, { yRes: 98 }), testPage(3, { yRes: 98 })];
	const { result, far, states } = await call({}, { pages });
	t.true(result.ok, result.error?.message);
	t.deepEqual(far.log.ppms, ["EOM", "MPS", "EOP"]);
	t.is(far.log.dcs.length, 2);
	t.true(far.log.dcs[0]!.fine);
	t.false(far.log.dcs[1]!.fine);
	far.log.pages.forEach((p, i) => t.deepEqual(p.bitmap.data, pages[i]!.bitmap.data));
	t.is(states.filter((s) => s === "B:T").length, 2);
});

test("bad dial strings never reach the modem", async (t) => {
	for (const n of ["5551234;ATZ", "555\r1234", "555\nATH", "", "---", "555+1234&", "ATD555", "５５５"]) {
		const { result, far } = await call({}, { number: n });
		t.is(result.error?.code, "BAD_DIAL_STRING", JSON.stringify(n));
		t.is(result.error?.disposition, "fail");
		t.deepEqual(far.log.dialed, []);
		t.is(far.log.hangups, 0);
	}
	const ok = await call({}, { number: "+1 (555) 010-0199,,22#" });
	t.deepEqual(ok.far.log.dialed, ["+15550100199,,22#"]);
});

test("block list: BLACKLISTED before dialling", async (t) => {
	for (const n of ["911", "9,911", "1-1-2"]) {
		const { result, far } = await call({}, { number: n, opts: { blockList: ["911", "112"] } });
		t.is(result.error?.code, "BLACKLISTED", n);
		t.is(result.error?.disposition, "fail");
		t.deepEqual(far.log.dialed, []);
	}
});

test("dial outcomes map to FaxError codes (outgoing-job §9.2)", async (t) => {
	const cases = [
		[{ kind: "busy" }, "DIAL_BUSY", "retry"],
		[{ kind: "noAnswer" }, "DIAL_NO_ANSWER", "retry"],
		[{ kind: "noDialtone" }, "DIAL_NO_DIALTONE", "retry"],
		[{ kind: "noCarrier" }, "DIAL_NO_CARRIER", "retry"],
		[{ kind: "blacklisted", line: "BLACKLISTED" }, "BLACKLISTED", "fail"],
		[{ kind: "delayed", seconds: 120, line: "DELAYED 00:02:00" }, "DIAL_DELAYED", "retry"],
		[{ kind: "error", line: "ERROR" }, "DIAL_ERROR", "retry"],
	] as const;
	for (const [dial, code, disp] of cases) {
		const { result, far, events } = await call({ dial });
		t.is(result.error?.code, code);
		t.is(result.error?.disposition, disp);
		t.false(far.log.events.includes("tx DCN"));
		t.is(far.log.hangups, 1);
		t.deepEqual(types(events), ["dialing", "hangup"]);
	}
	const d = await call({ dial: { kind: "delayed", seconds: 120, line: "DELAYED 00:02:00" } });
	t.is(d.result.error?.context?.seconds, 120);
});

// ---- cancel in every phase ----

test("cancel while dialling: CALL_ABORTED, hang-up, no DCN", async (t) => {
	const ac = new AbortController();
	const { result, far } = await call(
		{
			dial: (signal) =>
				new Promise((_res, rej) => {
					signal?.addEventListener("abort", () => rej(new FaxError("CALL_ABORTED", "dial aborted")));
					setImmediate(() => ac.abort());
				}),
		},
		{ signal: ac.signal },
	);
	t.is(result.error?.code, "CALL_ABORTED");
	t.is(result.error?.disposition, "fail");
	t.false(far.log.events.includes("tx DCN"));
	t.is(far.log.hangups, 1);
});

test("cancel in phase B (waiting for DIS): CALL_ABORTED, DCN, hang-up", async (t) => {
	const ac = new AbortController();
	const { result, far, states } = await call({ greeting: [], dial: async () => (void Promise.resolve().then(() => ac.abort()), { kind: "connect" }) }, { signal: ac.signal });
	t.is(states[states.length - 3], "B:T");
	t.is(result.error?.code, "CALL_ABORTED");
	t.true(far.log.events.includes("tx DCN"));
	t.is(far.log.hangups, 1);
});

test("cancel in phase C (page data): data block closed, DCN, hang-up", async (t) => {
	const ac = new AbortController();
	let n = 0;
	const { result, far, states } = await call({ onDataStart: () => ++n === 2 && ac.abort() }, { signal: ac.signal });
	t.is(result.error?.code, "CALL_ABORTED");
	t.is(far.log.pages.length, 0);
	t.true(states.includes("C:I"));
	t.is(far.log.events.slice(-2).join(","), "tx DCN,hangup");
});

test("cancel in phase D (waiting for MCF): DCN, hang-up", async (t) => {
	const ac = new AbortController();
	const { result, far } = await call({ onPpm: () => (ac.abort(), []) }, { signal: ac.signal });
	t.is(result.error?.code, "CALL_ABORTED");
	t.deepEqual(far.log.ppms, ["MPS"]);
	t.is(far.log.events.slice(-2).join(","), "tx DCN,hangup");
});

test("cancel after the MCF to EOP is in: the call is a success, DCN and hang-up still done", async (t) => {
	const ac = new AbortController();
	const { result, far, states } = await call({}, { signal: ac.signal, onEvent: (e) => e.type === "pageEnd" && e.page === 3 && ac.abort() });
	t.true(ac.signal.aborted);
	t.true(result.ok, result.error?.message);
	t.is(result.pagesConfirmed, 3);
	t.deepEqual(states.slice(-2), ["E:DCN", "E:hangup"]);
	t.is(far.log.events.slice(-2).join(","), "tx DCN,hangup");
});

test("cancel in phase D before the reply to EOP: CALL_ABORTED even with every earlier page confirmed", async (t) => {
	const ac = new AbortController();
	const { result } = await call({ onPpm: (ppm) => (ppm === "EOP" ? (ac.abort(), []) : [frame("MCF")]) }, { signal: ac.signal });
	t.is(result.error?.code, "CALL_ABORTED");
	t.is(result.pagesConfirmed, 2);
	t.deepEqual(result.unconfirmedPages, [3]);
});
