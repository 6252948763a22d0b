/**
 * Job-queue benchmark (issue 4): (1) throughput of the daemon's queue with 16 simulated lines
 * (src/jobs/lineModem.ts `fake:` modems at accelerated line time; every page is still decoded from the
 * spooled TIFF like a real call) — jobs per minute and CPU per line and per job, beside the line-bound
 * ceiling computed for the same timing; (2) store operations per second (submit = spool write + commit,
 * update, get, list) beside raw single-row SQLite transactions on the same database settings.
 * (3) the same queue over the real Class 1 stack: 4 pty modem simulators (hw-mocks, in this process, 20x
 * line speed) opened by openFaxModem — jobs/min and CPU per job (the simulator's share included).
 * Measures only; asserts nothing. JOBS_BENCH_JOBS (default 192) sets the job count.
 */
import { DatabaseSync } from "@photostructure/sqlite";
import { closeSync, copyFileSync, fsyncSync, mkdirSync, mkdtempSync, openSync, readFileSync, renameSync, rmSync, writeSync } from "node:fs";
import * as os from "node:os";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { SystemClock } from "../src/core/Clock.js";
import { tiffCodec } from "../src/jobs/codec.js";
import { FaxJobStatus as S, FaxServerEventsType } from "../src/jobs/enums.js";
import { FaxDocument } from "../src/jobs/FaxDocument.js";
import { FaxServer } from "../src/jobs/FaxServer.js";
import { JobStore } from "../src/jobs/JobStore.js";
import { LineModem, parseLinePath } from "../src/jobs/lineModem.js";
import { newId } from "../src/jobs/submit.js";
import type { JobRecord } from "../src/jobs/types.js";

const here = dirname(fileURLToPath(import.meta.url));
const SAMPLE = join(here, "..", "samples", "sample.tif"); // 3 fine A4 pages
const LINES = 16;
const JOBS = Math.max(LINES, Number(process.env.JOBS_BENCH_JOBS ?? 192));
const TIMING = { dialMs: 40, pageMs: 120, postMs: 20 };

async function throughput(): Promise<void> {
	const dir = mkdtempSync(join(tmpdir(), "faxline-bench-jobs-"));
	const clock = new SystemClock();
	const server = FaxServer.startDaemon({
		spoolDir: dir,
		codec: tiffCodec,
		modems: Array.from({ length: LINES }, (_, i) => ({ path: `fake:line${i}?dialMs=${TIMING.dialMs}&pageMs=${TIMING.pageMs}&postMs=${TIMING.postMs}` })),
		modemFactory: async (cfg) => new LineModem(cfg.path, parseLinePath(cfg.path), clock),
		pollMs: 0,
	});
	server.listenToServerEvents(FaxServerEventsType.OUT_QUEUE);
	let changed = 0;
	let removed = 0;
	let done: () => void = () => undefined;
	const finished = new Promise<void>((r) => (done = r));
	const started = new Map<string, number>();
	let callSum = 0;
	server.on("outgoingJobChanged", (_s, id, st) => {
		changed++;
		if (st.extendedStatusCode === 2) started.set(id, performance.now()); // INITIALIZING: modem claimed
		if (st.status === S.COMPLETED) callSum += performance.now() - started.get(id)!;
	});
	server.on("outgoingJobRemoved", () => {
		if (++removed === JOBS) done();
	});
	await new Promise((r) => setTimeout(r, 50)); // modems open
	const cpu0 = process.cpuUsage();
	const t0 = performance.now();
	// 12 submissions (broadcasts) so submission cost is part of the run
	const per = JOBS / 12;
	for (let s = 0; s < 12; s++) {
		const d = new FaxDocument();
		d.body = SAMPLE;
		for (let i = 0; i < per; i++) d.recipients.add(`555${String(s * per + i).padStart(4, "0")}`);
		await d.connectedSubmit(server);
	}
	await finished;
	const sec = (performance.now() - t0) / 1000;
	const cpu = process.cpuUsage(cpu0);
	const cpuMs = (cpu.user + cpu.system) / 1000;
	const callMs = TIMING.dialMs + 3 * TIMING.pageMs + TIMING.postMs;
	const ceiling = (LINES * 60_000) / callMs;
	await server.disconnect();
	rmSync(dir, { recursive: true, force: true });
	console.log(`queue throughput: ${LINES} simulated lines, ${JOBS} jobs of 3 fine A4 pages, line time ${callMs} ms per call`);
	console.log(`  jobs/min            ${((JOBS / sec) * 60).toFixed(0).padStart(8)}   (line-bound ceiling for this timing: ${ceiling.toFixed(0)} jobs/min, ${((JOBS / sec) * 60 / ceiling * 100).toFixed(0)}% of it)`);
	console.log(`  wall                ${sec.toFixed(2).padStart(8)} s`);
	console.log(`  call time measured  ${(callSum / JOBS).toFixed(0).padStart(8)} ms per call (nominal ${callMs}; the excess is timer lateness under load: ${os.loadavg()[0]!.toFixed(1)} load avg on ${os.cpus().length} cores)`);
	console.log(`  CPU total           ${cpuMs.toFixed(0).padStart(8)} ms  (${((cpuMs / 1000 / sec) * 100).toFixed(0)}% of one core)`);
	console.log(`  CPU per job         ${(cpuMs / JOBS).toFixed(2).padStart(8)} ms  (decode 3 pages + store + events; ${changed} Changed events)`);
	console.log(`  CPU per line        ${(((cpuMs / 1000 / sec) * 100) / LINES).toFixed(2).padStart(8)} % of a core per busy line`);
	// reference in the same run: decoding the same 3 pages once, the irreducible per-job work of a real call
	const r0 = process.cpuUsage();
	const N = 20;
	for (let i = 0; i < N; i++) {
		const doc = await tiffCodec.open(SAMPLE);
		for (let p = 0; p < doc.pageCount; p++) await doc.page(p);
		await doc.close?.();
	}
	const r = process.cpuUsage(r0);
	console.log(`  reference: decode of the 3 pages alone ${((r.user + r.system) / 1000 / N).toFixed(2)} ms CPU per job`);
}

