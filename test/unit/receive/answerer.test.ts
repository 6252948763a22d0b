/**
 * The T.30 answerer (t30/receive.ts) on a scripted fake Class1Link: what it sends for each thing a caller
 * can do — a clean call (CSI/DIS, CFR, MCF, DCN awaited), DIS repeated while nothing comes and T1, a
 * garbled command answered CRP, a caller's CRP answered with our last frame again, a post-page command
 * with no page data answered RTN (a page is never confirmed unheard), a DCS asking for what we did not
 * offer (DCN), and the post-page decision table. Pages are coded with libtiff (tiffcp), not our encoder.
 */
import test from "ava";
import { ManualClock } from "../../../src/core/Clock.js";
import { MemoryTracer } from "../../../src/core/trace.js";
import { buildFrame, parseFrame } from "../../../src/hdlc/frame.js";
import type { AnswerOutcome, Class1Link, DataOutcome, DataSink, ModulationCode, ReceivedFrame } from "../../../src/modem/Class1Link.js";
import type { ReceiveEvent, ReceivedPageResult, ReceiveSink } from "../../../src/modem/FaxModem.js";
import { T30Context, answererRole } from "../../../src/t30/context.js";
import { buildDis, emptyDis, encodeId, parseDis } from "../../../src/t30/dis.js";
import { Fcf, fcfName, withX } from "../../../src/t30/fcf.js";
import { receive } from "../../../src/t30/receive.js";
import { afterPostPage } from "../../../src/t30/receiveDecisions.js";
import { resolveTimers } from "../../../src/t30/timers.js";
import { reverseBits } from "../../../src/t4/index.js";
import { fixturePage } from "../../helpers/fixtures.js";
import { joinStrips, libtiffEncode } from "../../helpers/libtiff.js";

type Step = { frame: Uint8Array; bad?: boolean } | { data: Uint8Array } | "timeout" | "noCarrier";

const ALL: ModulationCode[] = [24, 48, 72, 73, 74, 96, 97, 98, 121, 122, 145, 146];
const cmd = (name: keyof typeof Fcf, fif?: Uint8Array, final = true) => ({ frame: buildFrame(withX(Fcf[name], true), fif, final) });

class FakeCaller implements Class1Link {
	readonly transmitRates = ALL;
	readonly receiveRates = ALL;
	sent: string[] = [];
	hungUp = false;
	constructor(
		private readonly steps: Step[],
		private readonly clock: ManualClock,
	) {}
	async dial(): Promise<never> {
		throw new Error("not used");
	}
	async answer(): Promise<AnswerOutcome> {
		return { kind: "connect" };
	}
	async receiveFrame(timeoutMs: number): Promise<ReceivedFrame> {
		const s = this.steps[0];
		if (s === undefined || s === "timeout") {
			this.steps.shift();
			await this.clock.advance(timeoutMs);
			return { kind: "timeout" };
		}
		if (s === "noCarrier") return (this.steps.shift(), { kind: "noCarrier" });
		if ("data" in s) return { kind: "fcError" };
		this.steps.shift();
		return { kind: "frame", frame: s.frame, fcsOk: !s.bad };
	}
	async receiveData(_mod: ModulationCode, sink: DataSink, timeoutMs: number): Promise<DataOutcome> {
		const s = this.steps[0];
		if (s === undefined || s === "timeout") {
			this.steps.shift();
			await this.clock.advance(timeoutMs);
			return { kind: "timeout" };
		}
		if (s === "noCarrier") return (this.steps.shift(), { kind: "noCarrier" });
		if ("frame" in s) return { kind: "fcError" };
		this.steps.shift();
		await sink(s.data);
		return { kind: "data", bytes: s.data.length, end: "noCarrier" };
	}
	async sendFrames(frames: readonly Uint8Array[]): Promise<void> {
		for (const f of frames) this.sent.push(fcfName(parseFrame(f).fcf) ?? "?");
	}
	async sendData(): Promise<void> {}
	async transmitSilence(): Promise<void> {}
	async receiveSilence(): Promise<void> {}
	async hangup(): Promise<void> {
		this.hungUp = true;
	}
}

function dcs(o: { fine?: boolean; t6?: boolean; ecm?: boolean } = {}): Uint8Array {
	const d = emptyDis();
	d.t4Receiver = true;
	d.modemCode = 0x1; // V.17 14400
	d.fine = o.fine ?? true;
	d.twoD = false;
	d.t6 = o.t6 ?? false;
	d.ecm = o.ecm ?? false;
	return buildDis(d);
}

let page: Uint8Array;
test.before(async () => {
	const bm = await fixturePage("text", "fine");
	const small = { ...bm, height: 200, data: bm.data.subarray(0, 200 * bm.stride) };
	const strip = joinStrips((await libtiffEncode([small], "g3:1d")).images[0]!.strips);
	const rtc = new Uint8Array([0x00, 0x10, 0x01, 0x00, 0x10, 0x01, 0x00, 0x10, 0x01]); // 6 EOLs (MSB first)
	page = reverseBits(new Uint8Array([...strip, ...rtc])); // line order
});

