/**
 * `faxline copy-tiff JOBID PATH`: copies a queued job's TIFF Class F (no banner) to PATH (outgoing-job.md
 * §2.4 copyTiff; a relative PATH is taken from the current directory). Layer: cli.
 */
import { resolve } from "node:path";
import { connectQueue } from "../../jobs/cliSupport.js";
import type { CliIO } from "../io.js";
import type { QueueOpts } from "../jobAction.js";
import type { Parsed } from "../program.js";
import { checkOutputFile } from "../outputPaths.js";

export async function run(p: Parsed, io: CliIO): Promise<number> {
	const out = resolve(p.args[1]!);
	checkOutputFile(out, "PATH"); // never a directory or an input, writable: before the queue is opened
	const server = connectQueue(p.opts as QueueOpts);
	try {
		await server.outgoingQueue.getJob(p.args[0]!).copyTiff(out);
		io.out(out);
	} finally {
		await server.disconnect();
	}
	return 0;
}
