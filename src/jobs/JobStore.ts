/**
 * The persistent job store (issue 4 "persistent store"): SQLite on disk in WAL mode
 * (@photostructure/sqlite, node:sqlite API, prebuilt) shared by the daemon and CLI processes. Tables:
 * jobs (outgoing, one row per recipient, the JobRecord as JSON plus indexed columns, recordTable.ts; other
 * kinds of job declare their own table with `table()`), settings (queue settings §5),
 * requests (operations written by other processes, acted on by the daemon), devices (stable DeviceIds),
 * meta (daemon heartbeat). Every mutation is one transaction. Commits are durable (synchronous=FULL)
 * except call-progress updates (`durable: false`: synchronous=NORMAL, which in WAL mode survives a killed
 * process, and the next FULL commit makes them durable too) so a page event does not stall the event
 * loop on fsync.
 * Layer: jobs.
 */
import { DatabaseSync, type DatabaseSyncInstance } from "@photostructure/sqlite";
import { join } from "node:path";
import { FaxError } from "../core/FaxError.js";
import type { StoredJob, TableSpec } from "./recordTable.js";
import { RecordTable } from "./recordTable.js";
import type { JobRecord, QueueSettings } from "./types.js";
import { defaultQueueSettings, upgradeJobRecord } from "./types.js";

/** Operations another process may ask the daemon for (§2.4, §6 cancelSubmission). */
export type RequestOp = "cancel" | "pause" | "resume" | "restart" | "cancelSubmission" | "wake";

export interface StoreRequest {
	id: number;
	op: RequestOp;
	/** job id, or submission id for cancelSubmission */
	target: string;
	created: number;
}

export type RequestState = { state: "new" } | { state: "done" } | { state: "error"; code: string; text: string };

const SCHEMA = `
CREATE TABLE IF NOT EXISTS settings (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS requests (
	id INTEGER PRIMARY KEY AUTOINCREMENT,
	op TEXT NOT NULL,
	target TEXT NOT NULL,
	created INTEGER NOT NULL,
	state TEXT NOT NULL DEFAULT 'new',
	code TEXT,
	text TEXT
);
CREATE TABLE IF NOT EXISTS devices (device_id INTEGER PRIMARY KEY AUTOINCREMENT, path TEXT NOT NULL UNIQUE);
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
`;

/** The outgoing jobs' table (the name and columns of the first version, so old spools open unchanged). */
const OUTGOING_TABLE: TableSpec<JobRecord> = {
	name: "jobs",
	columns: [{ name: "submission_id", type: "TEXT NOT NULL", value: (r) => r.submissionId, indexed: true }],
	upgrade: upgradeJobRecord,
};

export class JobStore {
	private readonly db: DatabaseSyncInstance;
	private depth = 0;
	private syncFull = true;
	private readonly tables: RecordTable<StoredJob>[] = [];
	/** the outgoing queue's records (one row per recipient) */
	readonly jobs: RecordTable<JobRecord>;

	/** Open (creating) `<dir>/queue.db`. `busyTimeoutMs` bounds waits on another process's write lock (default 5000). */
	constructor(
		readonly dir: string,
		busyTimeoutMs = 5000,
	) {
		try {
			this.db = new DatabaseSync(join(dir, "queue.db"));
			this.db.exec(`PRAGMA busy_timeout=${Math.trunc(busyTimeoutMs)}`);
			this.db.exec("PRAGMA journal_mode=WAL");
			this.db.exec("PRAGMA synchronous=FULL");
			this.transaction(() => this.db.exec(SCHEMA));
			this.jobs = this.table(OUTGOING_TABLE);
		} catch (e) {
			if (e instanceof FaxError) throw e;
			throw new FaxError("STORE_ERROR", `cannot open job store in ${dir}: ${(e as Error).message}`, { cause: e });
		}
	}

	/** Run `fn` in one IMMEDIATE transaction (nested calls join the outer one); `durable` false = no fsync. */
	transaction<T>(fn: () => T, durable = true): T {
		if (this.depth > 0) return fn();
		if (durable !== this.syncFull) {
			this.db.exec(`PRAGMA synchronous=${durable ? "FULL" : "NORMAL"}`);
			this.syncFull = durable;
		}
		this.db.exec("BEGIN IMMEDIATE");
		this.depth++;
		try {
			const r = fn();
			this.db.exec("COMMIT");
			return r;
		} catch (e) {
			try {
				this.db.exec("ROLLBACK");
			} catch {
				/* already rolled back */
			}
			throw e;
		} finally {
			this.depth--;
		}
	}

	/**
	 * Declare (creating if missing) a table of job records of another kind, e.g. incoming faxes. Its
	 * documents count in referencedDocs/docInUse, so the spool sweep keeps them.
	 */
	table<R extends StoredJob>(spec: TableSpec<R>): RecordTable<R> {
		const t = this.transaction(() => new RecordTable<R>(this.db, (fn, durable) => this.transaction(fn, durable), spec));
		this.tables.push(t as unknown as RecordTable<StoredJob>);
		return t;
	}

