/**
 * src/modem/probe.ts and rates.ts: the probe/init command sequence against scripted DCEs, rate-list
 * parsing (plain, ELSA brackets, +FTM: prefix, profile override), class checks, profile selection.
 */
import test from "ava";
import { AtChannel } from "../../../src/at/AtChannel.js";
import { ManualClock } from "../../../src/core/Clock.js";
import { FaxError } from "../../../src/core/FaxError.js";
import { openClass1Modem, probeModem } from "../../../src/modem/probe.js";
import { parseClassList, parseRateList } from "../../../src/modem/rates.js";
import { ScriptedDce } from "../at/scriptedDce.js";

function spanDspLike(): ScriptedDce {
	// What SpanDSP 0.0.6's T.31 answers (class1.md "SpanDSP 0.0.6 as a peer").
	const dce = new ScriptedDce();
	dce.always("ATI", "\r\nspandsp\r\n\r\nOK\r\n");
	dce.always("AT+FMI?", "\r\nspandsp\r\n\r\nOK\r\n");
	dce.always("AT+FMM?", "\r\nspandsp\r\n\r\nOK\r\n");
	dce.always("AT+FMR?", "\r\n0.0.6\r\n\r\nOK\r\n");
	dce.always("AT+FCLASS=?", "\r\n0,1,1.0\r\n\r\nOK\r\n");
	dce.always("AT+FCLASS=1", "\r\nOK\r\n");
	dce.always("AT+FAR=1", "\r\nOK\r\n");
	dce.always("AT+FTM=?", "\r\n24,48,72,73,74,96,97,98,121,122,145,146\r\n\r\nOK\r\n");
	dce.always("AT+FRM=?", "\r\n24,48,72,73,74,96,97,98,121,122,145,146\r\n\r\nOK\r\n");
	return dce;
}

test("rate lists: plain, ELSA brackets, +FTM: prefix, override, junk", (t) => {
	t.deepEqual(parseRateList("24,48,72,73,74,96,97,98,121,122,145,146"), [24, 48, 72, 73, 74, 96, 97, 98, 121, 122, 145, 146]);
	t.deepEqual(parseRateList("(24,48,72,96)"), [24, 48, 72, 96]);
	t.deepEqual(parseRateList("+FTM: 96,24,48"), [24, 48, 96]);
	t.deepEqual(parseRateList("!24,48,72,96"), [24, 48, 72, 96]);
	t.deepEqual(parseRateList("3,24,300,ab,48"), [24, 48]);
	t.deepEqual(parseRateList(""), []);
	t.deepEqual(parseClassList("0,1,1.0"), ["0", "1", "1.0"]);
	t.deepEqual(parseClassList("(0,1,2,2.0)"), ["0", "1", "2", "2.0"]);
});

test("probe runs reset, echo off, identity, class check, +FCLASS=1, adaptive receive, rate queries in order", async (t) => {
	const dce = spanDspLike();
	const ch = new AtChannel(dce, { clock: new ManualClock() });
	const p = await probeModem(ch, { clock: new ManualClock() });
	t.is(p.profile.name, "iaxmodem");
	t.deepEqual(p.identity, { ati: "spandsp", fmi: "spandsp", fmm: "spandsp", fmr: "0.0.6" });
	t.deepEqual(p.classes, ["0", "1", "1.0"]);
	t.is(p.serviceClass, "1");
	t.deepEqual(p.transmitRates, [24, 48, 72, 73, 74, 96, 97, 98, 121, 122, 145, 146]);
	t.deepEqual(dce.commands, ["AT", "ATZ", "ATE0V1", "ATI", "AT+FMI?", "AT+FMM?", "AT+FMR?", "AT+FCLASS=?", "AT+FCLASS=1", "AT+FAR=1", "AT+FTM=?", "AT+FRM=?"]);
});

test("a Conexant modem gets AT&D2, AT&C1, AT&K3 and AT+FAR=1; an ELSA-style rate list parses", async (t) => {
	const dce = new ScriptedDce();
	dce.always("ATI", "\r\n56000\r\n\r\nOK\r\n");
	dce.always(/^AT\+FM[IMR]\?$/, "\r\nERROR\r\n");
	dce.always(/^AT&[DCK]\d$/, "\r\nOK\r\n");
	dce.always("AT+FCLASS=?", "\r\n(0,1,1.0,8)\r\n\r\nOK\r\n");
	dce.always(/^AT\+FCLASS=1$/, "\r\nOK\r\n");
	dce.always("AT+FAR=1", "\r\nOK\r\n");
	dce.always(/^AT\+F[TR]M=\?$/, "\r\n(24,48,72,96)\r\n\r\nOK\r\n");
	const p = await probeModem(new AtChannel(dce, { clock: new ManualClock() }), { clock: new ManualClock() });
	t.is(p.profile.name, "conexant");
	t.is(p.flowControl, "rtscts");
	t.deepEqual(p.transmitRates, [24, 48, 72, 96]);
	t.deepEqual(p.identity, { ati: "56000" });
	for (const c of ["AT&D2", "AT&C1", "AT&K3", "AT+FAR=1"]) t.true(dce.commands.includes(c), c);
	t.deepEqual(dce.flowControl, ["rtscts"]);
});

