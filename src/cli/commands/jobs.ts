/**
 * `faxline jobs (--spool DIR | --config FILE) [--json]`: the outgoing queue, one line per job
 * (outgoing-job.md §5 getJobs). Layer: cli.
 */
import { parseArgs } from "node:util";
import { connectQueue, jobLine, jobsHeader, spoolOptions } from "../../jobs/cliSupport.js";
import type { CliIO } from "../io.js";

export async function run(argv: string[], io: CliIO): Promise<number> {
	const { values } = parseArgs({ args: argv, strict: true, options: { ...spoolOptions, json: { type: "boolean" } } });
	const server = connectQueue(values);
	try {
		const jobs = [...server.outgoingQueue.getJobs()];
		if (values.json) {
			io.out(JSON.stringify(jobs.map((j) => j.toJSON()), null, 2));
		} else {
			io.out(jobsHeader);
			for (const j of jobs) io.out(jobLine(j));
		}
	} finally {
		await server.disconnect();
	}
	return 0;
}
