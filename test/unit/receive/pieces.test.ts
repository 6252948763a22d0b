/**
 * The receiver's pure pieces (issue 10): the TCF judgement (SpanDSP zero-bit run / HylaFAX non-zero
 * share), the copy-quality verdict, RTC detection on a stream coded by libtiff (an encoder nobody here
 * wrote), the DIS we offer and the DCS check, and ring / caller-id parsing.
 */
import test from "ava";
import { RingTracker, describeCallerId, parseRingLine } from "../../../src/at/callerId.js";
import { isUnsolicited } from "../../../src/at/resultCodes.js";
import { answerDis, checkDcs } from "../../../src/t30/answerDis.js";
import { judgeCopyQuality } from "../../../src/t30/copyQuality.js";
import { buildDis, describeDis, emptyDis, parseDis } from "../../../src/t30/dis.js";
import { TcfJudge, judgeTcf } from "../../../src/t30/tcfCheck.js";
import { RtcDetector } from "../../../src/t4/rtcDetector.js";
import { reverseBits } from "../../../src/t4/index.js";
import { fixturePage } from "../../helpers/fixtures.js";
import { joinStrips, libtiffEncode } from "../../helpers/libtiff.js";

const zeros = (n: number) => new Uint8Array(n);
/** MSB-first bytes to Class 1 line order (LSB first), copied */
const lsb = (a: Uint8Array): Uint8Array => reverseBits(a.slice());

test("TCF: 1.5 s of zeros passes at every rate; 0.99 s of zero run fails; streaming equals whole", (t) => {
	for (const rate of [2400, 4800, 7200, 9600, 12000, 14400]) {
		const v = judgeTcf(zeros((rate * 1.5) / 8), rate);
		t.true(v.ok, `${rate}`);
		t.is(Math.round(v.durationMs), 1500);
		t.is(Math.round(v.zeroRunMs), 1500);
	}
	// 14400: 1000 ms = 1800 octets; a 1 bit splits the run
	const d = zeros(2700);
	d[1790] = 0x01; // the run before it: 1790 octets + 0 bits; after: 7 bits + 909 octets
	const v = judgeTcf(d, 14400);
	t.false(v.ok);
	t.regex(v.reason, /zero run 994 ms/);
	const j = new TcfJudge(14400);
	for (let i = 0; i < d.length; i += 100) j.push(d.subarray(i, i + 100));
	t.deepEqual(j.verdict(), v);
});

test("TCF: zero bits inside non-zero octets count (SpanDSP counts bits, LSB first)", (t) => {
	// 0x80 ends with 7 zero bits before its 1 (LSB first), 0x01 leaves 7 zero bits after its 1
	const d = zeros(1801);
	d[0] = 0x01;
	d[1800] = 0x80;
	const v = judgeTcf(d, 14400);
	t.is(v.zeroRunMs, ((1799 * 8 + 14) * 1000) / 14400);
	t.true(v.ok);
});

test("TCF: more than 10 % non-zero octets fails even with a long zero run; nothing at all fails", (t) => {
	const d = zeros(2700);
	for (let i = 2000; i < 2300; i++) d[i] = 0xff; // 11 % non-zero
	t.false(judgeTcf(d, 14400).ok);
	t.regex(judgeTcf(d, 14400).reason, /11 % non-zero/);
	t.true(judgeTcf(d, 14400, { maxNonZero: 0.2 }).ok);
	t.false(judgeTcf(zeros(0), 9600).ok);
});

test("copy quality: perfect/good MCF, poor RTP, bad RTN, consecutive-bad limit scaled by resolution", (t) => {
	t.is(judgeCopyQuality({ rows: 1100, badLines: 0, consecutiveBadLines: 0 }, "standard").response, "MCF");
	t.is(judgeCopyQuality({ rows: 1100, badLines: 40, consecutiveBadLines: 2 }, "standard").quality, "good");
	t.is(judgeCopyQuality({ rows: 1100, badLines: 100, consecutiveBadLines: 3 }, "standard").response, "RTP");
	t.is(judgeCopyQuality({ rows: 1100, badLines: 200, consecutiveBadLines: 3 }, "standard").response, "RTN");
	t.is(judgeCopyQuality({ rows: 1100, badLines: 6, consecutiveBadLines: 6 }, "standard").response, "RTN");
	t.is(judgeCopyQuality({ rows: 2200, badLines: 6, consecutiveBadLines: 6 }, "fine").response, "MCF", "6 rows at fine = 3 at standard");
	t.is(judgeCopyQuality({ rows: 0, badLines: 0, consecutiveBadLines: 0 }, "fine").response, "RTN");
	t.is(judgeCopyQuality({ rows: 1000, badLines: 100, consecutiveBadLines: 1 }, "standard", { tolerableMaxBadPercent: 8 }).response, "RTN");
	t.is(judgeCopyQuality({ rows: 1000, badLines: 30, consecutiveBadLines: 1 }, "standard", { goodMaxBadPercent: 2 }).response, "RTP");
});

