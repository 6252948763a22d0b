/**
 * The queue over the real Class 1 stack (issue 4 "Proof"): the daemon's FaxServer with several modems,
 * each the pty modem simulator (hw-mocks/ModemSimulator, 20x line speed) opened through serialport by
 * openFaxModem (driver + T.30 engine). A broadcast larger than the pool (NOLINE), pages arriving
 * pixel-identical at the far ends (decoded by libtiff), and simulator faults mapped to the extended
 * statuses of outgoing-job.md §9.2/§9.3.
 */
import test from "ava";
import type { ExecutionContext } from "ava";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ModemSimulator } from "../../hw-mocks/ModemSimulator.js";
import type { Fault } from "../../hw-mocks/faults.js";
import { openPtyPair } from "../../hw-mocks/ptyPair.js";
import type { CallRecord } from "../../hw-mocks/records.js";
import { tiffCodec } from "../../src/jobs/codec.js";
import { FaxJobExtendedStatus as X, FaxJobStatus as S, FaxServerEventsType } from "../../src/jobs/enums.js";
import { FaxDocument } from "../../src/jobs/FaxDocument.js";
import { FaxServer } from "../../src/jobs/FaxServer.js";
import type { DaemonOptions } from "../../src/jobs/FaxServer.js";
import { openFaxModem } from "../../src/session/openFaxModem.js";
import { fixturePage } from "../helpers/fixtures.js";
import { writePbm } from "../helpers/fixtures.js";
import { libtiffDecodeTiff, topRows } from "../helpers/libtiff.js";

interface Rig {
	server: FaxServer;
	sims: ModemSimulator[];
	doc: string;
	/** wait (re-checking on every queue event and every AT command/result of a simulator) until pred holds; rejects after `ms` real ms (default 60 s) */
	until(pred: () => boolean, what: string, ms?: number): Promise<void>;
	noline: Set<string>;
	/** extended status codes each job went through */
	exts: Map<string, number[]>;
}

async function rig(t: ExecutionContext, faults: Fault[][], queue: Record<string, unknown> = {}, extra: Partial<DaemonOptions> = {}): Promise<Rig> {
	const dir = mkdtempSync(join(tmpdir(), "faxline-jobsim-"));
	const sims: ModemSimulator[] = [];
	const paths: string[] = [];
	const closers: Array<() => Promise<void>> = [];
	for (const [i, f] of faults.entries()) {
		const pair = await openPtyPair();
		const out = join(dir, `far${i}`);
		const sim = new ModemSimulator(pair.master, { timeScale: 0.05, faults: f, farEnd: { outDir: out, csi: `FAR END ${i + 1}` } });
		sims.push(sim);
		paths.push(pair.path);
		closers.push(async () => {
			sim.detach();
			await pair.close();
		});
	}
	// a short 2-page document (PBM: our own pages, so the far end's pixels can be compared exactly)
	const pages = await Promise.all([fixturePage("text", "standard"), fixturePage("form", "standard")]);
	const doc = join(dir, "doc.pbm");
	writeFileSync(doc, Buffer.concat(pages.map((p) => Buffer.from(writePbm(topRows(p, 240))))));
	const pre = FaxServer.connect({ spoolDir: join(dir, "spool"), codec: tiffCodec, name: "pre" });
	Object.assign(pre.outgoingQueue, { retries: 0, retryDelay: 0, ...queue });
	await pre.outgoingQueue.save();
	await pre.disconnect();
	const server = FaxServer.startDaemon({
		spoolDir: join(dir, "spool"),
		codec: tiffCodec,
		modems: paths.map((path, i) => ({ path, deviceId: 100 + i })),
		modemFactory: (cfg) => openFaxModem(cfg.path, { timers: { T4: 1500 } }),
		pollMs: 0,
		modemReopenMs: 300,
		...extra,
	});
	server.listenToServerEvents(FaxServerEventsType.OUT_QUEUE);
	const noline = new Set<string>();
	const exts = new Map<string, number[]>();
	const waiters = new Set<() => void>();
	const poke = () => {
		for (const w of [...waiters]) w();
	};
	server.on("outgoingJobChanged", (_s, id, st) => {
		if (st.status & S.NOLINE) noline.add(id);
		exts.set(id, [...(exts.get(id) ?? []), st.extendedStatusCode]);
		poke();
	});
	server.on("outgoingJobRemoved", poke);
	// the far ends' progress has no queue event: every command the host sends and every result a
	// simulator gives is a moment to re-check
	for (const sim of sims) {
		sim.on("command", poke);
		sim.on("result", poke);
	}
	t.teardown(async () => {
		await server.disconnect();
		for (const c of closers) await c();
		rmSync(dir, { recursive: true, force: true });
	});
	const until: Rig["until"] = (pred, what, ms = 60_000) => {
		if (pred()) return Promise.resolve();
		return new Promise((res, rej) => {
			const w = () => {
				if (!pred()) return;
				waiters.delete(w);
				clearTimeout(timer);
				res();
			};
			const timer = setTimeout(() => {
				waiters.delete(w);
				rej(new Error(`timed out waiting for: ${what}`));
			}, ms);
			waiters.add(w);
		});
	};
	// wait until every modem is open (probe + init over the pty); no queue event marks a slot becoming
	// idle, so besides the simulators' AT traffic the state is re-checked every 20 ms (60 s deadline)
	const ready = () => server.engine!.pool.slots.every((s) => s.state !== "opening" && s.state !== "down");
	const tick = setInterval(poke, 20);
	try {
		await until(ready, "every modem open");
	} finally {
		clearInterval(tick);
	}
	return {
		server,
		sims,
		doc,
		noline,
		exts,
		until,
	};
}

