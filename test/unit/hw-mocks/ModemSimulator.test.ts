/**
 * The DCE's T.31 details on an in-memory duplex (no pty): line time of V.21 frames and high-speed data
 * (T.30 §5.3.1 preamble, 300 bit/s; bytes at the modulation's rate), DLE stuffing both ways (incl.
 * DLE SUB), abort of a pending +FRH by any byte but DC1/DC3, and the line clock's time scale.
 */
import test from "ava";
import { LineClock, hdlcStuffedBits } from "../../../hw-mocks/lineTime.js";
import { memoryDuplexPair } from "../../../hw-mocks/MemoryDuplex.js";
import { ModemSimulator, type ModemSimulatorOptions } from "../../../hw-mocks/ModemSimulator.js";
import { RawAtClient, fromEmitter } from "../../../hw-mocks/RawAtClient.js";

function rig(opts: ModemSimulatorOptions = {}) {
	const { host, modem } = memoryDuplexPair();
	const sim = new ModemSimulator(modem, { timeScale: 0.02, ...opts });
	const c = new RawAtClient(fromEmitter(host));
	return { sim, c, host };
}

async function connect(c: RawAtClient): Promise<void> {
	await c.at("ATE0");
	await c.at("AT+FCLASS=1");
	if ((await c.final("ATD5550100")) !== "CONNECT") throw new Error("no CONNECT");
	for (;;) {
		const b = await c.readBlock();
		if (b.data[1] === 0x13) break;
		await c.final("AT+FRH=3");
	}
}

/** Line time at which the modem sent the n-th occurrence of `text`. */
const sentAt = (sim: ModemSimulator, text: string, n = 1): number => {
	let k = 0;
	for (const e of sim.transcript) if (e.dir === "modem" && e.data.toString("latin1").includes(text) && ++k === n) return e.t;
	throw new Error(`${text} #${n} not sent`);
};

test("+FTH=3: CONNECT again only after the non-final frame's line time; OK after the final one", async (t) => {
	const { sim, c } = rig();
	await connect(c);
	const connectsBefore = sim.transcript.filter((e) => e.dir === "modem" && e.data.includes("CONNECT")).length;
	t.is(await c.final("AT+FTH=3"), "CONNECT");
	const start = sim.commands.at(-1)!.at;
	const tsi = Uint8Array.from([0xff, 0x03, 0x43, ...Buffer.from("01234567890123456789")]);
	await c.sendBlock(tsi);
	t.is((await c.response()).at(-1), "CONNECT");
	const second = sentAt(sim, "CONNECT", connectsBefore + 2);
	const tsiMs = ((8 + hdlcStuffedBits(Uint8Array.from([...tsi, 0, 0]))) * 1000) / 300;
	t.true(second - start >= 1000 + tsiMs - 40, `next CONNECT after ${(second - start).toFixed(0)} ms (preamble 1000 + TSI ${tsiMs.toFixed(0)})`);
	await c.sendBlock(Uint8Array.of(0xff, 0x13, 0x83, 0, 0x40, 0));
	t.is((await c.response()).at(-1), "OK");
	t.is(sim.calls[0]!.frames.filter((f) => f.dir === "host").length, 2);
});

test("+FTM: OK after the data's line time at the modulation's rate; DLE DLE and DLE SUB unstuffed", async (t) => {
	const { sim, c } = rig();
	await connect(c);
	// TSI/DCS so the far end expects a TCF at V.29 9600
	await c.final("AT+FTH=3");
	await c.sendBlock(Uint8Array.of(0xff, 0x13, 0x83, 0x00, 0x42, 0x00)); // DCS: receive, V.29 9600 (bits 11-14 = 1000), 20 ms
	await c.response();
	await c.final("AT+FTS=7");
	t.is(await c.final("AT+FTM=96"), "CONNECT");
	const from = sim.clock.now();
	const data = new Uint8Array(1800); // 1.5 s at 9600 bit/s
	await c.write(Buffer.concat([Buffer.from(data.subarray(0, 1790)), Buffer.from([0x10, 0x10, 0x10, 0x1a]), Buffer.from(data.subarray(0, 7)), Buffer.from([0x10, 0x03])]));
	t.is((await c.response()).at(-1), "OK");
	const took = sim.clock.now() - from;
	t.true(took >= 1500 && took < 1700, `OK after ${took.toFixed(0)} line ms`);
	const tcf = sim.calls[0]!.tcf[0]!;
	t.is(tcf.bytes, 1790 + 3 + 7, "DLE DLE -> 1 byte, DLE SUB -> 2 bytes");
	t.is(tcf.code, 96);
});

