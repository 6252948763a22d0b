/**
 * src/modem/Class1Modem.ts against the scripted DCE on a ManualClock: dial results and injection
 * refusal, frame receive (after ATD, per-frame +FRH=3, NO CARRIER re-issue, +FCERROR wait, bad FCS,
 * timeout abort), frame and data transmit with DLE transparency, the scaled OK wait, profile knobs.
 */
import test from "ava";
import { defineProfile, genericClass1 } from "../../../drivers/index.js";
import type { ProfileSpec } from "../../../drivers/_schema.js";
import { AtChannel } from "../../../src/at/AtChannel.js";
import { ManualClock } from "../../../src/core/Clock.js";
import { FaxError } from "../../../src/core/FaxError.js";
import { Class1Modem } from "../../../src/modem/Class1Modem.js";
import { ScriptedDce, settle, wireFrame } from "../at/scriptedDce.js";

function setup(spec?: Omit<ProfileSpec, "name" | "description">) {
	const clock = new ManualClock();
	const dce = new ScriptedDce();
	const ch = new AtChannel(dce, { clock });
	const profile = spec ? defineProfile({ name: "test", description: "test", ...spec }) : genericClass1;
	const modem = new Class1Modem(ch, { profile, clock, transmitRates: [24, 48, 72, 96] });
	return { clock, dce, ch, modem };
}

const DIS = Uint8Array.of(0xff, 0x13, 0x80, 0x00, 0x46, 0x10, 0x03, 0x11, 0x13);
const CSI = Uint8Array.of(0xff, 0x03, 0x40, 0x20, 0x20, 0x31, 0x10, 0x32);
const connectWith = (...frames: Buffer[]) => Buffer.concat([Buffer.from("\r\nCONNECT\r\n"), ...frames.flatMap((f) => [f, Buffer.from("\r\nOK\r\n")])]);

test("dial maps every result code to a DialOutcome", async (t) => {
	const table: [string, string][] = [
		["CONNECT", "connect"],
		["BUSY", "busy"],
		["NO ANSWER", "noAnswer"],
		["NO DIALTONE", "noDialtone"],
		["NO CARRIER", "noCarrier"],
		["BLACKLISTED", "blacklisted"],
		["DIALING DISABLED", "blacklisted"],
		["DELAYED 00:05:00", "delayed"],
		["ERROR", "error"],
		["OK", "error"],
	];
	for (const [reply, kind] of table) {
		const { dce, modem } = setup();
		dce.once(/^ATDT/, `\r\n${reply}\r\n`);
		const r = await modem.dial("5551234");
		t.is(r.kind as string, kind, reply);
		if (r.kind === "delayed") t.is(r.seconds, 300);
		t.deepEqual(dce.commands, ["ATDT5551234"]);
	}
});

test("dial ignores up to three +FCERROR lines, not a fourth", async (t) => {
	const ok = setup();
	ok.dce.once(/^ATDT/, "\r\n+FCERROR\r\n\r\n+FCERROR\r\n\r\n+FCERROR\r\n\r\nCONNECT\r\n");
	t.is((await ok.modem.dial("1")).kind, "connect");
	const bad = setup();
	bad.dce.once(/^ATDT/, "\r\n+FCERROR\r\n\r\n+FCERROR\r\n\r\n+FCERROR\r\n\r\n+FCERROR\r\n");
	t.is((await bad.modem.dial("1")).kind, "error");
});

test("dial strings that could inject AT commands are refused before anything is written", async (t) => {
	for (const evil of ["555;+FCLASS=0", "5551234\rATZ", "555\nATH", "555 ATZ", "555&F", "+++", "", "5551234;", "555\u0000", "555=1"]) {
		const { dce, modem } = setup();
		const e = await modem.dial(evil).catch((x: unknown) => x);
		t.true(e instanceof FaxError && e.code === "BAD_DIAL_STRING", JSON.stringify(evil));
		t.is((e as FaxError).disposition, "fail");
		t.deepEqual(dce.rawWritten, [], JSON.stringify(evil));
	}
	const { dce, modem } = setup();
	dce.once(/^ATDT/, "\r\nBUSY\r\n");
	await modem.dial("+1 555 12,34*#W9P!@T a");
	t.deepEqual(dce.commands, ["ATDT+1 555 12,34*#W9P!@T a"]);
});

