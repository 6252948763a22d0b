/**
 * Each fault of the modem simulator shown on the wire, through a real pty and the real serialport
 * binding, driven by the raw scripted client (sim-harness.ts): dial failures, FTT above a rate, DIS
 * after DCS, RTN/RTP/PIN/PIP/CRP after a page, no reply to a PPM (once and three times), a bad FCS
 * (ERROR), +FCERROR, DCN in every phase, CONNECT before ready, ERROR to a command, a silent modem and
 * the port vanishing mid-page. Timing: timeScale 0.02, so a modelled T4 (3 s) is 60 real ms.
 */
import test from "ava";
import { appendFcs, checkFcs } from "../../src/hdlc/fcs.js";
import type { Bitmap } from "../../src/core/bitmap.js";
import { fixturePage } from "../helpers/fixtures.js";
import { topRows } from "../helpers/libtiff.js";
import { V17_14400, V29_9600, answer, dialToDis, disconnect, postPage, sendPage, simRig, train } from "./sim-harness.js";

let small: Bitmap | undefined;
const page = async (): Promise<Bitmap> => (small ??= topRows(await fixturePage("text", "standard"), 120));

for (const [kind, code] of [
	["busy", "BUSY"],
	["noAnswer", "NO ANSWER"],
	["noDialtone", "NO DIALTONE"],
	["noCarrier", "NO CARRIER"],
] as const) {
	test.serial(`dial fault ${kind} -> ${code}; a fault limited to call 1 lets call 2 connect`, async (t) => {
		const { client: c, sim } = await simRig(t, { faults: [{ kind, call: 1 }] });
		t.is((await dialToDis(c)).code, code);
		const c1 = await sim.waitForCallEnd(1, 2000);
		t.is(c1.outcome, kind);
		t.is(c1.end, "dialFailed");
		const again = await dialToDis(c, "5550101");
		t.is(again.code, "CONNECT");
		t.is(sim.calls[1]!.outcome, "connected");
		await c.final("ATH0");
	});
}

test.serial("fttAbove 9600: FTT at V.17 14400, CFR at V.29 9600", async (t) => {
	const { client: c, sim } = await simRig(t, { faults: [{ kind: "fttAbove", bitRate: 9600 }] });
	t.is((await dialToDis(c)).code, "CONNECT");
	t.deepEqual((await train(c, V17_14400)).names, ["FTT"]);
	t.deepEqual((await train(c, V29_9600)).names, ["CFR"]);
	await disconnect(c);
	const call = await sim.waitForCallEnd(1, 2000);
	t.deepEqual(call.tcf.map((x) => [x.code, x.verdict]), [[145, "FTT"], [96, "CFR"]]);
});

test.serial("a TCF that is too short or not zeros gets FTT (HylaFAX rule: 1000 ms zero run, <= 10% non-zero)", async (t) => {
	const { client: c, sim } = await simRig(t);
	t.is((await dialToDis(c)).code, "CONNECT");
	t.deepEqual((await train(c, V17_14400, { tcf: new Uint8Array(1500) })).names, ["FTT"], "833 ms of zeros");
	const noisy = new Uint8Array(2700);
	for (let i = 0; i < noisy.length; i += 50) noisy[i] = 0xff;
	t.deepEqual((await train(c, V17_14400, { tcf: noisy })).names, ["FTT"], "zero runs of 27 ms only");
	t.deepEqual((await train(c, V17_14400, { code: 146 })).names, ["FTT"], "short train is not a TCF");
	t.deepEqual((await train(c, V17_14400)).names, ["CFR"]);
	await disconnect(c);
	const call = await sim.waitForCallEnd(1, 2000);
	t.deepEqual(call.tcf.map((x) => x.verdict), ["FTT", "FTT", "FTT", "CFR"]);
	t.is(Math.round(call.tcf[0]!.zeroRunMs), 833);
	t.true(call.tcf.every((x) => x.lostBytes === 0));
	t.is(call.tcf[2]!.expectedCode, 145);
});

