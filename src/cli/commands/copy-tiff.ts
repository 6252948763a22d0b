/**
 * `faxline copy-tiff ID PATH (--spool DIR | --config FILE)`: copies a queued job's TIFF Class F (no
 * banner) to PATH (outgoing-job.md §2.4 copyTiff; a relative PATH is taken from the current directory).
 * Layer: cli.
 */
import { resolve } from "node:path";
import { parseArgs } from "node:util";
import { FaxError } from "../../core/FaxError.js";
import { connectQueue, spoolOptions } from "../../jobs/cliSupport.js";
import type { CliIO } from "../io.js";
import { checkOutputFile } from "../outputPaths.js";

export async function run(argv: string[], io: CliIO): Promise<number> {
	const { values, positionals } = parseArgs({ args: argv, strict: true, allowPositionals: true, options: spoolOptions });
	if (positionals.length !== 2) throw new FaxError("USAGE", "usage: faxline copy-tiff ID PATH (--spool DIR | --config FILE)");
	const out = resolve(positionals[1]!);
	checkOutputFile(out, "PATH");
	const server = connectQueue(values);
	try {
		await server.outgoingQueue.getJob(positionals[0]!).copyTiff(out);
		io.out(out);
	} finally {
		await server.disconnect();
	}
	return 0;
}