test("after ATD CONNECT the first frame is read without +FRH=3; the next one re-issues +FRH=3", async (t) => {
	const { dce, modem } = setup();
	dce.once(/^ATDT/, (_l, _m, d) => d.send(connectWith(wireFrame(CSI))));
	dce.once("AT+FRH=3", (_l, _m, d) => d.send(connectWith(wireFrame(DIS))));
	t.is((await modem.dial("5551234")).kind, "connect");
	const f1 = await modem.receiveFrame(3000);
	t.deepEqual(f1, { kind: "frame", frame: CSI, fcsOk: true });
	t.deepEqual(dce.commands, ["ATDT5551234"]);
	const f2 = await modem.receiveFrame(3000);
	t.deepEqual(f2, { kind: "frame", frame: DIS, fcsOk: true });
	t.deepEqual(dce.commands, ["ATDT5551234", "AT+FRH=3"]);
});

test("frame bytes 0x10 0x03 0x11 0x13 arrive intact (DLE unstuffed, FCS removed)", async (t) => {
	const { dce, modem } = setup();
	const body = Uint8Array.of(0xff, 0x13, 0x10, 0x10, 0x03, 0x11, 0x13, 0x10, 0x1a, 0x0d, 0x0a);
	dce.once("AT+FRH=3", (_l, _m, d) => d.send(connectWith(wireFrame(body))));
	t.deepEqual(await modem.receiveFrame(3000), { kind: "frame", frame: body, fcsOk: true });
});

test("ERROR after a frame means bad FCS: fcsOk false", async (t) => {
	const { dce, modem } = setup();
	dce.once("AT+FRH=3", (_l, _m, d) => d.send(Buffer.concat([Buffer.from("\r\nCONNECT\r\n"), wireFrame(DIS, { badFcs: true }), Buffer.from("\r\nERROR\r\n")])));
	t.deepEqual(await modem.receiveFrame(3000), { kind: "frame", frame: DIS, fcsOk: false });
});

test("validateV21Frames checks the FCS in the host even when the modem says OK", async (t) => {
	const good = setup({ class1: { validateV21Frames: true } });
	good.dce.once("AT+FRH=3", (_l, _m, d) => d.send(connectWith(wireFrame(DIS))));
	t.deepEqual(await good.modem.receiveFrame(3000), { kind: "frame", frame: DIS, fcsOk: true });
	const bad = setup({ class1: { validateV21Frames: true } });
	bad.dce.once("AT+FRH=3", (_l, _m, d) => d.send(connectWith(wireFrame(DIS, { badFcs: true }))));
	t.deepEqual(await bad.modem.receiveFrame(3000), { kind: "frame", frame: DIS, fcsOk: false });
	const trusting = setup();
	trusting.dce.once("AT+FRH=3", (_l, _m, d) => d.send(connectWith(wireFrame(DIS, { badFcs: true }))));
	t.deepEqual(await trusting.modem.receiveFrame(3000), { kind: "frame", frame: DIS, fcsOk: true }, "default trusts the modem's OK");
});

test("an immediate NO CARRIER to +FRH=3 is answered by re-issuing the command", async (t) => {
	const { dce, modem } = setup();
	dce.once("AT+FRH=3", "\r\nNO CARRIER\r\n");
	dce.once("AT+FRH=3", (_l, _m, d) => d.send(connectWith(wireFrame(DIS))));
	t.deepEqual(await modem.receiveFrame(3000), { kind: "frame", frame: DIS, fcsOk: true });
	t.deepEqual(dce.commands, ["AT+FRH=3", "AT+FRH=3"]);
});