test.serial("disAfterDcs twice: the far end answers TSI/DCS+TCF with CSI/DIS, then CFR", async (t) => {
	const { client: c, sim } = await simRig(t, { faults: [{ kind: "disAfterDcs", times: 2 }] });
	t.is((await dialToDis(c)).code, "CONNECT");
	t.deepEqual((await train(c, V17_14400)).names, ["CSI", "DIS"]);
	t.deepEqual((await train(c, V17_14400)).names, ["CSI", "DIS"]);
	t.deepEqual((await train(c, V17_14400)).names, ["CFR"]);
	await disconnect(c);
	t.deepEqual((await sim.waitForCallEnd(1, 2000)).tcf.map((x) => x.verdict), ["DIS", "DIS", "CFR"]);
});

for (const response of ["RTN", "RTP", "PIN", "PIP"] as const) {
	test.serial(`postPage ${response} on page 1: the far end says ${response}, and MCF to the page sent again after retraining`, async (t) => {
		const { client: c, sim } = await simRig(t, { faults: [{ kind: "postPage", page: 1, response }] });
		t.is((await dialToDis(c)).code, "CONNECT");
		t.deepEqual((await train(c, V17_14400)).names, ["CFR"]);
		t.deepEqual(await sendPage(c, V17_14400, await page()), ["CONNECT", "OK"]);
		t.deepEqual((await postPage(c, "MPS")).names, [response]);
		const kept = response === "RTP" || response === "PIP";
		t.deepEqual((await train(c, V17_14400)).names, ["CFR"]);
		t.deepEqual(await sendPage(c, V17_14400, await page()), ["CONNECT", "OK"]);
		t.deepEqual((await postPage(c, "EOP")).names, ["MCF"]);
		await disconnect(c);
		const call = await sim.waitForCallEnd(1, 2000);
		t.deepEqual(
			call.pages.map((p) => [p.page, p.attempt, p.response, p.accepted]),
			kept ? [[1, 1, response, true], [2, 1, "MCF", true]] : [[1, 1, response, false], [1, 2, "MCF", true]],
		);
	});
}

test.serial("CRP to MPS: the host repeats MPS and gets MCF", async (t) => {
	const { client: c, sim } = await simRig(t, { faults: [{ kind: "postPage", page: 1, response: "CRP" }] });
	t.is((await dialToDis(c)).code, "CONNECT");
	t.deepEqual((await train(c, V17_14400)).names, ["CFR"]);
	await sendPage(c, V17_14400, await page());
	t.deepEqual((await postPage(c, "EOP")).names, ["CRP"]);
	t.deepEqual((await postPage(c, "EOP")).names, ["MCF"]);
	await disconnect(c);
	const call = await sim.waitForCallEnd(1, 2000);
	t.deepEqual(call.ppms.map((p) => p.response), ["CRP", "MCF"]);
	t.true(call.pages[0]!.accepted);
});

for (const times of [1, 3]) {
	test.serial(`noReply to EOP ${times}x: +FRH=3 hears nothing (the host aborts it: OK), the next EOP is answered`, async (t) => {
		const { client: c, sim } = await simRig(t, { faults: [{ kind: "noReply", to: "EOP", times }] });
		t.is((await dialToDis(c)).code, "CONNECT");
		t.deepEqual((await train(c, V17_14400)).names, ["CFR"]);
		await sendPage(c, V17_14400, await page());
		for (let i = 0; i < times; i++) {
			await c.final("AT+FTS=9");
			await c.final("AT+FTH=3");
			await c.sendBlock(Uint8Array.of(0xff, 0x13, 0x2f));
			t.is((await c.response()).at(-1), "OK");
			await c.write("AT+FRH=3\r");
			// a modelled T4 (3 s = 60 real ms) and ten times more: no CONNECT
			await t.throwsAsync(c.response(600), { message: /timeout/ });
			await c.write("\x18"); // CAN aborts the pending +FRH (T.31 §8.3.x): OK
			t.deepEqual(await c.response(), ["OK"]);
		}
		t.deepEqual((await postPage(c, "EOP")).names, ["MCF"]);
		await disconnect(c);
		const call = await sim.waitForCallEnd(1, 2000);
		t.deepEqual(call.ppms.map((p) => p.response), [...Array(times).fill(""), "MCF"]);
	});
}

