/**
 * Cancel while a call is in progress (outgoing-job.md §9.4) through Class1Modem + AtChannel against the
 * scripted DCE on a ManualClock, one test per phase the abort can land in: +FRS, +FTS, waiting for CONNECT
 * to +FTM, mid-data, waiting for the OK after DLE ETX, +FRH. Each checks that the abort is reported only
 * once the DCE is back in command state, that no late result code is taken as the next command's reply,
 * and that the engine's cleanup (turnaround "switching", DCN through +FTH=3, ATH0 — src/t30/transmit.ts
 * phaseE) then runs cleanly: the DCE received the DCN frame and the ATH0.
 */
import test from "ava";
import { FaxError } from "../../../src/core/FaxError.js";
import type { Class1Modem } from "../../../src/modem/Class1Modem.js";
import { type ScriptedDce, settle } from "../at/scriptedDce.js";
import { code, modemRig, watch } from "./modemRig.js";

const DCN = Uint8Array.of(0xff, 0x13, 0xfb);

function setup() {
	const ac = new AbortController();
	const cancel = () => ac.abort(new FaxError("CALL_ABORTED", "cancel"));
	return { ...modemRig(), signal: ac.signal, cancel };
}

/** What src/t30/transmit.ts phaseE does after an abort: switching turnaround, DCN, ATH0 (no signal). */
async function engineCleanup(modem: Class1Modem): Promise<void> {
	await modem.turnaround("switching");
	await modem.sendFrames([DCN]);
	await modem.hangup();
}

function assertCleanEnd(t: import("ava").ExecutionContext, dce: ScriptedDce, before: string[]): void {
	t.deepEqual(dce.commands, [...before, "AT+FRS=7", "AT+FTH=3", "ATH0"]);
	t.deepEqual([...dce.framesReceived.at(-1)!], [...DCN], "the DCN reached the DCE as a frame");
}

/**
 * AT+FTM=146 answered with CONNECT; the data block is recorded at its DLE ETX but the OK is held (the modem
 * still has queued data to modulate) until the returned function is called.
 */
function ftmHoldingOk(dce: ScriptedDce): () => void {
	let ok = () => undefined as void;
	dce.once("AT+FTM=146", (_l, _m, d) => {
		d.send("\r\nCONNECT\r\n");
		d.expectData((data) => {
			d.dataReceived.push({ mod: 146, data });
			ok = () => d.send("\r\nOK\r\n");
		});
	});
	return () => ok();
}

test("abort during +FRS: CAN stops it, its OK is awaited, then DCN and ATH0", async (t) => {
	const { dce, modem, signal, cancel } = setup();
	dce.answerCan = false;
	let answer = () => undefined as void;
	dce.once("AT+FRS=7", (_l, _m, d) => (answer = () => d.send("\r\nOK\r\n"))); // the line is not silent
	const state = watch(modem.turnaround("switching", signal));
	await settle();
	cancel();
	await settle();
	t.is(dce.cancels, 1, "any byte (CAN) aborts +FRS (T.31 §8.3.4)");
	t.is(state(), "pending", "not reported before the DCE answered");
	answer(); // OK to the aborted +FRS
	await settle();
	t.is(code(state()), "CALL_ABORTED");
	dce.answerCan = true;
	await engineCleanup(modem);
	assertCleanEnd(t, dce, ["AT+FRS=7"]);
});

test("abort during +FTS (before MPS): the late OK ends the +FTS, not the +FRS/+FTH that follow", async (t) => {
	const { dce, modem, signal, cancel } = setup();
	let answer = () => undefined as void;
	dce.once("AT+FTS=7", (_l, _m, d) => (answer = () => d.send("\r\nOK\r\n")));
	const state = watch(modem.transmitSilence(70, signal));
	await settle();
	cancel();
	await settle();
	t.is(state(), "pending");
	t.is(dce.rawWritten.length, "AT+FTS=7\r".length, "nothing else written while +FTS runs");
	answer();
	await settle();
	t.is(code(state()), "CALL_ABORTED");
	// a later step of the engine with the aborted signal writes nothing at all
	t.is(code(await modem.transmitSilence(70, signal).catch((e: unknown) => e)), "CALL_ABORTED");
	t.is(dce.commands.length, 1);
	await engineCleanup(modem);
	assertCleanEnd(t, dce, ["AT+FTS=7"]);
});

