/**
 * ModemPool with a modem of mode "both" (issue 10): idle -> the listener starts (onIdle); a claim for an
 * outgoing job stops the listener and the job's send runs only once the wait has ended; an answered call
 * holds the slot busy (not idle for the queue) until endIncoming, which starts the next wait; a claim
 * that comes after the answer fails. The config accepts mode "both".
 */
import test from "ava";
import { ManualClock } from "../../../src/core/Clock.js";
import { FaxError } from "../../../src/core/FaxError.js";
import type { FaxModem, SendResult } from "../../../src/modem/FaxModem.js";
import { parseDaemonConfig } from "../../../src/jobs/daemonConfig.js";
import { ModemPool, type ModemSlot } from "../../../src/jobs/ModemPool.js";

function fakeModem(log: string[]): FaxModem {
	return {
		id: "m",
		send: () => (log.push("send"), Promise.resolve({ ok: true } as unknown as SendResult)),
		receive: () => Promise.reject(new FaxError("NOT_IMPLEMENTED", "x")),
		close: () => Promise.resolve(),
	};
}

async function pool(log: string[]) {
	const idles: ModemSlot[] = [];
	const p = new ModemPool([{ path: "/dev/both", mode: "both", deviceId: 1 }], () => Promise.resolve(fakeModem(log)), {
		clock: new ManualClock(),
		deviceIdFor: () => 1,
		onChange: () => undefined,
		onIdle: (s) => idles.push(s),
	});
	p.start();
	await new Promise((r) => setImmediate(r));
	return { p, idles, s: p.slots[0]! };
}

test("claim stops the wait for a call first; the send runs after it ended", async (t) => {
	const log: string[] = [];
	const { p, idles, s } = await pool(log);
	t.is(idles.length, 1, "idle after open: listening");
	let end!: () => void;
	s.listener = { stop: () => (log.push("stop"), new Promise<void>((r) => (end = () => (log.push("stopped"), r())))) };
	const m = p.claim(s);
	t.is(s.state, "busy");
	const sent = m.send({} as never);
	await new Promise((r) => setImmediate(r));
	t.deepEqual(log, ["stop"], "no send while the modem still waits for a ring");
	end();
	await sent;
	t.deepEqual(log, ["stop", "stopped", "send"]);
	p.release(s);
	t.is(idles.length, 2, "idle again: listening again");
	await p.close();
});

test("an answered call holds the slot: not idle for the queue until the reception ends", async (t) => {
	const { p, idles, s } = await pool([]);
	t.true(p.holdForIncoming(s));
	t.is(s.state, "busy");
	t.is(p.idleSlot(), undefined);
	t.is(t.throws(() => p.claim(s))?.name, "FaxError");
	t.false(p.holdForIncoming(s), "a second hold fails");
	p.endIncoming(s);
	t.is(s.state, "idle");
	t.is(p.idleSlot(), s);
	t.is(idles.length, 2);
	await p.close();
});

test("config: mode both accepted, anything else refused", (t) => {
	t.is(parseDaemonConfig({ spoolDir: "s", modems: [{ path: "/dev/x", mode: "both" }] }, "/").modems[0]!.mode, "both");
	t.throws(() => parseDaemonConfig({ spoolDir: "s", modems: [{ path: "/dev/x", mode: "duplex" }] }, "/"), { message: /"send", "receive" or "both"/ });
});
