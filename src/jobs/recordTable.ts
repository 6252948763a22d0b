/**
 * One table of job records in the SQLite store (issue 4 "persistent store", issue 8 "room for incoming
 * jobs"): the record as JSON in `data`, plus the columns the queue filters on, kept in step with the JSON
 * on every write. Kind-neutral: the outgoing queue uses the table `jobs`; another kind of job (incoming
 * faxes) declares its own table with the same helper through `JobStore.table()`, so both share one
 * transaction discipline, one durability rule and one crash-recovery sweep of the spool. Layer: jobs.
 */
import type { DatabaseSyncInstance } from "@photostructure/sqlite";
import { FaxError } from "../core/FaxError.js";

/** What every stored job has, whatever its kind. */
export interface StoredJob {
	/** 16 hex digits */
	id: string;
	/** insertion order across the table (assigned by insert) */
	seq: number;
	/** FaxJobStatus bits */
	status: number;
	/** time it left the queue (archived), null while queued */
	removedAt: number | null;
	/** its Added event was raised (a record written by another process starts false) */
	announced: boolean;
	/** spool file name of its document (relative to the spool's doc dir) */
	docFile: string;
}

/** A column beside the fixed ones (id, seq, status, removed_at, announced, doc_file, data). */
export interface ExtraColumn<R> {
	name: string;
	/** SQL type, e.g. "TEXT NOT NULL" */
	type: string;
	value(r: R): string | number | null;
	/** create an index on it */
	indexed?: boolean;
}

/** A table declaration: its name, extra columns, and how an old row's JSON is brought up to date. */
export interface TableSpec<R extends StoredJob> {
	name: string;
	columns?: readonly ExtraColumn<R>[];
	/** fill fields a record written by an older version lacks (read path only) */
	upgrade?: (r: R) => R;
}

type Value = string | number | null;

interface Row {
	data: string;
	seq: number | bigint;
}

/** Transactions come from the owning store (one connection, nested calls join the outer one). */
export type Transact = <T>(fn: () => T, durable?: boolean) => T;

export class RecordTable<R extends StoredJob> {
	private readonly cols: readonly ExtraColumn<R>[];
	private readonly upgrade: (r: R) => R;

	/** @internal use JobStore.table() */
	constructor(
		private readonly db: DatabaseSyncInstance,
		private readonly tx: Transact,
		readonly spec: TableSpec<R>,
	) {
		if (!/^[a-z_]+$/.test(spec.name)) throw new FaxError("STORE_ERROR", `bad table name ${spec.name}`);
		this.cols = spec.columns ?? [];
		this.upgrade = spec.upgrade ?? ((r) => r);
		const extra = this.cols.map((c) => `,\n\t${c.name} ${c.type}`).join("");
		db.exec(`CREATE TABLE IF NOT EXISTS ${spec.name} (
	id TEXT PRIMARY KEY,
	seq INTEGER NOT NULL UNIQUE,
	status INTEGER NOT NULL,
	removed_at INTEGER,
	announced INTEGER NOT NULL,
	doc_file TEXT NOT NULL${extra},
	data TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS ${spec.name}_queued ON ${spec.name}(removed_at);`);
		for (const c of this.cols) if (c.indexed) db.exec(`CREATE INDEX IF NOT EXISTS ${spec.name}_${c.name} ON ${spec.name}(${c.name})`);
	}

	private columnValues(r: R): Value[] {
		return [r.status, r.removedAt, r.announced ? 1 : 0, r.docFile, ...this.cols.map((c) => c.value(r))];
	}

	/** Insert new records in one transaction; `seq` is assigned here. */
	insert(recs: readonly Omit<R, "seq">[]): R[] {
		return this.tx(() => {
			const row = this.db.prepare(`SELECT coalesce(max(seq), 0) AS m FROM ${this.spec.name}`).get() as { m: number };
			let seq = Number(row.m);
			const names = ["id", "seq", "status", "removed_at", "announced", "doc_file", ...this.cols.map((c) => c.name), "data"];
			const ins = this.db.prepare(`INSERT INTO ${this.spec.name} (${names.join(", ")}) VALUES (${names.map(() => "?").join(", ")})`);
			return recs.map((r) => {
				const full = { ...r, seq: ++seq } as R;
				ins.run(full.id, full.seq, ...this.columnValues(full), JSON.stringify(full));
				return full;
			});
		});
	}

	/** Write a whole record back (its id must exist). */
	put(r: R): void {
		const sets = ["status", "removed_at", "announced", "doc_file", ...this.cols.map((c) => c.name), "data"].map((n) => `${n} = ?`).join(", ");
		const res = this.db.prepare(`UPDATE ${this.spec.name} SET ${sets} WHERE id = ?`).run(...this.columnValues(r), JSON.stringify(r), r.id);
		if (Number(res.changes) !== 1) throw new FaxError("MESSAGE_NOT_FOUND", `job ${r.id} not found`);
	}

	/**
	 * Read-modify-write one record in a transaction; returns the new record (the unchanged one when the
	 * patch function returns null: nothing is written). `durable` false = no fsync.
	 */
	update(id: string, patch: Partial<R> | ((r: R) => Partial<R> | null), durable = true): R {
		return this.tx(() => {
			const cur = this.get(id);
			if (!cur) throw new FaxError("MESSAGE_NOT_FOUND", `job ${id} not found`);
			const p = typeof patch === "function" ? patch(cur) : patch;
			if (p === null) return cur;
			const next: R = { ...cur, ...p };
			this.put(next);
			return next;
		}, durable);
	}

	/** A record by id, queued or archived. */
	get(id: string): R | undefined {
		const row = this.db.prepare(`SELECT data, seq FROM ${this.spec.name} WHERE id = ?`).get(id) as Row | undefined;
		return row ? this.fromRow(row) : undefined;
	}

	/** Records in store order whose fixed or extra columns equal `where` (e.g. `{ removed_at: null }`). */
	select(where: Record<string, Value> = {}): R[] {
		const keys = Object.keys(where);
		const known = new Set(["id", "status", "removed_at", "announced", "doc_file", ...this.cols.map((c) => c.name)]);
		for (const k of keys) if (!known.has(k)) throw new FaxError("STORE_ERROR", `no column ${k} in ${this.spec.name}`);
		const cond = keys.map((k) => (where[k] === null ? `${k} IS NULL` : `${k} = ?`));
		const params = keys.map((k) => where[k]).filter((v) => v !== null) as Array<string | number>;
		const sql = `SELECT data, seq FROM ${this.spec.name}${cond.length ? ` WHERE ${cond.join(" AND ")}` : ""} ORDER BY seq`;
		return (this.db.prepare(sql).all(...params) as unknown as Row[]).map((r) => this.fromRow(r));
	}

	/** Spool file names still referenced by a queued record. */
	referencedDocs(): Set<string> {
		const rows = this.db.prepare(`SELECT DISTINCT doc_file AS f FROM ${this.spec.name} WHERE removed_at IS NULL`).all() as { f: string }[];
		return new Set(rows.map((r) => r.f));
	}

	/** True when a queued record other than `exceptId` still uses `docFile`. */
	docInUse(docFile: string, exceptId: string): boolean {
		return !!this.db.prepare(`SELECT 1 FROM ${this.spec.name} WHERE doc_file = ? AND removed_at IS NULL AND id <> ? LIMIT 1`).get(docFile, exceptId);
	}

	private fromRow(row: Row): R {
		const r = JSON.parse(row.data) as R;
		r.seq = Number(row.seq);
		return this.upgrade(r);
	}
}
