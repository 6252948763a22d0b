/**
 * Issue 14: the modem simulator treats the host's port close (DTR drop, V.250 §6.2.9 with AT&D2) as a
 * hang-up in ANY state — a command still running (+FTS, +FRS), dialling, HDLC receive, HDLC transmit,
 * TCF and page data (while the host writes them and while the modem drains them onto the line) — and the
 * next opener's AT is answered at once. Driven by the raw scripted AT client over the real serialport
 * binding (independent of our driver); the port is closed without ATH exactly in the state under test
 * (asserted before closing), then a new port is opened: `AT` must get OK within a short deadline, the
 * call's record must say the host hung up, and a new call must connect.
 */
import test, { type ExecutionContext } from "ava";
import type { SerialPort } from "serialport";
import { ModemSimulator } from "../../hw-mocks/ModemSimulator.js";
import { openPtyPair } from "../../hw-mocks/ptyPair.js";
import { RawAtClient, dleWrap, fromEmitter } from "../../hw-mocks/RawAtClient.js";
import { closePort, dcsFor, dialToDis, hostFrame, openPort, readFrameSet, sendFrames, tsiFrame, V17_14400 } from "./sim-harness.js";

const SCALE = 0.1;

function within<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
	let timer: NodeJS.Timeout | undefined;
	const deadline = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`${what}: not within ${ms} ms`)), ms)));
	return Promise.race([p, deadline]).finally(() => clearTimeout(timer));
}

/** Resolves when `pred()` holds, checked after each event the simulator emits or each byte batch it gets. */
function until(sim: ModemSimulator, master: { on(e: "data", fn: () => void): unknown; off(e: "data", fn: () => void): unknown }, pred: () => boolean, ms: number, what: string): Promise<void> {
	return within(
		new Promise<void>((resolve) => {
			const check = () => {
				if (!pred()) return;
				sim.off("command", check);
				sim.off("result", check);
				master.off("data", onData);
				resolve();
			};
			// the simulator handles a byte batch in the same tick as its data event: check on the next one
			const onData = () => setImmediate(check);
			sim.on("command", check);
			sim.on("result", check);
			master.on("data", onData);
			check();
		}),
		ms,
		what,
	);
}

interface Rig {
	sim: ModemSimulator;
	port: SerialPort;
	client: RawAtClient;
	/** the state reached before closing (for the assertion) */
	reach: (pred: () => boolean, what: string) => Promise<void>;
	/** close the port without ATH (DTR drops) and wait until the pty reports it, as a modem sees DTR */
	drop(): Promise<void>;
	reopen(): Promise<RawAtClient>;
}

async function rig(t: ExecutionContext): Promise<Rig> {
	const pair = await openPtyPair();
	const sim = new ModemSimulator(pair.master, { timeScale: SCALE, farEnd: { answerDelayMs: 400 } });
	let port = await openPort(pair.path);
	t.teardown(async () => {
		await closePort(port);
		sim.detach();
		await pair.close();
	});
	return {
		sim,
		port,
		client: new RawAtClient(fromEmitter(port)),
		reach: (pred, what) => until(sim, pair.master, pred, 10000, what),
		drop: async () => {
			const seen = new Promise<void>((res) => pair.master.once("hostClose", res));
			await closePort(port);
			await within(seen, 2000, "hostClose from the pty");
		},
		reopen: async () => {
			port = await openPort(pair.path);
			return new RawAtClient(fromEmitter(port));
		},
	};
}

/** TSI + DCS (V.17 14400), +FTS=7 and +FTM=145 CONNECT: the host may now write the TCF. */
async function toTcf(c: RawAtClient): Promise<void> {
	await c.final("AT+FRS=7");
	await sendFrames(c, [tsiFrame("faxline test"), hostFrame("DCS", dcsFor(V17_14400))]);
	await c.final("AT+FTS=7");
	if ((await c.final(`AT+FTM=${V17_14400.longTrain}`)) !== "CONNECT") throw new Error("no CONNECT for the TCF");
}

const tcf = (): Uint8Array => new Uint8Array((V17_14400.bitRate * 1.5) / 8);
/** The host's last bytes end in DLE ETX. */
const hostEndedBlock = (sim: ModemSimulator): boolean => {
	const last = sim.transcript.filter((e) => e.dir === "host").at(-1)?.data;
	return last !== undefined && last.length >= 2 && last[last.length - 2] === 0x10 && last[last.length - 1] === 0x03;
};

