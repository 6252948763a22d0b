/**
 * `faxline alter JOBID [--priority low|normal|high] [--at WHEN] [--retries N] [--json]` (like HylaFAX
 * `faxalter`): changes a waiting job (PENDING or RETRYING, paused or not) in one store transaction that
 * re-checks the job is still waiting, then wakes the daemon's scheduler. A job already on the line or
 * finished is refused with INVALID_OPERATION. Layer: cli.
 */
import { FaxError } from "../../core/FaxError.js";
import { connectQueue, describeJob } from "../../jobs/cliSupport.js";
import { FaxPriorityType } from "../../jobs/enums.js";
import type { JobChanges } from "../../jobs/FaxServer.js";
import type { CliIO } from "../io.js";
import type { QueueOpts } from "../jobAction.js";
import { printJson, withNames } from "../output.js";
import type { Parsed } from "../program.js";
import { parseAt } from "./submit.js";

interface AlterOpts extends QueueOpts {
	priority?: "low" | "normal" | "high";
	at?: string;
	retries?: string;
}

const PRIORITY: Record<string, FaxPriorityType> = { low: FaxPriorityType.LOW, normal: FaxPriorityType.NORMAL, high: FaxPriorityType.HIGH };

export async function run(p: Parsed, io: CliIO): Promise<number> {
	const o = p.opts as AlterOpts;
	const id = p.args[0]!;
	const changes: JobChanges = {};
	if (o.priority !== undefined) changes.priority = PRIORITY[o.priority]!;
	if (o.at !== undefined) {
		const at = parseAt(o.at);
		changes.scheduleType = at.type;
		changes.scheduledTime = at.time;
	}
	if (o.retries !== undefined) {
		const n = Number(o.retries);
		if (!(/^\d+$/.test(o.retries) && n <= 99)) throw new FaxError("USAGE", `--retries must be a count from 0 to 99, not '${o.retries}'`);
		changes.maxRetries = n;
	}
	if (Object.keys(changes).length === 0) throw new FaxError("USAGE", "nothing to change: give --priority, --at or --retries");
	const server = connectQueue(o);
	try {
		const job = server.alterJob(id, changes);
		if (o.json) printJson(io, { ...withNames(job.toJSON()), queued: true });
		else {
			io.out(`altered ${id}`);
			for (const l of describeJob(job, true)) io.out(l);
		}
	} finally {
		await server.disconnect();
	}
	return 0;
}