async function submit(r: Rig, numbers: string[]): Promise<string[]> {
	const d = new FaxDocument();
	d.body = r.doc;
	d.sender.tsid = "FAXLINE JOBS";
	for (const n of numbers) d.recipients.add(n);
	return d.connectedSubmit(r.server);
}

test.serial("3 simulated modems, broadcast to 5: NOLINE while all are busy, every fax arrives pixel-identical", async (t) => {
	// retries allowed: a protocol timeout on a heavily loaded machine is retried, not a test failure
	const r = await rig(t, [[], [], []], { retries: 2 });
	const ids = await submit(r, ["5550101", "5550102", "5550103", "5550104", "5550105"]);
	const rec = (id: string) => r.server.store.getJob(id)!;
	await r.until(() => ids.every((id) => rec(id).removedAt !== null), "all 5 sent");
	for (const id of ids) t.is(rec(id).status, S.COMPLETED);
	t.true(r.noline.size >= 2, `NOLINE seen on ${r.noline.size} jobs`);
	t.deepEqual(new Set(ids.map((id) => rec(id).deviceId)), new Set([100, 101, 102]));
	for (const id of ids) t.regex(rec(id).csid, /^FAR END [123]$/);
	// the far ends. A far end closes its call record, and only then writes the pages it kept as TIFF
	// (records.ts tiffPath), after our side has hung up: a COMPLETED job can be seen before that, so
	// wait for every call's end (the simulator's callEnd event, one deadline) before reading the records.
	const ended = await Promise.allSettled(r.sims.flatMap((sim) => sim.calls.map((_c, k) => sim.waitForCallEnd(k + 1, 20_000))));
	const unfinished = ended.flatMap((e) => (e.status === "rejected" ? [String(e.reason)] : []));
	t.deepEqual(unfinished, [], "every far-end call record closed");
	const whole = (c: CallRecord) => c.tiffPath !== undefined && c.pages.length === 2 && c.pages.every((p) => p.accepted);
	const describe = (c: CallRecord) => `call ${c.index} to ${c.dial.digits}: ${c.outcome}/${c.end}, pages ${c.pages.map((p) => `${p.page}:${p.response ?? "-"}${p.accepted ? "+" : ""}`).join(" ")}, tiff ${c.tiffPath ?? "none"}${c.notes.length ? `, notes: ${c.notes.join("; ")}` : ""}`;
	// every job the queue calls COMPLETED: the last call to its number was made by the modem the job
	// names, and that far end kept both pages (an earlier failed attempt, retried, may precede it)
	const src = await tiffCodec.open(r.doc);
	const want = [await src.page(0), await src.page(1)];
	await src.close?.();
	for (const id of ids) {
		const j = rec(id);
		const sim = r.sims[j.deviceId - 100]!;
		const all = r.sims.flatMap((s) => (s.calls as CallRecord[]).filter((c) => c.dial.digits === j.recipient.faxNumber));
		const last = (sim.calls as CallRecord[]).filter((c) => c.dial.digits === j.recipient.faxNumber).at(-1);
		const info = `${j.recipient.faxNumber} (device ${j.deviceId}, retries ${j.retries}): ${all.map(describe).join(" | ")}`;
		if (!t.truthy(last, `no call on its modem: ${info}`)) continue;
		if (!t.true(whole(last!), `the far end did not keep the whole fax: ${info}`)) continue;
		t.is(last!.tsi?.trim(), "FAXLINE JOBS");
		// pages decoded by libtiff (an oracle nobody here wrote) equal the submitted pages, row for row
		const got = await libtiffDecodeTiff(readFileSync(last!.tiffPath!));
		t.is(got.pages.length, 2);
		for (const [k, w] of want.entries()) {
			const g = got.pages[k]!;
			t.is(g.width, w.bitmap.width);
			t.is(g.height, w.bitmap.height, `${j.recipient.faxNumber} page ${k + 1} rows`);
			const rowBytes = Math.ceil(w.bitmap.width / 8);
			let bad = -1;
			for (let y = 0; y < Math.min(g.height, w.bitmap.height) && bad < 0; y++) {
				if (Buffer.compare(g.data.subarray(y * g.stride, y * g.stride + rowBytes), w.bitmap.data.subarray(y * w.bitmap.stride, y * w.bitmap.stride + rowBytes)) !== 0) bad = y;
			}
			t.is(bad, -1, `${j.recipient.faxNumber} page ${k + 1}: first differing row`);
		}
	}
});