test.serial("badFcs on CFR: the frame arrives with a wrong FCS and ERROR", async (t) => {
	const { client: c, sim } = await simRig(t, { faults: [{ kind: "badFcs", frame: "CFR" }] });
	t.is((await dialToDis(c)).code, "CONNECT");
	await c.final("AT+FRS=7");
	const { sendFrames, hostFrame, tsiFrame, dcsFor, sendData } = await import("./sim-harness.js");
	await sendFrames(c, [tsiFrame("x"), hostFrame("DCS", dcsFor(V17_14400))]);
	await c.final("AT+FTS=7");
	await sendData(c, 145, new Uint8Array(2700));
	t.is(await c.final("AT+FRH=3"), "CONNECT");
	const { data, code } = await c.readBlock();
	t.is(code, "ERROR");
	t.deepEqual(Array.from(data.subarray(0, 3)), [0xff, 0x13, 0x84]);
	t.false(checkFcs(data));
	t.true(checkFcs(appendFcs(data.subarray(0, 3))), "control: our FCS check accepts a good frame");
	await disconnect(c);
	t.true((await sim.waitForCallEnd(1, 2000)).frames.some((f) => f.name === "CFR" && f.badFcs));
});

test.serial("fcError before CFR: +FRH=3 -> +FCERROR once, then the CFR", async (t) => {
	const { client: c } = await simRig(t, { faults: [{ kind: "fcError", before: "CFR" }] });
	t.is((await dialToDis(c)).code, "CONNECT");
	const r = await train(c, V17_14400).catch((e: Error) => e);
	t.true(r instanceof Error && /\+FCERROR/.test(r.message), "the scripted train() sees +FCERROR");
	t.deepEqual((await answer(c)).names, ["CFR"]);
	await disconnect(c);
});

for (const after of ["dcs", "tcf", "mps", "eop"] as const) {
	test.serial(`DCN after ${after}: the far end disconnects; the next +FRH=3 gets NO CARRIER`, async (t) => {
		const { client: c, sim } = await simRig(t, { faults: [{ kind: "dcn", after }] });
		t.is((await dialToDis(c)).code, "CONNECT");
		let got: string[];
		if (after === "dcs") {
			const { sendFrames, hostFrame, tsiFrame, dcsFor } = await import("./sim-harness.js");
			await c.final("AT+FRS=7");
			await sendFrames(c, [tsiFrame("x"), hostFrame("DCS", dcsFor(V17_14400))]);
			got = (await answer(c)).names;
		} else {
			const tr = await train(c, V17_14400);
			if (after === "tcf") got = tr.names;
			else {
				t.deepEqual(tr.names, ["CFR"]);
				await sendPage(c, V17_14400, await page());
				got = (await postPage(c, after === "mps" ? "MPS" : "EOP")).names;
			}
		}
		t.deepEqual(got, ["DCN"]);
		t.deepEqual((await answer(c)).codes, ["NO CARRIER"]);
		const call = await sim.waitForCallEnd(1, 2000);
		t.is(call.end, "farDcn");
	});
}

