/**
 * DIS/DTC/DCS parse/build against frames quoted in SpanDSP's tests/t31_tests.c (freeswitch/spandsp,
 * tests/t31_tests.c; older copy svn2github/oslec spandsp-0.0.3) and hand-decoded against T.30 Table 2,
 * plus FCF table checks against SpanDSP t30_fcf.h values.
 */
import test from "ava";
import {
	buildDis,
	dcsMinScanCode,
	dcsMinScanMs,
	dcsRate,
	decodeId,
	describeDis,
	disMinScanMs,
	disRates,
	disResolutions,
	disScanTimeCode,
	disWidths,
	emptyDis,
	encodeId,
	pageLength,
	parseDis,
	RATES,
} from "../../../src/t30/dis.js";
import { baseFcf, Fcf, fcfName, hasXBit, isFcf, withX } from "../../../src/t30/fcf.js";

const bytes = (...b: number[]) => Uint8Array.from(b);

// FIFs of DIS frames SpanDSP's T.30 sends (t31_tests.c, "<DIS frame data>").
const DIS_SPANDSP = bytes(0x00, 0xee, 0xf8, 0x80, 0x80, 0x99, 0x80, 0x80, 0x80, 0x18); // freeswitch/spandsp
const DIS_SPANDSP_OLD = bytes(0x00, 0xee, 0xf8, 0x80, 0x80, 0x91, 0x80, 0x80, 0x80, 0x18); // oslec spandsp-0.0.3
const DIS_SPANDSP_RX = bytes(0x01, 0xce, 0xf4, 0x80, 0x80, 0x81, 0x80, 0x80, 0x80, 0x18); // DIS of the receive test
const DIS_SPANDSP_LONG = bytes(0x00, 0xce, 0xf8, 0x80, 0x80, 0x89, 0x80, 0x80, 0x80, 0x98, 0x80, 0x80, 0x80, 0x80, 0x80, 0x00);
// DCS SpanDSP's T.30 sends in reply (t31_tests.c fax_send_test_seq)
const DCS_SPANDSP = bytes(0x01, 0xc6, 0x80, 0x80, 0x80, 0x80, 0x01);

test("SpanDSP DIS decodes per T.30 Table 2", (t) => {
	const d = parseDis(DIS_SPANDSP);
	t.true(d.t4Receiver); // bit 10
	t.false(d.readyToTransmit);
	t.is(d.modemCode, 0xd); // bits 11,12,14 = V.27ter+V.29+V.17
	t.deepEqual(
		disRates(d.modemCode).map((r) => `${r.modulation} ${r.bitRate}`),
		["V.17 14400", "V.17 12000", "V.17 9600", "V.29 9600", "V.17 7200", "V.29 7200", "V.27ter 4800", "V.27ter 2400"],
	);
	t.true(d.fine);
	t.true(d.twoD);
	t.deepEqual(disWidths(d), [1728]);
	t.is(pageLength(d), "unlimited"); // bit 20
	t.is(d.minScanCode, 7); // bits 21-23 all set: 0 ms
	t.is(disMinScanMs(d, "standard"), 0);
	t.false(d.ecm);
	t.true(d.superfine); // 0x99: bit 41
	t.false(d.r400); // 0x99 = bits 41, 44, 45 (+ extension 48)
	t.true(d.inchPreferred);
	t.true(d.metricPreferred);
	t.true(d.letter); // 0x18 in octet 10: bits 76, 77
	t.true(d.legal);
	t.deepEqual(d.otherBits, []);
	t.deepEqual(disResolutions(d), ["standard", "fine", "superfine"]);
});

test("DIS round trip build(parse(x)) == x for SpanDSP frames", (t) => {
	for (const fif of [DIS_SPANDSP, DIS_SPANDSP_OLD, DIS_SPANDSP_RX, DCS_SPANDSP]) t.deepEqual(buildDis(parseDis(fif)), fif);
	// the long one carries extension octets with no bits set up to octet 16: kept via `octets`
	const long = parseDis(DIS_SPANDSP_LONG);
	t.deepEqual(buildDis(long), DIS_SPANDSP_LONG);
	t.is(long.octets, 16);
	t.deepEqual(buildDis({ ...long, octets: undefined }), DIS_SPANDSP_LONG.subarray(0, 10).map((b, i) => (i === 9 ? b & 0x7f : b)));
	t.is(long.modemCode, 0xc); // 0xCE: bits 10, 11, 12, 15, 16 -> V.27ter + V.29
	t.true(long.ecm === false && long.lengthUnlimited);
});

test("SpanDSP receive-side DIS: T.37 bit, V.29+V.27ter, B4 width... decoded", (t) => {
	const d = parseDis(DIS_SPANDSP_RX);
	t.true(d.t37); // 0x01 octet 1
	t.is(d.modemCode, 0xc);
	// 0xF4 = bits 19, 21, 22, 23, 24: B4 length, scan code 1,1,1
	t.true(d.lengthB4);
	t.is(d.minScanCode, 7);
});

test("SpanDSP DCS decodes: V.29 9600, fine, 2-D", (t) => {
	const d = parseDis(DCS_SPANDSP);
	t.is(dcsRate(d.modemCode)?.bitRate, 9600);
	t.is(dcsRate(d.modemCode)?.modulation, "V.29");
	t.true(d.t4Receiver);
	t.true(d.fine);
	t.true(d.twoD);
	t.true(describeDis(d, "DCS").startsWith("V.29 9600, fine, 2-D"));
});