test("a modem without Class 1 is refused with MODEM_NOT_FAX_CLASS1", async (t) => {
	const dce = spanDspLike();
	dce.always("AT+FCLASS=?", "\r\n0,2,2.0\r\n\r\nOK\r\n");
	const e = await probeModem(new AtChannel(dce, { clock: new ManualClock() }), { clock: new ManualClock() }).catch((x: unknown) => x);
	t.true(e instanceof FaxError && e.code === "MODEM_NOT_FAX_CLASS1");
	t.false(dce.commands.some((c) => c.startsWith("AT+FCLASS=1")));
});

test("a silent device is MODEM_NO_RESPONSE after two AT tries", async (t) => {
	const dce = new ScriptedDce();
	dce.answerCan = false;
	dce.always(/.*/, () => undefined);
	const clock = new ManualClock();
	const p = probeModem(new AtChannel(dce, { clock }), { clock });
	let err: unknown;
	p.catch((e: unknown) => (err = e));
	for (let i = 0; i < 10 && err === undefined; i++) {
		await new Promise((r) => setImmediate(r));
		await clock.advance(1000);
	}
	t.true(err instanceof FaxError && err.code === "MODEM_NO_RESPONSE");
	t.deepEqual(dce.commands, ["AT", "AT"]);
});

test("a modem left in +FTM data mode by a crashed process is woken with DLE ETX, CAN and AT", async (t) => {
	const dce = spanDspLike();
	let stuckBlock: Uint8Array | undefined;
	dce.expectData((d) => {
		stuckBlock = d;
		dce.send("\r\nOK\r\n"); // the end of the old data block
	});
	const clock = new ManualClock();
	const p = probeModem(new AtChannel(dce, { clock }), { clock });
	let done = false;
	void p.then(() => (done = true), () => (done = true));
	for (let i = 0; i < 20 && !done; i++) {
		await new Promise((r) => setImmediate(r));
		await clock.advance(100);
	}
	const r = await p;
	t.is(r.profile.name, "iaxmodem");
	t.is(Buffer.from(stuckBlock!).toString("latin1"), "AT\r", "the first AT went into the stuck data block");
	t.deepEqual(dce.commands.slice(0, 2), ["AT", "ATZ"]);
});

test("no usable rates is MODEM_NO_RATES; a profile !list override wins over the modem", async (t) => {
	const dce = spanDspLike();
	dce.always("AT+FTM=?", "\r\n\r\nOK\r\n");
	const e = await probeModem(new AtChannel(dce, { clock: new ManualClock() }), { clock: new ManualClock() }).catch((x: unknown) => x);
	t.true(e instanceof FaxError && e.code === "MODEM_NO_RATES");
	const { defineProfile } = await import("../../../drivers/index.js");
	const prof = defineProfile({ name: "v17-off", description: "x", class1: { tmQueryCmd: "!24,48,72,96", rmQueryCmd: "!24,48,72,96" } });
	const d2 = spanDspLike();
	const p = await probeModem(new AtChannel(d2, { clock: new ManualClock() }), { clock: new ManualClock(), profile: prof });
	t.deepEqual(p.transmitRates, [24, 48, 72, 96]);
	t.false(d2.commands.includes("AT+FTM=?"));
});

test("openClass1Modem over a given transport returns a working Class1Link with the probe's facts", async (t) => {
	const dce = spanDspLike();
	const modem = await openClass1Modem("ignored", { transport: dce, clock: new ManualClock(), profile: "generic-class1" });
	t.is(modem.profile.name, "generic-class1");
	t.is(modem.info?.serviceClass, "1");
	t.deepEqual(modem.transmitRates.slice(-2), [145, 146]);
	await modem.close();
	t.false(dce.isOpen);
	await t.throwsAsync(openClass1Modem("x", { transport: spanDspLike(), profile: "no-such" }), { instanceOf: FaxError, message: /Unknown modem profile/ });
});

test("openClass1Modem on a missing path is PORT_NOT_FOUND", async (t) => {
	const e = await openClass1Modem("/dev/does-not-exist-faxline").catch((x: unknown) => x);
	t.true(e instanceof FaxError && e.code === "PORT_NOT_FOUND");
});
