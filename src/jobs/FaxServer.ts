/**
 * FaxServer (outgoing-job.md §5-§7): the facade over the persistent queue. Two modes:
 * - `FaxServer.startDaemon()` runs the OutgoingEngine (scheduler + modem pool) in this process; actions go
 *   straight to it and events (§7) are raised here.
 * - `FaxServer.connect()` opens the same store from another process (the CLI): submissions are committed
 *   directly, actions are written as requests that the running daemon acts on (within its poll period),
 *   and the call resolves once the daemon accepted (or rejects with its error). Its events are sampled
 *   from the store every `watchMs` (intermediate states between two samples are coalesced).
 * Rights (§2.4) are checked here for the connected user. Layer: jobs.
 */
import { EventEmitter } from "node:events";
import { copyFileSync } from "node:fs";
import { userInfo } from "node:os";
import { isAbsolute } from "node:path";
import type { Clock } from "../core/Clock.js";
import { FaxError } from "../core/FaxError.js";
import type { DocumentCodec } from "./codec.js";
import type { FaxPriorityType, FaxScheduleType } from "./enums.js";
import { ALL_RIGHTS, FaxAccessRight, FaxJobOperations, FaxServerEventsType, availableOperations, isWaitingStatus, statusName } from "./enums.js";
import { EpochClock } from "./EpochClock.js";
import { FaxOutgoingQueue } from "./FaxOutgoingQueue.js";
import type { FaxJobStatusInfo, JobBackend } from "./FaxOutgoingJob.js";
import { FaxOutgoingJob, statusInfo } from "./FaxOutgoingJob.js";
import { JobLedger } from "./jobLedger.js";
import { JobStore } from "./JobStore.js";
import type { RequestOp } from "./JobStore.js";
import type { EngineEvent, EngineOptions } from "./OutgoingEngine.js";
import { OutgoingEngine } from "./OutgoingEngine.js";
import { Spool } from "./spool.js";
import { submitDocument } from "./submit.js";
import type { JobRecord, SubmissionSpec } from "./types.js";

export interface FaxServerOptions {
	/** spool directory: queue.db + docs/ */
	spoolDir: string;
	/** wall clock (epoch ms); default EpochClock */
	clock?: Clock;
	/** document renderer/opener; the CLI passes tiffCodec */
	codec: DocumentCodec;
	/** connected user; default the OS user */
	user?: string;
	/** FaxAccessRight mask of that user; default all */
	rights?: number;
	/** a label for this connection (e.g. "cli-1234"); informational only: servers are not registered anywhere */
	name?: string;
	/** client mode: how often the store is sampled for events, ms (default 250) */
	watchMs?: number;
}

/** The server's options plus the engine's own (documented on EngineOptions: pollMs default 250, modemReopenMs 30000, blockedNumbers 911/112). */
export interface DaemonOptions
	extends FaxServerOptions,
		Pick<EngineOptions, "modems" | "modemFactory" | "receipts" | "tracer" | "pollMs" | "modemReopenMs" | "blockedNumbers" | "allowNumbers" | "onModemIdle"> {
	/** called before the engine starts, so listeners also see the crash-recovery events */
	beforeStart?: (server: FaxServer) => void;
}

/** [ours] What `alterJob` may change (absent = unchanged). */
export interface JobChanges {
	priority?: FaxPriorityType;
	/** with scheduledTime (null = now for NOW/DISCOUNT_PERIOD: the scheduler applies the window) */
	scheduleType?: FaxScheduleType;
	scheduledTime?: Date | null;
	/** this job's own retry limit (replaces the queue's `retries` for it), 0..99 */
	maxRetries?: number;
}

/** §7 events; raised only for the groups passed to listenToServerEvents. */
export interface FaxServerEvents {
	outgoingJobAdded: (server: FaxServer, jobId: string) => void;
	outgoingJobChanged: (server: FaxServer, jobId: string, status: FaxJobStatusInfo) => void;
	outgoingJobRemoved: (server: FaxServer, jobId: string) => void;
	queuesStatusChange: (server: FaxServer, outBlocked: boolean, outPaused: boolean, inBlocked: boolean) => void;
	outgoingQueueConfigChange: (server: FaxServer) => void;
	/** FXSSVC_ENDED: the daemon stopped */
	serverShutDown: (server: FaxServer) => void;
	/** [ours] a MAIL receipt could not be delivered */
	receiptError: (server: FaxServer, jobId: string, error: Error) => void;
}

