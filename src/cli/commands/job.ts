/**
 * `faxline job ID [--json] (--spool DIR | --config FILE)`: every property of one job (outgoing-job.md §3);
 * a job that already left the queue is shown from the archive. Layer: cli.
 */
import { parseArgs } from "node:util";
import { FaxError } from "../../core/FaxError.js";
import { connectQueue, describeJob, spoolOptions } from "../../jobs/cliSupport.js";
import type { CliIO } from "../io.js";

export async function run(argv: string[], io: CliIO): Promise<number> {
	const { values, positionals } = parseArgs({ args: argv, strict: true, allowPositionals: true, options: { ...spoolOptions, json: { type: "boolean" } } });
	if (positionals.length !== 1) throw new FaxError("USAGE", "usage: faxline job ID [--json] (--spool DIR | --config FILE)");
	const id = positionals[0]!;
	const server = connectQueue(values);
	try {
		let queued = true;
		let job;
		try {
			job = server.outgoingQueue.getJob(id);
		} catch (e) {
			if (!(e instanceof FaxError && e.code === "MESSAGE_NOT_FOUND")) throw e;
			job = server.archivedJob(id);
			queued = false;
			if (!job) throw e;
		}
		if (values.json) io.out(JSON.stringify({ ...job.toJSON(), queued }, null, 2));
		else for (const l of describeJob(job, queued)) io.out(l);
	} finally {
		await server.disconnect();
	}
	return 0;
}
