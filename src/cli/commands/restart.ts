/** `faxline restart JOBID`: see src/cli/jobAction.ts (outgoing-job.md §2.4). Layer: cli. */
import type { CliIO } from "../io.js";
import { runJobAction } from "../jobAction.js";
import type { Parsed } from "../program.js";

export const run = (p: Parsed, io: CliIO): Promise<number> => runJobAction("restart", p, io);