export class FaxServer {
	readonly store: JobStore;
	readonly spool: Spool;
	readonly clock: Clock;
	readonly user: string;
	readonly rights: number;
	readonly engine: OutgoingEngine | null = null;
	readonly outgoingQueue: FaxOutgoingQueue;
	private readonly emitter = new EventEmitter();
	private listening = 0;
	private readonly backend: JobBackend;

	private constructor(
		private readonly o: FaxServerOptions,
		daemon: DaemonOptions | null,
	) {
		this.spool = new Spool(o.spoolDir);
		this.store = new JobStore(o.spoolDir);
		this.clock = o.clock ?? new EpochClock();
		this.user = o.user ?? userInfo().username;
		this.rights = o.rights ?? ALL_RIGHTS;
		if (daemon) {
			this.engine = new OutgoingEngine({
				store: this.store,
				spool: this.spool,
				clock: this.clock,
				modems: daemon.modems,
				modemFactory: daemon.modemFactory,
				codec: o.codec,
				receipts: daemon.receipts,
				tracer: daemon.tracer,
				pollMs: daemon.pollMs,
				modemReopenMs: daemon.modemReopenMs,
				blockedNumbers: daemon.blockedNumbers,
				allowNumbers: daemon.allowNumbers,
				...(daemon.onModemIdle ? { onModemIdle: daemon.onModemIdle } : {}),
				emit: (e) => this.onEngine(e),
			});
		}
		this.backend = this.makeBackend();
		this.outgoingQueue = new FaxOutgoingQueue(
			{
				store: this.store,
				user: this.user,
				rights: this.rights,
				checkRight: (r, other) => this.checkRight(r, other),
				saved: (s) => {
					if (!this.engine) return;
					this.engine.applySettings(s);
					this.engine.tick();
				},
				cancelSubmission: async (id) => {
					if (this.engine) this.engine.ops.cancelSubmission(id);
					else await this.request("cancelSubmission", id);
				},
			},
			this.backend,
		);
	}

	/** Run the queue in this process (the daemon). */
	static startDaemon(o: DaemonOptions): FaxServer {
		const s = new FaxServer(o, o);
		o.beforeStart?.(s);
		s.engine!.start();
		return s;
	}

	/** Open the queue of a daemon running in another process (or none yet: submissions still queue). */
	static connect(o: FaxServerOptions): FaxServer {
		return new FaxServer(o, null);
	}

	/** FaxServerEventsType mask of the event groups to raise (§7). */
	listenToServerEvents(types: number): void {
		this.listening = types;
		if (!this.engine && types && !this.watching) this.watch();
	}

	private watching: { cancel(): void } | null = null;

	/** Client mode: sample the store and raise Added/Changed/Removed and queue events from the differences. */
	private watch(): void {
		const snap = () => new Map(this.store.queuedJobs().map((r) => [r.id, r] as const));
		let seen = new Map([...snap()].map(([id, r]) => [id, JSON.stringify(statusInfo(r))]));
		let settings = this.store.getSettings();
		let version = this.store.dataVersion();
		const loop = () => {
			this.watching = this.clock.setTimer(this.o.watchMs ?? 250, () => {
				if (!this.watching) return;
				try {
					const v = this.store.dataVersion();
					if (v !== version) {
						version = v;
						const now = snap();
						const next = new Map<string, string>();
						for (const [id, r] of now) {
							const info = statusInfo(r);
							const key = JSON.stringify(info);
							next.set(id, key);
							if (!seen.has(id)) this.raise(FaxServerEventsType.OUT_QUEUE, "outgoingJobAdded", id);
							else if (seen.get(id) !== key) this.raise(FaxServerEventsType.OUT_QUEUE, "outgoingJobChanged", id, info);
						}
						for (const id of seen.keys()) if (!next.has(id)) this.raise(FaxServerEventsType.OUT_QUEUE, "outgoingJobRemoved", id);
						seen = next;
						const s = this.store.getSettings();
						if (s.blocked !== settings.blocked || s.paused !== settings.paused) this.raise(FaxServerEventsType.QUEUE_STATE, "queuesStatusChange", s.blocked, s.paused, false);
						if (JSON.stringify(s) !== JSON.stringify(settings)) this.raise(FaxServerEventsType.CONFIG, "outgoingQueueConfigChange");
						settings = s;
					}
				} catch {
					/* the store is busy or closing: try again next time */
				}
				loop();
			});
		};
		loop();
	}