	/** Insert new outgoing jobs in one transaction; `seq` is assigned here. */
	insertJobs(recs: Omit<JobRecord, "seq">[]): JobRecord[] {
		return this.jobs.insert(recs);
	}

	/** Write a whole record back (its id must exist). */
	putJob(r: JobRecord): void {
		this.jobs.put(r);
	}

	/** Read-modify-write one job in a transaction; returns the new record. `durable` false for call progress. */
	updateJob(id: string, patch: Partial<JobRecord> | ((r: JobRecord) => Partial<JobRecord>), durable = true): JobRecord {
		return this.jobs.update(id, patch, durable);
	}

	/** A job by id, queued or archived. */
	getJob(id: string): JobRecord | undefined {
		return this.jobs.get(id);
	}

	/** Jobs still in the queue, in store order. */
	queuedJobs(): JobRecord[] {
		return this.jobs.select({ removed_at: null });
	}

	/** Queued jobs whose Added event was not raised yet (submitted by another process). */
	unannouncedJobs(): JobRecord[] {
		return this.jobs.select({ removed_at: null, announced: 0 });
	}

	/** Every job of a submission (queued or archived), in recipient order. */
	submissionJobs(submissionId: string): JobRecord[] {
		return this.jobs.select({ submission_id: submissionId });
	}

	/** Spool file names still referenced by a queued record of any kind. */
	referencedDocs(): Set<string> {
		return new Set(this.tables.flatMap((t) => [...t.referencedDocs()]));
	}

	/** True when a queued record (of any kind) other than `exceptId` still uses `docFile`. */
	docInUse(docFile: string, exceptId: string): boolean {
		return this.tables.some((t) => t.docInUse(docFile, exceptId));
	}

	getSettings(): QueueSettings {
		const row = this.db.prepare("SELECT value FROM settings WHERE key = 'queue'").get() as { value: string } | undefined;
		return { ...defaultQueueSettings(), ...(row ? (JSON.parse(row.value) as Partial<QueueSettings>) : {}) };
	}

	putSettings(s: QueueSettings): void {
		this.transaction(() => this.db.prepare("INSERT INTO settings (key, value) VALUES ('queue', ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value").run(JSON.stringify(s)));
	}

	/** Ask the daemon for an operation; returns the request id. */
	addRequest(op: RequestOp, target: string, now: number): number {
		return this.transaction(() => Number(this.db.prepare("INSERT INTO requests (op, target, created) VALUES (?, ?, ?)").run(op, target, now).lastInsertRowid));
	}

	/** Requests not yet acted on, oldest first. */
	newRequests(): StoreRequest[] {
		return (this.db.prepare("SELECT id, op, target, created FROM requests WHERE state = 'new' ORDER BY id").all() as unknown as StoreRequest[]).map((r) => ({
			id: Number(r.id),
			op: r.op,
			target: r.target,
			created: Number(r.created),
		}));
	}

	finishRequest(id: number, err?: { code: string; text: string }): void {
		this.transaction(() =>
			this.db.prepare("UPDATE requests SET state = ?, code = ?, text = ? WHERE id = ?").run(err ? "error" : "done", err?.code ?? null, err?.text ?? null, id),
		);
	}

	/** Forget answered requests created before `before` (epoch ms). */
	purgeRequests(before: number): void {
		this.transaction(() => this.db.prepare("DELETE FROM requests WHERE state <> 'new' AND created < ?").run(before), false);
	}

	requestState(id: number): RequestState {
		const r = this.db.prepare("SELECT state, code, text FROM requests WHERE id = ?").get(id) as { state: string; code: string | null; text: string | null } | undefined;
		if (!r) throw new FaxError("STORE_ERROR", `request ${id} vanished`);
		if (r.state === "error") return { state: "error", code: r.code ?? "STORE_ERROR", text: r.text ?? "" };
		return r.state === "done" ? { state: "done" } : { state: "new" };
	}

	/** Stable non-zero DeviceId for a modem path (first come, first numbered; kept across restarts). */
	deviceIdFor(path: string): number {
		return this.transaction(() => {
			this.db.prepare("INSERT OR IGNORE INTO devices (path) VALUES (?)").run(path);
			const r = this.db.prepare("SELECT device_id AS d FROM devices WHERE path = ?").get(path) as { d: number };
			return Number(r.d);
		});
	}

	getMeta(key: string): string | undefined {
		const r = this.db.prepare("SELECT value FROM meta WHERE key = ?").get(key) as { value: string } | undefined;
		return r?.value;
	}

	setMeta(key: string, value: string): void {
		this.transaction(() => this.db.prepare("INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value").run(key, value), false);
	}

	/** Changes whenever another connection committed (PRAGMA data_version): a cheap "anything new?" poll. */
	dataVersion(): number {
		const r = this.db.prepare("PRAGMA data_version").get() as { data_version: number };
		return Number(r.data_version);
	}

	close(): void {
		this.db.close();
	}
}
