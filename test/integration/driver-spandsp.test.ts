/**
 * Class1Modem's primitives against a Class 1 modem nobody here wrote: SpanDSP 0.0.6's T.31 on a pty,
 * joined by real V.21/V.29 audio to SpanDSP's answering T.30 terminal (hw-mocks/spandsp, issue 5).
 * No T.30 engine: the test plays phase B by hand — probe, ATD, CSI/DIS as demodulated by SpanDSP,
 * +FRS, TSI+DCS, +FTS, TCF zeros through +FTM, and SpanDSP's own verdict (CFR) on that TCF — so it
 * proves the driver's framing, DLE handling, FCS stripping, per-frame +FRH and data path on a real DCE.
 */
import test from "ava";
import { SpanDspPeer, buildPeer } from "../../hw-mocks/spandsp/SpanDspPeer.js";
import { SystemClock } from "../../src/core/Clock.js";
import { MemoryTracer } from "../../src/core/trace.js";
import { openClass1Modem } from "../../src/modem/probe.js";

/** T.30 §5.3.6.2.4: identities go out last character first, 20 characters, space padded. */
const identity = (fif: Uint8Array): string => Buffer.from(Array.from(fif).reverse()).toString("latin1").trim();
const identityFif = (id: string): number[] => [...Buffer.from(id.padEnd(20, " "), "latin1")].reverse();

test.before(async () => {
	await buildPeer();
});

test.serial("phase B by hand against SpanDSP: CSI/DIS received intact, TSI/DCS accepted, TCF earns CFR", async (t) => {
	t.timeout(120_000);
	const peer = await SpanDspPeer.start({ speed: 4, ident: "SPANDSP PEER", modems: ["v29", "v27ter"] });
	t.teardown(() => peer.stop());
	const clock = new SystemClock();
	const tracer = new MemoryTracer(clock);
	const modem = await openClass1Modem(peer.path, { clock, tracer });
	t.teardown(() => modem.close());
	t.log(`identity ${JSON.stringify(modem.info?.identity)} -> profile ${modem.profile.name}`);
	t.true(modem.transmitRates.includes(96) && modem.transmitRates.includes(146), String(modem.transmitRates));

	t.is((await modem.dial("5551234")).kind, "connect");
	// Phase B: frames until the final one (DIS), each with good FCS.
	const frames: Uint8Array[] = [];
	for (let i = 0; i < 6; i++) {
		const r = await modem.receiveFrame(10_000);
		t.is(r.kind, "frame", JSON.stringify(r));
		if (r.kind !== "frame") return;
		t.true(r.fcsOk);
		frames.push(r.frame);
		if (r.frame[1] === 0x13) break;
	}
	const csi = frames.find((f) => (f[2]! & 0xfe) === 0x40);
	const dis = frames.at(-1)!;
	t.truthy(csi, "CSI received");
	t.is(identity(csi!.subarray(3)), "SPANDSP PEER");
	t.is(dis[2]! & 0xfe, 0x80, "final frame is DIS");
	t.true((dis[4]! & 0x02) !== 0, "DIS bit 10: T.4 receiver");

	// TSI + DCS (V.29 9600, standard, MH, 1728, A4, 20 ms), X bit set: we received the DIS.
	await modem.receiveSilence(70);
	const tsi = Uint8Array.of(0xff, 0x03, 0x43, ...identityFif("FAXLINE DRIVER"));
	const dcs = Uint8Array.of(0xff, 0x13, 0x83, 0x00, 0x06, 0x00);
	await modem.sendFrames([tsi, dcs]);
	await modem.transmitSilence(75);
	await modem.sendData(96, new Uint8Array((9600 * 1.5) / 8)); // TCF: 1.5 s of zeros
	const cfr = await modem.receiveFrame(10_000);
	t.is(cfr.kind, "frame", JSON.stringify(cfr));
	if (cfr.kind === "frame") t.is(cfr.frame[2]! & 0xfe, 0x84, `CFR expected, got ${Array.from(cfr.frame, (b) => b.toString(16)).join(" ")}`);

	await modem.receiveSilence(70);
	await modem.sendFrames([Uint8Array.of(0xff, 0x13, 0xfb)]); // DCN
	await modem.hangup();
	const r = await peer.result(20_000);
	t.is(r.remote_ident.trim(), "FAXLINE DRIVER");
	t.deepEqual(r.trainings, [{ rate: 9600, result: "CFR" }]);
	t.true(r.host_hangup);
	// The first frame after ATD came without +FRH=3; every later one (and the CFR) needed its own.
	const sent = tracer.channel("at").filter((x) => x.dir === "tx").map((x) => x.msg);
	t.is(sent.filter((m) => m === "AT+FRH=3").length, frames.length - 1 + 1);
	t.true(sent.includes("AT+FTM=96") && sent.includes("AT+FRS=7") && sent.includes("AT+FTS=8"));
});
