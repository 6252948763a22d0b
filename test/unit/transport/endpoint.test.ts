/**
 * EndpointTransport wiring the driver to the project's modem simulator (hw-mocks/ModemSimulator, written
 * by another author from SpanDSP's t31.c) over an in-memory MemoryDuplex: probe, a frame exchange,
 * and the pipe vanishing as PORT_CLOSED — no pty involved.
 */
import test from "ava";
import { memoryDuplexPair } from "../../../hw-mocks/MemoryDuplex.js";
import { ModemSimulator } from "../../../hw-mocks/ModemSimulator.js";
import { FaxError } from "../../../src/core/FaxError.js";
import { openClass1Modem } from "../../../src/modem/probe.js";
import { EndpointTransport } from "../../../src/transport/EndpointTransport.js";

test("the driver probes the simulator over a MemoryDuplex and reads its first frames after ATD", async (t) => {
	const { host, modem: simEnd } = memoryDuplexPair();
	const sim = new ModemSimulator(simEnd, { timeScale: 0.02 });
	t.teardown(() => sim.detach());
	const modem = await openClass1Modem("sim", { transport: new EndpointTransport(host, "memory-sim") });
	t.true(modem.transmitRates.includes(146));
	t.is((await modem.dial("5551234")).kind, "connect");
	const frames: number[] = [];
	for (let i = 0; i < 4; i++) {
		const r = await modem.receiveFrame(10_000);
		if (r.kind !== "frame") break;
		t.true(r.fcsOk);
		frames.push(r.frame[2]! & 0xfe);
		if (r.frame[1] === 0x13) break;
	}
	t.is(frames.at(-1), 0x80, `final frame is DIS (got ${frames.map((f) => f.toString(16)).join(",")})`);
	await modem.hangup();
});

test("the endpoint vanishing is PORT_CLOSED for the command in flight", async (t) => {
	const { host, modem: simEnd } = memoryDuplexPair();
	const tr = new EndpointTransport(host);
	const closed = new Promise<FaxError | undefined>((r) => tr.on("close", r));
	simEnd.vanish();
	const e = await closed;
	t.true(e instanceof FaxError && e.code === "PORT_CLOSED");
	const w = await tr.write(Uint8Array.of(0x41)).catch((x: unknown) => x);
	t.true(w instanceof FaxError && w.code === "PORT_CLOSED");
});
