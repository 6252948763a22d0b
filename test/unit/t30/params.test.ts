/** Rate ladder (class1.md §2.4), page format and DCS choice (params.ts). */
import test from "ava";
import { createBitmap } from "../../../src/core/bitmap.js";
import type { ModulationCode } from "../../../src/modem/Class1Link.js";
import { dcsRate, describeDis, emptyDis, parseDis, buildDis } from "../../../src/t30/dis.js";
import { dcsFields, kFactor, nextSlower, pageFormat, rateLadder, sessionParams } from "../../../src/t30/params.js";

const ALL: ModulationCode[] = [24, 48, 72, 73, 74, 96, 97, 98, 121, 122, 145, 146];
const names = (rs: { modulation: string; bitRate: number }[]) => rs.map((r) => `${r.modulation} ${r.bitRate}`);

test("ladder skips V.17 9600/7200 in favour of V.29 and ends at V.27ter 2400", (t) => {
	t.deepEqual(names(rateLadder({ modemCode: 0xd }, { transmitRates: ALL })), ["V.17 14400", "V.17 12000", "V.29 9600", "V.29 7200", "V.27ter 4800", "V.27ter 2400"]);
	t.deepEqual(names(rateLadder({ modemCode: 0xc }, { transmitRates: ALL })), ["V.29 9600", "V.29 7200", "V.27ter 4800", "V.27ter 2400"]);
	t.deepEqual(names(rateLadder({ modemCode: 0x4 }, { transmitRates: ALL })), ["V.27ter 4800", "V.27ter 2400"]);
	t.deepEqual(names(rateLadder({ modemCode: 0x0 }, { transmitRates: ALL })), ["V.27ter 2400"]);
});

test("a modem without V.29 keeps V.17 9600/7200", (t) => {
	t.deepEqual(names(rateLadder({ modemCode: 0xd }, { transmitRates: [24, 48, 73, 74, 97, 98, 121, 122, 145, 146] })), ["V.17 14400", "V.17 12000", "V.17 9600", "V.17 7200", "V.27ter 4800", "V.27ter 2400"]);
});

test("max/min rate bound the ladder; nextSlower walks it", (t) => {
	const l = rateLadder({ modemCode: 0xd }, { transmitRates: ALL, maxRate: 12000, minRate: 7200 });
	t.deepEqual(names(l), ["V.17 12000", "V.29 9600", "V.29 7200"]);
	t.is(nextSlower(l, 0), 1);
	t.is(nextSlower(l, 2), undefined);
});

test("page format: resolution falls back, width fits", (t) => {
	const page = (w: number, yRes: number) => ({ bitmap: createBitmap(w, 10), xRes: 204, yRes });
	const dis = { ...emptyDis(), fine: true, width255: true };
	t.deepEqual(pageFormat(page(1728, 196), dis), { width: 1728, resolution: "fine" });
	t.deepEqual(pageFormat(page(1728, 391), dis), { width: 1728, resolution: "fine" });
	t.deepEqual(pageFormat(page(2048, 98), dis), { width: 2048, resolution: "standard" });
	t.deepEqual(pageFormat(page(2432, 196), dis), { width: 2048, resolution: "fine" }, "A3 page scaled to B4");
	t.deepEqual(pageFormat(page(1728, 196), emptyDis()), { width: 1728, resolution: "standard" });
	t.deepEqual(pageFormat(page(1728, 391), { ...emptyDis(), fine: true, superfine: true }), { width: 1728, resolution: "superfine" });
	t.deepEqual([kFactor("standard"), kFactor("fine"), kFactor("superfine")], [2, 4, 8]);
});

test("DCS fields from session params", (t) => {
	const dis = { ...emptyDis(), t4Receiver: true, modemCode: 0xd, fine: true, twoD: true, width303: true, lengthB4: true, minScanCode: 6 };
	const rate = rateLadder(dis, { transmitRates: ALL })[0]!;
	const p = sessionParams(dis, rate, { width: 2432, resolution: "fine" }, { transmitRates: ALL });
	t.is(p.minScanMs, 10, "20 ms standard halved at fine");
	const dcs = parseDis(buildDis(dcsFields(p)));
	t.is(describeDis(dcs, "DCS"), "V.17 14400, fine, 2-D, 2432 px, b4, scan 10 ms");
	t.is(dcsRate(dcs.modemCode), rate);
	t.true(dcs.t4Receiver);
	const std = sessionParams(dis, rate, { width: 1728, resolution: "standard" }, { transmitRates: ALL, allowMr: false });
	t.is(std.minScanMs, 20);
	t.is(std.coding, "mh");
	const sf = dcsFields(sessionParams({ ...dis, superfine: true, minScanHalvesAtSuperfine: true }, rate, { width: 1728, resolution: "superfine" }, { transmitRates: ALL }));
	t.true(sf.superfine);
	t.false(sf.fine);
	t.is(sf.minScanCode, 4, "5 ms at superfine");
});
