/**
 * The driver stack end to end through a real pty (hw-mocks/ptyPair) and the real serialport binding:
 * a scripted DCE on the master answers the probe; frames and a large data block cross byte-exact;
 * XON/XOFF mode does not eat 0x11/0x13 during a call; the port vanishing mid-sendData ends in
 * FaxError PORT_CLOSED within a deadline.
 */
import test from "ava";
import { openPtyPair, type PtyPair } from "../../hw-mocks/ptyPair.js";
import { FaxError } from "../../src/core/FaxError.js";
import { MemoryTracer } from "../../src/core/trace.js";
import { SystemClock } from "../../src/core/Clock.js";
import { openClass1Modem } from "../../src/modem/probe.js";
import { ScriptedDce, wireFrame } from "../unit/at/scriptedDce.js";

/** Run a ScriptedDce on the pty master: master input -> DCE, DCE output -> master. */
function dceOn(pair: PtyPair): ScriptedDce {
	const dce = new ScriptedDce();
	pair.master.on("data", (b) => void dce.write(new Uint8Array(b)).catch(() => undefined));
	dce.on("data", (b) => void pair.master.write(b).catch(() => undefined));
	dce.always("ATI", "\r\nspandsp\r\n\r\nOK\r\n");
	dce.always(/^AT\+FM[IMR]\?$/, "\r\nspandsp\r\n\r\nOK\r\n");
	dce.always("AT+FCLASS=?", "\r\n0,1,1.0\r\n\r\nOK\r\n");
	dce.always("AT+FCLASS=1", "\r\nOK\r\n");
	dce.always("AT+FAR=1", "\r\nOK\r\n");
	dce.always(/^AT\+F[TR]M=\?$/, "\r\n24,48,72,73,74,96,97,98,121,122,145,146\r\n\r\nOK\r\n");
	return dce;
}

/** Reject if `p` has not settled within `ms` (a deadline, not a sleep). */
function within<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
	let timer: NodeJS.Timeout;
	return Promise.race([p, new Promise<never>((_, rej) => (timer = setTimeout(() => rej(new Error(`${what}: no result within ${ms} ms`)), ms)))]).finally(() => clearTimeout(timer));
}

function block(n: number): Uint8Array {
	const b = new Uint8Array(n);
	for (let i = 0; i < n; i++) b[i] = (i * 151 + (i >> 7)) & 0xff;
	for (let i = 0; i < n; i += 501) b.set([0x10, 0x10, 0x03, 0x11, 0x13, 0x10], Math.min(i, n - 6));
	return b;
}

test.serial("probe through a real pty + serialport picks the SpanDSP profile and reads the rates", async (t) => {
	const pair = await openPtyPair();
	t.teardown(() => pair.close());
	const dce = dceOn(pair);
	const clock = new SystemClock();
	const tracer = new MemoryTracer(clock);
	const modem = await within(openClass1Modem(pair.path, { clock, tracer }), 10000, "probe");
	t.teardown(() => modem.close());
	t.is(modem.profile.name, "iaxmodem");
	t.deepEqual(modem.transmitRates, [24, 48, 72, 73, 74, 96, 97, 98, 121, 122, 145, 146]);
	t.is(modem.info?.serviceClass, "1");
	t.deepEqual(dce.commands.slice(0, 3), ["AT", "ATZ", "ATE0V1"]);
	t.true(tracer.channel("at").some((r) => r.dir === "rx" && r.msg === "0,1,1.0"));
});