test("+FCERROR: wait 200 ms on the clock, then re-issue", async (t) => {
	const { dce, modem, clock } = setup();
	dce.once("AT+FRH=3", "\r\n+FCERROR\r\n");
	dce.once("AT+FRH=3", (_l, _m, d) => d.send(connectWith(wireFrame(DIS))));
	const p = modem.receiveFrame(3000);
	await settle(10);
	t.deepEqual(dce.commands, ["AT+FRH=3"]);
	await clock.advance(199);
	await settle(10);
	t.deepEqual(dce.commands, ["AT+FRH=3"], "not before 200 ms");
	await clock.advance(1);
	t.deepEqual(await p, { kind: "frame", frame: DIS, fcsOk: true });
	t.deepEqual(dce.commands, ["AT+FRH=3", "AT+FRH=3"]);
});

test("nothing heard: timeout aborts the +FRH with CAN and takes the OK", async (t) => {
	const { dce, modem, clock } = setup();
	dce.once("AT+FRH=3", () => undefined);
	const p = modem.receiveFrame(3000);
	await settle();
	await clock.advance(3000);
	t.deepEqual(await p, { kind: "timeout" });
	t.is(dce.cancels, 1);
	t.deepEqual(dce.commands, ["AT+FRH=3"]);
});

test("timeout with a modem that never says OK after CAN: flush, then AT", async (t) => {
	const { dce, modem, clock } = setup();
	dce.answerCan = false;
	dce.once("AT+FRH=3", () => undefined);
	const p = modem.receiveFrame(3000);
	await settle();
	await clock.advance(3000);
	await settle();
	await clock.advance(200); // Class1RecvAbortOK
	t.deepEqual(await p, { kind: "timeout" });
	t.is(dce.cancels, 1);
	t.is(dce.discards, 1);
	t.deepEqual(dce.commands, ["AT+FRH=3", "AT"]);
});

test("CONNECT then NO CARRIER with no frame: noCarrier, or re-issue with Class1HasRHConnectBug", async (t) => {
	const plain = setup();
	plain.dce.once("AT+FRH=3", "\r\nCONNECT\r\n\r\nNO CARRIER\r\n");
	t.deepEqual(await plain.modem.receiveFrame(3000), { kind: "noCarrier" });
	const bug = setup({ class1: { hasRhConnectBug: true } });
	bug.dce.once("AT+FRH=3", "\r\nCONNECT\r\n\r\nNO CARRIER\r\n");
	bug.dce.once("AT+FRH=3", (_l, _m, d) => d.send(connectWith(wireFrame(DIS))));
	t.deepEqual(await bug.modem.receiveFrame(3000), { kind: "frame", frame: DIS, fcsOk: true });
	t.deepEqual(bug.dce.commands, ["AT+FRH=3", "AT+FRH=3"]);
});

test("frameOverhead 2 (modem without FCS bytes) keeps the whole frame", async (t) => {
	const { dce, modem } = setup({ class1: { frameOverhead: 2 } });
	dce.once("AT+FRH=3", (_l, _m, d) => d.send(Buffer.concat([Buffer.from("\r\nCONNECT\r\n"), Buffer.from([...Array.from(DIS).flatMap((b) => (b === 0x10 ? [0x10, 0x10] : [b])), 0x10, 0x03]), Buffer.from("\r\nOK\r\n")])));
	t.deepEqual(await modem.receiveFrame(3000), { kind: "frame", frame: DIS, fcsOk: true });
});

test("sendFrames: one +FTH=3, CONNECT between frames, OK after the final; bytes arrive DLE-unstuffed", async (t) => {
	const { dce, modem } = setup();
	const tsi = Uint8Array.of(0xff, 0x03, 0x43, 0x10, 0x10, 0x03, 0x11, 0x13, 0x20);
	const sub = Uint8Array.of(0xff, 0x03, 0xc3, 0x31, 0x10);
	const dcs = Uint8Array.of(0xff, 0x13, 0x83, 0x00, 0x46, 0x10, 0x03);
	await modem.sendFrames([tsi, sub, dcs]);
	t.deepEqual(dce.commands, ["AT+FTH=3"]);
	t.deepEqual(dce.framesReceived.map((f) => [...f]), [[...tsi], [...sub], [...dcs]]);
});

