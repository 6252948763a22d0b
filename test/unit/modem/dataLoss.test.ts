/**
 * The modem leaving data mode on its own while a page is fed (T.31 §8.3.3: NO CARRIER when the far end
 * drops the line) through Class1Modem + AtChannel on the scripted DCE and a ManualClock: the result code is
 * acted on at once — feeding stops, no DLE ETX/OK wait — and reported as CARRIER_LOST, also while a write
 * is held by flow control, and when the result line was already arriving as DLE ETX went out.
 */
import test from "ava";
import { settle } from "../at/scriptedDce.js";
import { code, modemRig as setup, watch } from "./modemRig.js";

test("NO CARRIER while the page is fed: feeding stops, no DLE ETX, CARRIER_LOST at once", async (t) => {
	const { dce, modem } = setup();
	dce.once("AT+FTM=146", (_l, _m, d) => {
		d.send("\r\nCONNECT\r\n");
		d.expectData(() => undefined);
	});
	let pulled = 0;
	let pulledAtLoss = -1;
	const realWrite = dce.write.bind(dce);
	dce.write = async (bytes: Uint8Array) => {
		await realWrite(bytes);
		await new Promise((r) => setImmediate(r)); // a write takes I/O time
		if (dce.rawWritten.length > 4000 && pulledAtLoss < 0) {
			pulledAtLoss = pulled;
			dce.leaveDataMode();
			dce.send("\r\nNO CARRIER\r\n"); // the far end hung up: the DCE is back in command state
		}
	};
	async function* page() {
		for (let i = 0; i < 1000; i++) {
			pulled++;
			yield new Uint8Array(1024); // zeros: what reaches the command parser after the loss is not a command line
		}
	}
	const state = watch(modem.sendData(146, page()));
	await settle(30);
	t.is(code(state()), "CARRIER_LOST", "reported without any clock time passing");
	t.true(pulled <= pulledAtLoss + 2, `stopped feeding: ${pulled} chunks pulled, ${pulledAtLoss} when NO CARRIER was sent`);
	t.notDeepEqual(dce.rawWritten.slice(-2), [0x10, 0x03], "no DLE ETX into the command parser");
	t.true(dce.discards >= 1, "input dropped after the loss");
	t.is((await modem.channel.command("ATH0")).code, "OK", "the channel is free and in step");
});

test("NO CARRIER while a data write is held by flow control: CARRIER_LOST without waiting for the write", async (t) => {
	const { dce, modem } = setup();
	dce.once("AT+FTM=146", (_l, _m, d) => {
		d.send("\r\nCONNECT\r\n");
		d.expectData(() => undefined);
	});
	const realWrite = dce.write.bind(dce);
	let writes = 0;
	dce.write = async (bytes: Uint8Array) => {
		await realWrite(bytes);
		if (++writes === 3) {
			dce.send("\r\nNO CARRIER\r\n");
			await new Promise<void>(() => undefined); // the OS queue is full and stays so
		}
	};
	const state = watch(modem.sendData(146, new Uint8Array(50 * 1024)));
	await settle(30);
	t.is(code(state()), "CARRIER_LOST");
});

test("NO CARRIER already arriving as DLE ETX goes out is the final of the data, not a stale line", async (t) => {
	const { dce, modem } = setup();
	dce.once("AT+FTM=146", (_l, _m, d) => {
		d.send("\r\nCONNECT\r\n");
		d.expectData(() => d.send("RRIER\r\n")); // the rest of the line
	});
	const realWrite = dce.write.bind(dce);
	let sentHead = false;
	let chunks = 0;
	dce.write = async (bytes: Uint8Array) => {
		await realWrite(bytes);
		if (bytes.length === 1024 && ++chunks === 2) {
			sentHead = true;
			dce.sendNow("\r\nNO CA"); // the line begins before DLE ETX is written
		}
	};
	const state = watch(modem.sendData(146, new Uint8Array(2048)));
	await settle(30);
	t.true(sentHead);
	t.is(code(state()), "CARRIER_LOST");
});
