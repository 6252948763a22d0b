/**
 * `faxline job JOBID [--json]`: every property of one job (outgoing-job.md §3) with enum names beside the
 * numbers; a job that already left the queue is shown from the archive. Layer: cli.
 */
import { describeJob } from "../../jobs/cliSupport.js";
import { connectQueue } from "../../jobs/cliSupport.js";
import type { CliIO } from "../io.js";
import { findJob, type QueueOpts } from "../jobAction.js";
import { printJson, withNames } from "../output.js";
import type { Parsed } from "../program.js";

export async function run(p: Parsed, io: CliIO): Promise<number> {
	const o = p.opts as QueueOpts;
	const server = connectQueue(o);
	try {
		const { job, queued } = findJob(server, p.args[0]!);
		if (o.json) printJson(io, { ...withNames(job.toJSON()), queued });
		else for (const l of describeJob(job, queued)) io.out(l);
	} finally {
		await server.disconnect();
	}
	return 0;
}
