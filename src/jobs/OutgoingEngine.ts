/**
 * The outgoing queue engine (the daemon's core): scheduler loop (outgoing-job.md §5), attempts over the
 * modem pool with the engine mapping of §9, retries (§2.2, §9.5), NOLINE, AgeLimit, crash recovery,
 * requests from other processes. Every job change is committed through its ledger (jobLedger.ts), which
 * raises the event and runs the final-state work (finalWork.ts: receipts, retention); the status rules are
 * the pure functions of transitions.ts; user operations are jobOps.ts; one call is attempt.ts. The store
 * is the source of truth; the engine keeps only the running attempts in memory. Layer: jobs.
 */
import type { Clock, TimerHandle } from "../core/Clock.js";
import { FaxError, isFaxError } from "../core/FaxError.js";
import type { Tracer } from "../core/trace.js";
import { nullTracer } from "../core/trace.js";
import type { DocumentCodec } from "./codec.js";
import type { CallContext } from "./attempt.js";
import { DEFAULT_BLOCKED_NUMBERS, runAttempt } from "./attempt.js";
import type { Attempt, OutgoingLedger } from "./engineContext.js";
import { FaxJobExtendedStatus as X, FaxJobStatus as S, baseStatus } from "./enums.js";
import { FinalWork } from "./finalWork.js";
import type { JobEvent } from "./jobLedger.js";
import { JobLedger } from "./jobLedger.js";
import { JobOps } from "./jobOps.js";
import type { JobStore, StoreRequest } from "./JobStore.js";
import type { ModemConfig, ModemFactory, ModemPoolOptions, ModemSlot } from "./ModemPool.js";
import { ModemPool } from "./ModemPool.js";
import type { ReceiptSender } from "./receipts.js";
import { dueJobs, nextDueTime } from "./schedule.js";
import type { Spool } from "./spool.js";
import { allDelivered, claimed, expired, noDevice, noLine, pagesToSend, recovered } from "./transitions.js";
import type { JobRecord, QueueSettings } from "./types.js";

/** What the engine tells the facade (mapped to §7 events). */
export type EngineEvent =
	| JobEvent<"outgoing", JobRecord>
	| { type: "queueState"; settings: QueueSettings }
	| { type: "config"; settings: QueueSettings }
	| { type: "receiptError"; jobId: string; error: Error };

export interface EngineOptions {
	store: JobStore;
	spool: Spool;
	/** wall clock: now() is epoch ms (EpochClock, or an offset ManualClock in tests) */
	clock: Clock;
	modems: readonly ModemConfig[];
	modemFactory: ModemFactory;
	codec: DocumentCodec;
	receipts?: ReceiptSender;
	tracer?: Tracer;
	/** poll the store for other processes' requests/submissions every `pollMs`; 0 = never (default 250) */
	pollMs?: number;
	/** wait before reopening a failed modem, ms (default 30000) */
	modemReopenMs?: number;
	/** numbers never dialed: the attempt fails CALL_BLACKLISTED (§9.2 "our block list"); default 911, 112 */
	blockedNumbers?: readonly string[];
	/** numbers dialled although the dial-string rule blocks them (core/dialString.ts DialPolicy.allowNumbers); default none */
	allowNumbers?: readonly string[];
	/** a modem of mode "both" became idle: wait for calls on it (IncomingService.listenOn) */
	onModemIdle?: ModemPoolOptions["onIdle"];
	emit?: (e: EngineEvent) => void;
}

const DAY_MS = 86_400_000;
/** longest single scheduler sleep, ms */
const MAX_WAKE_MS = 3_600_000;

export class OutgoingEngine implements CallContext {
	readonly store: JobStore;
	readonly spool: Spool;
	readonly clock: Clock;
	readonly codec: DocumentCodec;
	readonly pool: ModemPool;
	readonly blockedNumbers: readonly string[];
	readonly allowNumbers: readonly string[];
	/** every change of an outgoing job goes through here (event + final-state work) */
	readonly jobs: OutgoingLedger;
	readonly ops: JobOps;
	readonly active = new Map<string, Attempt>();
	settings: QueueSettings;
	private readonly final: FinalWork;
	private readonly tracer: Tracer;
	private wake: TimerHandle | null = null;
	private wakeAt = Infinity;
	private poll: TimerHandle | null = null;
	private lastVersion = -1;
	private lastBeat = -Infinity;
	private running = false;
	private ticking = false;
	private again = false;