	on<K extends keyof FaxServerEvents>(ev: K, fn: FaxServerEvents[K]): this {
		this.emitter.on(ev, fn);
		return this;
	}
	off<K extends keyof FaxServerEvents>(ev: K, fn: FaxServerEvents[K]): this {
		this.emitter.off(ev, fn);
		return this;
	}

	private raise(group: FaxServerEventsType, ev: keyof FaxServerEvents, ...args: unknown[]): void {
		if (this.listening & group) this.emitter.emit(ev, this, ...args);
	}

	private onEngine(e: EngineEvent): void {
		switch (e.type) {
			case "added":
				return this.raise(FaxServerEventsType.OUT_QUEUE, "outgoingJobAdded", e.jobId);
			// (incoming jobs, when they come, are events of kind "incoming" through the same ledger mechanism)
			case "changed":
				return this.raise(FaxServerEventsType.OUT_QUEUE, "outgoingJobChanged", e.jobId, statusInfo(e.job));
			case "removed":
				return this.raise(FaxServerEventsType.OUT_QUEUE, "outgoingJobRemoved", e.jobId);
			case "queueState":
				return this.raise(FaxServerEventsType.QUEUE_STATE, "queuesStatusChange", e.settings.blocked, e.settings.paused, false);
			case "config":
				return this.raise(FaxServerEventsType.CONFIG, "outgoingQueueConfigChange");
			case "receiptError":
				this.emitter.emit("receiptError", this, e.jobId, e.error);
				return;
		}
	}

	/** @internal FaxDocument.connectedSubmit */
	async submitDocument(doc: SubmissionSpec): Promise<{ submissionId: string; jobIds: string[] }> {
		const engine = this.engine;
		// daemon: the engine's ledger raises Added at once; client: the daemon announces the rows it finds
		const ledger = engine?.jobs ?? new JobLedger({ kind: "outgoing", table: this.store.jobs, emit: () => undefined });
		const insert = (recs: Omit<JobRecord, "seq">[]) => ledger.insert(recs, engine !== null);
		const recs = await submitDocument(doc, { store: this.store, spool: this.spool, codec: this.o.codec, clock: this.clock, user: this.user, rights: this.rights, announced: engine !== null, insert });
		if (engine) {
			engine.tick();
		} else {
			this.store.addRequest("wake", "", this.clock.now());
		}
		return { submissionId: recs[0]!.submissionId, jobIds: recs.map((r) => r.id) };
	}

	/** @internal rights (§2.4): own jobs need a submit right, others' need `other`. */
	checkRight(r: JobRecord, other: FaxAccessRight): void {
		const own = r.owner === this.user;
		const ok = own ? (this.rights & (FaxAccessRight.SUBMIT_LOW | FaxAccessRight.SUBMIT_NORMAL | FaxAccessRight.SUBMIT_HIGH | other)) !== 0 : (this.rights & other) !== 0;
		if (!ok) throw new FaxError("ACCESS_DENIED", `user ${this.user} lacks the right for job ${r.id}`);
	}

	/** @internal the live queued record (MESSAGE_NOT_FOUND when gone) */
	queued(id: string): JobRecord {
		const r = this.store.getJob(id);
		if (!r || r.removedAt !== null) throw new FaxError("MESSAGE_NOT_FOUND", `job ${id} is not in the queue`);
		return r;
	}

	private makeBackend(): JobBackend {
		const act = async (op: Exclude<RequestOp, "wake" | "cancelSubmission">, id: string): Promise<void> => {
			this.checkRight(this.queued(id), FaxAccessRight.MANAGE_JOBS);
			if (this.engine) {
				this.engine.ops[op](id);
				return;
			}
			await this.request(op, id);
		};
		return {
			liveRecord: (id) => {
				const r = this.queued(id);
				this.checkRight(r, FaxAccessRight.QUERY_JOBS);
				return r;
			},
			cancel: (id) => act("cancel", id),
			pause: (id) => act("pause", id),
			resume: (id) => act("resume", id),
			restart: (id) => act("restart", id),
			copyTiff: async (id, path) => {
				const r = this.queued(id);
				this.checkRight(r, FaxAccessRight.QUERY_JOBS);
				if (!(availableOperations(r.status) & FaxJobOperations.VIEW)) throw new FaxError("INVALID_OPERATION", `job ${id} cannot be viewed in its state`);
				if (typeof path !== "string" || !isAbsolute(path)) throw new FaxError("INVALID_ARG", `copyTiff needs an absolute path, got ${JSON.stringify(path)}`);
				try {
					copyFileSync(this.spool.path(r.docFile), path);
				} catch (e) {
					throw new FaxError("FILE_ACCESS_DENIED", `cannot write ${path}: ${(e as Error).message}`, { cause: e });
				}
			},
		};
	}

