/**
 * What the outgoing engine's parts share (outgoing-job.md §5, §9): the scheduler (OutgoingEngine.ts)
 * implements this; the job operations (jobOps.ts), one call (attempt.ts) and the final-state work
 * (finalWork.ts) see only it, so none of them imports the engine. Layer: jobs.
 */
import type { Clock } from "../core/Clock.js";
import type { JobLedger } from "./jobLedger.js";
import type { ModemSlot } from "./ModemPool.js";
import type { Spool } from "./spool.js";
import type { JobRecord, QueueSettings } from "./types.js";

/** The outgoing jobs' ledger: every change of an outgoing job is committed through it. */
export type OutgoingLedger = JobLedger<"outgoing", JobRecord>;

/** A call in progress. */
export interface Attempt {
	jobId: string;
	slot: ModemSlot;
	ctrl: AbortController;
	/** base status before the claim (PENDING or RETRYING) */
	prevBase: number;
	dialed: boolean;
	/** the user canceled it */
	canceled: boolean;
	/** the daemon is shutting down */
	shutdown: boolean;
	done: Promise<void>;
}

export interface EngineContext {
	readonly jobs: OutgoingLedger;
	readonly spool: Spool;
	/** wall clock: now() is epoch ms */
	readonly clock: Clock;
	/** the running calls by job id */
	readonly active: Map<string, Attempt>;
	/** the queue settings in force */
	readonly settings: QueueSettings;
	/** run the scheduler (re-entrancy safe) */
	tick(): void;
	trace(msg: string, data?: unknown): void;
}
