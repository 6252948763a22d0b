/**
 * End to end under every simulator fault: our driver (openClass1Modem) and engine (Class1Session)
 * over a pty to the simulator. Each test asserts the SendResult (ok, confirmed pages, FaxError code),
 * what the far end really received (pixels of the pages it kept) and, from the simulator's records,
 * what happened on the line (TCF rates, retrains, repeated post-page messages).
 */
import test from "ava";
import type { Bitmap } from "../../src/core/bitmap.js";
import type { Fault } from "../../hw-mocks/faults.js";
import { deepMerge, genericClass1 } from "../../drivers/index.js";
import { documentOf, pages, send, sendRig } from "./send-harness.js";

let doc2: Bitmap[] | undefined;
const two = async () => (doc2 ??= await pages(["text", "form"], 160));

const kept = (call: { pages: { accepted: boolean; bitmap?: Bitmap }[] }) => call.pages.filter((p) => p.accepted).map((p) => p.bitmap?.data);

for (const [kind, code] of [
	["busy", "DIAL_BUSY"],
	["noAnswer", "DIAL_NO_ANSWER"],
	["noDialtone", "DIAL_NO_DIALTONE"],
	["noCarrier", "DIAL_NO_CARRIER"],
] as const) {
	test.serial(`dial ${kind}: ${code}, nothing sent`, async (t) => {
		const rig = await sendRig(t, { faults: [{ kind }] });
		const { result, call } = await send(rig, await two());
		t.false(result.ok);
		t.is(result.error?.code, code);
		t.is(result.error?.disposition, "retry");
		t.is(call.outcome, kind);
		t.is(call.pages.length, 0);
	});
}

test.serial("fttAbove 9600: falls back 14400 -> 12000 -> V.29 9600 and delivers", async (t) => {
	const rig = await sendRig(t, { faults: [{ kind: "fttAbove", bitRate: 9600 }] });
	const doc = await two();
	const { result, call } = await send(rig, doc);
	t.true(result.ok, result.error?.message);
	t.is(result.params?.bitRate, 9600);
	t.is(result.params?.modulation, "V.29");
	t.deepEqual(call.tcf.map((x) => [x.code, x.verdict]), [[145, "FTT"], [121, "FTT"], [96, "CFR"]]);
	t.true(call.tcf.every((x) => x.durationMs >= 1350 && x.durationMs <= 1650), "every TCF lasts 1.5 s at its own rate");
	t.deepEqual(call.pages.map((p) => p.code), [96, 96]);
	t.deepEqual(kept(call), doc.map((b) => b.data));
});

test.serial("FTT at every rate: TRAINING_FAILED after trying the ladder down to 2400", async (t) => {
	const rig = await sendRig(t, { faults: [{ kind: "fttAbove", bitRate: 0 }] });
	const { result, call } = await send(rig, await two());
	t.false(result.ok);
	t.is(result.error?.code, "TRAINING_FAILED");
	t.is(call.tcf.at(-1)!.code, 24, "the last TCF was at V.27ter 2400");
	t.true(call.tcf.every((x) => x.verdict === "FTT"));
	t.is(call.pages.length, 0);
});

test.serial("DIS after DCS once: renegotiates and delivers", async (t) => {
	const rig = await sendRig(t, { faults: [{ kind: "disAfterDcs", times: 1 }] });
	const doc = await two();
	const { result, call } = await send(rig, doc);
	t.true(result.ok, result.error?.message);
	t.deepEqual(call.tcf.map((x) => x.verdict), ["DIS", "CFR"]);
	t.is(call.dcs.length, 2);
	t.deepEqual(kept(call), doc.map((b) => b.data));
});

test.serial("DIS after DCS three times: DIS_AFTER_DCS_LIMIT", async (t) => {
	const rig = await sendRig(t, { faults: [{ kind: "disAfterDcs", times: 3 }] });
	const { result, call } = await send(rig, await two());
	t.false(result.ok);
	t.is(result.error?.code, "DIS_AFTER_DCS_LIMIT");
	t.deepEqual(call.tcf.map((x) => x.verdict), ["DIS", "DIS", "DIS"]);
});

