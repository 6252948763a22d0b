#!/usr/bin/env node
/**
 * faxline command-line entry (issue 13): `faxline <command> ...` is parsed from commandTable.ts
 * (program.ts), then src/cli/commands/<command>.ts is loaded (only then: `faxline --help` loads no engine)
 * and its `run(parsed, io)` returns the exit code. Conventions every command follows:
 * - help on stdout, exit 0; `--version`; usage errors exit 2 with one line and a hint;
 * - a failure is one line on stderr (never a stack trace; FAXLINE_DEBUG=1 for one) and exit 1; with
 *   `--json` also `{"error": {...}}` on stdout;
 * - SIGINT/SIGTERM abort `io.signal`: the command cleans up (a call ends with DCN), then exit 130/143;
 *   a second signal ends the process at once;
 * - a closed stdout (EPIPE) ends output quietly.
 * Layer: cli (top).
 */
import { FaxError } from "../core/FaxError.js";
import { didYouMean } from "../core/didYouMean.js";
import { COMMANDS, findCommand } from "./commandTable.js";
import type { CliIO } from "./io.js";
import { processIO } from "./io.js";
import { errorJson } from "./output.js";
import { packageVersion } from "./packageInfo.js";
import type { Parsed } from "./program.js";
import { commandHelp, mainHelp, parseCommand } from "./program.js";

type CommandModule = { run(p: Parsed, io: CliIO): Promise<number> };

/** Exit codes (README "Exit codes"). */
export const EXIT = { OK: 0, FAILED: 1, USAGE: 2, INTERNAL: 70, SIGINT: 130, SIGTERM: 143 } as const;

/** The one line and the exit code for an error thrown by a command. */
function describeError(cmd: string, e: unknown): { line: string; code: number; error: FaxError } {
	if (e instanceof FaxError) {
		if (e.code === "USAGE") return { line: `faxline ${cmd}: ${e.text.split("\n")[0]}; see 'faxline ${cmd} --help'`, code: EXIT.USAGE, error: e };
		return { line: `faxline ${cmd}: ${e.message}`, code: EXIT.FAILED, error: e };
	}
	const err = e as NodeJS.ErrnoException;
	if (err?.code === "ENOENT") {
		const fe = new FaxError("FILE_NOT_FOUND", `no such file: ${err.path ?? err.message}`);
		return { line: `faxline ${cmd}: ${fe.text}`, code: EXIT.FAILED, error: fe };
	}
	if (err?.code === "EACCES" || err?.code === "EPERM") {
		const fe = new FaxError("FILE_ACCESS_DENIED", `permission denied: ${err.path ?? err.message}`);
		return { line: `faxline ${cmd}: ${fe.text}`, code: EXIT.FAILED, error: fe };
	}
	const fe = new FaxError("STORE_ERROR", `internal error: ${err?.message ?? String(e)}`);
	return { line: `faxline ${cmd}: ${fe.text}`, code: EXIT.INTERNAL, error: fe };
}

export async function main(argv: string[], io: CliIO = processIO()): Promise<number> {
	const [cmd, ...rest] = argv;
	if (cmd === "-V" || cmd === "--version" || cmd === "version") {
		io.out(`faxline ${packageVersion()}`);
		return EXIT.OK;
	}
	if (cmd === "-h" || cmd === "--help" || cmd === "help") {
		const sub = cmd === "help" && rest[0] ? findCommand(rest[0]) : undefined;
		if (cmd === "help" && rest[0] && !sub) return unknownCommand(rest[0], io);
		io.out((sub ? commandHelp(sub) : mainHelp(packageVersion())).trimEnd());
		return EXIT.OK;
	}
	if (!cmd) {
		io.err(mainHelp(packageVersion()).trimEnd());
		io.err("faxline: no command given; see 'faxline --help'");
		return EXIT.USAGE;
	}
	const spec = findCommand(cmd);
	if (!spec) return unknownCommand(cmd, io);
	const json = rest.includes("--json");
	try {
		const p = parseCommand(spec, rest);
		if (p.kind === "help") {
			io.out(p.text.trimEnd());
			return EXIT.OK;
		}
		const mod = (await import(`./commands/${cmd}.js`)) as CommandModule;
		const code = await mod.run(p.parsed, io);
		return io.signal?.aborted ? signalExit(io.signal) : code;
	} catch (e) {
		if (process.env.FAXLINE_DEBUG) io.err(String((e as Error)?.stack ?? e));
		const d = describeError(cmd, e);
		if (json) io.out(JSON.stringify(errorJson(d.error, d.code), null, 2));
		io.err(d.line);
		return io.signal?.aborted ? signalExit(io.signal) : d.code;
	}
}

function unknownCommand(cmd: string, io: CliIO): number {
	const near = didYouMean(cmd, COMMANDS.map((c) => c.name));
	io.err(`faxline: unknown command '${cmd}'${near ? ` (did you mean ${near}?)` : ""}; see 'faxline --help'`);
	return EXIT.USAGE;
}

const signalExit = (s: AbortSignal): number => ((s.reason as { signal?: string } | undefined)?.signal === "SIGTERM" ? EXIT.SIGTERM : EXIT.SIGINT);

/** Runs as the `faxline` binary: real streams, signals abort io.signal (a second one ends at once). */
export function runAsProcess(): void {
	const ac = new AbortController();
	const onSignal = (sig: NodeJS.Signals) => {
		if (ac.signal.aborted) process.exit(sig === "SIGTERM" ? EXIT.SIGTERM : EXIT.SIGINT);
		ac.abort(Object.assign(new FaxError("CALL_ABORTED", sig === "SIGINT" ? "interrupted by the user" : "terminated (SIGTERM)"), { signal: sig }));
	};
	process.on("SIGINT", onSignal);
	process.on("SIGTERM", onSignal);
	main(process.argv.slice(2), processIO(ac.signal)).then(
		(code) => {
			process.exitCode = code;
			process.off("SIGINT", onSignal);
			process.off("SIGTERM", onSignal);
		},
		(e) => {
			process.stderr.write(`faxline: ${String(e)}\n`);
			process.exitCode = EXIT.INTERNAL;
		},
	);
}

// Run when executed directly (bin or `tsx src/cli/main.ts`).
const invoked = process.argv[1] ?? "";
if (/(?:^|[\\/])(?:main\.(?:ts|js)|faxline)$/.test(invoked)) runAsProcess();
