/**
 * The modem simulator through a real pty and the real serialport binding, driven by a raw scripted AT
 * client written here by hand (not our driver): identity/capability probes, and a full clean call
 * (ATD, CSI/DIS, TSI/DCS, TCF, one page coded by src/t4, EOP, MCF, DCN) whose received TIFF, decoded
 * by libtiff (tiffcp -c none), has exactly the pixels sent.
 */
import test from "ava";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { dcsMinScanCode, emptyDis, buildDis, parseDis, decodeId, disRates, RATES } from "../../src/t30/dis.js";
import { encodeBitmap } from "../../src/t4/index.js";
import { fixturePage } from "../helpers/fixtures.js";
import { libtiffDecodeTiff } from "../helpers/libtiff.js";
import { hostFrame, nameOf, readFrameSet, sendData, sendFrames, simRig, tsiFrame } from "./sim-harness.js";

test.serial("probe: echo, verbose/numeric codes, identity, classes, rate lists, S-registers, bad commands", async (t) => {
	const { client: c, sim } = await simRig(t, {
		identity: { manufacturer: "Conexant", model: "CX93001-EIS_V0.2002-V92", revision: "CX93001", ati: { 0: "56000", 3: "CX93001-EIS_V0.2002-V92" } },
		rates: "24,48,72,96",
	});
	// echo is on after power-up: the command comes back before the result
	t.deepEqual(await c.at("ATZ"), ["ATZ", "OK"]);
	t.deepEqual(await c.at("ATE0"), ["ATE0", "OK"]);
	t.deepEqual(await c.at("AT"), ["OK"]);
	t.deepEqual(await c.at("ATI3"), ["CX93001-EIS_V0.2002-V92", "OK"]);
	t.deepEqual(await c.at("AT+FMI?"), ["Conexant", "OK"]);
	t.deepEqual(await c.at("AT+FMM?"), ["CX93001-EIS_V0.2002-V92", "OK"]);
	t.deepEqual(await c.at("AT+FMR?"), ["CX93001", "OK"]);
	t.deepEqual(await c.at("AT+FCLASS=?"), ["0,1,1.0", "OK"]);
	t.deepEqual(await c.at("AT+FTM=?"), ["ERROR"], "class 0: no +F class 1 commands");
	t.deepEqual(await c.at("AT+FCLASS=1"), ["OK"]);
	t.deepEqual(await c.at("AT+FCLASS?"), ["1", "OK"]);
	t.deepEqual(await c.at("AT+FTM=?"), ["24,48,72,96", "OK"]);
	t.deepEqual(await c.at("AT+FRM=?"), ["24,48,72,96", "OK"]);
	t.deepEqual(await c.at("AT+FTH=?"), ["3", "OK"]);
	t.deepEqual(await c.at("AT+FTM=146"), ["ERROR"], "a rate not in the list");
	t.deepEqual(await c.at("ATS7=60S7?"), ["060", "OK"]);
	t.deepEqual(await c.at("AT+FCLASS=2"), ["ERROR"]);
	t.deepEqual(await c.at("AT+XYZ"), ["ERROR"]);
	t.deepEqual(await c.at("ATX4&K3L0M0"), ["OK"]);
	t.deepEqual(await c.at("AT+FTH=3"), ["ERROR"], "no call: nothing to transmit on");
	// XON/XOFF in command mode are ignored, not part of the line
	await c.write("\x11AT\x13\r");
	t.deepEqual(await c.response(), ["OK"]);
	// numeric result codes
	c.numeric = true;
	t.deepEqual(await c.at("ATV0"), ["0"]);
	t.deepEqual(await c.at("AT+FOO"), ["4"]);
	t.deepEqual(await c.at("ATV1"), ["OK"]);
	c.numeric = false;
	t.deepEqual(await c.at("AT+FTS=8"), ["OK"]);
	t.true(sim.commands.some((x) => x.text === "+FTS=8"));
	t.is(sim.calls.length, 0);
});

