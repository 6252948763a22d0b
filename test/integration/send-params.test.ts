/**
 * End to end, the far end's capabilities shape the call: minimum scan-line time (T.30 Table 2 bits
 * 21-23; every coded row incl. EOL must last it, T.4 §4.1.3), fine resolution with the halved time, a
 * V.29-only receiver, a 1-D-only receiver, a resolution change mid-document (EOM and back to phase B),
 * and two calls in a row on one modem. Oracles: the simulator's decoded pixels and its own EOL scan.
 */
import test from "ava";
import type { Bitmap } from "../../src/core/bitmap.js";
import { fixturePage } from "../helpers/fixtures.js";
import { topRows } from "../helpers/libtiff.js";
import { pages, send, sendRig, tiffPages } from "./send-harness.js";

let doc2: Bitmap[] | undefined;
const two = async () => (doc2 ??= await pages(["text", "blank"], 200));

for (const [label, minScanCode, wantMs] of [
	["20 ms", 0, 20],
	["40 ms", 1, 40],
	["10 ms", 2, 10],
] as const) {
	test.serial(`minimum scan-line time ${label}: DCS announces it and every row lasts it`, async (t) => {
		const rig = await sendRig(t, { farEnd: { minScanCode } });
		const doc = await two();
		const { result, call } = await send(rig, doc);
		t.true(result.ok, result.error?.message);
		t.is(call.dcs.at(-1)!.minScanMs, wantMs);
		t.is(result.params?.minScanLineMs, wantMs);
		for (const p of call.pages) {
			t.is(p.requiredScanMs, wantMs);
			t.is(p.shortRows, 0);
			t.true(p.minRowMs >= wantMs - 1e-9, `page ${p.page}: shortest row ${p.minRowMs.toFixed(2)} ms`);
			t.true(p.minRowMs < wantMs + 8000 / 14400 + 1e-9, "fill stops within a byte of the minimum");
		}
		t.deepEqual(call.pages.filter((p) => p.accepted).map((p) => p.bitmap?.data), doc.map((b) => b.data), "fill never changes the pixels");
	});
}

test.serial("fine resolution with 'T7.7 = 1/2 T3.85' (DIS code 6: 20 ms standard, 10 ms fine)", async (t) => {
	const rig = await sendRig(t, { farEnd: { minScanCode: 6 } });
	const fine = topRows(await fixturePage("form", "fine"), 300);
	const events: unknown[] = [];
	const result = await rig.session.send({ document: { pageCount: 1, page: async () => ({ bitmap: fine, xRes: 204, yRes: 196 }) }, number: "5550100", onEvent: (e) => events.push(e) });
	const call = await rig.sim.waitForCallEnd(1, 10000);
	t.true(result.ok, result.error?.message);
	t.is(call.dcs.at(-1)!.resolution, "fine");
	t.is(call.pages[0]!.requiredScanMs, 10);
	t.is(call.pages[0]!.shortRows, 0);
	t.deepEqual(call.pages[0]!.bitmap?.data, fine.data);
	const lib = await tiffPages(call);
	t.is(lib[0]!.height, fine.height);
});

test.serial("a V.29-only, 1-D-only receiver: V.29 9600, MH pages", async (t) => {
	const rig = await sendRig(t, { farEnd: { modemCode: 0x8, twoD: false } });
	const doc = await two();
	const { result, call } = await send(rig, doc);
	t.true(result.ok, result.error?.message);
	t.deepEqual(call.tcf.map((x) => [x.code, x.verdict]), [[96, "CFR"]]);
	t.true(call.dcs.every((d) => d.coding === "mh" && d.modulation === "V.29" && d.bitRate === 9600));
	t.deepEqual(call.pages.map((p) => p.bitmap?.data), doc.map((b) => b.data));
});

test.serial("a 2-D receiver gets MR pages that decode to the same pixels", async (t) => {
	const rig = await sendRig(t, { farEnd: { twoD: true } });
	const doc = await two();
	const { result, call } = await send(rig, doc);
	t.true(result.ok, result.error?.message);
	t.is(call.dcs.at(-1)!.coding, "mr");
	t.deepEqual(call.pages.map((p) => p.bitmap?.data), doc.map((b) => b.data));
});

test.serial("resolution change between pages: EOM, the far end's DIS again, a new DCS, both pages kept", async (t) => {
	const rig = await sendRig(t);
	const std = topRows(await fixturePage("text", "standard"), 150);
	const fine = topRows(await fixturePage("text", "fine"), 300);
	const res = await rig.session.send({
		document: { pageCount: 2, page: async (i) => (i === 0 ? { bitmap: std, xRes: 204, yRes: 98 } : { bitmap: fine, xRes: 204, yRes: 196 }) },
		number: "5550100",
	});
	const call = await rig.sim.waitForCallEnd(1, 10000);
	t.true(res.ok, res.error?.message);
	t.deepEqual(call.ppms.map((p) => [p.name, p.response]), [["EOM", "MCF"], ["EOP", "MCF"]]);
	t.deepEqual(call.dcs.map((d) => d.resolution), ["standard", "fine"]);
	t.deepEqual(call.pages.map((p) => [p.resolution, p.bitmap?.data]), [["standard", std.data], ["fine", fine.data]]);
});

test.serial("two calls in a row on one modem: two records, two TIFFs", async (t) => {
	const rig = await sendRig(t);
	const doc = await two();
	const a = await send(rig, doc, { number: "5550101" }, 1);
	const b = await send(rig, doc.slice(0, 1), { number: "5550102" }, 2);
	t.true(a.result.ok && b.result.ok);
	t.deepEqual([a.call.dial.digits, b.call.dial.digits], ["5550101", "5550102"]);
	t.deepEqual([a.call.pages.length, b.call.pages.length], [2, 1]);
	t.not(a.call.tiffPath, b.call.tiffPath);
	t.is((await tiffPages(b.call)).length, 1);
});
