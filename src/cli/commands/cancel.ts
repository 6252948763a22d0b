/**
 * `faxline cancel ID (--spool DIR | --config FILE)`: asks the running daemon to cancel a job (outgoing-job.md
 * §2.4); returns once the daemon accepted it, or prints its error (INVALID_OPERATION, MESSAGE_NOT_FOUND...).
 * Layer: cli.
 */
import { parseArgs } from "node:util";
import { FaxError } from "../../core/FaxError.js";
import { connectQueue, spoolOptions } from "../../jobs/cliSupport.js";
import type { CliIO } from "../io.js";

export async function run(argv: string[], io: CliIO): Promise<number> {
	const { values, positionals } = parseArgs({ args: argv, strict: true, allowPositionals: true, options: spoolOptions });
	if (positionals.length !== 1) throw new FaxError("USAGE", "usage: faxline cancel ID (--spool DIR | --config FILE)");
	const server = connectQueue(values);
	try {
		await server.outgoingQueue.getJob(positionals[0]!).cancel();
		io.out(`canceled ${positionals[0]}`);
	} finally {
		await server.disconnect();
	}
	return 0;
}
