/**
 * src/at/AtChannel.ts against the scripted DCE on a ManualClock: finals and info lines, echo,
 * unsolicited RING during a command, one command in flight, timeouts, CONNECT + DLE data, NO CARRIER
 * instead of data, abort of a receive with and without the OK, port loss.
 */
import test from "ava";
import { AtChannel } from "../../../src/at/AtChannel.js";
import { ManualClock } from "../../../src/core/Clock.js";
import { FaxError } from "../../../src/core/FaxError.js";
import { MemoryTracer } from "../../../src/core/trace.js";
import { ScriptedDce, settle, wireFrame } from "./scriptedDce.js";

function setup() {
	const clock = new ManualClock();
	const dce = new ScriptedDce();
	const tracer = new MemoryTracer(clock);
	const ch = new AtChannel(dce, { clock, tracer });
	return { clock, dce, ch, tracer };
}

test("command resolves on OK with the info lines before it; lines are traced", async (t) => {
	const { dce, ch, tracer } = setup();
	dce.once("ATI", "\r\nLT V.92 1.0 MT5634ZBA\r\nsecond line\r\n\r\nOK\r\n");
	const r = await ch.command("ATI");
	t.is(r.code, "OK");
	t.deepEqual(r.info, ["LT V.92 1.0 MT5634ZBA", "second line"]);
	t.deepEqual(
		tracer.channel("at").map((x) => `${x.dir} ${x.msg}`),
		["tx ATI", "rx LT V.92 1.0 MT5634ZBA", "rx second line", "rx OK"],
	);
	t.true(tracer.channel("io").length >= 2);
});

test("every final code ends a command", async (t) => {
	const finals = ["OK", "CONNECT", "NO CARRIER", "ERROR", "BUSY", "NO DIALTONE", "NO ANSWER", "+FCERROR", "BLACKLISTED", "DELAYED 00:01:00", "DIALING DISABLED"];
	for (const f of finals) {
		const { dce, ch } = setup();
		dce.once("AT+X", `\r\n${f}\r\n`);
		const r = await ch.command("AT+X");
		t.is(r.line, f);
	}
});

test("echo of the command is tolerated and an unsolicited RING mid-command is emitted, not taken as the answer", async (t) => {
	const { dce, ch } = setup();
	const rings: string[] = [];
	ch.onUnsolicited((l) => rings.push(l));
	dce.once("AT+FCLASS=?", "AT+FCLASS=?\r\r\nRING\r\n\r\n0,1,1.0\r\n\r\nOK\r\n");
	const r = await ch.command("AT+FCLASS=?");
	t.is(r.code, "OK");
	t.deepEqual(r.info, ["0,1,1.0"]);
	t.deepEqual(rings, ["RING"]);
	// RING while idle is also an event
	dce.send("\r\nRING\r\n");
	await settle();
	t.deepEqual(rings, ["RING", "RING"]);
});

test("a second command while one is in flight is refused with AT_BUSY_CHANNEL", async (t) => {
	const { dce, ch } = setup();
	dce.once("AT+SLOW", () => undefined);
	const p1 = ch.command("AT+SLOW", { timeoutMs: 1000 });
	await t.throwsAsync(ch.command("AT"), { instanceOf: FaxError, message: /AT\+?\w*|in flight/ });
	const e = await ch.command("AT").catch((x: unknown) => x);
	t.is((e as FaxError).code, "AT_BUSY_CHANNEL");
	dce.send("\r\nOK\r\n");
	t.is((await p1).code, "OK");
	t.is((await ch.command("AT")).code, "OK");
});

test("a silent modem times out with AT_TIMEOUT on the injected clock, not before", async (t) => {
	const { dce, ch, clock } = setup();
	dce.once("AT+SILENT", () => undefined);
	let settled = false;
	const p = ch.command("AT+SILENT", { timeoutMs: 3000 });
	p.catch(() => (settled = true));
	await settle();
	await clock.advance(2999);
	t.false(settled);
	await clock.advance(1);
	const e = await p.catch((x: unknown) => x);
	t.true(e instanceof FaxError && e.code === "AT_TIMEOUT");
	// the channel is free again
	t.is((await ch.command("AT")).code, "OK");
});

test("ERROR is a result, not an exception", async (t) => {
	const { ch } = setup();
	const r = await ch.command("AT+NOPE");
	t.is(r.code, "ERROR");
});

