/**
 * Class1Modem.receiveData (AT+FRM, T.31 §8.3.3): the data after CONNECT arrives DLE-decoded, in order,
 * in several chunks as the DCE sends it (streaming), up to DLE ETX and NO CARRIER / OK; +FCERROR,
 * NO CARRIER, no carrier in time (CAN sent), a stalled stream, Class 1.0 DLE EOT and a failing sink.
 */
import test from "ava";
import { AtChannel } from "../../../src/at/AtChannel.js";
import { dleStuff } from "../../../src/at/dle.js";
import { ManualClock } from "../../../src/core/Clock.js";
import { isFaxError } from "../../../src/core/FaxError.js";
import { Class1Modem } from "../../../src/modem/Class1Modem.js";
import { genericClass1 } from "../../../drivers/index.js";
import { DATA_STALL_MS } from "../../../src/modem/receiveData.js";
import { ScriptedDce, settle } from "../at/scriptedDce.js";
import { modemRig } from "./modemRig.js";

/** Pseudo-random page bytes with plenty of DLE (0x10) and ETX in them. */
function pageBytes(n: number): Uint8Array {
	const out = new Uint8Array(n);
	let x = 12345;
	for (let i = 0; i < n; i++) {
		x = (x * 1103515245 + 12345) & 0x7fffffff;
		out[i] = i % 7 === 0 ? 0x10 : i % 11 === 0 ? 0x03 : x & 0xff;
	}
	return out;
}

/** A DCE answering +FRM=mod with CONNECT, the data DLE-stuffed in `parts` sends, DLE ETX and `end`. */
function sendsPage(dce: ScriptedDce, data: Uint8Array, parts: number, end = "\r\nNO CARRIER\r\n"): void {
	dce.once(/^AT\+FRM=\d+$/, (_l, _m, d) => {
		d.send("\r\nCONNECT\r\n");
		const wire = Buffer.concat([Buffer.from(dleStuff(data)), Buffer.from([0x10, 0x03]), Buffer.from(end, "latin1")]);
		const step = Math.ceil(wire.length / parts);
		for (let i = 0; i < wire.length; i += step) d.send(wire.subarray(i, i + step));
	});
}

test("a page streams to the sink DLE-decoded, in order, in several chunks; NO CARRIER ends it", async (t) => {
	const { dce, modem } = modemRig();
	const page = pageBytes(50_000);
	sendsPage(dce, page, 8);
	const chunks: Uint8Array[] = [];
	const r = await modem.receiveData(146, (c) => void chunks.push(c), 10_000);
	t.deepEqual(r, { kind: "data", bytes: page.length, end: "noCarrier" });
	t.true(chunks.length >= 4, `${chunks.length} chunks`);
	t.deepEqual(Buffer.concat(chunks), Buffer.from(page));
	t.deepEqual(dce.commands, ["AT+FRM=146"]);
	// the channel is back in command state
	t.is((await modem.channel.command("AT", { timeoutMs: 1000 })).code, "OK");
});

test("an async sink is called in order and awaited; OK after DLE ETX is a normal end too", async (t) => {
	const { dce, modem } = modemRig();
	const page = pageBytes(9_000);
	sendsPage(dce, page, 5, "\r\nOK\r\n");
	const got: number[] = [];
	const r = await modem.receiveData(96, async (c) => {
		await new Promise((res) => setImmediate(res));
		got.push(...c);
	}, 10_000);
	t.deepEqual(r, { kind: "data", bytes: page.length, end: "ok" });
	t.deepEqual(Uint8Array.from(got), page);
});

test("+FCERROR, NO CARRIER before CONNECT, and CONNECT then NO CARRIER", async (t) => {
	const a = modemRig();
	a.dce.once(/^AT\+FRM/, "\r\n+FCERROR\r\n");
	t.deepEqual(await a.modem.receiveData(146, () => undefined, 5000), { kind: "fcError" });
	const b = modemRig();
	b.dce.once(/^AT\+FRM/, "\r\nNO CARRIER\r\n");
	t.deepEqual(await b.modem.receiveData(146, () => undefined, 5000), { kind: "noCarrier" });
	const c = modemRig();
	c.dce.once(/^AT\+FRM/, "\r\nCONNECT\r\n\r\nNO CARRIER\r\n");
	t.deepEqual(await c.modem.receiveData(146, () => undefined, 5000), { kind: "noCarrier" });
});

test("no carrier within the wait: the +FRM is cancelled with CAN and the outcome is timeout", async (t) => {
	const { dce, modem, clock } = modemRig();
	dce.once(/^AT\+FRM/, () => undefined); // silence
	const p = modem.receiveData(146, () => undefined, 2000);
	await settle();
	t.deepEqual(dce.commands, ["AT+FRM=146"]);
	await clock.advance(2100);
	t.deepEqual(await p, { kind: "timeout" });
	t.is(dce.cancels, 1);
});

test("a stream that stops without DLE ETX: waits while bytes flow, then AT_TIMEOUT after the stall, +FRM cancelled", async (t) => {
	const { dce, modem, clock } = modemRig();
	dce.once(/^AT\+FRM/, (_l, _m, d) => d.send(Buffer.from([...Buffer.from("\r\nCONNECT\r\n"), 1, 2, 3])));
	const got: number[] = [];
	const p = modem.receiveData(146, (c) => void got.push(...c), 5000);
	p.catch(() => undefined);
	await settle();
	await clock.advance(DATA_STALL_MS); // bytes arrived in this window: keep waiting
	dce.send(Uint8Array.of(4, 5));
	await settle();
	await clock.advance(DATA_STALL_MS); // new bytes: keep waiting
	await settle();
	await clock.advance(DATA_STALL_MS); // nothing new: stalled
	const e = await p.catch((x: unknown) => x);
	t.true(isFaxError(e, "AT_TIMEOUT"), String(e));
	t.deepEqual(got, [1, 2, 3, 4, 5]);
	t.is(dce.cancels, 1);
});

test("Class 1.0: DLE EOT inside the data ends the receive (far end hung up), no result code awaited", async (t) => {
	const clock = new ManualClock();
	const dce = new ScriptedDce();
	const ch = new AtChannel(dce, { clock, dle: { class10: true } });
	const modem = new Class1Modem(ch, { profile: genericClass1, clock, transmitRates: [24, 48, 72, 96] });
	dce.once(/^AT\+FRM/, (_l, _m, d) => d.send(Buffer.from([...Buffer.from("\r\nCONNECT\r\n"), 1, 2, 3, 0x10, 0x04])));
	const got: number[] = [];
	t.deepEqual(await modem.receiveData(96, (c) => void got.push(...c), 5000), { kind: "data", bytes: 3, end: "eot" });
	t.deepEqual(got, [1, 2, 3]);
});

test("a sink that throws fails the receive with its error, after the block is read to its end", async (t) => {
	const { dce, modem } = modemRig();
	sendsPage(dce, pageBytes(4000), 4);
	const e = await modem.receiveData(146, () => {
		throw new Error("disk full");
	}, 5000).catch((x: unknown) => x);
	t.is((e as Error).message, "disk full");
	t.is((await modem.channel.command("AT", { timeoutMs: 1000 })).code, "OK");
});

test("an unknown modulation is refused before anything is written", async (t) => {
	const { dce, modem } = modemRig();
	t.true(isFaxError(await modem.receiveData(99 as 96, () => undefined, 1000).catch((x: unknown) => x), "PROTOCOL_ERROR"));
	t.deepEqual(dce.commands, []);
});
