#!/usr/bin/env node
/**
 * faxline command-line entry: dispatches `faxline <command> ...` to src/cli/commands/<command>.ts,
 * each exporting `run(argv, io): Promise<number>` (the exit code). Errors become one clear line on
 * stderr and a non-zero exit, never a stack trace (set FAXLINE_DEBUG=1 for one). Layer: cli (top).
 */
import { FaxError } from "../core/FaxError.js";
import type { CliIO } from "./io.js";
import { processIO } from "./io.js";

const COMMANDS: Record<string, string> = {
	info: "per page: width, height, resolution, compression, fill order",
	convert: "convert TIFF/PBM/raw T.4 to TIFF Class F or PBM",
	send: "send a fax through a Class 1 modem",
	receive: "answer calls and receive faxes on a Class 1 modem",
	inbox: "list the received faxes (the daemon's inbox)",
	incoming: "list the calls being received",
	sim: "run the Class 1 modem simulator on a pty",
	demo: "send a sample document through the built-in simulator",
	daemon: "run the outgoing queue and its modems",
	submit: "submit a fax to the queue",
	jobs: "list the outgoing queue",
	job: "show one job",
	cancel: "cancel a job",
	pause: "pause a job",
	resume: "resume a job",
	restart: "restart a failed job",
	"copy-tiff": "copy a job's TIFF",
	probe: "identify a modem and its capabilities",
};

function usage(io: CliIO): void {
	io.err("usage: faxline <command> [options]\n\ncommands:");
	for (const [k, v] of Object.entries(COMMANDS)) io.err(`  ${k.padEnd(10)} ${v}`);
}

export async function main(argv: string[], io: CliIO = processIO): Promise<number> {
	const [cmd, ...rest] = argv;
	if (!cmd || cmd === "-h" || cmd === "--help" || cmd === "help") {
		usage(io);
		return cmd ? 0 : 2;
	}
	if (!(cmd in COMMANDS)) {
		io.err(`faxline: unknown command '${cmd}' (try 'faxline help')`);
		return 2;
	}
	try {
		const mod = (await import(`./commands/${cmd}.js`)) as { run(argv: string[], io: CliIO): Promise<number> };
		return await mod.run(rest, io);
	} catch (e) {
		if (process.env.FAXLINE_DEBUG) io.err(String((e as Error)?.stack ?? e));
		if (e instanceof FaxError) {
			io.err(`faxline ${cmd}: ${e.message}`);
			return e.code === "USAGE" ? 2 : 1;
		}
		const err = e as NodeJS.ErrnoException;
		if (err?.code === "ERR_MODULE_NOT_FOUND" && String(err.message).includes(`commands/${cmd}.`)) {
			io.err(`faxline: '${cmd}' is not available in this build`);
			return 2;
		}
		if (err?.code === "ENOENT") {
			io.err(`faxline ${cmd}: no such file: ${err.path ?? err.message}`);
			return 1;
		}
		if (err?.code === "ERR_PARSE_ARGS_UNKNOWN_OPTION" || err?.code === "ERR_PARSE_ARGS_INVALID_OPTION_VALUE" || err?.code === "ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL") {
			io.err(`faxline ${cmd}: ${err.message}`);
			return 2;
		}
		io.err(`faxline ${cmd}: internal error: ${err?.message ?? String(e)}`);
		return 70;
	}
}

// Run when executed directly (bin or `tsx src/cli/main.ts`).
const invoked = process.argv[1] ?? "";
if (/(?:^|[\\/])(?:main\.(?:ts|js)|faxline)$/.test(invoked)) {
	main(process.argv.slice(2)).then(
		(code) => {
			process.exitCode = code;
		},
		(e) => {
			process.stderr.write(`faxline: ${String(e)}\n`);
			process.exitCode = 70;
		},
	);
}