test.serial("RTN on page 2 once: retrain, page 2 resent and confirmed", async (t) => {
	const rig = await sendRig(t, { faults: [{ kind: "postPage", page: 2, response: "RTN", times: 1 }] });
	const doc = await two();
	const { result, call, events } = await send(rig, doc);
	t.true(result.ok, result.error?.message);
	t.is(result.pagesConfirmed, 2);
	t.deepEqual(call.pages.map((p) => [p.page, p.attempt, p.response]), [[1, 1, "MCF"], [2, 1, "RTN"], [2, 2, "MCF"]]);
	t.is(call.tcf.length, 2, "a new TCF before the resend");
	t.false(call.pages.some((p) => p.noRetrain));
	t.deepEqual(kept(call), doc.map((b) => b.data));
	t.true(events.some((e) => e.type === "retrain"));
});

test.serial("RTN on page 1 every time: the page is reported unconfirmed, never hidden", async (t) => {
	const rig = await sendRig(t, { faults: [{ kind: "postPage", page: 1, response: "RTN", times: 10 }] });
	const doc = await two();
	const { result, call } = await send(rig, doc);
	t.deepEqual(result.unconfirmedPages, [1]);
	t.is(result.pagesConfirmed, 1, "page 2 was confirmed");
	t.is(result.pagesSent, 2);
	const p1 = call.pages.filter((p) => p.page === 1);
	t.true(p1.length >= 2, "page 1 was retransmitted (retransmit-ignore policy)");
	t.true(p1.every((p) => p.response === "RTN"));
	t.false(result.ok, "a page the far end never confirmed is not success");
	t.is(result.error?.code, "PAGE_REJECTED");
	t.deepEqual(kept(call), [doc[1]!.data], "the far end kept page 2 only");
});

test.serial("RTP on page 1: confirmed, retrain before page 2", async (t) => {
	const rig = await sendRig(t, { faults: [{ kind: "postPage", page: 1, response: "RTP" }] });
	const doc = await two();
	const { result, call } = await send(rig, doc);
	t.true(result.ok, result.error?.message);
	t.is(result.pagesConfirmed, 2);
	t.is(call.tcf.length, 2);
	t.false(call.pages.some((p) => p.noRetrain));
	t.deepEqual(kept(call), doc.map((b) => b.data));
});

test.serial("PIN on page 1: PAGE_REJECTED (procedure interrupt, page not confirmed)", async (t) => {
	const rig = await sendRig(t, { faults: [{ kind: "postPage", page: 1, response: "PIN" }] });
	const { result } = await send(rig, await two());
	t.false(result.ok);
	t.is(result.error?.code, "PAGE_REJECTED");
	t.true(result.unconfirmedPages.includes(1));
});

test.serial("PIP on page 1 with more pages: page 1 confirmed, call ends with PAGE_REJECTED", async (t) => {
	const rig = await sendRig(t, { faults: [{ kind: "postPage", page: 1, response: "PIP" }] });
	const { result, call } = await send(rig, await two());
	t.false(result.ok);
	t.is(result.error?.code, "PAGE_REJECTED");
	t.is(result.pagesConfirmed, 1);
	t.true(call.pages[0]!.accepted);
});

test.serial("CRP to MPS once: the PPM is repeated and the call completes", async (t) => {
	const rig = await sendRig(t, { faults: [{ kind: "postPage", page: 1, response: "CRP" }] });
	const doc = await two();
	const { result, call } = await send(rig, doc);
	t.true(result.ok, result.error?.message);
	t.deepEqual(call.ppms.map((p) => [p.name, p.response]), [["MPS", "CRP"], ["MPS", "MCF"], ["EOP", "MCF"]]);
	t.deepEqual(kept(call), doc.map((b) => b.data));
});

test.serial("no reply to MPS once: repeated after T4, call completes", async (t) => {
	const rig = await sendRig(t, { faults: [{ kind: "noReply", to: "MPS", times: 1 }] }, { timers: { T4: 800 } });
	const doc = await two();
	const { result, call } = await send(rig, doc);
	t.true(result.ok, result.error?.message);
	t.deepEqual(call.ppms.map((p) => [p.name, p.response]), [["MPS", ""], ["MPS", "MCF"], ["EOP", "MCF"]]);
	t.deepEqual(kept(call), doc.map((b) => b.data));
});

