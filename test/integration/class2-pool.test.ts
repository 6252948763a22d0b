/**
 * The daemon with a mixed pool (issue 11 "Proof", stretch): FaxServer with one Class 1 simulator
 * (hw-mocks/ModemSimulator) and one Class 2.0 simulator (hw-mocks/class2), both opened through serialport
 * by the class-neutral openFaxModem (which hands each to its class's session factory). A broadcast to 4
 * recipients completes across both modems and every far end keeps pixel-identical pages (libtiff).
 */
import test from "ava";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ModemSimulator } from "../../hw-mocks/ModemSimulator.js";
import { Class2Simulator } from "../../hw-mocks/class2/Class2Simulator.js";
import { openPtyPair } from "../../hw-mocks/ptyPair.js";
import type { CallRecord } from "../../hw-mocks/records.js";
import { tiffCodec } from "../../src/jobs/codec.js";
import { FaxJobStatus as S, FaxServerEventsType } from "../../src/jobs/enums.js";
import { FaxDocument } from "../../src/jobs/FaxDocument.js";
import { FaxServer } from "../../src/jobs/FaxServer.js";
import { openFaxModem } from "../../src/session/openFaxModem.js";
import { fixturePage, writePbm } from "../helpers/fixtures.js";
import { libtiffDecodeTiff, topRows, firstRowDiff } from "../helpers/libtiff.js";

test.serial("a Class 1 and a Class 2.0 simulator in one pool: a broadcast to 4 completes across both, pixels identical", async (t) => {
	t.timeout(180_000);
	const dir = mkdtempSync(join(tmpdir(), "faxline-c2pool-"));
	const p1 = await openPtyPair();
	const p2 = await openPtyPair();
	const c1 = new ModemSimulator(p1.master, { timeScale: 0.05, farEnd: { outDir: join(dir, "far1"), csi: "CLASS 1 FAR END" } });
	const c2 = new Class2Simulator(p2.master, { dialect: "2.0", timeScale: 0.05, farEnd: { outDir: join(dir, "far2"), csi: "CLASS 2 FAR END" } });
	const pages = await Promise.all([fixturePage("text", "standard"), fixturePage("form", "standard")]);
	const doc = join(dir, "doc.pbm");
	const sent = pages.map((p) => topRows(p, 200));
	writeFileSync(doc, Buffer.concat(sent.map((p) => Buffer.from(writePbm(p)))));
	const pre = FaxServer.connect({ spoolDir: join(dir, "spool"), codec: tiffCodec, name: "pre" });
	Object.assign(pre.outgoingQueue, { retries: 2, retryDelay: 0 });
	await pre.outgoingQueue.save();
	await pre.disconnect();
	const server = FaxServer.startDaemon({
		spoolDir: join(dir, "spool"),
		codec: tiffCodec,
		modems: [
			{ path: p1.path, deviceId: 100 },
			{ path: p2.path, deviceId: 200 },
		],
		modemFactory: (cfg) => openFaxModem(cfg.path, {}),
		pollMs: 0,
		modemReopenMs: 300,
	});
	server.listenToServerEvents(FaxServerEventsType.OUT_QUEUE);
	t.teardown(async () => {
		await server.disconnect();
		c1.detach();
		c2.detach();
		await p1.close();
		await p2.close();
		rmSync(dir, { recursive: true, force: true });
	});
	// both modems open (probe + class set-up over the ptys) before the broadcast, so each can take jobs;
	// no queue event marks a slot becoming idle: re-checked every 20 ms, 60 s deadline
	const t0 = Date.now();
	while (!server.engine!.pool.slots.every((s) => s.state !== "opening" && s.state !== "down")) {
		if (Date.now() - t0 > 60_000) throw new Error("modems did not open");
		await new Promise((r) => setTimeout(r, 20));
	}
	const d = new FaxDocument();
	d.body = doc;
	d.sender.tsid = "FAXLINE POOL";
	for (const n of ["5550301", "5550302", "5550303", "5550304"]) d.recipients.add(n);
	const ids = await d.connectedSubmit(server);
	const rec = (id: string) => server.store.getJob(id)!;
	// wait on queue events, with a deadline
	await new Promise<void>((resolve, reject) => {
		const final = (st: number) => (st & (S.COMPLETED | S.RETRIES_EXCEEDED | S.FAILED | S.CANCELED)) !== 0;
		const done = () => ids.every((id) => final(rec(id).status));
		const timer = setTimeout(() => reject(new Error(`not all sent: ${ids.map((id) => `${rec(id).recipient.faxNumber}:${rec(id).status}`).join(" ")}`)), 150_000);
		const check = () => {
			if (!done()) return;
			clearTimeout(timer);
			server.off("outgoingJobChanged", check);
			server.off("outgoingJobRemoved", check);
			resolve();
		};
		server.on("outgoingJobChanged", check);
		server.on("outgoingJobRemoved", check);
		check();
	});
	for (const id of ids) t.is(rec(id).status, S.COMPLETED, `${rec(id).recipient.faxNumber}: ${rec(id).failure?.code ?? ""}`);
	t.deepEqual(new Set(ids.map((id) => rec(id).deviceId)), new Set([100, 200]), "both modems sent");
	for (const id of ids) t.is(rec(id).csid, rec(id).deviceId === 100 ? "CLASS 1 FAR END" : "CLASS 2 FAR END");
	// every completed job's last call on its modem: the far end kept both pages, libtiff reads the pixels sent
	for (const id of ids) {
		const j = rec(id);
		const sim = j.deviceId === 100 ? c1 : c2;
		const calls = sim.calls as CallRecord[];
		const k = calls.map((c) => c.dial.digits).lastIndexOf(j.recipient.faxNumber);
		t.true(k >= 0, `no call to ${j.recipient.faxNumber}`);
		const call = await sim.waitForCallEnd(k + 1, 20_000);
		t.is(call.tsi, "FAXLINE POOL");
		const got = await libtiffDecodeTiff(readFileSync(call.tiffPath!));
		t.is(got.pages.length, 2);
		for (let i = 0; i < 2; i++) t.is(firstRowDiff(got.pages[i]!, sent[i]!), -1, `${j.recipient.faxNumber} page ${i + 1}`);
	}
});