test("the far end repeats its DIS after T4 while the caller is silent (T.30 §5.2)", async (t) => {
	const { c, sim } = rig({ farEnd: { disMaxSends: 2 } });
	await connect(c);
	t.is(await c.final("AT+FRH=3"), "CONNECT");
	const again = [(await c.readBlock()).data[2]];
	while ((await c.final("AT+FRH=3")) === "CONNECT") {
		const b = await c.readBlock();
		again.push(b.data[2]);
		if (b.data[1] === 0x13) break;
	}
	t.deepEqual(again, [0x40, 0x80], "CSI, DIS again");
	t.is(sim.calls[0]!.frames.filter((f) => f.name === "DIS").length, 2);
});

test("a pending +FRH=3 ignores DC1/DC3 and ends with OK on any other byte", async (t) => {
	const { c } = rig({ farEnd: { disMaxSends: 1 } });
	await connect(c);
	await c.write("AT+FRH=3\r");
	await c.write("\x11\x13");
	await t.throwsAsync(c.response(200), { message: /timeout/ }, "XON/XOFF do not abort");
	await c.write("\x18");
	t.deepEqual(await c.response(), ["OK"]);
	t.is(await c.final("AT"), "OK", "back in command mode");
});

test("far-end frames are DLE-stuffed on delivery and carry a good FCS", async (t) => {
	const nsf = Uint8Array.of(0x10, 0x00, 0x10, 0x10, 0x03);
	const { c } = rig({ farEnd: { nsf } });
	await c.at("ATE0");
	await c.at("AT+FCLASS=1");
	t.is(await c.final("ATD1"), "CONNECT");
	const b = await c.readBlock();
	t.is(b.code, "OK");
	t.deepEqual(Array.from(b.data.subarray(3, 3 + nsf.length)), Array.from(nsf));
	t.is(b.data.length, 3 + nsf.length + 2);
});

test("ATH ends the call; the record says who hung up", async (t) => {
	const { sim, c } = rig();
	await connect(c);
	t.is(await c.final("ATH0"), "OK");
	const call = await sim.waitForCallEnd(1, 1000);
	t.is(call.end, "hostHangup");
	t.is(await c.final("AT+FTH=3"), "ERROR", "on hook: nothing to transmit on");
});

test("LineClock: modelled waits run 1/timeScale faster; host time stays real", async (t) => {
	const clock = new LineClock(0.01);
	const r0 = clock.real();
	const l0 = clock.now();
	await clock.sleep(2000);
	const realMs = clock.real() - r0;
	const lineMs = clock.now() - l0;
	t.true(lineMs >= 2000, `${lineMs}`);
	t.true(realMs < 500, `${realMs} real ms for 2 line s`);
	const l1 = clock.now();
	await new Promise((r) => setTimeout(r, 30));
	const idle = clock.now() - l1;
	t.true(idle >= 25 && idle < 2000, `30 real ms of host time = ${idle.toFixed(1)} line ms (not 50x that)`);
	// a watchdog does not stretch the host's time unless idle() says so
	let fired = false;
	const w = clock.watchdog(10_000, () => (fired = true), () => false);
	await new Promise((r) => setTimeout(r, 50));
	t.false(fired, "10 s of line time have not passed in 50 real ms of host time");
	w.cancel();
	await new Promise<void>((r) => clock.watchdog(1000, r, () => true));
	t.pass("an idle watchdog runs fast");
});

test("+FTM CONNECT timing: after the training by default, at once (SpanDSP style) with ftmConnect 'atOnce'; no data lost either way", async (t) => {
	for (const ftmConnect of ["afterTraining", "atOnce"] as const) {
		const { sim, c } = rig({ ftmConnect });
		await connect(c);
		await c.final("AT+FTH=3");
		await c.sendBlock(Uint8Array.of(0xff, 0x13, 0x83, 0x00, 0x42, 0x00)); // DCS: V.29 9600
		await c.response();
		const before = sim.transcript.filter((e) => e.dir === "modem" && e.data.includes("CONNECT")).length;
		t.is(await c.final("AT+FTM=96"), "CONNECT");
		const issued = sim.commands.at(-1)!.at;
		const connected = sentAt(sim, "CONNECT", before + 1);
		if (ftmConnect === "atOnce") t.true(connected - issued < 50, `${connected - issued}`);
		else t.true(connected - issued >= 253 - 5, `V.29 training 253 ms: ${connected - issued}`);
		await c.sendBlock(new Uint8Array(1800));
		t.is((await c.response()).at(-1), "OK");
		t.is(sim.calls[0]!.tcf[0]!.lostBytes, 0);
		t.is(sim.calls[0]!.tcf[0]!.bytes, 1800);
		sim.detach();
	}
});
