/**
 * Case tables for the ECM transmitter's pure decisions (src/t30/ecmDecisions.ts) per T.30 Annex A, §5.3.6.1.7
 * and class1.md §2.7 (SpanDSP process_state_iv_*, HylaFAX sendClass1ECMData), and the block model
 * (src/t30/ecmBlocks.ts): partition, FCD/RCP frames, PPS/EOR/PPR/CTC fields. PPS bytes are checked against
 * the PPS SpanDSP's own sender builds (t30.c send_pps_frame: FCF2 with X bit, page, block, frames − 1).
 */
import test from "ava";
import type { Reply } from "../../../src/t30/decisions.js";
import { deframe } from "../../../src/hdlc/deframer.js";
import {
	blockStream,
	buildPprMap,
	ctcFif,
	EcmFcf,
	eorFif,
	fcdFrame,
	frameRanges,
	parseEorFif,
	parsePprMap,
	parsePpsFif,
	partitionPage,
	ppsFif,
	rcpFrame,
} from "../../../src/t30/ecmBlocks.js";
import { afterCtc, afterEor, afterPprLimit, afterPps, afterRr, PPR_LIMIT, type PpsState } from "../../../src/t30/ecmDecisions.js";
import { Fcf } from "../../../src/t30/fcf.js";
import { isFaxError } from "../../../src/core/FaxError.js";

const heard = (fcf: number, fif: Uint8Array = new Uint8Array(0)): Reply => ({ kind: "frames", frames: [{ final: true, fcf, fif }], final: { final: true, fcf, fif } });
const X = (name: keyof typeof Fcf) => heard(Fcf[name] | 1);
const kindOf = (d: { kind: string; code?: string }) => (d.kind === "fail" ? `fail:${d.code}` : d.kind);
const label = (r: Reply) => (r.kind === "frames" ? `0x${r.final.fcf.toString(16)}` : r.kind);

// ---- block model ----

test("partitionPage: 256-octet frames, 256 frames a block, last frame short, last block flagged", (t) => {
	const data = Uint8Array.from({ length: 256 * 256 + 256 * 3 + 10 }, (_, i) => i & 0xff);
	const blocks = partitionPage(data, 256);
	t.is(blocks.length, 2);
	t.is(blocks[0]!.frames.length, 256);
	t.false(blocks[0]!.lastOfPage);
	t.is(blocks[1]!.frames.length, 4);
	t.true(blocks[1]!.lastOfPage);
	t.is(blocks[1]!.frames[3]!.length, 10);
	t.is(blocks[1]!.block, 1);
	t.deepEqual(Buffer.concat(blocks.flatMap((b) => b.frames)), Buffer.from(data), "nothing lost or reordered");
	const small = partitionPage(data.subarray(0, 130), 64);
	t.deepEqual(small[0]!.frames.map((f) => f.length), [64, 64, 2]);
	t.deepEqual(partitionPage(new Uint8Array(0), 256)[0]!.frames.map((f) => f.length), [0], "an empty page still has one block");
	t.is(partitionPage(new Uint8Array(256 * 256), 256).length, 1, "exactly 256 full frames fit one block");
});

test("FCD and RCP frames (T.4 A.3.6; SpanDSP T4_FCD 0x06, T4_RCP 0x86, no X bit)", (t) => {
	t.deepEqual([...fcdFrame(7, Uint8Array.of(1, 2))], [0xff, 0x03, 0x06, 7, 1, 2]);
	t.deepEqual([...rcpFrame()], [0xff, 0x03, 0x86]);
	t.is(EcmFcf.FCD, 0x06);
});

test("blockStream deframes to the frames, in order, then 3 RCP; repeats send a frame twice", (t) => {
	const frames = new Map([
		[5, Uint8Array.of(0xff, 0xff, 0x7e)],
		[1, Uint8Array.of(0x00)],
	]);
	const ev = deframe(blockStream(frames, 30, new Set([1])));
	t.true(ev.every((e) => e.kind === "frame"));
	const got = ev.map((e) => (e.kind === "frame" ? [...e.frame] : []));
	t.deepEqual(got, [[0xff, 0x03, 0x06, 1, 0], [0xff, 0x03, 0x06, 1, 0], [0xff, 0x03, 0x06, 5, 0xff, 0xff, 0x7e], [0xff, 0x03, 0x86], [0xff, 0x03, 0x86], [0xff, 0x03, 0x86]]);
});