	/** @internal write a request for the daemon and wait for its verdict (the store polled every 20 ms of the clock). */
	async request(op: RequestOp, target: string, timeoutMs = 10_000): Promise<void> {
		const t0 = this.clock.now();
		const id = this.store.addRequest(op, target, t0);
		for (;;) {
			const st = this.store.requestState(id);
			if (st.state === "done") return;
			if (st.state === "error") throw new FaxError(st.code as ConstructorParameters<typeof FaxError>[0], st.text);
			const waited = this.clock.now() - t0;
			if (waited > timeoutMs || !this.daemonAlive()) {
				throw new FaxError("STORE_ERROR", `no daemon acted on the ${op} request within ${Math.round(waited / 1000)} s (is 'faxline daemon' running on ${this.o.spoolDir}?)`);
			}
			await this.clock.sleep(20);
		}
	}

	/** True when a daemon's heartbeat is fresh (≤ 5 s) and its process exists. */
	daemonAlive(): boolean {
		const raw = this.store.getMeta("daemon");
		if (!raw) return false;
		const { pid, at } = JSON.parse(raw) as { pid: number; at: number };
		if (this.clock.now() - at > 5000) return false;
		try {
			process.kill(pid, 0);
			return true;
		} catch {
			return false;
		}
	}

	/**
	 * [ours] A job that left the queue (archived), as a read-only snapshot; its actions fail with
	 * MESSAGE_NOT_FOUND. Undefined when the id was never queued here.
	 */
	archivedJob(id: string): FaxOutgoingJob | undefined {
		const r = this.store.getJob(id);
		if (!r || r.removedAt === null) return undefined;
		this.checkRight(r, FaxAccessRight.QUERY_JOBS);
		const gone = async (): Promise<void> => {
			throw new FaxError("MESSAGE_NOT_FOUND", `job ${id} is not in the queue`);
		};
		return new FaxOutgoingJob(r, {
			liveRecord: () => {
				throw new FaxError("MESSAGE_NOT_FOUND", `job ${id} is not in the queue`);
			},
			cancel: gone,
			pause: gone,
			resume: gone,
			restart: gone,
			copyTiff: gone,
		});
	}

	/** [ours] Finished jobs, most recently finished first (`faxline jobs --done`, like faxstat -d). */
	archivedJobs(limit: number): { job: FaxOutgoingJob; removedAt: Date | null }[] {
		return this.store.archivedJobs(limit).flatMap((r) => {
			try {
				const job = this.archivedJob(r.id);
				return job ? [{ job, removedAt: r.removedAt === null ? null : new Date(r.removedAt) }] : [];
			} catch {
				return []; // not the caller's to see (rights)
			}
		});
	}

	/**
	 * [ours] Change a waiting job (PENDING/RETRYING, paused or not; like HylaFAX faxalter): priority, time,
	 * its own retry limit. One store transaction that re-checks the state, so a job the daemon just put on
	 * the line is refused (INVALID_OPERATION); the daemon's scheduler reads the change on its next poll.
	 */
	alterJob(id: string, c: JobChanges): FaxOutgoingJob {
		const cur = this.queued(id);
		this.checkRight(cur, FaxAccessRight.MANAGE_JOBS);
		this.store.updateJob(id, (r) => {
			if (r.removedAt !== null || !isWaitingStatus(r.status)) throw new FaxError("INVALID_OPERATION", `job ${id} is ${statusName(r.status)}: only a waiting job can be altered`);
			const patch: Partial<JobRecord> = {};
			if (c.priority !== undefined) patch.priority = c.priority;
			if (c.scheduleType !== undefined) {
				patch.scheduleType = c.scheduleType;
				patch.scheduledTime = c.scheduledTime ? c.scheduledTime.getTime() : this.clock.now();
			}
			if (c.maxRetries !== undefined) patch.maxRetries = c.maxRetries;
			return patch;
		});
		return this.outgoingQueue.getJob(id);
	}

	/** Stop the engine (daemon mode) and close the store. */
	async disconnect(): Promise<void> {
		this.watching?.cancel();
		this.watching = null;
		if (this.engine) {
			await this.engine.stop();
			this.raise(FaxServerEventsType.FXSSVC_ENDED, "serverShutDown");
		}
		this.store.close();
	}
}
