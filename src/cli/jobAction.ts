/**
 * The shared body of `faxline cancel|pause|resume|restart JOBID`: asks the running daemon to act on one
 * job (outgoing-job.md §2.4) and returns once it accepted, or throws its FaxError (INVALID_OPERATION,
 * MESSAGE_NOT_FOUND...). With --json it prints the job after the action. Layer: cli.
 */
import { FaxError } from "../core/FaxError.js";
import { connectQueue } from "../jobs/cliSupport.js";
import type { FaxOutgoingJob } from "../jobs/FaxOutgoingJob.js";
import type { FaxServer } from "../jobs/FaxServer.js";
import type { CliIO } from "./io.js";
import { printJson, withNames } from "./output.js";
import type { Parsed } from "./program.js";

export type JobAction = "cancel" | "pause" | "resume" | "restart";

const DONE: Record<JobAction, string> = { cancel: "canceled", pause: "paused", resume: "resumed", restart: "restarted" };

/** Options of every queue command (where the queue is). */
export interface QueueOpts {
	config?: string;
	spool?: string;
	json?: boolean;
}

export async function runJobAction(action: JobAction, p: Parsed, io: CliIO): Promise<number> {
	const o = p.opts as QueueOpts;
	const id = p.args[0]!;
	const server = connectQueue(o);
	try {
		const job = server.outgoingQueue.getJob(id);
		await job[action]();
		if (o.json) {
			const after = findJob(server, id);
			printJson(io, { action, id, job: { ...withNames(after.job.toJSON()), queued: after.queued } });
		} else io.out(`${DONE[action]} ${id}`);
	} finally {
		await server.disconnect();
	}
	return 0;
}

/** A job by id: from the queue, else from the archive (finished jobs); MESSAGE_NOT_FOUND if neither. */
export function findJob(server: FaxServer, id: string): { job: FaxOutgoingJob; queued: boolean } {
	try {
		return { job: server.outgoingQueue.getJob(id), queued: true };
	} catch (e) {
		if (!(e instanceof FaxError && e.code === "MESSAGE_NOT_FOUND")) throw e;
		const job = server.archivedJob(id);
		if (!job) throw e;
		return { job, queued: false };
	}
}
