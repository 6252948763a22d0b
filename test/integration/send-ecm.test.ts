/**
 * ECM end to end through the simulator (T.30 Annex A): our driver and engine over a pty to the
 * simulated far end, which offers ECM + T.6 and deframes our +FTM stream with src/hdlc/deframer.ts.
 * Each test asserts the SendResult (ok, confirmed/unconfirmed pages, undelivered blocks, FaxError code),
 * the pixels the far end kept, and what happened on the line (PPRs, CTCs, RNRs, the trace).
 */
import test from "ava";
import type { Bitmap } from "../../src/core/bitmap.js";
import { MemoryTracer } from "../../src/core/trace.js";
import { SystemClock } from "../../src/core/Clock.js";
import type { Fault } from "../../hw-mocks/faults.js";
import { pages, send, sendRig } from "./send-harness.js";

/** The profile's ECM settings with 64-octet frames (drivers class1.ecmFrameSize: 64). */
const ECM64 = { enabled: true, frameSize: 64, persistent: true } as const;

let doc2: Bitmap[] | undefined;
const two = async () => (doc2 ??= await pages(["text", "form"], 400));

const kept = (call: { pages: { accepted: boolean; bitmap?: Bitmap }[] }) => call.pages.filter((p) => p.accepted).map((p) => p.bitmap?.data);

async function ecmSend(t: Parameters<typeof sendRig>[0], faults: Fault[] = [], session: Parameters<typeof sendRig>[2] = {}) {
	const tracer = new MemoryTracer(new SystemClock());
	const rig = await sendRig(t, { faults, farEnd: { ecm: true } }, { tracer, ...session });
	const doc = await two();
	const r = await send(rig, doc);
	const trace = tracer.records.filter((x) => x.ch === "page").map((x) => x.msg);
	return { ...r, doc, trace, tracer, rig };
}

test.serial("ECM offered by both: negotiated by default, MMR on the line, pages pixel-identical", async (t) => {
	const { result, call, doc, tracer } = await ecmSend(t);
	t.true(result.ok, result.error?.message);
	t.like(result.params, { ecm: true, coding: "mmr" });
	t.is(call.dcs[0]!.coding, "mmr");
	t.true(call.dcs[0]!.fields.ecm);
	t.deepEqual(kept(call), doc.map((b) => b.data));
	t.true(call.pages.every((p) => p.ecm !== undefined && p.ecm.pprs.length === 0));
	t.true(tracer.states().includes("D:IV_PPS_Q"));
	t.true(tracer.states().includes("C:IV"));
	t.deepEqual(call.notes, []);
});

test.serial("64-octet frames by profile knob: DCS says so, the far end sees 64-octet frames, pages identical", async (t) => {
	const { result, call, doc } = await ecmSend(t, [], { ecm: ECM64 });
	t.true(result.ok, result.error?.message);
	t.true(call.dcs[0]!.fields.ecmFrame64);
	t.true(call.pages.every((p) => p.ecm?.frameSize === 64 && p.ecm.frames > 16));
	t.deepEqual(kept(call), doc.map((b) => b.data));
	t.deepEqual(call.notes, [], "no frame longer than 64 octets");
});

test.serial("frames 3-5 of page 1 arrive corrupted once: PPR names them, exactly those are resent, page delivered", async (t) => {
	const { result, call, doc, trace } = await ecmSend(t, [{ kind: "ecmCorrupt", page: 1, block: 0, from: 3, to: 5 }], { ecm: ECM64 });
	t.true(result.ok, result.error?.message);
	const p1 = call.pages[0]!.ecm!;
	t.deepEqual(p1.pprs, [{ block: 0, frames: [3, 4, 5] }]);
	t.is(p1.resentFrames, 3, "only the three named frames came again");
	t.true(trace.some((m) => /PPR 1 for page 1 block 0: resend frames 3-5$/.test(m)), trace.join("\n"));
	t.true(trace.some((m) => /^resend 0: frames 3-5 /.test(m)));
	t.deepEqual(kept(call), doc.map((b) => b.data));
});