function record(i: number): Omit<JobRecord, "seq"> {
	const now = Date.now();
	return {
		id: newId(), submissionId: newId(), broadcastSize: 1, status: S.PENDING, extCode: 0, extText: "", failure: null, priority: 1, scheduleType: 0,
		scheduledTime: now, originalScheduledTime: now, submissionTime: now, ageStart: now, transmissionStart: null, transmissionEnd: null,
		currentPage: 0, pages: 3, size: 1000, deviceId: 0, csid: "", tsid: "", retries: 0, recipient: { faxNumber: `555${i}`, name: "" }, sender: {},
		subject: "", documentName: "", receiptType: 0, receiptAddress: "", groupBroadcastReceipts: false, attachFaxToReceipt: false, hasCoverPage: false,
		docFile: "0000000000000000.tif", removedAt: null, owner: "bench", announced: true, confirmedPages: [], possiblyDuplicatedPages: [], attempts: [],
	};
}

function rate(label: string, n: number, fn: (i: number) => void): void {
	const t0 = performance.now();
	for (let i = 0; i < n; i++) fn(i);
	const s = (performance.now() - t0) / 1000;
	console.log(`  ${label.padEnd(44)} ${(n / s).toFixed(0).padStart(9)} ops/s`);
}

async function storeOps(): Promise<void> {
	const dir = mkdtempSync(join(tmpdir(), "faxline-bench-store-"));
	const store = new JobStore(dir);
	console.log("store operations (SQLite WAL, one transaction each; durable = synchronous FULL)");
	const ids: string[] = [];
	rate("insert job (commit)", 1000, (i) => ids.push(store.insertJobs([record(i)])[0]!.id));
	rate("update job (read-modify-write, durable commit)", 1000, (i) => store.updateJob(ids[i % ids.length]!, { currentPage: i % 3 }));
	rate("progress update (commit without fsync)", 1000, (i) => store.updateJob(ids[i % ids.length]!, { currentPage: i % 3 }, false));
	rate("get job", 20_000, (i) => store.getJob(ids[i % ids.length]!));
	rate("list queued (1000 jobs)", 200, () => store.queuedJobs());
	rate("poll: PRAGMA data_version", 20_000, () => store.dataVersion());
	const spoolSrc = SAMPLE;
	const spoolDir = join(dir, "copies");
	mkdirSync(spoolDir);
	rate("atomic spool write of a 3-page TIFF (reference: plain copy below)", 200, (i) => {
		// what submit does for the document besides rendering: write temp, fsync, rename, fsync dir
		const b = readFileSync(spoolSrc);
		const tmp = join(spoolDir, `t${i}`);
		const fd = openSync(tmp, "w");
		writeSync(fd, b);
		fsyncSync(fd);
		closeSync(fd);
		renameSync(tmp, join(spoolDir, `d${i}.tif`));
		const dfd = openSync(spoolDir, "r");
		fsyncSync(dfd);
		closeSync(dfd);
	});
	rate("plain copy of the same TIFF (no fsync)", 200, (i) => copyFileSync(spoolSrc, join(spoolDir, `c${i}.tif`)));
	store.close();
	// reference: raw single-row INSERT transactions on the same settings, and with synchronous=NORMAL
	for (const sync of ["FULL", "NORMAL"]) {
		const db = new DatabaseSync(join(dir, `raw-${sync}.db`));
		db.exec(`PRAGMA journal_mode=WAL; PRAGMA synchronous=${sync}; CREATE TABLE t (id TEXT PRIMARY KEY, data TEXT)`);
		const ins = db.prepare("INSERT INTO t VALUES (?, ?)");
		const payload = JSON.stringify(record(0));
		rate(`reference: raw INSERT transaction, synchronous=${sync}`, 1000, () => {
			db.exec("BEGIN IMMEDIATE");
			ins.run(newId(), payload);
			db.exec("COMMIT");
		});
		db.close();
	}
	rmSync(dir, { recursive: true, force: true });
}

