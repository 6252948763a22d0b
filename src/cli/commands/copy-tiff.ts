/**
 * `faxline copy-tiff JOBID PATH`: copies a queued job's TIFF Class F (no banner) to PATH (outgoing-job.md
 * §2.4 copyTiff; a relative PATH is taken from the current directory). Layer: cli.
 */
import { resolve } from "node:path";
import { connectQueue } from "../../jobs/cliSupport.js";
import type { CliIO } from "../io.js";
import type { QueueOpts } from "../jobAction.js";
import type { Parsed } from "../program.js";

export async function run(p: Parsed, io: CliIO): Promise<number> {
	const server = connectQueue(p.opts as QueueOpts);
	try {
		const out = resolve(p.args[1]!);
		await server.outgoingQueue.getJob(p.args[0]!).copyTiff(out);
		io.out(out);
	} finally {
		await server.disconnect();
	}
	return 0;
}