	constructor(readonly o: EngineOptions) {
		this.store = o.store;
		this.spool = o.spool;
		this.clock = o.clock;
		this.codec = o.codec;
		this.blockedNumbers = o.blockedNumbers ?? DEFAULT_BLOCKED_NUMBERS;
		this.allowNumbers = o.allowNumbers ?? [];
		this.tracer = o.tracer ?? nullTracer;
		this.settings = o.store.getSettings();
		this.pool = new ModemPool(o.modems, o.modemFactory, {
			clock: o.clock,
			deviceIdFor: (p) => o.store.deviceIdFor(p),
			reopenDelayMs: o.modemReopenMs,
			onChange: () => this.tick(),
			onTrace: (m) => this.tracer.trace("job", "-", m),
			...(o.onModemIdle ? { onIdle: o.onModemIdle } : {}),
		});
		this.final = new FinalWork(this, { store: o.store, receipts: o.receipts, onReceiptError: (jobId, error) => this.emit({ type: "receiptError", jobId, error }) });
		this.jobs = new JobLedger({ kind: "outgoing", table: o.store.jobs, emit: (e) => this.emit(e), onFinal: (r) => this.final.run(r) });
		this.ops = new JobOps(this);
	}

	private emit(e: EngineEvent): void {
		this.o.emit?.(e);
	}

	trace(msg: string, data?: unknown): void {
		this.tracer.trace("job", "-", msg, data);
	}

	/** Recover from a previous run, open the modems, start scheduling. */
	start(): void {
		if (this.running) return;
		this.running = true;
		this.recover();
		this.pool.start();
		const pollMs = this.o.pollMs ?? 250;
		if (pollMs > 0) {
			const loop = () => {
				this.poll = this.clock.setTimer(pollMs, () => {
					// an idle poll costs one PRAGMA: the full scheduler pass runs only when another process
					// committed (everything local or time-driven ticks by itself: wake timer, pool, actions)
					try {
						if (this.store.dataVersion() !== this.lastVersion) this.tick();
						else this.beat();
					} catch (e) {
						this.trace(`poll failed: ${(e as Error).message}`);
					}
					if (this.running) loop();
				});
			};
			loop();
		}
		this.tick();
	}

	/**
	 * Crash recovery: a job left INPROGRESS was interrupted mid-call: it becomes a retry with a truthful
	 * status (DISCONNECTED, CARRIER_LOST "interrupted by daemon restart"); CANCELING becomes CANCELED;
	 * stale NOLINE bits are cleared; orphaned spool files are deleted.
	 */
	private recover(): void {
		const now = this.clock.now();
		for (const j of this.store.queuedJobs()) {
			if (baseStatus(j.status) === S.INPROGRESS) this.trace(`recover ${j.id}: interrupted mid-call`);
			this.jobs.commit(j.id, (cur) => recovered(cur, this.settings, now));
		}
		for (const j of this.store.queuedJobs()) if (baseStatus(j.status) === S.COMPLETED || baseStatus(j.status) === S.CANCELED) this.final.retention(j.submissionId, now);
		this.spool.sweep(this.store.referencedDocs(), now);
		this.store.purgeRequests(now - DAY_MS);
	}

	/** Run the scheduler now (re-entrancy safe). */
	tick(): void {
		if (!this.running) return;
		if (this.ticking) {
			this.again = true;
			return;
		}
		this.ticking = true;
		try {
			do {
				this.again = false;
				this.tickOnce();
			} while (this.again);
		} catch (e) {
			this.trace(`scheduler error: ${(e as Error).message}`);
		} finally {
			this.ticking = false;
		}
	}

	/** The daemon heartbeat clients check (at most once a second). */
	private beat(): void {
		const now = this.clock.now();
		if (now - this.lastBeat < 1000) return;
		this.lastBeat = now;
		this.store.setMeta("daemon", JSON.stringify({ pid: process.pid, at: now }));
	}

	private tickOnce(): void {
		const now = this.clock.now();
		this.beat();
		const v = this.store.dataVersion();
		if (v !== this.lastVersion) {
			this.lastVersion = v;
			this.syncFromStore();
		}
		const queued = this.ageSweep(now, this.store.queuedJobs());
		if (!this.settings.paused) {
			for (const j of dueJobs(queued, now, this.settings)) {
				if (this.active.has(j.id)) continue;
				if (this.pool.slots.length === 0) {
					// no device configured at all: the job can never be attempted (§2.2)
					this.jobs.commit(j.id, noDevice());
					continue;
				}
				const slot = this.pool.idleSlot();
				if (slot) this.startAttempt(j, slot);
				else this.jobs.commit(j.id, noLine);
			}
		}
		this.armWake(now, queued);
	}