test("DCS rate codes (T.30 Table 2 DCS column, HylaFAX t.30.h DCSSIGRATE_*)", (t) => {
	const expect: Record<string, number> = {
		"V.17 14400": 0x1,
		"V.17 12000": 0x5,
		"V.17 9600": 0x9,
		"V.17 7200": 0xd,
		"V.29 9600": 0x8,
		"V.29 7200": 0xc,
		"V.27ter 4800": 0x4,
		"V.27ter 2400": 0x0,
	};
	for (const r of RATES) t.is(r.dcsCode, expect[`${r.modulation} ${r.bitRate}`]);
	for (const r of RATES) t.is(dcsRate(r.dcsCode), r);
	t.is(dcsRate(0x2), undefined); // V.33
});

test("DIS modem codes -> rate sets", (t) => {
	const names = (c: number) => disRates(c).map((r) => `${r.modulation} ${r.bitRate}`);
	t.deepEqual(names(0x0), ["V.27ter 2400"]);
	t.deepEqual(names(0x4), ["V.27ter 4800", "V.27ter 2400"]);
	t.deepEqual(names(0xc), ["V.29 9600", "V.29 7200", "V.27ter 4800", "V.27ter 2400"]);
	t.deepEqual(names(0xe), names(0xc), "V.33 has no T.31 code; V.29/V.27ter remain");
});

test("min scan-line time: DIS codes with fine halving and bit 46", (t) => {
	const cases: [number, number, number][] = [
		// code, std ms, fine ms
		[0, 20, 20],
		[1, 40, 40],
		[2, 10, 10],
		[3, 10, 5],
		[4, 5, 5],
		[5, 40, 20],
		[6, 20, 10],
		[7, 0, 0],
	];
	for (const [code, std, fine] of cases) {
		const d = { minScanCode: code, minScanHalvesAtSuperfine: false };
		t.is(disMinScanMs(d, "standard"), std);
		t.is(disMinScanMs(d, "fine"), fine);
		t.is(disMinScanMs(d, "superfine"), fine);
		t.is(disMinScanMs({ ...d, minScanHalvesAtSuperfine: true }, "superfine"), fine / 2);
	}
	// HylaFAX ST codes: 0=0ms 1=5 2=10/2 3=10 4=20/2 5=20 6=40/2 7=40
	t.deepEqual([0, 1, 2, 3, 4, 5, 6, 7].map(disScanTimeCode), [5, 7, 3, 2, 1, 6, 4, 0]);
	for (const ms of [0, 5, 10, 20, 40]) t.is(dcsMinScanMs(dcsMinScanCode(ms)), ms);
	t.is(dcsMinScanMs(dcsMinScanCode(7)), 10, "rounds up");
});

test("widths and lengths", (t) => {
	const d = emptyDis();
	t.deepEqual(disWidths(d), [1728]);
	d.width255 = true;
	t.deepEqual(disWidths(d), [1728, 2048]);
	d.width303 = true;
	t.deepEqual(disWidths(d), [1728, 2048, 2432], "1,1 is invalid: read as A3 (HylaFAX DISWIDTH_INVALID)");
	t.is(pageLength({ lengthB4: true, lengthUnlimited: false }), "b4");
});

test("build sets extension bits and keeps unknown bits", (t) => {
	const d = emptyDis();
	d.t4Receiver = true;
	t.deepEqual(buildDis(d), bytes(0x00, 0x02, 0x00));
	d.ecm = true; // bit 27 -> octet 4
	t.deepEqual(buildDis(d), bytes(0x00, 0x02, 0x80, 0x04));
	d.otherBits = [100];
	const fif = buildDis(d);
	t.is(fif.length, 13);
	t.deepEqual(parseDis(fif).otherBits, [100]);
	t.true(parseDis(fif).ecm);
});

test("short FIFs read zero-padded; trailing octets after a clear extension bit ignored", (t) => {
	t.true(parseDis(bytes(0x00, 0x02)).t4Receiver);
	t.false(parseDis(bytes(0x00, 0x02, 0x00, 0x04)).ecm);
});

test("identity fields: 20 octets, space padded, reversed (SpanDSP CSI '11111111')", (t) => {
	const csi = Uint8Array.from([...Array(8).fill(0x31), ...Array(12).fill(0x20)]);
	t.is(decodeId(csi), "11111111");
	t.deepEqual(encodeId("11111111"), csi);
	t.is(decodeId(encodeId("+1 555 0100")), "+1 555 0100");
	t.is(encodeId("x".repeat(30)).length, 20);
	t.is(decodeId(encodeId("a\r\nb")), "ab");
});

test("FCF table: SpanDSP t30_fcf.h values and X bit handling", (t) => {
	t.is(Fcf.DIS, 0x80);
	t.is(Fcf.DCS, 0x82);
	t.is(withX(Fcf.DCS), 0x83);
	t.is(withX(Fcf.DIS), 0x80, "DIS has no X bit");
	t.is(withX(Fcf.DCN), 0xfb);
	t.is(fcfName(0x83), "DCS");
	t.is(fcfName(0x81), "DTC");
	t.is(fcfName(0x8d), "MCF");
	t.is(fcfName(0x2f), "EOP");
	t.is(fcfName(0x5a), undefined);
	t.false(hasXBit(Fcf.CSI));
	t.true(hasXBit(Fcf.TSI));
	t.is(baseFcf(0xfb), Fcf.DCN);
	t.true(isFcf(0x4d, "RTN"));
	const expected: Record<string, number> = { CSI: 0x40, NSF: 0x20, TSI: 0x42, CFR: 0x84, FTT: 0x44, MCF: 0x8c, RTN: 0x4c, RTP: 0xcc, PIN: 0x2c, PIP: 0xac, MPS: 0x4e, EOP: 0x2e, EOM: 0x8e, CRP: 0x1a, DCN: 0xfa };
	for (const [k, v] of Object.entries(expected)) t.is(Fcf[k as keyof typeof Fcf] as number, v, k);
});