test.serial("no reply to EOP three times: NO_RESPONSE_POST_PAGE", async (t) => {
	const rig = await sendRig(t, { faults: [{ kind: "noReply", to: "EOP", times: 3 }] }, { timers: { T4: 800 } });
	const { result, call } = await send(rig, await two());
	t.false(result.ok);
	t.is(result.error?.code, "NO_RESPONSE_POST_PAGE");
	t.deepEqual(call.ppms.filter((p) => p.name === "EOP").map((p) => p.response), ["", "", ""]);
	t.is(result.pagesConfirmed, 1);
});

for (const frame of ["DIS", "CFR", "MCF"] as const) {
	test.serial(`bad FCS on ${frame} (ERROR): the sender recovers and delivers`, async (t) => {
		const rig = await sendRig(t, { faults: [{ kind: "badFcs", frame }] }, { timers: { T4: 800 } });
		const doc = await two();
		const { result, call } = await send(rig, doc);
		t.true(result.ok, result.error?.message);
		t.true(call.frames.some((f) => f.name === frame && f.badFcs));
		t.deepEqual(kept(call), doc.map((b) => b.data));
	});
}

test.serial("+FCERROR before CFR: the receive is re-issued and the call completes", async (t) => {
	const rig = await sendRig(t, { faults: [{ kind: "fcError", before: "CFR" }] });
	const doc = await two();
	const { result, call } = await send(rig, doc);
	t.true(result.ok, result.error?.message);
	t.deepEqual(kept(call), doc.map((b) => b.data));
});

for (const [after, pagesConfirmed] of [
	["tcf", 0],
	["mps", 0],
	["eop", 1],
] as const) {
	test.serial(`DCN instead of the answer to ${after.toUpperCase()}: REMOTE_DCN, ${pagesConfirmed} page(s) confirmed`, async (t) => {
		const rig = await sendRig(t, { faults: [{ kind: "dcn", after }] });
		const { result, call } = await send(rig, await two());
		t.false(result.ok);
		t.is(result.error?.code, "REMOTE_DCN");
		t.is(result.pagesConfirmed, pagesConfirmed);
		t.true(call.frames.some((f) => f.dir === "far" && f.name === "DCN"), "the far end's DCN reached the host");
	});
}

for (const after of ["dis", "dcs"] as const) {
	test.serial(`DCN right after ${after.toUpperCase()} (the far end hangs up while we talk): the call fails in bounded time, retryable`, async (t) => {
		const rig = await sendRig(t, { faults: [{ kind: "dcn", after }] });
		const t0 = Date.now();
		const { result, call } = await send(rig, await two());
		t.false(result.ok);
		t.true(["REMOTE_DCN", "CARRIER_LOST"].includes(result.error?.code ?? ""), result.error?.code);
		t.is(result.error?.disposition, "retry");
		t.is(result.pagesConfirmed, 0);
		t.is(call.pages.length, 0);
		t.true(Date.now() - t0 < 15000);
		t.log(after, "->", result.error?.code, result.error?.message);
	});
}

test.serial("CONNECT before ready, generic profile (no TMConnectDelay): the start of the page is lost", async (t) => {
	const rig = await sendRig(t, { faults: [{ kind: "connectEarly", notReadyMs: 300 }] });
	const doc = await two();
	const { result, call } = await send(rig, doc);
	t.true(call.pages.length >= 1);
	const first = call.pages[0]!;
	t.true(first.lostBytes > 0, "data written before the modem was ready was dropped");
	t.notDeepEqual(first.bitmap?.data, doc[0]!.data);
	t.true(call.tcf[0]!.lostBytes > 0);
	void result;
});