test("sendFrames refuses wrong control octets without writing", async (t) => {
	const { dce, modem } = setup();
	await t.throwsAsync(modem.sendFrames([Uint8Array.of(0xff, 0x03, 0x83)]), { instanceOf: FaxError });
	await t.throwsAsync(modem.sendFrames([Uint8Array.of(0xff, 0x13, 0x43), Uint8Array.of(0xff, 0x13, 0x83)]), { instanceOf: FaxError });
	await t.throwsAsync(modem.sendFrames([]), { instanceOf: FaxError });
	t.deepEqual(dce.rawWritten, []);
});

test("sendFrames: NO CARRIER to +FTH=3 is CARRIER_LOST, ERROR is AT_ERROR", async (t) => {
	const a = setup();
	a.dce.once("AT+FTH=3", "\r\nNO CARRIER\r\n");
	const e1 = await a.modem.sendFrames([DIS]).catch((x: unknown) => x);
	t.is((e1 as FaxError).code, "CARRIER_LOST");
	const b = setup();
	b.dce.once("AT+FTH=3", "\r\nERROR\r\n");
	const e2 = await b.modem.sendFrames([DIS]).catch((x: unknown) => x);
	t.is((e2 as FaxError).code, "AT_ERROR");
});

function pseudoRandom(n: number, seed = 7): Uint8Array {
	const out = new Uint8Array(n);
	let x = seed;
	for (let i = 0; i < n; i++) {
		x = (x * 1103515245 + 12345) >>> 0;
		out[i] = i % 13 === 0 ? 0x10 : i % 17 === 0 ? 0x03 : (x >>> 16) & 0xff;
	}
	return out;
}

test("sendData: +FTM=mod, data arrives byte-exact after DLE unstuffing, buffer or stream", async (t) => {
	const { dce, modem } = setup();
	const page = pseudoRandom(50000);
	await modem.sendData(146, page);
	t.deepEqual(dce.commands, ["AT+FTM=146"]);
	t.is(dce.dataReceived.length, 1);
	t.true(Buffer.from(dce.dataReceived[0]!.data).equals(Buffer.from(page)));
	async function* parts() {
		for (let i = 0; i < page.length; i += 3333) yield page.subarray(i, i + 3333);
	}
	await modem.sendData(96, parts());
	t.is(dce.dataReceived[1]!.mod, 96);
	t.true(Buffer.from(dce.dataReceived[1]!.data).equals(Buffer.from(page)));
});

test("Class1TMConnectDelay: no data is written until the delay has passed", async (t) => {
	const { dce, modem, clock } = setup({ class1: { tmConnectDelayMs: 400 } });
	const p = modem.sendData(96, new Uint8Array(100));
	await settle(10);
	const afterConnect = dce.rawWritten.length;
	t.is(afterConnect, "AT+FTM=96\r".length);
	await clock.advance(399);
	await settle(10);
	t.is(dce.rawWritten.length, afterConnect);
	await clock.advance(1);
	await p;
	t.is(dce.dataReceived[0]!.data.length, 100);
});

test("the OK after data is awaited for the line time still ahead (scaled), then AT_TIMEOUT", async (t) => {
	// 18000 bytes at 9600 bit/s = 15 s of line time (+ 260 ms training): OK may take ~15 s, not 5.
	const late = setup();
	late.dce.always(/^AT\+FTM=(\d+)$/, (_l, _m, d) => {
		d.send("\r\nCONNECT\r\n");
		d.expectData(() => undefined); // OK comes later, by hand
	});
	const p = late.modem.sendData(96, new Uint8Array(18000));
	let done = false;
	p.then(() => (done = true)).catch(() => (done = true));
	await settle(20);
	await late.clock.advance(14000);
	t.false(done, "still waiting at 14 s");
	late.dce.send("\r\nOK\r\n");
	await p;

	const silent = setup();
	silent.dce.always(/^AT\+FTM=(\d+)$/, (_l, _m, d) => {
		d.send("\r\nCONNECT\r\n");
		d.expectData(() => undefined);
	});
	const q = silent.modem.sendData(96, new Uint8Array(18000));
	let failed: unknown;
	q.catch((e: unknown) => (failed = e));
	await settle(20);
	await silent.clock.advance(20000);
	await settle();
	t.is(failed, undefined, "not given up at 20 s (15.26 s * 1.1 + 5 s margin = 21.8 s)");
	await silent.clock.advance(2000);
	await settle();
	t.true(failed instanceof FaxError && failed.code === "AT_TIMEOUT");
});

