/**
 * The one place a job change is committed (issue 8 "jobs/"): write the change to the store in one
 * transaction, raise its event (outgoing-job.md §7 Added / Changed / Removed), and run the kind's
 * final-state work exactly once, when the status first enters a final state (§2.2: receipts §8,
 * retention §6). Kind-neutral: the outgoing engine owns a ledger over the `jobs` table; incoming jobs get
 * their own ledger over their own table with their own final-state work. Layer: jobs.
 */
import { isFinalStatus } from "./enums.js";
import type { RecordTable, StoredJob } from "./recordTable.js";

export type JobEventType = "added" | "changed" | "removed";

/** A job event of kind `K` ("outgoing", "incoming", ...). `job` is the record as committed. */
export interface JobEvent<K extends string, R> {
	type: JobEventType;
	kind: K;
	jobId: string;
	job: R;
}

/** A change: a patch, or a function of the current record returning one; null = nothing to do. */
export type JobChange<R> = Partial<R> | null | ((cur: R) => Partial<R> | null);

export interface CommitOptions {
	/** fsync the commit (default true); false for call progress (WAL: survives a killed process) */
	durable?: boolean;
	/** the event the change raises (default "changed"); null = none (bookkeeping such as `announced`) */
	event?: JobEventType | null;
}

export interface LedgerOptions<K extends string, R extends StoredJob> {
	kind: K;
	table: RecordTable<R>;
	emit: (e: JobEvent<K, R>) => void;
	/** the record just entered a final state (called once, after its event) */
	onFinal?: (r: R) => void;
	/** default isFinalStatus (COMPLETED, CANCELED, RETRIES_EXCEEDED) */
	isFinal?: (status: number) => boolean;
}

export class JobLedger<K extends string, R extends StoredJob> {
	readonly kind: K;
	readonly table: RecordTable<R>;
	private readonly isFinal: (status: number) => boolean;

	constructor(private readonly o: LedgerOptions<K, R>) {
		this.kind = o.kind;
		this.table = o.table;
		this.isFinal = o.isFinal ?? isFinalStatus;
	}

	/** Insert new records; `announce` raises Added for each (false: another process will). */
	insert(recs: readonly Omit<R, "seq">[], announce: boolean): R[] {
		const out = this.table.insert(recs);
		if (announce) for (const r of out) this.raise("added", r);
		return out;
	}

	/**
	 * Commit `change` to job `id` and raise its event; returns the record as committed (the current one
	 * when the change is null). A change that moves the status into a final state runs onFinal once.
	 * Throws MESSAGE_NOT_FOUND for an unknown id.
	 */
	commit(id: string, change: JobChange<R>, o: CommitOptions = {}): R {
		let before: R | undefined;
		let changed = false;
		const next = this.table.update(
			id,
			(cur) => {
				before = cur;
				const p = typeof change === "function" ? change(cur) : change;
				changed = p !== null;
				return p;
			},
			o.durable ?? true,
		);
		if (!changed) return before!;
		const ev = o.event === undefined ? "changed" : o.event;
		if (ev) this.raise(ev, next);
		if (!this.isFinal(before!.status) && this.isFinal(next.status)) this.o.onFinal?.(next);
		return next;
	}

	/** The record, queued or archived. */
	get(id: string): R | undefined {
		return this.table.get(id);
	}

	private raise(type: JobEventType, job: R): void {
		this.o.emit({ type, kind: this.kind, jobId: job.id, job });
	}
}