const faultRows: Array<{ name: string; fault: Fault; ext: X; detail: string[] }> = [
	{ name: "busy", fault: { kind: "busy" }, ext: X.BUSY, detail: ["DIAL_BUSY"] },
	{ name: "no answer", fault: { kind: "noAnswer" }, ext: X.NO_ANSWER, detail: ["DIAL_NO_ANSWER"] },
	{ name: "no dial tone", fault: { kind: "noDialtone" }, ext: X.NO_DIAL_TONE, detail: ["DIAL_NO_DIALTONE"] },
	{ name: "no fax tones", fault: { kind: "noCarrier" }, ext: X.NO_ANSWER, detail: ["DIAL_NO_CARRIER"] },
	{ name: "DCN after TCF", fault: { kind: "dcn", after: "tcf" }, ext: X.DISCONNECTED, detail: ["REMOTE_DCN"] },
	{ name: "FTT at every rate", fault: { kind: "fttAbove", bitRate: 0 }, ext: X.FATAL_ERROR, detail: ["TRAINING_FAILED"] },
	{ name: "no reply to EOP", fault: { kind: "noReply", to: "EOP", times: 3 }, ext: X.FATAL_ERROR, detail: ["NO_RESPONSE_POST_PAGE"] },
];

for (const row of faultRows) {
	test.serial(`simulator fault "${row.name}" -> ${X[row.ext]} (${row.detail.join("|")})`, async (t) => {
		const r = await rig(t, [[row.fault]]);
		const [id] = await submit(r, ["5550200"]);
		await r.until(() => r.server.store.getJob(id!)!.status === S.RETRIES_EXCEEDED, "attempt failed");
		const j = r.server.store.getJob(id!)!;
		t.is(j.extCode, row.ext);
		t.true(row.detail.includes(j.failure?.code ?? ""), `failure ${j.failure?.code}: ${j.failure?.text}`);
		t.is(j.transmissionStart, null);
		t.is(j.deviceId, 100);
	});
}

test.serial("a modem that vanishes mid-page: the job is requeued (no retry counted) and sent by the other modem", async (t) => {
	const r = await rig(t, [[{ kind: "vanish", page: 1 }], []]);
	const [id] = await submit(r, ["5550300"]);
	await r.until(() => r.server.store.getJob(id!)!.removedAt !== null, "sent", 90_000);
	const j = r.server.store.getJob(id!)!;
	t.is(j.status, S.COMPLETED);
	t.is(j.retries, 0);
	t.is(j.deviceId, 101);
	t.true(r.exts.get(id!)!.includes(X.LINE_UNAVAILABLE), `went through LINE_UNAVAILABLE: ${r.exts.get(id!)!.map((c) => X[c]).join(",")}`);
	t.true(r.server.engine!.pool.slots[0]!.state !== "busy");
});