test("NO CARRIER after the data is CARRIER_LOST", async (t) => {
	const { dce, modem } = setup();
	dce.always(/^AT\+FTM=(\d+)$/, (_l, _m, d) => {
		d.send("\r\nCONNECT\r\n");
		d.expectData(() => d.send("\r\nNO CARRIER\r\n"));
	});
	const e = await modem.sendData(96, new Uint8Array(10)).catch((x: unknown) => x);
	t.is((e as FaxError).code, "CARRIER_LOST");
});

test("the port vanishing mid-data rejects with PORT_CLOSED", async (t) => {
	const { dce, modem } = setup();
	let chunks = 0;
	async function* feed() {
		for (;;) {
			if (++chunks === 5) dce.vanish();
			yield new Uint8Array(1024);
		}
	}
	const e = await modem.sendData(146, feed()).catch((x: unknown) => x);
	t.true(e instanceof FaxError && e.code === "PORT_CLOSED");
});

test("silences: +FTS=n and +FRS=n in tens of ms; '<delay:7>' switching uses a host pause instead", async (t) => {
	const { dce, modem } = setup();
	await modem.transmitSilence(75);
	await modem.receiveSilence(70);
	t.deepEqual(dce.commands, ["AT+FTS=8", "AT+FRS=7"]);
	const usr = setup({ class1: { switchingCmd: "<delay:7>" } });
	const p = usr.modem.receiveSilence(70);
	let done = false;
	void p.then(() => (done = true));
	await settle();
	t.false(done);
	await usr.clock.advance(70);
	await p;
	t.deepEqual(usr.dce.commands, []);
});

test("turnaround() runs the profile's wait commands (ResponseWaitCmd, EOPWaitCmd)", async (t) => {
	const { dce, modem } = setup({ class1: { responseWaitCmd: "AT+FRS=1" } });
	await modem.turnaround("eop");
	await modem.turnaround("response");
	t.deepEqual(dce.commands, ["AT+FTS=9", "AT+FRS=1"]);
	const g = setup();
	await g.modem.turnaround("response"); // "" = nothing
	t.deepEqual(g.dce.commands, []);
});

test("XON/XOFF is switched off for the call and restored at hang-up", async (t) => {
	const { dce, modem } = setup({ flowControl: "xonxoff" });
	dce.once(/^ATDT/, "\r\nBUSY\r\n");
	await modem.dial("1");
	await modem.hangup();
	t.deepEqual(dce.flowControl, ["none", "xonxoff"]);
	t.deepEqual(dce.commands, ["ATDT1", "ATH0"]);
});

test("hangup never throws, even on a vanished port", async (t) => {
	const { dce, modem } = setup();
	dce.vanish();
	await t.notThrowsAsync(modem.hangup());
});

test("an abort signal during receiveFrame aborts the +FRH and rejects with the reason", async (t) => {
	const { dce, modem } = setup();
	dce.once("AT+FRH=3", () => undefined);
	const ac = new AbortController();
	const p = modem.receiveFrame(30000, ac.signal);
	await settle();
	ac.abort(new FaxError("CALL_ABORTED", "cancel"));
	const e = await p.catch((x: unknown) => x);
	t.is((e as FaxError).code, "CALL_ABORTED");
	await settle(10);
	t.is(dce.cancels, 1);
});

test("Class 1.0 DLE codes inside a frame: DLE EOT is a hang-up (noCarrier)", async (t) => {
	const { dce, modem, ch } = setup();
	ch.setDleOptions({ class10: true });
	dce.once("AT+FRH=3", "\r\nCONNECT\r\n\u0010\u0004");
	t.deepEqual(await modem.receiveFrame(3000), { kind: "noCarrier" });
});

