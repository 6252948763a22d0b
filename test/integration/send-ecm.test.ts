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
