/**
 * Test harness for the job layer: a FaxServer in daemon mode over a temp spool, FakeModems, a
 * ManualClock shifted to a fixed local date (Monday 5 Jan 2026 09:00, outside the default discount
 * window), the real tiffCodec, recorded §7 events, and `until()` which advances simulated time in steps
 * until a condition holds (with a real-time deadline), so tests never sleep for luck.
 */
import type { ExecutionContext } from "ava";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { ManualClock } from "../../src/core/Clock.js";
import { tiffCodec } from "../../src/jobs/codec.js";
import type { DocumentCodec } from "../../src/jobs/codec.js";
import { FaxServerEventsType } from "../../src/jobs/enums.js";
import { offsetClock } from "../../src/jobs/EpochClock.js";
import { FaxDocument } from "../../src/jobs/FaxDocument.js";
import type { FaxJobStatusInfo } from "../../src/jobs/FaxOutgoingJob.js";
import type { DaemonOptions } from "../../src/jobs/FaxServer.js";
import { FaxServer } from "../../src/jobs/FaxServer.js";
import type { ModemConfig } from "../../src/jobs/ModemPool.js";
import type { ReceiptSender } from "../../src/jobs/receipts.js";
import type { JobRecord, QueueSettings } from "../../src/jobs/types.js";
import { FakeModemBank } from "./fakeModem.js";

const here = dirname(fileURLToPath(import.meta.url));
/** 3-page fine A4 document rendered by ghostscript (committed sample). */
export const SAMPLE_TIF = join(here, "..", "..", "samples", "sample.tif");

/** Local 2026-01-05 09:00 (a Monday). */
export const T0 = new Date(2026, 0, 5, 9, 0, 0, 0).getTime();

export type RecordedEvent =
	| { ev: "added"; id: string }
	| { ev: "changed"; id: string; s: FaxJobStatusInfo }
	| { ev: "removed"; id: string }
	| { ev: "queueState"; blocked: boolean; paused: boolean }
	| { ev: "config" };

export interface HarnessOptions {
	/** modem paths (default ["fake:1"]) or configs */
	modems?: Array<string | ModemConfig>;
	settings?: Partial<QueueSettings>;
	receipts?: ReceiptSender;
	codec?: DocumentCodec;
	startEpoch?: number;
	modemReopenMs?: number;
	/** don't start the daemon (tests that prepare the store first) */
	noStart?: boolean;
	extra?: Partial<DaemonOptions>;
}

export interface Harness {
	server: FaxServer;
	clock: ManualClock;
	bank: FakeModemBank;
	spoolDir: string;
	events: RecordedEvent[];
	/** advance simulated time in `stepMs` steps until `pred()`; throws after `maxSimMs` or 20 s real time */
	until(pred: () => boolean, what: string, o?: { stepMs?: number; maxSimMs?: number }): Promise<void>;
	/** submit the sample to `numbers` with optional document tweaks; returns the job ids */
	submit(numbers: string[], tweak?: (d: FaxDocument) => void): Promise<string[]>;
	/** the stored record (queued or archived) */
	rec(id: string): JobRecord;
	/** Changed payloads for a job, in order */
	changes(id: string): FaxJobStatusInfo[];
	/** restart the daemon on the same spool (new FaxServer; the old one is stopped); `between` runs while none is up */
	reopen(o?: Partial<HarnessOptions>, between?: () => void): Promise<void>;
}

export async function jobHarness(t: ExecutionContext, o: HarnessOptions = {}): Promise<Harness> {
	const spoolDir = mkdtempSync(join(tmpdir(), "faxline-jobs-"));
	const clock = new ManualClock();
	const wall = offsetClock(clock, o.startEpoch ?? T0);
	const bank = new FakeModemBank(clock);
	const events: RecordedEvent[] = [];
	const modems = (o.modems ?? ["fake:1"]).map((m) => (typeof m === "string" ? { path: m } : m));

	const make = (opts: HarnessOptions): FaxServer => {
		const s = FaxServer.startDaemon({
			spoolDir,
			clock: wall,
			codec: opts.codec ?? tiffCodec,
			modems,
			modemFactory: bank.factory,
			receipts: opts.receipts,
			pollMs: 0,
			modemReopenMs: opts.modemReopenMs ?? 60_000,
			user: "alice",
			...opts.extra,
		});
		s.listenToServerEvents(FaxServerEventsType.OUT_QUEUE | FaxServerEventsType.QUEUE_STATE | FaxServerEventsType.CONFIG);
		s.on("outgoingJobAdded", (_s, id) => void events.push({ ev: "added", id }));
		s.on("outgoingJobChanged", (_s, id, st) => void events.push({ ev: "changed", id, s: st }));
		s.on("outgoingJobRemoved", (_s, id) => void events.push({ ev: "removed", id }));
		s.on("queuesStatusChange", (_s, blocked, paused) => void events.push({ ev: "queueState", blocked, paused }));
		s.on("outgoingQueueConfigChange", () => void events.push({ ev: "config" }));
		return s;
	};

	// settings go to the store before the daemon starts, so the first tick sees them
	if (o.settings) {
		const pre = FaxServer.connect({ spoolDir, codec: o.codec ?? tiffCodec, clock: wall, name: "pre" });
		Object.assign(pre.outgoingQueue, o.settings);
		await pre.outgoingQueue.save();
		await pre.disconnect();
	}
	const h: Harness = {
		server: make(o),
		clock,
		bank,
		spoolDir,
		events,
		async until(pred, what, u = {}) {
			const step = u.stepMs ?? 100;
			const maxSim = u.maxSimMs ?? 24 * 3600_000;
			const t0 = Date.now();
			const s0 = clock.now();
			for (;;) {
				if (pred()) return;
				if (clock.now() - s0 > maxSim || Date.now() - t0 > 20_000) throw new Error(`timed out waiting for: ${what}`);
				await clock.advance(step);
				await new Promise((r) => setTimeout(r, 0));
			}
		},
		async submit(numbers, tweak) {
			const d = new FaxDocument();
			d.body = SAMPLE_TIF;
			d.documentName = "sample";
			d.sender.tsid = "+1 555 0100";
			d.sender.name = "Alice";
			for (const n of numbers) d.recipients.add(n, `R ${n}`);
			tweak?.(d);
			return d.connectedSubmit(h.server);
		},
		rec(id) {
			const r = h.server.store.getJob(id);
			if (!r) throw new Error(`no record ${id}`);
			return r;
		},
		changes(id) {
			return events.flatMap((e) => (e.ev === "changed" && e.id === id ? [e.s] : []));
		},
		async reopen(more = {}, between) {
			await h.server.disconnect();
			between?.();
			h.server = make({ ...o, ...more });
		},
	};
	t.teardown(async () => {
		await h.server.disconnect().catch(() => undefined);
		rmSync(spoolDir, { recursive: true, force: true });
	});
	return h;
}