test.serial("a block that never gets through: 4 PPRs per rate, CTC down the ladder to 2400, then EOR/ERR; page 1 not confirmed, page 2 delivered", async (t) => {
	t.timeout(120_000);
	const { result, call, doc, trace, events } = await ecmSend(t, [{ kind: "ecmCorrupt", page: 1, block: 0, from: 2, times: 999 }], { ecm: ECM64 });
	t.false(result.ok);
	t.is(result.error?.code, "ECM_BLOCK_UNDELIVERED");
	t.deepEqual(result.unconfirmedPages, [1]);
	t.deepEqual(result.undeliveredBlocks, [{ page: 1, block: 0, frames: [2] }]);
	t.is(result.pagesConfirmed, 1);
	const p1 = call.pages[0]!.ecm!;
	t.is(p1.ctcs, 5, "CTC at 12000, 9600, 7200, 4800, 2400");
	t.deepEqual(p1.eorBlocks, [0]);
	t.is(p1.pprs.length, 24, "4 PPRs at each of 6 rates");
	t.false(call.pages[0]!.accepted);
	t.is(call.pages[0]!.response, "ERR");
	t.true(call.pages[1]!.accepted);
	t.deepEqual(call.pages[1]!.bitmap?.data, doc[1]!.data);
	t.true(trace.some((m) => /EOR-NULL \(frames 2 missing\)/.test(m)), trace.join("\n"));
	t.deepEqual(events.filter((e) => e.type === "pageEnd").map((e) => (e.type === "pageEnd" ? [e.result, e.confirmed] : [])), [["ERR", false], ["MCF", true]]);
});

test.serial("frames lost only above 9600: CTC to 12000, CTC to V.29 9600, the block gets through; call ok at 9600", async (t) => {
	const { result, call, doc, tracer } = await ecmSend(t, [{ kind: "ecmCorrupt", page: 1, from: 0, to: 1, aboveBitRate: 9600, times: 999 }]);
	t.true(result.ok, result.error?.message);
	t.is(call.pages[0]!.ecm!.ctcs, 2);
	t.is(result.params?.bitRate, 9600);
	t.deepEqual(kept(call), doc.map((b) => b.data));
	t.true(tracer.states().includes("D:IV_CTC"));
	const burstCodes = tracer.records.filter((r) => r.ch === "page" && /^resend 0: /.test(r.msg)).map((r) => /\+FTM=(\d+)/.exec(r.msg)![1]);
	t.true(burstCodes.includes("121") && burstCodes.includes("96"), `long train after each CTC: ${burstCodes.join(",")}`);
});

test.serial("RNR for 20 s: RR polls until the receiver is ready, then MCF; delivered", async (t) => {
	const { result, call, doc, tracer } = await ecmSend(t, [{ kind: "rnr", seconds: 20, page: 1 }]);
	t.true(result.ok, result.error?.message);
	t.true(call.pages[0]!.ecm!.rnrs >= 2);
	t.true(tracer.states().includes("D:IV_PPS_RNR"));
	t.deepEqual(kept(call), doc.map((b) => b.data));
});

test.serial("RNR beyond T5: ECM_RNR_TIMEOUT, DCN", async (t) => {
	const { result, call } = await ecmSend(t, [{ kind: "rnr", seconds: 100000, page: 1 }], { timers: { T5: 2500 } });
	t.false(result.ok);
	t.is(result.error?.code, "ECM_RNR_TIMEOUT");
	t.is(call.end, "dcn");
	t.is(result.pagesConfirmed, 0);
});

test.serial("a lost PPS reply: the PPS is repeated after T4 and answered; delivered", async (t) => {
	const { result, call, doc, trace } = await ecmSend(t, [{ kind: "noReply", to: "PPS", page: 1 }]);
	t.true(result.ok, result.error?.message);
	t.is(trace.filter((m) => /^PPS-MPS page 0 block 0/.test(m)).length, 2);
	t.deepEqual(kept(call), doc.map((b) => b.data));
});