test.serial("CONNECT before ready, Lucent identity (TMConnectDelay 400 ms): nothing lost, pixels equal", async (t) => {
	const faults: Fault[] = [{ kind: "connectEarly", notReadyMs: 300 }];
	const rig = await sendRig(t, { faults, identity: { ati: { 0: "LT V.92 Data+Fax Modem Version 8.30", 3: "LT V.92 Data+Fax Modem Version 8.30" }, manufacturer: "Agere Systems" } });
	const doc = await two();
	const { result, call } = await send(rig, doc);
	t.true(result.ok, result.error?.message);
	t.true(call.pages.every((p) => p.lostBytes === 0) && call.tcf.every((x) => x.lostBytes === 0));
	t.deepEqual(kept(call), doc.map((b) => b.data));
});

test.serial("ERROR to ATD: DIAL_ERROR", async (t) => {
	const rig = await sendRig(t, { faults: [{ kind: "error", command: "D" }] });
	const result = await rig.session.send({ document: documentOf(await two()), number: "5550100" });
	t.false(result.ok);
	t.is(result.error?.code, "DIAL_ERROR");
	t.is(rig.sim.calls.length, 0, "the modem refused the dial: no call");
});

test.serial("the modem goes silent at the page's +FTM: AT_TIMEOUT in bounded time", async (t) => {
	// the driver waits connectTimeoutMs (T.31 §8.3.5: 5 s) for CONNECT; 1 s here to keep the test short
	const profile = deepMerge(genericClass1, { name: "generic-fast", class1: { connectTimeoutMs: 1000 } });
	const rig = await sendRig(t, { faults: [{ kind: "silent", command: "+FTM=146" }] }, { profile, timers: { cleanupMs: 2000 } });
	const t0 = Date.now();
	const { result } = await send(rig, await two());
	t.false(result.ok);
	t.is(result.error?.code, "AT_TIMEOUT");
	t.true(Date.now() - t0 < 30000, `${Date.now() - t0} ms`);
});

test.serial("the port vanishes mid-page: PORT_CLOSED, the call is over", async (t) => {
	const rig = await sendRig(t, { faults: [{ kind: "vanish", page: 2, afterBytes: 1000 }] });
	const { result, call } = await send(rig, await two());
	t.false(result.ok);
	t.is(result.error?.code, "PORT_CLOSED");
	t.is(result.pagesConfirmed, 1);
	t.is(call.end, "portClosed");
});

test.serial("no reply to the first DCS+TCF: the sender repeats them after T4 and trains", async (t) => {
	const rig = await sendRig(t, { faults: [{ kind: "noReply", to: "DCS", times: 1 }] }, { timers: { T4: 800 } });
	const doc = await two();
	const { result, call } = await send(rig, doc);
	t.true(result.ok, result.error?.message);
	t.is(call.dcs.length, 2, "DCS sent twice");
	t.deepEqual(call.tcf.map((x) => x.verdict), ["CFR"], "the first TCF fell on deaf ears");
	t.deepEqual(kept(call), doc.map((b) => b.data));
});

test.serial("+FCERROR before MCF, with an NSF in the far end's DIS set: the call completes", async (t) => {
	const rig = await sendRig(t, { faults: [{ kind: "fcError", before: "MCF", times: 2 }], farEnd: { nsf: Uint8Array.of(0xad, 0x00, 0x10, 0x10, 0x03, 0x01) } });
	const doc = await two();
	const { result, call } = await send(rig, doc);
	t.true(result.ok, result.error?.message);
	t.true(call.frames.some((f) => f.dir === "far" && f.name === "NSF"));
	t.deepEqual(kept(call), doc.map((b) => b.data));
});

test.serial("no reply to MPS three times: NO_RESPONSE_POST_PAGE after three MPS", async (t) => {
	const rig = await sendRig(t, { faults: [{ kind: "noReply", to: "MPS", times: 3 }] }, { timers: { T4: 800 } });
	const { result, call } = await send(rig, await two());
	t.false(result.ok);
	t.is(result.error?.code, "NO_RESPONSE_POST_PAGE");
	t.deepEqual(call.ppms.map((p) => `${p.name}:${p.response}`), ["MPS:", "MPS:", "MPS:"]);
	t.is(result.pagesConfirmed, 0);
});