test.serial("a 256 kB sendData block arrives byte-exact (DLE unstuffed) at the DCE; frames both ways", async (t) => {
	const pair = await openPtyPair();
	t.teardown(() => pair.close());
	const dce = dceOn(pair);
	const modem = await within(openClass1Modem(pair.path, { profile: "generic-class1" }), 10000, "probe");
	t.teardown(() => modem.close());

	const csi = Uint8Array.of(0xff, 0x03, 0x40, 0x10, 0x11, 0x13, 0x03, 0x20);
	const dis = Uint8Array.of(0xff, 0x13, 0x80, 0x00, 0x46, 0x10, 0x03);
	dce.once(/^ATDT/, (_l, _m, d) => d.send(Buffer.concat([Buffer.from("\r\nCONNECT\r\n"), wireFrame(csi), Buffer.from("\r\nOK\r\n")])));
	dce.once("AT+FRH=3", (_l, _m, d) => d.send(Buffer.concat([Buffer.from("\r\nCONNECT\r\n"), wireFrame(dis), Buffer.from("\r\nOK\r\n")])));
	t.is((await modem.dial("5551234")).kind, "connect");
	t.deepEqual(await modem.receiveFrame(3000), { kind: "frame", frame: csi, fcsOk: true });
	t.deepEqual(await modem.receiveFrame(3000), { kind: "frame", frame: dis, fcsOk: true });

	const dcs = Uint8Array.of(0xff, 0x13, 0x83, 0x00, 0x46, 0x10, 0x11);
	await within(modem.sendFrames([Uint8Array.of(0xff, 0x03, 0x43, 0x10, 0x13), dcs]), 5000, "sendFrames");
	t.deepEqual([...dce.framesReceived[1]!], [...dcs]);

	const page = block(256 * 1024);
	const t0 = Date.now();
	await within(modem.sendData(146, page), 20000, "sendData");
	t.log(`256 kB through the pty in ${Date.now() - t0} ms`);
	t.is(dce.dataReceived.length, 1);
	t.is(dce.dataReceived[0]!.data.length, page.length);
	t.true(Buffer.from(dce.dataReceived[0]!.data).equals(Buffer.from(page)));
	await modem.hangup();
	t.is(dce.commands.at(-1), "ATH0");
});

test.serial("opened with XON/XOFF, a call still receives 0x11/0x13 inside frames (flow control off for binary)", async (t) => {
	const pair = await openPtyPair();
	t.teardown(() => pair.close());
	const dce = dceOn(pair);
	const modem = await within(openClass1Modem(pair.path, { profile: "generic-class1", flowControl: "xonxoff" }), 10000, "probe");
	t.teardown(() => modem.close());
	const nsf = Uint8Array.of(0xff, 0x03, 0x20, 0x11, 0x13, 0x11, 0x13, 0x10, 0x00);
	dce.once(/^ATDT/, (_l, _m, d) => d.send(Buffer.concat([Buffer.from("\r\nCONNECT\r\n"), wireFrame(nsf), Buffer.from("\r\nOK\r\n")])));
	t.is((await modem.dial("1")).kind, "connect");
	t.deepEqual(await within(modem.receiveFrame(3000), 5000, "receiveFrame"), { kind: "frame", frame: nsf, fcsOk: true });
	const page = block(20000);
	await within(modem.sendData(96, page), 10000, "sendData");
	t.true(Buffer.from(dce.dataReceived[0]!.data).equals(Buffer.from(page)));
});

test.serial("the port vanishing mid-sendData rejects with PORT_CLOSED promptly (no hang)", async (t) => {
	const pair = await openPtyPair();
	const dce = dceOn(pair);
	const modem = await within(openClass1Modem(pair.path, { profile: "generic-class1" }), 10000, "probe");
	t.teardown(() => modem.close());
	// The DCE accepts +FTM, and once some data has flowed, the device disappears.
	dce.always(/^AT\+FTM=(\d+)$/, (_l, _m, d) => {
		d.send("\r\nCONNECT\r\n");
		d.expectData(() => undefined);
	});
	let seen = 0;
	pair.master.on("data", (b) => {
		seen += b.length;
		if (seen > 64 * 1024 && pair.master.alive) pair.master.vanish();
	});
	async function* endless() {
		for (;;) yield block(4096);
	}
	const t0 = Date.now();
	const e = await within(modem.sendData(146, endless()).catch((x: unknown) => x), 5000, "sendData after vanish");
	const ms = Date.now() - t0;
	t.true(e instanceof FaxError, String(e));
	t.is((e as FaxError).code, "PORT_CLOSED");
	t.log(`PORT_CLOSED ${ms} ms after the start of sendData`);
	// and later calls fail the same way, at once
	const e2 = await within(modem.sendFrames([Uint8Array.of(0xff, 0x13, 0xfa)]).catch((x: unknown) => x), 1000, "after close");
	t.is((e2 as FaxError).code, "PORT_CLOSED");
	await pair.close();
});

test.serial("the port vanishing while waiting for a frame rejects with PORT_CLOSED", async (t) => {
	const pair = await openPtyPair();
	const dce = dceOn(pair);
	const modem = await within(openClass1Modem(pair.path, { profile: "generic-class1" }), 10000, "probe");
	t.teardown(() => modem.close());
	dce.once("AT+FRH=3", () => setTimeout(() => pair.master.vanish(), 50));
	const e = await within(modem.receiveFrame(30000).catch((x: unknown) => x), 3000, "receiveFrame after vanish");
	t.is((e as FaxError).code, "PORT_CLOSED");
	await pair.close();
});