async function realStack(): Promise<void> {
	const { ModemSimulator } = await import("../hw-mocks/ModemSimulator.js");
	const { openPtyPair } = await import("../hw-mocks/ptyPair.js");
	const { openFaxModem } = await import("../src/session/openFaxModem.js");
	const dir = mkdtempSync(join(tmpdir(), "faxline-bench-real-"));
	const N = 4;
	const JOBS_REAL = 12;
	const pairs = await Promise.all(Array.from({ length: N }, () => openPtyPair()));
	const sims = pairs.map((p, i) => new ModemSimulator(p.master, { timeScale: 0.05, farEnd: { csi: `BENCH ${i}` } }));
	const server = FaxServer.startDaemon({
		spoolDir: dir,
		codec: tiffCodec,
		modems: pairs.map((p) => ({ path: p.path })),
		modemFactory: (cfg) => openFaxModem(cfg.path, { timers: { T4: 1500 } }),
		pollMs: 0,
	});
	const ready = Date.now() + 20_000;
	while (!server.engine!.pool.slots.every((x) => x.state === "idle") && Date.now() < ready) await new Promise((r) => setTimeout(r, 20));
	server.listenToServerEvents(FaxServerEventsType.OUT_QUEUE);
	let removed = 0;
	let done: () => void = () => undefined;
	const finished = new Promise<void>((r) => (done = r));
	server.on("outgoingJobRemoved", () => {
		if (++removed === JOBS_REAL) done();
	});
	const cpu0 = process.cpuUsage();
	const t0 = performance.now();
	const d = new FaxDocument();
	d.body = SAMPLE;
	for (let i = 0; i < JOBS_REAL; i++) d.recipients.add(`556${String(i).padStart(4, "0")}`);
	await d.connectedSubmit(server);
	await finished;
	const sec = (performance.now() - t0) / 1000;
	const cpu = process.cpuUsage(cpu0);
	const cpuMs = (cpu.user + cpu.system) / 1000;
	const ok = server.store.submissionJobs(d.submissionId).filter((j) => j.status === S.COMPLETED).length;
	await server.disconnect();
	for (const [i, p] of pairs.entries()) {
		sims[i]!.detach();
		await p.close();
	}
	rmSync(dir, { recursive: true, force: true });
	console.log(`real Class 1 stack: ${N} pty simulators (20x line speed, in this process), ${JOBS_REAL} jobs of 3 fine A4 pages, ${ok} delivered`);
	console.log(`  jobs/min            ${((JOBS_REAL / sec) * 60).toFixed(0).padStart(8)}   (wall ${sec.toFixed(2)} s)`);
	console.log(`  CPU per job         ${(cpuMs / JOBS_REAL).toFixed(0).padStart(8)} ms  (T.4 encode + AT/HDLC + the simulator's decode of the same pages)`);
	console.log(`  CPU per line        ${(((cpuMs / 1000 / sec) * 100) / N).toFixed(1).padStart(8)} % of a core per busy line`);
}

export async function run(): Promise<void> {
	await throughput();
	await storeOps();
	await realStack();
}