test.serial("connectEarly: CONNECT to +FTM before training ends; a host that sends at once loses its TCF, one that waits does not", async (t) => {
	const { client: c, sim } = await simRig(t, { faults: [{ kind: "connectEarly", notReadyMs: 800 }] });
	t.is((await dialToDis(c)).code, "CONNECT");
	t.deepEqual((await train(c, V17_14400)).names, ["FTT"]);
	// 800 ms of 1500 lost: the zero run left is 700 ms. With a TMConnectDelay longer than the window
	// (host time is real time on the line), nothing is lost
	t.deepEqual((await train(c, V17_14400, { connectDelayMs: 900 })).names, ["CFR"]);
	await disconnect(c);
	const call = await sim.waitForCallEnd(1, 2000);
	t.true(call.tcf[0]!.lostBytes > 0);
	t.is(call.tcf[1]!.lostBytes, 0);
});

test.serial("ERROR to a chosen command (once), then normal service", async (t) => {
	const { client: c } = await simRig(t, { faults: [{ kind: "error", command: "+FCLASS=1" }] });
	await c.at("ATE0");
	t.is(await c.final("AT+FCLASS=1"), "ERROR");
	t.is(await c.final("AT+FCLASS=1"), "OK");
});

test.serial("silent: the modem stops answering at the chosen command", async (t) => {
	const { client: c, sim } = await simRig(t, { faults: [{ kind: "silent", command: "+FTM" }] });
	t.is((await dialToDis(c)).code, "CONNECT");
	const { sendFrames, hostFrame, tsiFrame, dcsFor } = await import("./sim-harness.js");
	await c.final("AT+FRS=7");
	t.deepEqual(await sendFrames(c, [tsiFrame("x"), hostFrame("DCS", dcsFor(V17_14400))]), ["CONNECT", "CONNECT", "OK"]);
	t.is(await c.final("AT+FTS=7"), "OK");
	await t.throwsAsync(c.final("AT+FTM=145", 500), { message: /timeout/ });
	t.is(sim.mode, "silent");
	await t.throwsAsync(c.final("AT", 300), { message: /timeout/ });
	t.is(sim.calls[0]!.end, "silent");
});

test.serial("vanish mid-page: the port disappears under the serialport client", async (t) => {
	const { client: c, sim, port } = await simRig(t, { faults: [{ kind: "vanish", page: 1, afterBytes: 2000 }] });
	t.is((await dialToDis(c)).code, "CONNECT");
	t.deepEqual((await train(c, V17_14400)).names, ["CFR"]);
	const gone = new Promise<string>((resolve) => {
		port.once("close", () => resolve("close"));
		port.once("error", (e: Error) => resolve(`error ${e.message}`));
	});
	const big = await fixturePage("text", "standard");
	void sendPage(c, V17_14400, big).catch(() => undefined);
	const how = await Promise.race([gone, new Promise<string>((r) => setTimeout(() => r("nothing"), 5000))]);
	t.not(how, "nothing", "serialport reports the loss of the device");
	t.is(sim.calls[0]!.end, "portClosed");
	t.is(sim.mode, "dead");
});

test.serial("the far end's TCF window: a TCF sent without +FTS after the DCS is missed (FTT); with +FTS=7 it trains", async (t) => {
	const { client: c, sim } = await simRig(t, { farEnd: { tcfGapMs: { min: 55, max: 95 } } });
	const { sendFrames, hostFrame, tsiFrame, dcsFor, sendData, answer } = await import("./sim-harness.js");
	t.is((await dialToDis(c)).code, "CONNECT");
	await c.final("AT+FRS=7");
	await sendFrames(c, [tsiFrame("x"), hostFrame("DCS", dcsFor(V17_14400))]);
	await sendData(c, 145, new Uint8Array(2700)); // no AT+FTS=7
	t.deepEqual((await answer(c)).names, ["FTT"]);
	t.deepEqual((await train(c, V17_14400)).names, ["CFR"]);
	await disconnect(c);
	const call = await sim.waitForCallEnd(1, 2000);
	const gaps = call.gaps.filter((g) => g.start === 145).map((g) => g.ms);
	t.true(gaps[0]! < 55, `no +FTS: ${gaps[0]} ms`);
	t.true(gaps[1]! >= 70 && gaps[1]! <= 95, `+FTS=7: ${gaps[1]} ms`);
	t.regex(call.notes.join("\n"), /TCF began \d+ ms after the DCS/);
});