test("PPS FIF as SpanDSP's sender builds it; parse round trip", (t) => {
	t.deepEqual([...ppsFif({ ppm: "NULL", page: 0, block: 0, frames: 256 })], [0x00, 0, 0, 255]);
	t.deepEqual([...ppsFif({ ppm: "EOP", page: 2, block: 1, frames: 13 })], [0x2f, 2, 1, 12], "EOP with the X bit");
	t.deepEqual([...ppsFif({ ppm: "MPS", page: 300, block: 0, frames: 1 })], [0x4f, 300 & 0xff, 0, 0]);
	t.deepEqual([...ppsFif({ ppm: "EOM", page: 0, block: 0, frames: 0 })], [0x8f, 0, 0, 0], "zero frames: 0, not 0xff");
	t.deepEqual(parsePpsFif(Uint8Array.of(0x4f, 3, 2, 63)), { ppm: "MPS", page: 3, block: 2, frames: 64 });
	t.deepEqual(parsePpsFif(Uint8Array.of(0x00, 0, 0, 255)), { ppm: "NULL", page: 0, block: 0, frames: 256 });
	t.is(parsePpsFif(Uint8Array.of(0x5f, 0, 0, 0)).ppm, "MPS", "PRI-MPS read as MPS");
	t.true(isFaxError(t.throws(() => parsePpsFif(Uint8Array.of(0x4f, 1))), "PROTOCOL_ERROR"));
	t.true(isFaxError(t.throws(() => parsePpsFif(Uint8Array.of(0x84, 1, 0, 0))), "PROTOCOL_ERROR"), "CFR is no PPM");
	t.deepEqual([...eorFif("EOP")], [0x2f]);
	t.is(parseEorFif(Uint8Array.of(0x00)), "NULL");
});

test("PPR map: bit j of octet i = frame 8i+j (SpanDSP process_rx_ppr)", (t) => {
	const m = new Uint8Array(32);
	m[0] = 0b0000_0101; // frames 0 and 2
	m[31] = 0x80; // frame 255
	t.deepEqual(parsePprMap(m), [0, 2, 255]);
	t.deepEqual(buildPprMap([0, 2, 255]), m);
	t.deepEqual(parsePprMap(buildPprMap([9, 10, 11, 100])), [9, 10, 11, 100]);
	t.true(isFaxError(t.throws(() => parsePprMap(new Uint8Array(31))), "PROTOCOL_ERROR"));
	t.is(frameRanges([0, 1, 2, 5, 7, 8]), "0-2,5,7-8");
	t.deepEqual([...ctcFif(Uint8Array.of(0x00, 0x62, 0x1f))], [0x00, 0x62]);
});

// ---- decisions ----

const pps = (o: Partial<PpsState> = {}): PpsState => ({ ppm: "MPS", frames: 10, pprs: 0, noReplies: 0, crps: 0, ...o });
const ppr = (frames: number[]) => heard(Fcf.PPR | 1, buildPprMap(frames));

test("afterPps case table (T.30 A: MCF, PPR, RNR, CRP, PIN/PIP, DCN, silence, echo)", (t) => {
	const cases: [Reply, Partial<PpsState>, string][] = [
		[X("MCF"), {}, "blockDone"],
		[X("MCF"), { ppm: "NULL" }, "blockDone"],
		[ppr([1, 2]), {}, "resend"],
		[ppr([1, 2]), { pprs: PPR_LIMIT - 2 }, "resend"],
		[ppr([1, 2]), { pprs: PPR_LIMIT - 1 }, "pprLimit"],
		[X("RNR"), {}, "receiverNotReady"],
		[X("CRP"), {}, "repeat"],
		[X("CRP"), { crps: 2 }, "fail:CRP_LIMIT"],
		[{ kind: "timeout" }, {}, "repeat"],
		[{ kind: "timeout" }, { noReplies: 1 }, "repeat"],
		[{ kind: "timeout" }, { noReplies: 2 }, "fail:NO_RESPONSE_POST_PAGE"],
		[{ kind: "badFrame" }, {}, "repeat"],
		[{ kind: "fcError" }, {}, "repeat"],
		[{ kind: "noCarrier" }, {}, "fail:CARRIER_LOST"],
		[X("PIP"), { ppm: "EOP" }, "blockDone"],
		[X("PIP"), { ppm: "MPS" }, "fail:PAGE_REJECTED"],
		[X("PIN"), {}, "fail:PAGE_REJECTED"],
		[X("DCN"), {}, "fail:REMOTE_DCN"],
		[X("PPS"), {}, "listenAgain"],
		[heard(Fcf.DIS), {}, "renegotiate"],
		[heard(Fcf.DIS), { disResets: 2 }, "fail:DIS_AFTER_DCS_LIMIT"],
		[X("RTN"), {}, "fail:PROTOCOL_ERROR"],
		[X("CFR"), {}, "fail:PROTOCOL_ERROR"],
	];
	for (const [r, s, want] of cases) {
		const frames = r.kind === "frames" && (r.final.fcf & 0xfe) === Fcf.PPR ? parsePprMap(r.final.fif) : [];
		t.is(kindOf(afterPps(r, pps(s), frames)), want, `${label(r)} ${JSON.stringify(s)}`);
	}
});