test("CONNECT with dataAfterConnect: the frame bytes (even 0x0d/0x0a/text-like) are data up to DLE ETX, then OK", async (t) => {
	const { dce, ch } = setup();
	const body = Uint8Array.of(0xff, 0x13, 0x80, 0x10, 0x03, 0x0d, 0x0a, 0x11, 0x13, 0x4f, 0x4b);
	dce.once("AT+FRH=3", (_l, _m, d) => d.send(Buffer.concat([Buffer.from("\r\nCONNECT\r\n"), wireFrame(body), Buffer.from("\r\nOK\r\n")])));
	const r = await ch.command("AT+FRH=3", { dataAfterConnect: true });
	t.is(r.code, "CONNECT");
	const block = await ch.readDleBlock(3000);
	t.deepEqual([...block.data.subarray(0, body.length)], [...body]);
	t.is(block.data.length, body.length + 2);
	const fin = await ch.waitFinal();
	t.is(fin.code, "OK");
});

test("CONNECT then NO CARRIER instead of a frame is reported as the block's final", async (t) => {
	const { dce, ch } = setup();
	dce.once("AT+FRH=3", "\r\nCONNECT\r\n\r\nNO CARRIER\r\n");
	await ch.command("AT+FRH=3", { dataAfterConnect: true });
	const block = await ch.readDleBlock(3000);
	t.is(block.data.length, 0);
	t.is(block.final?.code, "NO CARRIER");
});

test("abortReceive sends CAN and takes the OK (Class1RecvAbortOK)", async (t) => {
	const { dce, ch, clock } = setup();
	dce.once("AT+FRH=3", () => undefined); // nothing heard
	const p = ch.command("AT+FRH=3", { timeoutMs: 500, dataAfterConnect: true });
	await settle();
	await clock.advance(500);
	await t.throwsAsync(p, { instanceOf: FaxError, message: /within 500 ms/ });
	t.true(await ch.abortReceive(200));
	t.is(dce.cancels, 1);
	t.false(dce.commands.includes("AT"));
});

test("abortReceive without an OK flushes and resynchronises with AT", async (t) => {
	const { dce, ch, clock } = setup();
	dce.answerCan = false;
	const p = ch.abortReceive(200);
	await settle();
	await clock.advance(200);
	await settle();
	t.true(await p);
	t.is(dce.cancels, 1);
	t.is(dce.discards, 1);
	t.deepEqual(dce.commands, ["AT"]);
});

test("the port vanishing rejects the command in flight with PORT_CLOSED, and later ones too", async (t) => {
	const { dce, ch } = setup();
	dce.once("AT+WAIT", () => undefined);
	const p = ch.command("AT+WAIT", { timeoutMs: 60000 });
	await settle();
	dce.vanish();
	const e = await p.catch((x: unknown) => x);
	t.true(e instanceof FaxError && e.code === "PORT_CLOSED");
	const e2 = await ch.command("AT").catch((x: unknown) => x);
	t.true(e2 instanceof FaxError && e2.code === "PORT_CLOSED");
});

test("an aborted command keeps the channel until its own final arrives; that late OK is not the next command's", async (t) => {
	const { dce, ch } = setup();
	dce.once("AT+WAIT", () => undefined);
	const ac = new AbortController();
	const p = ch.command("AT+WAIT", { timeoutMs: 60000, signal: ac.signal });
	let err: unknown;
	p.catch((e: unknown) => (err = e));
	await settle();
	ac.abort(new FaxError("CALL_ABORTED", "user cancel"));
	await settle();
	t.is(err, undefined, "not reported while the DCE still owes the final");
	t.true(ch.isBusy);
	t.is(((await ch.command("AT").catch((e: unknown) => e)) as FaxError).code, "AT_BUSY_CHANNEL");
	dce.send("\r\nOK\r\n"); // the late answer to AT+WAIT
	await settle();
	t.true(err instanceof FaxError && err.code === "CALL_ABORTED");
	t.false(ch.isBusy);
	dce.once("ATI", "\r\nmodem\r\n\r\nOK\r\n");
	t.deepEqual((await ch.command("ATI")).info, ["modem"]);
	t.deepEqual(dce.commands, ["AT+WAIT", "ATI"]);
});

test("an aborted command that never answers: rejected at its own timeout, then flush and AT", async (t) => {
	const { dce, ch, clock } = setup();
	dce.once("AT+WAIT", () => undefined);
	const ac = new AbortController();
	const p = ch.command("AT+WAIT", { timeoutMs: 4000, signal: ac.signal });
	let err: unknown;
	p.catch((e: unknown) => (err = e));
	await settle();
	await clock.advance(1000);
	ac.abort(new FaxError("CALL_ABORTED", "user cancel"));
	await clock.advance(2999);
	await settle();
	t.is(err, undefined);
	await clock.advance(1);
	await settle(10);
	t.true(err instanceof FaxError && err.code === "CALL_ABORTED", String(err));
	t.is(dce.discards, 1);
	t.deepEqual(dce.commands, ["AT+WAIT", "AT"]);
});

