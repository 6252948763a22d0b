/**
 * The shared body of `faxline cancel|pause|resume|restart ID (--spool DIR | --config FILE)`: asks the
 * running daemon to act on one job (outgoing-job.md §2.4) and returns once it accepted, or throws its
 * FaxError (INVALID_OPERATION, MESSAGE_NOT_FOUND...). Layer: cli.
 */
import { parseArgs } from "node:util";
import { FaxError } from "../core/FaxError.js";
import { connectQueue, spoolOptions } from "../jobs/cliSupport.js";
import type { CliIO } from "./io.js";

export type JobAction = "cancel" | "pause" | "resume" | "restart";

const DONE: Record<JobAction, string> = { cancel: "canceled", pause: "paused", resume: "resumed", restart: "restarted" };

export async function runJobAction(action: JobAction, argv: string[], io: CliIO): Promise<number> {
	const { values, positionals } = parseArgs({ args: argv, strict: true, allowPositionals: true, options: spoolOptions });
	if (positionals.length !== 1) throw new FaxError("USAGE", `usage: faxline ${action} ID (--spool DIR | --config FILE)`);
	const id = positionals[0]!;
	const server = connectQueue(values);
	try {
		await server.outgoingQueue.getJob(id)[action]();
		io.out(`${DONE[action]} ${id}`);
	} finally {
		await server.disconnect();
	}
	return 0;
}