test.serial("scan-line time: rows shorter than the DCS's 20 ms get RTN; filled rows get MCF", async (t) => {
	const { client: c, sim } = await simRig(t, { farEnd: { minScanCode: 0 } }); // DIS: 20 ms at every resolution
	const { sendFrames, hostFrame, tsiFrame, sendData, answer } = await import("./sim-harness.js");
	const { emptyDis, buildDis, dcsMinScanCode } = await import("../../src/t30/dis.js");
	const { encodeBitmap, minBitsPerRow } = await import("../../src/t4/index.js");
	t.is((await dialToDis(c)).code, "CONNECT");
	const d = emptyDis();
	d.t4Receiver = true;
	d.modemCode = V17_14400.dcsCode;
	d.minScanCode = dcsMinScanCode(20);
	await c.final("AT+FRS=7");
	await sendFrames(c, [tsiFrame("x"), hostFrame("DCS", buildDis(d))]);
	await c.final("AT+FTS=7");
	await sendData(c, 145, new Uint8Array(2700));
	t.deepEqual((await answer(c)).names, ["CFR"]);
	const bm = await page();
	for (const minBits of [0, minBitsPerRow(14400, 20)]) {
		const coded = encodeBitmap(bm, { coding: "mh", rtc: true, bitOrder: "lsb", ...(minBits ? { minBitsPerRow: minBits } : {}) });
		await c.final("AT+FRS=7");
		await sendData(c, 146, coded);
		t.deepEqual((await postPage(c, minBits ? "EOP" : "MPS")).names, [minBits ? "MCF" : "RTN"]);
		if (!minBits) {
			await c.final("AT+FRS=7");
			await sendFrames(c, [tsiFrame("x"), hostFrame("DCS", buildDis(d))]);
			await c.final("AT+FTS=7");
			await sendData(c, 145, new Uint8Array(2700));
			t.deepEqual((await answer(c)).names, ["CFR"]);
		}
	}
	await disconnect(c);
	const call = await sim.waitForCallEnd(1, 2000);
	t.true(call.pages[0]!.shortRows > 0);
	t.true(call.pages[0]!.minRowMs < 20);
	t.is(call.pages[1]!.shortRows, 0);
	t.true(call.pages[1]!.minRowMs >= 20);
	t.deepEqual(call.pages.map((p) => [p.page, p.attempt]), [[1, 1], [1, 2]]);
});

test.serial("frames from the caller without the X bit are noted", async (t) => {
	const { client: c, sim } = await simRig(t);
	const { sendFrames, dcsFor } = await import("./sim-harness.js");
	const { buildFrame } = await import("../../src/hdlc/frame.js");
	t.is((await dialToDis(c)).code, "CONNECT");
	await c.final("AT+FRS=7");
	await sendFrames(c, [buildFrame(0x82, dcsFor(V17_14400), true)]); // DCS 0x82: X bit missing
	await c.final("ATH0");
	const call = await sim.waitForCallEnd(1, 2000);
	t.deepEqual(call.notes, ["DCS from the caller without the X bit"]);
});

test.serial("a page sent at a modulation the DCS did not select is not received: RTN", async (t) => {
	const { client: c, sim } = await simRig(t);
	t.is((await dialToDis(c)).code, "CONNECT");
	t.deepEqual((await train(c, V17_14400)).names, ["CFR"]);
	t.deepEqual(await sendPage(c, V29_9600, await page()), ["CONNECT", "OK"]); // V.29 after a V.17 DCS
	t.deepEqual((await postPage(c, "EOP")).names, ["RTN"]);
	await disconnect(c);
	const p = (await sim.waitForCallEnd(1, 2000)).pages[0]!;
	t.false(p.modulationOk);
	t.regex(p.decodeError ?? "", /\+FTM=96 does not match the DCS \(V\.17 14400\)/);
});