	private armWake(now: number, queued: JobRecord[]): void {
		let next = nextDueTime(queued, now, this.settings) ?? Infinity;
		if (this.settings.ageLimit > 0) {
			for (const j of queued) if (j.removedAt === null) next = Math.min(next, j.ageStart + this.settings.ageLimit * DAY_MS);
		}
		if (next === Infinity || (this.wake && next >= this.wakeAt)) return;
		this.wake?.cancel();
		// capped: Node timers overflow past 2^31 ms (a job scheduled years ahead would fire at once, in a loop)
		this.wakeAt = Math.min(next, now + MAX_WAKE_MS);
		this.wake = this.clock.setTimer(Math.max(1, this.wakeAt - now), () => {
			this.wake = null;
			this.wakeAt = Infinity;
			this.tick();
		});
	}

	/** Another process committed: reload settings, announce its jobs, act on its requests. */
	private syncFromStore(): void {
		const s = this.store.getSettings();
		if (JSON.stringify(s) !== JSON.stringify(this.settings)) this.applySettings(s);
		for (const j of this.store.unannouncedJobs()) this.jobs.commit(j.id, { announced: true }, { event: "added" });
		for (const r of this.store.newRequests()) this.handleRequest(r);
	}

	/** Adopt new settings (from save() or another process) and raise QUEUE_STATE/CONFIG events. */
	applySettings(s: QueueSettings): void {
		const old = this.settings;
		this.settings = s;
		if (old.blocked !== s.blocked || old.paused !== s.paused) this.emit({ type: "queueState", settings: s });
		this.emit({ type: "config", settings: s });
		this.again = true;
	}

	private handleRequest(r: StoreRequest): void {
		try {
			switch (r.op) {
				case "cancel":
					this.ops.cancel(r.target);
					break;
				case "pause":
					this.ops.pause(r.target);
					break;
				case "resume":
					this.ops.resume(r.target);
					break;
				case "restart":
					this.ops.restart(r.target);
					break;
				case "cancelSubmission":
					this.ops.cancelSubmission(r.target);
					break;
				case "wake":
					break;
			}
			this.store.finishRequest(r.id);
		} catch (e) {
			const fe = isFaxError(e) ? e : new FaxError("STORE_ERROR", String((e as Error)?.message ?? e));
			this.store.finishRequest(r.id, { code: fe.code, text: fe.text });
		}
	}

	/** AgeLimit (§5): undelivered jobs leave the queue `ageLimit` days after submission/restart. */
	private ageSweep(now: number, queued: JobRecord[]): JobRecord[] {
		if (this.settings.ageLimit <= 0) return queued;
		return queued.filter((j) => {
			if (!expired(j, this.settings.ageLimit, now)) return true;
			this.trace(`AgeLimit: ${j.id} expired`);
			this.final.remove(j, now);
			return false;
		});
	}

	private startAttempt(j: JobRecord, slot: ModemSlot): void {
		if (allDelivered(j)) {
			// nothing left to send (every page confirmed before the job could be settled): no call
			this.jobs.commit(j.id, { status: S.COMPLETED, extCode: X.CALL_COMPLETED });
			return;
		}
		const modem = this.pool.claim(slot);
		// the job's TSID, else the modem's own; UseDeviceTSID forces the modem's (outgoing-job.md §5)
		const tsid = (this.settings.useDeviceTsid ? slot.cfg.tsid : j.sender.tsid || slot.cfg.tsid) ?? "";
		// a retry sends only what the far end has not confirmed (issue 14)
		const pages = pagesToSend(j);
		const r = this.jobs.commit(j.id, (cur) => claimed(cur, { deviceId: slot.deviceId, tsid, now: this.clock.now(), pages, continuationCover: this.settings.continuationCover }));
		this.trace(`start ${j.id} on device ${slot.deviceId}`, { pages, delivered: j.confirmedPages, continuationCover: r.attempts.at(-1)?.continuationCover ?? false });
		const a: Attempt = { jobId: j.id, slot, ctrl: new AbortController(), prevBase: baseStatus(j.status), dialed: false, canceled: false, shutdown: false, done: Promise.resolve() };
		this.active.set(j.id, a);
		a.done = runAttempt(this, a, r, modem);
	}

	/** Stop: abort running calls (they come back as retries), close the modems. */
	async stop(): Promise<void> {
		if (!this.running) return;
		this.running = false;
		this.wake?.cancel();
		this.poll?.cancel();
		const runs = [...this.active.values()];
		for (const a of runs) {
			a.shutdown = true;
			a.ctrl.abort(new FaxError("CALL_ABORTED", "daemon shutdown"));
		}
		await Promise.all(runs.map((a) => a.done));
		await this.pool.close();
	}

	/** Resolves when no call is running (tests, benchmarks). */
	async idle(): Promise<void> {
		while (this.active.size > 0) await Promise.all([...this.active.values()].map((a) => a.done));
	}
}