test.serial("PPS never answered: NO_RESPONSE_POST_PAGE after 3 tries; the destination is remembered with MMR trouble, the next call sends ECM with MR", async (t) => {
	const tracer = new MemoryTracer(new SystemClock());
	const rig = await sendRig(t, { faults: [{ kind: "noReply", to: "PPS", times: 3, call: 1 }], farEnd: { ecm: true } }, { tracer });
	const doc = await two();
	const first = await send(rig, doc);
	t.is(first.result.error?.code, "NO_RESPONSE_POST_PAGE");
	const second = await send(rig, doc, {}, 2);
	t.true(second.result.ok, second.result.error?.message);
	t.like(second.result.params, { ecm: true, coding: "mr" });
	t.true(tracer.records.some((r) => /MMR trouble/.test(r.msg)));
	t.deepEqual(kept(second.call), doc.map((b) => b.data));
});

test.serial("PPR naming a frame never sent: ignored (traced), the PPS is sent again and answered MCF", async (t) => {
	const { result, call, doc, trace } = await ecmSend(t, [{ kind: "pprPhantom", frame: 200, page: 2 }]);
	t.true(result.ok, result.error?.message);
	t.true(trace.some((m) => /resend frames \(none\); frames 200 never sent: ignored/.test(m)), trace.join("\n"));
	t.deepEqual(call.pages[1]!.ecm!.pprs, [{ block: 0, frames: [200] }]);
	t.deepEqual(kept(call), doc.map((b) => b.data));
});

test.serial("policy eor: the 4th PPR gives the block up at once (no CTC)", async (t) => {
	const { result, call } = await ecmSend(t, [{ kind: "ecmCorrupt", page: 2, from: 0, times: 999 }], { ecmRetryPolicy: "eor" });
	t.is(result.error?.code, "ECM_BLOCK_UNDELIVERED");
	t.deepEqual(result.unconfirmedPages, [2]);
	t.is(call.pages[1]!.ecm!.ctcs, 0);
	t.is(call.pages[1]!.ecm!.pprs.length, 4);
	t.true(call.pages[0]!.accepted);
});

test.serial("useEcm: false (--no-ecm): no ECM in the DCS, MR pages as before", async (t) => {
	const { result, call, doc } = await ecmSend(t, [], { useEcm: false });
	t.true(result.ok, result.error?.message);
	t.like(result.params, { ecm: false, coding: "mr" });
	t.false(call.dcs[0]!.fields.ecm);
	t.deepEqual(kept(call), doc.map((b) => b.data));
});

test.serial("DCN in reply to a PPS: REMOTE_DCN, no DCN of ours after it, page not confirmed", async (t) => {
	const { result, call } = await ecmSend(t, [{ kind: "dcn", after: "pps", page: 2 }]);
	t.false(result.ok);
	t.is(result.error?.code, "REMOTE_DCN");
	t.is(result.pagesConfirmed, 1);
	t.false(call.frames.some((f) => f.dir === "host" && f.name === "DCN"));
});

test.serial("a burst the far end never heard (missed training): DIS in reply to the PPS, DCS + TCF again, the block again; delivered", async (t) => {
	const { result, call, doc, tracer, trace } = await ecmSend(t, [{ kind: "ecmLostBurst", page: 2 }]);
	t.true(result.ok, result.error?.message);
	t.is(call.tcf.filter((x) => x.verdict === "CFR").length, 2, "trained twice");
	t.true(trace.some((m) => /DIS in reply to PPS: the receiver went back to phase B/.test(m)), trace.join("\n"));
	t.is(tracer.states().filter((s) => s === "B:D_TCF").length, 2);
	t.deepEqual(kept(call), doc.map((b) => b.data));
});