for (const [coding, scheme] of [
	["mh", "g3:1d"],
	["mr", "g3:2d"],
] as const) {
	test(`RTC: found at the end of a libtiff-coded ${coding} page fed in odd chunks, not before`, async (t) => {
		const page = await fixturePage("text", "fine");
		const strip = joinStrips((await libtiffEncode([page], scheme)).images[0]!.strips);
		// libtiff writes no RTC in a TIFF strip: append one as T.4 §4.1.4 says (MSB-first bits here)
		const rtc = coding === "mh" ? rtcBits(6, false) : rtcBits(6, true);
		const msb = new Uint8Array([...strip, ...rtc]);
		const line = lsb(msb); // Class 1 line order: LSB first
		const det = new RtcDetector(coding);
		let foundAt = -1;
		for (let i = 0; i < line.length; i += 97) if (det.push(line.subarray(i, i + 97)) && foundAt < 0) foundAt = i;
		t.true(det.found);
		t.true(det.endOffset > strip.length && det.endOffset <= line.length, `RTC ends at ${det.endOffset} of ${line.length}`);
		const none = new RtcDetector(coding);
		none.push(lsb(strip));
		t.false(none.found, "the page itself has no RTC");
		t.true(none.eols >= page.height, "an EOL per row");
	});
}

/** n EOLs (each optionally followed by a 1 tag bit), MSB-first bytes, zero padded. */
function rtcBits(n: number, tag: boolean): Uint8Array {
	const bits: number[] = [];
	for (let i = 0; i < n; i++) {
		for (let k = 0; k < 11; k++) bits.push(0);
		bits.push(1);
		if (tag) bits.push(1);
	}
	while (bits.length % 8) bits.push(0);
	const out = new Uint8Array(bits.length / 8);
	bits.forEach((b, i) => (out[i >> 3]! |= b << (7 - (i & 7))));
	return out;
}

test("RTC: six EOLs split by a data bit are not RTC; EOL+0 in MR resets", (t) => {
	const d = new RtcDetector("mh");
	const half = rtcBits(3, false);
	d.push(lsb(half));
	d.push(new Uint8Array([0xff])); // data
	d.push(lsb(half));
	t.false(d.found);
	d.push(lsb(half));
	t.true(d.found);
	const m = new RtcDetector("mr");
	m.push(lsb(rtcBits(5, true)));
	m.push(lsb(rtcBits(1, false))); // EOL then a 0 tag bit: 2-D row follows
	m.push(lsb(rtcBits(5, true)));
	t.false(m.found);
	m.push(lsb(rtcBits(1, true)));
	t.true(m.found);
});

test("DIS offered: rates from +FRM=?, superfine, A3 width, unlimited length, MR; DCS check", (t) => {
	const caps = { receiveRates: [24, 48, 72, 73, 74, 96, 97, 98, 121, 122, 145, 146] as const };
	const dis = answerDis(caps);
	t.is(describeDis(parseDis(buildDis(dis))), "V.17+V.29+V.27ter, fine+superfine, 1-D+2-D, 2432 px, unlimited, scan 0/0 ms");
	const v29 = answerDis({ receiveRates: [24, 48, 72, 96] });
	t.is(v29.modemCode, 0xc);
	t.false(answerDis({ ...caps, resolutions: ["standard", "fine"], mr: false, maxWidth: 1728 }).superfine);
	const dcs = emptyDis();
	dcs.t4Receiver = true;
	dcs.modemCode = 0x1; // V.17 14400
	dcs.fine = true;
	dcs.twoD = true;
	dcs.width255 = true;
	const ok = checkDcs(dcs, dis, caps);
	t.true(ok.ok);
	if (ok.ok) t.deepEqual([ok.rate.bitRate, ok.resolution, ok.width, ok.coding], [14400, "fine", 2048, "mr"]);
	t.false(checkDcs(dcs, v29, { receiveRates: [24, 48, 72, 96] }).ok, "V.17 not offered");
	t.false(checkDcs({ ...dcs, t6: true }, dis, caps).ok, "MMR without ECM");
	t.false(checkDcs({ ...dcs, t4Receiver: false }, dis, caps).ok);
	t.false(checkDcs({ ...dcs, modemCode: 0x2 }, dis, caps).ok, "V.33");
	const narrow = answerDis({ ...caps, maxWidth: 1728, maxLength: "a4" });
	t.false(checkDcs(dcs, narrow, caps).ok, "B4 width not offered");
	t.false(checkDcs({ ...dcs, width255: false, lengthB4: true }, narrow, caps).ok, "B4 length not offered");
});

test("caller id: V.253 formatted fields, compact =, CALLER NUMBER:, RING with number, private, numeric RING", (t) => {
	const r = new RingTracker();
	for (const l of ["RING", "DATE = 1206", "TIME = 1812", "NMBR = 555-1234", "NAME = ACME CORP", "DDN_NMBR = 5550100", "RING"]) {
		t.true(isUnsolicited(l), l);
		r.feed(l);
	}
	t.is(r.rings, 2);
	t.deepEqual(r.callerId, { number: "5551234", name: "ACME CORP", date: "1206", time: "1812", calledNumber: "5550100" });
	t.is(describeCallerId(r.callerId), "5551234 (ACME CORP)");
	const s = new RingTracker();
	["NMBR=+4930123456", "NAME=P", "2", "RING"].forEach((l) => s.feed(l));
	t.is(s.rings, 2);
	t.is(s.callerId.number, "+4930123456");
	t.is(s.callerId.numberReason, "private");
	const u = new RingTracker();
	["CALLER NUMBER: 5559876", "RING", "NMBR = O"].forEach((l) => u.feed(l));
	t.is(u.callerId.number, "5559876");
	t.is(u.callerId.numberReason, "unavailable");
	t.true(isUnsolicited("CALLER NUMBER: 5559876"));
	t.deepEqual(parseRingLine("RING;0301234"), { kind: "ring", number: "0301234" });
	t.deepEqual(parseRingLine("+VRID: NMBR=123"), { kind: "field", field: "NMBR", value: "123" });
	t.deepEqual(parseRingLine("OK"), { kind: "other" });
	u.reset();
	t.false(u.hasCallerId);
});