test("abort while waiting for CONNECT to +FTM: the CONNECT is closed with DLE ETX and its OK, then DCN and ATH0", async (t) => {
	const { dce, modem, signal, cancel } = setup();
	let connect = () => undefined as void;
	dce.once("AT+FTM=146", (_l, _m, d) => {
		connect = () => {
			d.send("\r\nCONNECT\r\n");
			d.expectData((data) => {
				d.dataReceived.push({ mod: 146, data });
				d.send("\r\nOK\r\n");
			});
		};
	});
	const state = watch(modem.sendData(146, new Uint8Array(5000).fill(0x55), signal));
	await settle();
	cancel();
	await settle();
	t.is(state(), "pending");
	connect();
	await settle(10);
	t.is(code(state()), "CALL_ABORTED");
	t.is(dce.dataReceived.length, 1);
	t.is(dce.dataReceived[0]!.data.length, 0, "no page data after the abort: DLE ETX alone");
	await engineCleanup(modem);
	assertCleanEnd(t, dce, ["AT+FTM=146"]);
});

test("abort mid-data: feeding stops at once, DLE ETX closes the block, the abort is reported at its OK", async (t) => {
	const { dce, modem, signal, cancel } = setup();
	const ok = ftmHoldingOk(dce);
	let pulled = 0;
	async function* page() {
		for (let i = 0; i < 100; i++) {
			pulled++;
			if (pulled === 4) cancel();
			yield new Uint8Array(1024).fill(i);
		}
	}
	const state = watch(modem.sendData(146, page(), signal));
	await settle(20);
	t.is(pulled, 4, "no chunk pulled after the abort");
	t.is(dce.dataReceived.length, 1, "the block was closed with DLE ETX");
	t.is(dce.dataReceived[0]!.data.length, 3 * 1024, "the three chunks fed before the abort, byte-exact");
	t.is(state(), "pending", "reported only once the DCE is back in command state");
	ok();
	await settle();
	t.is(code(state()), "CALL_ABORTED");
	await engineCleanup(modem);
	assertCleanEnd(t, dce, ["AT+FTM=146"]);
});

test("abort while a data write is held (flow control): DLE ETX follows at once, the abort is reported at its OK", async (t) => {
	const { dce, modem, signal, cancel } = setup();
	const realWrite = dce.write.bind(dce);
	let writes = 0;
	dce.write = async (bytes: Uint8Array) => {
		await realWrite(bytes); // the bytes reach the DCE...
		if (++writes === 4) await new Promise<void>(() => undefined); // ...but this write never completes (CTS held)
	};
	const ok = ftmHoldingOk(dce);
	const state = watch(modem.sendData(146, new Uint8Array(10 * 1024).fill(0x22), signal));
	await settle(20);
	t.is(writes, 4, "AT+FTM=146 and three chunks, the third held");
	cancel();
	await settle(10);
	t.is(dce.dataReceived[0]?.data.length, 3 * 1024, "block closed right after the held chunk");
	t.is(state(), "pending");
	ok();
	await settle();
	t.is(code(state()), "CALL_ABORTED");
	dce.write = realWrite;
	await engineCleanup(modem);
	assertCleanEnd(t, dce, ["AT+FTM=146"]);
});