/** A hand-scripted clean Class 1 send of one page at `rate`, returning the exchange codes. */
test.serial("a clean call scripted by hand: the far end receives exactly the pixels sent", async (t) => {
	const out = mkdtempSync(join(tmpdir(), "faxline-sim-"));
	t.teardown(() => rmSync(out, { recursive: true, force: true }));
	const { client: c, sim } = await simRig(t, { farEnd: { outDir: out, csi: "+49 30 1234567", nsf: Uint8Array.of(0x00, 0x00, 0x0e) } });
	t.deepEqual(await c.at("ATE0"), ["ATE0", "OK"]);
	t.is(await c.final("AT+FCLASS=1"), "OK");

	// Phase A/B: dial; CONNECT on the far end's flags; NSF, CSI, DIS without +FRH=3 for the first
	t.is(await c.final("ATDT 555-0199"), "CONNECT");
	const dis = await readFrameSet(c);
	t.deepEqual(dis.frames.map(nameOf), ["NSF", "CSI", "DIS"]);
	t.deepEqual(dis.codes, ["OK", "OK", "OK"], "good FCS on every frame");
	t.is(decodeId(dis.frames[1]!.subarray(3)), "+49 30 1234567");
	const disFields = parseDis(dis.frames[2]!.subarray(3));
	t.true(disFields.t4Receiver);
	const best = disRates(disFields.modemCode)[0]!;
	t.is(best.bitRate, 14400);

	// TSI + DCS, then TCF: 1.5 s of zeros at the long-train modulation
	t.is(await c.final("AT+FRS=7"), "OK");
	const dcs = emptyDis();
	dcs.t4Receiver = true;
	dcs.modemCode = best.dcsCode;
	dcs.minScanCode = dcsMinScanCode(0);
	t.deepEqual(await sendFrames(c, [tsiFrame("faxline test"), hostFrame("DCS", buildDis(dcs))]), ["CONNECT", "CONNECT", "OK"]);
	t.is(await c.final("AT+FTS=7"), "OK");
	const tcfBytes = (best.bitRate * 1.5) / 8;
	t.deepEqual(await sendData(c, best.longTrain, new Uint8Array(tcfBytes)), ["CONNECT", "OK"]);
	const cfr = await readFrameSet(c, "frh");
	t.deepEqual(cfr.frames.map(nameOf), ["CFR"]);

	// Phase C: one page at the short-train modulation, MH, LSB first, RTC and padding
	const page = await fixturePage("text", "standard");
	const coded = encodeBitmap(page, { coding: "mh", rtc: true, bitOrder: "lsb" });
	const withPad = new Uint8Array(coded.length + 20);
	withPad.set(coded);
	t.is(await c.final("AT+FRS=7"), "OK");
	t.deepEqual(await sendData(c, best.shortTrain, withPad), ["CONNECT", "OK"]);

	// Phase D/E: EOP, MCF, DCN
	t.is(await c.final("AT+FTS=9"), "OK");
	t.deepEqual(await sendFrames(c, [hostFrame("EOP")]), ["CONNECT", "OK"]);
	const mcf = await readFrameSet(c, "frh");
	t.deepEqual(mcf.frames.map(nameOf), ["MCF"]);
	t.deepEqual(await sendFrames(c, [hostFrame("DCN")]), ["CONNECT", "OK"]);
	t.is(await c.final("ATH0"), "OK");

	const call = await sim.waitForCallEnd(1, 5000);
	t.is(call.outcome, "connected");
	t.is(call.end, "dcn");
	t.is(call.dial.digits, "5550199");
	t.is(call.dial.method, "T");
	t.is(call.tsi, "faxline test");
	t.is(call.dcs.length, 1);
	t.is(call.dcs[0]!.bitRate, 14400);
	t.is(call.tcf.length, 1);
	t.is(call.tcf[0]!.verdict, "CFR");
	t.is(call.tcf[0]!.bytes, tcfBytes);
	t.is(Math.round(call.tcf[0]!.durationMs), 1500);
	t.is(call.tcf[0]!.code, 145);
	t.is(call.pages.length, 1);
	const p = call.pages[0]!;
	t.true(p.accepted);
	t.is(p.response, "MCF");
	t.is(p.ppm, "EOP");
	t.true(p.rtc);
	t.is(p.badLines, 0);
	t.is(p.bytes, withPad.length);
	t.deepEqual(p.bitmap!.data, page.data, "decoded pixels equal those sent");
	t.is(p.minRowBits > 0, true);
	t.deepEqual(call.notes, []);
	t.is(call.collisions, 0);
	// gap before the TCF: measured from the end of the DCS to the +FTM carrier: 70 ms of +FTS plus host latency
	const tcfGap = call.gaps.find((g) => g.start === 145)!;
	t.is(tcfGap.after.what, "DCS");
	t.true(tcfGap.ms >= 70, `gap ${tcfGap.ms}`);

	// the TIFF the far end wrote, decoded by libtiff
	t.truthy(call.tiffPath);
	const lib = await libtiffDecodeTiff(readFileSync(call.tiffPath!));
	t.is(lib.pages.length, 1);
	t.is(lib.pages[0]!.width, 1728);
	t.is(lib.pages[0]!.height, page.height);
	t.deepEqual(lib.pages[0]!.data, page.data, "libtiff reads back the pixels sent");
	void RATES;
});