test("afterPps: a PPR resends exactly the named frames of the block; frames never sent are ignored", (t) => {
	t.like(afterPps(ppr([0, 3, 9]), pps({ frames: 10 }), [0, 3, 9]), { kind: "resend", frames: [0, 3, 9], ignored: [] });
	t.like(afterPps(ppr([3, 200]), pps({ frames: 10 }), [3, 200]), { kind: "resend", frames: [3], ignored: [200] });
	t.like(afterPps(ppr([200]), pps({ frames: 10 }), [200]), { kind: "resend", frames: [], ignored: [200] });
});

test("afterPprLimit: CTC down the ladder (default), persistent at the bottom while progressing, else EOR", (t) => {
	const cases: [Parameters<typeof afterPprLimit>[0], string][] = [
		[{ policy: "ctc", canStepDown: true, progress: false, persistent: true }, "ctc:down"],
		[{ policy: "ctc", canStepDown: true, progress: true, persistent: false }, "ctc:down"],
		[{ policy: "ctc", canStepDown: false, progress: true, persistent: true }, "ctc:same"],
		[{ policy: "ctc", canStepDown: false, progress: false, persistent: true }, "eor"],
		[{ policy: "ctc", canStepDown: false, progress: true, persistent: false }, "eor"],
		[{ policy: "eor", canStepDown: true, progress: true, persistent: true }, "eor"],
	];
	for (const [s, want] of cases) {
		const d = afterPprLimit(s);
		t.is(d.kind === "ctc" ? `ctc:${d.stepDown ? "down" : "same"}` : d.kind, want, JSON.stringify(s));
	}
});

test("afterCtc / afterEor case tables", (t) => {
	const tries = { noReplies: 0, crps: 0 };
	const ctc: [Reply, object, string][] = [
		[X("CTR"), tries, "continue"],
		[{ kind: "timeout" }, tries, "repeat"],
		[{ kind: "timeout" }, { noReplies: 2, crps: 0 }, "fail:NO_RESPONSE_POST_PAGE"],
		[X("CRP"), tries, "repeat"],
		[X("DCN"), tries, "fail:REMOTE_DCN"],
		[{ kind: "noCarrier" }, tries, "fail:CARRIER_LOST"],
		[X("MCF"), tries, "fail:PROTOCOL_ERROR"],
		[heard(Fcf.DIS), tries, "renegotiate"],
	];
	for (const [r, s, want] of ctc) t.is(kindOf(afterCtc(r, s as typeof tries)), want, `CTC ${label(r)}`);
	const eor: [Reply, string][] = [
		[X("ERR"), "abandoned"],
		[X("RNR"), "receiverNotReady"],
		[X("CRP"), "repeat"],
		[{ kind: "timeout" }, "repeat"],
		[X("PIN"), "fail:PAGE_REJECTED"],
		[X("DCN"), "fail:REMOTE_DCN"],
		[X("MCF"), "fail:PROTOCOL_ERROR"],
		[heard(Fcf.DIS), "renegotiate"],
	];
	for (const [r, want] of eor) t.is(kindOf(afterEor(r, { ...tries, ppm: "EOP" })), want, `EOR ${label(r)}`);
});

test("afterRr: RNR polls until T5, then ECM_RNR_TIMEOUT; the late answer is decided as for PPS", (t) => {
	const s = { noReplies: 0, crps: 0, t5Expired: false };
	const answer = (r: Reply) => afterPps(r, pps(), r.kind === "frames" && (r.final.fcf & 0xfe) === Fcf.PPR ? parsePprMap(r.final.fif) : []);
	t.is(kindOf(afterRr(X("RNR"), s, answer)), "receiverNotReady");
	t.is(kindOf(afterRr(X("RNR"), { ...s, t5Expired: true }, answer)), "fail:ECM_RNR_TIMEOUT");
	t.is(kindOf(afterRr(X("MCF"), s, answer)), "blockDone");
	t.is(kindOf(afterRr(ppr([4]), s, answer)), "resend");
	t.is(kindOf(afterRr({ kind: "timeout" }, s, answer)), "repeat");
	t.is(kindOf(afterRr({ kind: "timeout" }, { ...s, noReplies: 2 }, answer)), "fail:NO_RESPONSE_POST_PAGE");
	t.is(kindOf(afterRr(X("RR"), s, answer)), "listenAgain");
	t.is(kindOf(afterRr(X("ERR"), s, (r) => afterEor(r, { noReplies: 0, crps: 0, ppm: "MPS" }))), "abandoned");
});