test.serial("over the simulator: busy on the first two calls, retries up to RETRIES_EXCEEDED, restart, then delivered", async (t) => {
	const r = await rig(t, [[{ kind: "busy", call: 1 }, { kind: "busy", call: 2 }]], { retries: 1, retryDelay: 0 });
	const [id] = await submit(r, ["5550400"]);
	const rec = () => r.server.store.getJob(id!)!;
	await r.until(() => rec().status === S.RETRIES_EXCEEDED, "exhausted");
	t.is(rec().retries, 1);
	t.is(rec().extCode, X.BUSY);
	t.is(r.sims[0]!.calls.length, 2);
	await r.server.outgoingQueue.getJob(id!).restart();
	await r.until(() => rec().removedAt !== null, "sent after restart");
	t.is(rec().status, S.COMPLETED);
	t.is(rec().retries, 0);
	t.is(r.sims[0]!.calls.length, 3);
});

test.serial("over the simulator: cancel mid-page -> CANCELING -> CANCELED (CALL_ABORTED), no retry", async (t) => {
	const r = await rig(t, [[]], { retries: 3 });
	const [a] = await submit(r, ["5550501"]);
	const rec = (id: string) => r.server.store.getJob(id)!;
	await r.until(() => rec(a!).currentPage === 1 && rec(a!).status === S.INPROGRESS, "on page 1");
	await r.server.outgoingQueue.getJob(a!).cancel();
	t.is(rec(a!).status, S.CANCELING);
	await r.until(() => rec(a!).removedAt !== null, "canceled and removed", 30_000);
	t.is(rec(a!).status, S.CANCELED);
	t.is(rec(a!).extCode, X.CALL_ABORTED);
	t.is(rec(a!).retries, 0);
	t.is(rec(a!).transmissionStart, null);
	const calls = r.sims[0]!.calls as CallRecord[];
	t.is(calls.length, 1);
	t.false(calls[0]!.pages.length === 2 && calls[0]!.pages.every((p) => p.accepted), "the canceled call did not deliver the whole fax");
});


test.serial("over the simulator: priority order, pause/resume, copyTiff while queued, broadcast with mixed outcomes and a group receipt on a loopback SMTP server", async (t) => {
	const { SMTPServer } = await import("smtp-server");
	const { smtpReceiptSender } = await import("../../src/jobs/receipts.js");
	const { FaxPriorityType, FaxReceiptType } = await import("../../src/jobs/enums.js");
	const { execFileSync } = await import("node:child_process");
	const mails: string[] = [];
	let mailArrived: () => void = () => undefined;
	const firstMail = new Promise<void>((res) => (mailArrived = res));
	const smtp = new SMTPServer({
		authOptional: true,
		disabledCommands: ["STARTTLS"],
		logger: false,
		onData(stream, _s, cb) {
			let raw = "";
			stream.on("data", (c: Buffer) => (raw += c.toString("utf8")));
			stream.on("end", () => {
				mails.push(raw.replace(/=\r\n/g, ""));
				cb();
				mailArrived();
			});
		},
	});
	await new Promise<void>((res) => smtp.listen(0, "127.0.0.1", () => res()));
	t.teardown(() => new Promise<void>((res) => smtp.close(() => res())));
	const port = (smtp.server.address() as import("node:net").AddressInfo).port;
	// ordering part: one clean modem, queue paused while the jobs are submitted
	const r = await rig(t, [[]], { paused: true });
	const one = async (n: string, p: number) => {
		const d = new FaxDocument();
		d.body = r.doc;
		d.recipients.add(n);
		d.priority = p;
		return (await d.connectedSubmit(r.server))[0]!;
	};
	const low = await one("5550601", FaxPriorityType.LOW);
	const high = await one("5550602", FaxPriorityType.HIGH);
	const normal = await one("5550603", FaxPriorityType.NORMAL);
	const copy = join(mkdtempSync(join(tmpdir(), "faxline-simcopy-")), "q.tif");
	await r.server.outgoingQueue.getJob(low).copyTiff(copy);
	t.is((execFileSync("tiffinfo", [copy], { encoding: "utf8" }).match(/TIFF Directory at offset/g) ?? []).length, 2);
	await r.server.outgoingQueue.getJob(normal).pause();
	r.server.outgoingQueue.paused = false;
	await r.server.outgoingQueue.save();
	const rec = (id: string) => r.server.store.getJob(id)!;
	await r.until(() => rec(low).removedAt !== null && rec(high).removedAt !== null, "high and low sent").catch((e) => {
		t.log([low, high, normal].map((id) => [rec(id).status, rec(id).extCode, rec(id).failure, r.exts.get(id)]), r.server.engine!.pool.slots.map((s) => s.state), r.server.engine!.settings.paused);
		throw e;
	});
	t.is(rec(normal).status, S.PENDING | S.PAUSED);
	await r.server.outgoingQueue.getJob(normal).resume();
	await r.until(() => rec(normal).removedAt !== null, "normal sent after resume");
	t.deepEqual((r.sims[0]!.calls as CallRecord[]).map((c) => c.dial.digits), ["5550602", "5550601", "5550603"]);
	// broadcast of 3 with a group receipt over a clean modem and an always-busy one
	const r2 = await rig(t, [[], [{ kind: "busy" }]], {}, { receipts: smtpReceiptSender({ host: "127.0.0.1", port, ignoreTLS: true }) });
	const rec2 = (id: string) => r2.server.store.getJob(id)!;
	const d = new FaxDocument();
	d.body = r2.doc;
	d.subject = "Price list";
	d.receiptType = FaxReceiptType.MAIL;
	d.receiptAddress = "ops@example.test";
	d.groupBroadcastReceipts = true;
	for (const n of ["5550701", "5550702", "5550703"]) d.recipients.add(n);
	const ids = await d.connectedSubmit(r2.server);
	await r2.until(() => ids.every((id) => rec2(id).status === S.COMPLETED || rec2(id).status === S.RETRIES_EXCEEDED), "broadcast final");
	const sent = ids.filter((id) => rec2(id).status === S.COMPLETED).length;
	t.true(sent >= 1 && sent < 3, `mixed outcome: ${sent} of 3 delivered`);
	for (const id of ids) if (rec2(id).status === S.RETRIES_EXCEEDED) t.is(rec2(id).extCode, X.BUSY);
	// the group receipt goes out once the last member is final: wait for it (30 s deadline)
	await Promise.race([firstMail, new Promise((_res, rej) => setTimeout(() => rej(new Error("no receipt mail within 30 s")), 30_000).unref())]);
	t.is(mails.length, 1);
	t.regex(mails[0]!, new RegExp(`Subject: Broadcast fax Price list: ${sent} of 3 delivered`));
	t.regex(mails[0]!, /To: ops@example\.test/);
});

