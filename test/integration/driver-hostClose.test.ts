/**
 * Host-close detection on the pty (hw-mocks/ptyPair.ts `hostClose`) end to end: our driver (real
 * serialport binding) dials the modem simulator, starts page data, and closes the port without ATH — as a
 * process that exits mid-call does. The pair reports `hostClose`; wired to the simulator's public hangup
 * (the recipe for ModemSimulator: `master.on("hostClose", () => sim.hangup("host"))`), the call ends with a
 * record, and the next open of the port finds a modem answering AT in command state that can dial again.
 */
import test from "ava";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ModemSimulator } from "../../hw-mocks/ModemSimulator.js";
import { openPtyPair } from "../../hw-mocks/ptyPair.js";
import { SystemClock } from "../../src/core/Clock.js";
import { openClass1Modem } from "../../src/modem/probe.js";

/** Reject if `p` has not settled within `ms` (a deadline, not a sleep). */
function within<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
	let timer: NodeJS.Timeout;
	return Promise.race([p, new Promise<never>((_, rej) => (timer = setTimeout(() => rej(new Error(`${what}: no result within ${ms} ms`)), ms)))]).finally(() => clearTimeout(timer));
}

async function* endless(): AsyncGenerator<Uint8Array> {
	for (;;) yield new Uint8Array(1024);
}

test.serial("a host that closes the port mid-page without ATH: hostClose, the simulator hangs up, the next open dials again", async (t) => {
	const dir = mkdtempSync(join(tmpdir(), "faxline-hostclose-"));
	t.teardown(() => rmSync(dir, { recursive: true, force: true }));
	const pair = await openPtyPair();
	const sim = new ModemSimulator(pair.master, { timeScale: 0.05, farEnd: { outDir: dir } });
	t.teardown(async () => {
		sim.detach();
		await pair.close();
	});
	let hostCloses = 0;
	pair.master.on("hostClose", () => {
		hostCloses++;
		sim.hangup("host"); // DTR dropped: the modem goes on hook
	});
	const clock = new SystemClock();

	const first = await within(openClass1Modem(pair.path, { clock }), 10000, "first probe");
	t.is((await within(first.dial("5550100"), 10000, "dial")).kind, "connect");
	for (let i = 0; ; i++) {
		// the far end's CSI, DIS: read up to the final frame (control 0x13)
		const f = await within(first.receiveFrame(5000), 6000, "frames after dial");
		if (f.kind === "frame" && f.frame[1] === 0x13) break;
		t.true(i < 5 && f.kind === "frame", `frame expected, got ${f.kind}`);
	}
	let fed = 0;
	const page = (async function* () {
		for await (const c of endless()) {
			fed += c.length;
			yield c;
		}
	})();
	const sending = first.sendData(146, page).catch((e: unknown) => e);
	await within(
		new Promise<void>((res) => {
			const tick = setInterval(() => {
				if (fed >= 8 * 1024) {
					clearInterval(tick);
					res();
				}
			}, 5);
		}),
		10000,
		"page data flowing",
	);
	t.truthy(sim.currentCall, "the call is up");
	await first.close(); // no ATH: the process "exits"
	await sending;

	const rec = await within(sim.waitForCallEnd(1, 5000), 6000, "call 1 ends");
	t.is(rec.end, "hostHangup");
	t.is(hostCloses, 1);
	t.is(sim.currentCall, undefined);

	const second = await within(openClass1Modem(pair.path, { clock }), 10000, "second probe (modem answers AT)");
	t.is((await within(second.dial("5550101"), 10000, "second dial")).kind, "connect");
	await second.hangup();
	await second.close();
	t.is((await within(sim.waitForCallEnd(2, 5000), 6000, "call 2 ends")).end, "hostHangup");
});