async function run(steps: Step[], o: { T1?: number } = {}) {
	const clock = new ManualClock();
	const tracer = new MemoryTracer(clock);
	const link = new FakeCaller(steps, clock);
	const events: ReceiveEvent[] = [];
	const pages: ReceivedPageResult[] = [];
	const sink: ReceiveSink = { beginPage: () => ({ write: () => {}, end: (r) => void pages.push(r), abort: () => {} }) };
	const ctx = new T30Context<ReceiveEvent>(link, clock, tracer, new AbortController().signal, resolveTimers({ T1: o.T1 ?? 35_000 }), (e) => events.push(e), answererRole());
	const r = await receive(ctx, link, sink, { csid: "+1 555 0100", caps: { receiveRates: ALL } });
	return { r, link, events, pages, tracer };
}

const tcf = { data: new Uint8Array(2700) };
const tsiDcs = (d = dcs()) => [cmd("TSI", encodeId("CALLER"), false), cmd("DCS", d)];

test("clean call: CSI/DIS, CFR, MCF to MPS and EOP, DCN awaited; X bit 0 on our frames", async (t) => {
	const x = await run([...tsiDcs(), tcf, { data: page }, cmd("MPS"), { data: page }, cmd("EOP"), cmd("DCN")]);
	t.true(x.r.ok, x.r.error?.message);
	t.is(x.r.pagesReceived, 2);
	t.is(x.r.tsid, "CALLER");
	t.deepEqual(x.link.sent, ["CSI", "DIS", "CFR", "MCF", "MCF"]);
	t.deepEqual(x.pages.map((p) => [p.result, p.rows, p.badRows]), [["MCF", 200, 0], ["MCF", 200, 0]]);
	const dis = x.tracer.channel("hdlc").find((r) => r.dir === "tx" && /^-> DIS/.test(r.msg))!;
	t.is(String(dis.data).split(" ")[2], "80", "DIS FCF without X bit");
	const cfr = x.tracer.channel("hdlc").find((r) => r.dir === "tx" && /^-> CFR/.test(r.msg))!;
	t.is(String(cfr.data).split(" ")[2], "84", "CFR with X = 0 (we sent the DIS)");
	t.true(x.link.hungUp);
	t.deepEqual(x.tracer.states().slice(0, 4), ["B:R", "B:F_TCF", "B:F_CFR", "C:F_DOC_NON_ECM"]);
	t.is(parseDis(buildDis(emptyDis())).t4Receiver, false);
});

test("no command: DIS repeated every T4 until T1, then T1_TIMEOUT and DCN", async (t) => {
	const x = await run(["timeout", "timeout", "timeout", "timeout"], { T1: 10_000 });
	t.false(x.r.ok);
	t.is(x.r.error?.code, "T1_TIMEOUT");
	t.is(x.link.sent.filter((s) => s === "DIS").length, 4);
	t.is(x.link.sent.at(-1), "DCN");
});

test("a garbled command is answered CRP; the caller's CRP gets our last frame again", async (t) => {
	const x = await run([{ ...cmd("DCS", dcs()), bad: true }, ...tsiDcs(), tcf, cmd("CRP"), { data: page }, cmd("EOP"), cmd("DCN")]);
	t.true(x.r.ok, x.r.error?.message);
	t.deepEqual(x.link.sent, ["CSI", "DIS", "CRP", "CFR", "CFR", "MCF"]);
});

test("a post-page command without page data after MCF is answered RTN: a page we did not hear is never confirmed", async (t) => {
	const x = await run([...tsiDcs(), tcf, { data: page }, cmd("MPS"), cmd("MPS"), ...tsiDcs(), tcf, { data: page }, cmd("EOP"), cmd("DCN")]);
	t.true(x.r.ok, x.r.error?.message);
	t.deepEqual(x.link.sent, ["CSI", "DIS", "CFR", "MCF", "RTN", "CFR", "MCF"]);
	t.is(x.r.pagesReceived, 2);
});

test("a DCS asking for ECM/MMR we did not offer: INCOMPATIBLE, DCN", async (t) => {
	const x = await run([...tsiDcs(dcs({ ecm: true, t6: true }))]);
	t.false(x.r.ok);
	t.is(x.r.error?.code, "INCOMPATIBLE");
	t.is(x.link.sent.at(-1), "DCN");
});

test("the caller hangs up after page 1's data, before its command: page not confirmed, call incomplete", async (t) => {
	const x = await run([...tsiDcs(), tcf, { data: page }, cmd("MPS"), { data: page }, "noCarrier"]);
	t.false(x.r.ok);
	t.is(x.r.error?.code, "CARRIER_LOST");
	t.is(x.r.pagesReceived, 1);
});

test("post-page decision table", (t) => {
	t.deepEqual(afterPostPage("MPS", "MCF"), { response: "MCF", next: "nextPage", confirmed: true });
	t.deepEqual(afterPostPage("EOM", "MCF"), { response: "MCF", next: "phaseB", confirmed: true });
	t.deepEqual(afterPostPage("EOP", "MCF"), { response: "MCF", next: "disconnect", confirmed: true });
	t.deepEqual(afterPostPage("MPS", "RTP"), { response: "RTP", next: "retrain", confirmed: true });
	t.deepEqual(afterPostPage("EOP", "RTP"), { response: "RTP", next: "disconnect", confirmed: true });
	t.deepEqual(afterPostPage("EOP", "RTN"), { response: "RTN", next: "retrain", confirmed: false });
});