const STATES: Array<[string, (r: Rig) => Promise<void>]> = [
	[
		"command mode, +FTS running",
		async (r) => {
			await r.client.write("AT+FTS=255\r");
			await r.reach(() => r.sim.commands.at(-1)?.text === "+FTS=255", "+FTS=255 running");
		},
	],
	[
		"command mode, +FRS running",
		async (r) => {
			await r.client.write("AT+FRS=255\r");
			await r.reach(() => r.sim.commands.at(-1)?.text === "+FRS=255", "+FRS=255 running");
		},
	],
	[
		"dialling",
		async (r) => {
			await r.client.final("AT+FCLASS=1");
			await r.client.write("ATDT5550100\r");
			await r.reach(() => r.sim.mode === "dialing", "dialling");
		},
	],
	[
		"HDLC receive (+FRH=3, far end silent)",
		async (r) => {
			await dialToDis(r.client);
			await r.client.write("AT+FRH=3\r");
			await r.reach(() => r.sim.mode === "hdlcRx", "+FRH=3 listening");
		},
	],
	[
		"HDLC transmit (a frame on the line)",
		async (r) => {
			await dialToDis(r.client);
			await r.client.final("AT+FRS=7");
			if ((await r.client.final("AT+FTH=3")) !== "CONNECT") throw new Error("+FTH=3");
			await r.client.sendBlock(hostFrame("NSS", new Uint8Array(200).fill(0x55), false)); // ~5.5 line s at 300 bit/s
			await r.reach(() => r.sim.mode === "hdlcTx" && (r.sim.currentCall?.frames.some((f) => f.dir === "host") ?? false), "frame on the line");
		},
	],
	[
		"TCF, while the host writes it",
		async (r) => {
			await dialToDis(r.client);
			await toTcf(r.client);
			await r.client.write(tcf().subarray(0, 1000)); // no DLE ETX yet
			await r.reach(() => r.sim.mode === "imageTx" && r.sim.transcript.at(-1)?.dir === "host", "TCF bytes at the modem");
		},
	],
	[
		"TCF, while the modem drains it onto the line",
		async (r) => {
			await dialToDis(r.client);
			await toTcf(r.client);
			await r.client.write(dleWrap(tcf()));
			await r.reach(() => r.sim.mode === "imageTx" && hostEndedBlock(r.sim), "TCF with DLE ETX at the modem");
		},
	],
	[
		"page data, while the modem drains it onto the line",
		async (r) => {
			await dialToDis(r.client);
			await toTcf(r.client);
			await r.client.write(dleWrap(tcf()));
			if ((await r.client.response(10000)).at(-1) !== "OK") throw new Error("TCF not OK");
			const cfr = await readFrameSet(r.client, "frh");
			if (cfr.frames.length !== 1) throw new Error("no CFR");
			await r.client.final("AT+FRS=7");
			if ((await r.client.final(`AT+FTM=${V17_14400.shortTrain}`)) !== "CONNECT") throw new Error("+FTM page");
			// 10 line s of EOL-only rows at 14400 bit/s
			const eols = new Uint8Array(18000);
			for (let i = 0; i < eols.length; i += 3) eols.set([0x00, 0x80, 0x00], i);
			await r.client.write(dleWrap(eols));
			await r.reach(() => r.sim.mode === "imageTx" && hostEndedBlock(r.sim), "page with DLE ETX at the modem");
		},
	],
];

// one test over every state (a fresh simulator each): the property is "in ANY state"
test("port closed without ATH in every state: hang-up, the next opener's AT is answered at once, a new call connects", async (t) => {
	for (const [state, reach] of STATES) {
		const r = await rig(t);
		await r.client.at("ATE0");
		await reach(r);
		const inCall = r.sim.currentCall?.index;
		await r.drop();
		const c = await r.reopen();
		t.is(await within(c.final("AT", 1500), 2000, `${state}: OK to the first AT after the reopen`).catch((e: Error) => e.message), "OK", state);
		if (inCall !== undefined) {
			const rec = await within(r.sim.waitForCallEnd(inCall, 3000), 3500, `${state}: the dropped call's record`).catch(() => undefined);
			t.is(rec?.end, "hostHangup", state);
		}
		t.is(r.sim.currentCall, undefined, `${state}: no call left up`);
		const d = await within(dialToDis(c, "5550199"), 15000, `${state}: a new call`).catch((e: Error) => ({ code: e.message, frames: [] }));
		t.is(d.code, "CONNECT", state);
		t.true(d.frames.length >= 2, `${state}: the far end's CSI/DIS`);
		await c.final("ATH0").catch(() => undefined);
	}
});