test("a caller whose signal is already aborted writes nothing", async (t) => {
	const { dce, ch } = setup();
	const e = await ch.command("AT+FTS=7", { signal: AbortSignal.abort(new FaxError("CALL_ABORTED", "x")) }).catch((x: unknown) => x);
	t.true(e instanceof FaxError && e.code === "CALL_ABORTED");
	t.is(dce.rawWritten.length, 0);
	t.false(ch.isBusy);
});

test("a line that had begun before the command was written is not taken as its reply", async (t) => {
	const { dce, ch } = setup();
	dce.send("\r\nO"); // a stale OK cut in the middle
	await settle();
	dce.once("AT+FTH=3", (_l, _m, d) => d.send("K\r\n\r\nCONNECT\r\n"));
	t.is((await ch.command("AT+FTH=3")).code, "CONNECT");
});

test("aborting +FTH while it waits for CONNECT: the CONNECT is taken, the data mode closed with DLE ETX, its OK awaited", async (t) => {
	const { dce, ch } = setup();
	let connect: () => void = () => undefined;
	dce.once("AT+FTH=3", (_l, _m, d) => {
		connect = () => {
			d.send("\r\nCONNECT\r\n");
			d.expectData((f) => {
				t.is(f.length, 0, "DLE ETX alone");
				d.send("\r\nOK\r\n");
			});
		};
	});
	const ac = new AbortController();
	const p = ch.command("AT+FTH=3", { timeoutMs: 5000, signal: ac.signal });
	let err: unknown;
	p.catch((e: unknown) => (err = e));
	await settle();
	ac.abort(new FaxError("CALL_ABORTED", "cancel"));
	await settle();
	t.is(err, undefined);
	connect();
	await settle(10);
	t.true(err instanceof FaxError && err.code === "CALL_ABORTED");
	t.deepEqual(dce.rawWritten.slice(-2), [0x10, 0x03]);
	t.is((await ch.command("ATH0")).code, "OK");
	t.deepEqual(dce.commands, ["AT+FTH=3", "ATH0"]);
});

test("+FTH that times out with the DCE in data mode (CONNECT lost or late): closed with DLE ETX, so ATH0 is a command again", async (t) => {
	for (const reply of ["\r\nOK\r\n", "\r\nCONNECT\r\n\r\nOK\r\n"]) {
		const { dce, ch, clock } = setup();
		dce.once("AT+FTH=3", (_l, _m, d) =>
			d.expectData((f) => {
				t.is(f.length, 0, "DLE ETX alone");
				d.send(reply);
			}),
		);
		const p = ch.command("AT+FTH=3", { timeoutMs: 5000 });
		let err: unknown;
		p.catch((e: unknown) => (err = e));
		await settle();
		await clock.advance(5000);
		await settle(10);
		t.true(err instanceof FaxError && err.code === "AT_TIMEOUT", String(err));
		t.deepEqual(dce.rawWritten.slice(-2), [0x10, 0x03]);
		t.is((await ch.command("ATH0")).code, "OK");
		t.deepEqual(dce.commands, ["AT+FTH=3", "ATH0"]);
	}
});

test("commands containing CR or LF are refused", async (t) => {
	const { ch, dce } = setup();
	await t.throwsAsync(ch.command("ATD5551234\rATZ"), { instanceOf: FaxError });
	t.deepEqual(dce.commands, []);
});

test("CONNECT's CR and LF in different chunks, then the frame one byte per chunk, still decode exactly", async (t) => {
	const { dce, ch } = setup();
	const body = Uint8Array.of(0xff, 0x13, 0x0a, 0x10, 0x0d, 0x03);
	const wire = Buffer.concat([wireFrame(body), Buffer.from("\r\nOK\r\n")]);
	dce.once("AT+FRH=3", (_l, _m, d) => {
		d.send("\r\nCONNECT\r");
		d.send("\n");
		for (const b of wire) d.send(Uint8Array.of(b));
	});
	await ch.command("AT+FRH=3", { dataAfterConnect: true });
	const block = await ch.readDleBlock(3000);
	t.deepEqual([...block.data.subarray(0, body.length)], [...body]);
	t.is(block.data.length, body.length + 2);
	t.is((await ch.waitFinal()).code, "OK");
});