test("abort while the modem drains the page (waiting for the OK after DLE ETX): reported at that OK, bounded by the queued line time", async (t) => {
	// 18000 bytes at 14400 bit/s = 10 s of line time (+ short train): the OK may take that long.
	for (const answers of [true, false]) {
		const { dce, modem, clock, signal, cancel } = setup();
		const ok = ftmHoldingOk(dce);
		const state = watch(modem.sendData(146, new Uint8Array(18000), signal));
		await settle(30);
		t.is(dce.dataReceived[0]?.data.length, 18000);
		await clock.advance(1000);
		cancel();
		await settle();
		t.is(state(), "pending");
		if (answers) {
			await clock.advance(8000);
			ok();
			await settle();
			t.is(code(state()), "CALL_ABORTED", "reported as soon as the OK is in");
			await engineCleanup(modem);
			assertCleanEnd(t, dce, ["AT+FTM=146"]);
		} else {
			await clock.advance(9000); // still within the modelled line time
			await settle();
			t.is(state(), "pending");
			await clock.advance(20000);
			await settle(10);
			t.is(code(state()), "CALL_ABORTED", "given up at the bound, still reported as the abort");
		}
	}
});

test("abort during +FRH: CAN, its OK, then DCN and ATH0 (one CAN, no stale OK)", async (t) => {
	const { dce, modem, signal, cancel } = setup();
	dce.once("AT+FRH=3", () => undefined); // listening, nothing heard yet
	const state = watch(modem.receiveFrame(30000, signal));
	await settle();
	cancel();
	await settle(10);
	t.is(code(state()), "CALL_ABORTED");
	t.is(dce.cancels, 1);
	await engineCleanup(modem);
	assertCleanEnd(t, dce, ["AT+FRH=3"]);
});

test("abort while a received frame's data flows: CAN ends the receive, its OK is awaited before the rejection", async (t) => {
	const { dce, modem, signal, cancel } = setup();
	dce.answerCan = false;
	let okToCan = () => undefined as void;
	dce.once("AT+FRH=3", (_l, _m, d) => {
		d.send(Buffer.from([0x0d, 0x0a, ...Buffer.from("CONNECT"), 0x0d, 0x0a, 0xff, 0x13, 0x80])); // frame begun
		okToCan = () => d.send("\r\nOK\r\n");
	});
	const state = watch(modem.receiveFrame(30000, signal));
	await settle(10);
	cancel();
	await settle(10);
	t.is(dce.cancels, 1);
	t.is(state(), "pending");
	okToCan();
	await settle();
	t.is(code(state()), "CALL_ABORTED");
	dce.answerCan = true;
	await engineCleanup(modem);
	assertCleanEnd(t, dce, ["AT+FRH=3"]);
});

test("hangup while the DCN is still going out (the engine stopped waiting): its OK first, then ATH0, no CAN into the frame", async (t) => {
	const { dce, modem } = setup();
	let ok = () => undefined as void;
	dce.once("AT+FTH=3", (_l, _m, d) => {
		d.send("\r\nCONNECT\r\n");
		d.expectData((f) => {
			d.framesReceived.push(f);
			ok = () => d.send("\r\nOK\r\n");
		});
	});
	const dcn = watch(modem.sendFrames([DCN]));
	await settle();
	const hung = watch(modem.hangup());
	await settle();
	t.deepEqual(dce.commands, ["AT+FTH=3"], "ATH0 not written while the DCE sends the frame");
	t.is(hung(), "pending");
	ok();
	await settle(10);
	t.is(dcn(), "resolved");
	t.is(hung(), "resolved");
	t.is(dce.cancels, 0);
	t.deepEqual(dce.commands, ["AT+FTH=3", "ATH0"]);
});

test("hangup while a receive nobody waits for any more is in flight: after 4 s it is cancelled (CAN), then ATH0", async (t) => {
	const { dce, modem, clock } = setup();
	dce.once("AT+FRH=3", () => undefined);
	const rx = watch(modem.receiveFrame(60000));
	await settle();
	const hung = watch(modem.hangup());
	await clock.advance(3999);
	await settle();
	t.is(dce.cancels, 0);
	await clock.advance(1);
	await settle(20);
	t.is(dce.cancels, 1);
	t.is(hung(), "resolved");
	t.is(code(rx()), "AT_ABORTED");
	t.deepEqual(dce.commands, ["AT+FRH=3", "ATH0"]);
});