async function cancelAt(t: ExecutionContext, where: "dialing" | "phase D"): Promise<{ r: Rig; b: string }> {
	// call 1 never gets an answer (dialing) / gets no reply to EOP (phase D); call 2 is clean
	const fault: Fault = where === "dialing" ? { kind: "noAnswer", call: 1 } : { kind: "noReply", to: "EOP", times: 3, call: 1 };
	const r = await rig(t, [[fault]], { retries: 3 });
	const [a, b] = await submit(r, ["5550801", "5550802"]);
	const rec = (id: string) => r.server.store.getJob(id)!;
	// dialing: the queue's DIALING change; phase D: the far end heard EOP after page 2 (it will not answer)
	const reached = where === "dialing" ? () => rec(a!).extCode === X.DIALING : () => rec(a!).currentPage === 2 && ((r.sims[0]!.calls as CallRecord[])[0]?.ppms.some((p) => p.name === "EOP") ?? false);
	// re-checked on every queue event and every AT command/result: the cancel follows the moment at once
	await r.until(reached, `reached ${where}`, 30_000);
	await r.server.outgoingQueue.getJob(a!).cancel();
	t.is(rec(a!).status, S.CANCELING);
	await r.until(() => rec(a!).status === S.CANCELED, "canceled", 30_000);
	t.is(rec(a!).extCode, X.CALL_ABORTED);
	t.is(rec(a!).retries, 0);
	return { r, b: b! };
}

test.serial("over the simulator: cancel while dialing -> CANCELED (CALL_ABORTED); the re-initialised modem sends the next job", async (t) => {
	const { r, b } = await cancelAt(t, "dialing");
	await r.until(() => r.server.store.getJob(b)!.status === S.COMPLETED, "next job on the same modem", 30_000);
	t.is((r.sims[0]!.calls as CallRecord[]).length, 2);
});

test.serial("over the simulator: cancel in phase D (waiting for MCF) -> CANCELING -> CANCELED (CALL_ABORTED)", async (t) => {
	await cancelAt(t, "phase D");
});