test("a sendFrames aborted between frames is closed with DLE ETX before the next command", async (t) => {
	const { dce, modem, clock } = setup();
	// The DCE takes the first frame and then hangs (no CONNECT for the next one).
	dce.once("AT+FTH=3", (_l, _m, d) => {
		d.send("\r\nCONNECT\r\n");
		d.expectData((f) => {
			d.framesReceived.push(f);
			d.expectData((empty) => {
				t.is(empty.length, 0, "only DLE ETX after the abort");
				d.send("\r\nOK\r\n");
			});
		});
	});
	const ac = new AbortController();
	const p = modem.sendFrames([Uint8Array.of(0xff, 0x03, 0x43, 0x41), Uint8Array.of(0xff, 0x13, 0x83, 0x00)], ac.signal);
	await settle(10);
	ac.abort(new FaxError("CALL_ABORTED", "cancel"));
	let err: unknown;
	p.catch((x: unknown) => (err = x));
	await settle(10);
	t.is(err, undefined, "the frame's answer is still awaited (7550 ms, Class1 frame send timeout)");
	await clock.advance(7550);
	await settle(10);
	t.is((err as FaxError).code, "CALL_ABORTED");
	await modem.sendFrames([Uint8Array.of(0xff, 0x13, 0xfb)]); // DCN on a clean +FTH=3
	t.deepEqual(dce.commands, ["AT+FTH=3", "AT+FTH=3"]);
	t.deepEqual([...dce.framesReceived.at(-1)!], [0xff, 0x13, 0xfb]);
});

test("a DCE that stops taking data mid-page (write never completes) fails with AT_TIMEOUT, not a hang", async (t) => {
	const { dce, modem, clock } = setup();
	const realWrite = dce.write.bind(dce);
	let taken = 0;
	dce.write = (bytes: Uint8Array) => {
		if (dce.dataReceived.length === 0 && taken > 20000) return new Promise<void>(() => undefined); // flow control stuck
		taken += bytes.length;
		return realWrite(bytes);
	};
	const p = modem.sendData(146, new Uint8Array(100000));
	let err: unknown;
	p.catch((e: unknown) => (err = e));
	await settle(50);
	// a pty wakes a blocked writer only when ~22 kB are drained: at 14400 bit/s that alone is 12.2 s of line
	await clock.advance(17000);
	await settle();
	t.is(err, undefined, "not given up before (24 kB + 1 kB) at line rate x 1.25 = 17.8 s");
	await clock.advance(1000);
	await settle();
	t.true(err instanceof FaxError && err.code === "AT_TIMEOUT", String(err));
});

test("a dial with no result within the dial timeout is aborted (CAN), hung up, and reported noAnswer", async (t) => {
	const { dce, modem, clock } = setup({ dialTimeoutMs: 45000 });
	dce.once(/^ATDT/, () => undefined);
	const p = modem.dial("5551234");
	let r: unknown;
	void p.then((x) => (r = x));
	await settle();
	await clock.advance(44999);
	await settle();
	t.is(r, undefined);
	await clock.advance(1);
	await settle(20);
	t.deepEqual(await p, { kind: "noAnswer" });
	t.is(dce.cancels, 1);
	t.deepEqual(dce.commands, ["ATDT5551234", "ATH0"]);
});

test("cancelling a dial aborts it with CAN and hangs up", async (t) => {
	const { dce, modem } = setup();
	dce.once(/^ATDT/, () => undefined);
	const ac = new AbortController();
	const p = modem.dial("5551234", ac.signal);
	await settle();
	ac.abort(new FaxError("CALL_ABORTED", "cancel"));
	t.is(((await p.catch((x: unknown) => x)) as FaxError).code, "CALL_ABORTED");
	t.is(dce.cancels, 1);
	t.deepEqual(dce.commands, ["ATDT5551234", "ATH0"]);
});
