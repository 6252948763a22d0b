/** `faxline pause ID (--spool DIR | --config FILE)`: see src/cli/jobAction.ts (outgoing-job.md §2.4). Layer: cli. */
import type { CliIO } from "../io.js";
import { runJobAction } from "../jobAction.js";

export const run = (argv: string[], io: CliIO): Promise<number> => runJobAction("pause", argv, io);
