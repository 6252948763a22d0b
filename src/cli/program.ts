/**
 * Parsing and help for one `faxline` command, made from its row of commandTable.ts with commander
 * (help layout, choices, "did you mean" for options). Help goes to stdout; a usage error becomes one
 * FaxError USAGE line that main() prints with a hint and exit 2. Layer: cli.
 */
import { Command, CommanderError, Option } from "commander";
import { FaxError } from "../core/FaxError.js";
import type { CommandSpec, OptionSpec } from "./commandTable.js";
import { COMMANDS } from "./commandTable.js";

/** What a command body receives: option values by camelCase name (absent = undefined) and positionals. */
export interface Parsed {
	opts: Record<string, unknown>;
	args: string[];
}

/** The outcome of parsing: run the command, or the help text to print. */
export type ParseOutcome = { kind: "run"; parsed: Parsed } | { kind: "help"; text: string };

function describe(o: OptionSpec): string {
	let s = o.help;
	if (o.unit) s += ` [${o.unit}]`;
	if (o.repeat) s += " (repeatable)";
	if (o.default !== undefined) s += ` (default: ${o.default})`;
	return s;
}

function build(spec: CommandSpec, capture: { out: string; err: string }): Command {
	const cmd = new Command(spec.name)
		.description(spec.summary)
		.exitOverride()
		.configureOutput({ writeOut: (s) => void (capture.out += s), writeErr: (s) => void (capture.err += s), outputError: () => undefined })
		.helpOption("-h, --help", "show this help")
		.showSuggestionAfterError(true)
		.allowExcessArguments(false);
	cmd.name(`faxline ${spec.name}`);
	if (spec.args) cmd.arguments(spec.args);
	for (const o of spec.options) {
		const opt = new Option(o.flags, describe(o));
		if (o.choices) opt.choices(o.choices);
		if (o.repeat) opt.argParser((v: string, prev: string[] | undefined) => [...(prev ?? []), v]);
		cmd.addOption(opt);
	}
	if (spec.notes?.length) cmd.addHelpText("after", "\n" + spec.notes.join("\n"));
	cmd.action(() => undefined);
	return cmd;
}

/** commander's error text as one line: "unknown option '--bogus' (did you mean --to?)". */
export function oneLine(message: string): string {
	return message
		.replace(/^error: /, "")
		.split("\n")
		.map((s) => s.trim())
		.filter(Boolean)
		.join(" ")
		.replace("(Did you mean", "(did you mean")
		.replace(/\.$/, "");
}

/** Parse `argv` (after the command name) for `spec`; USAGE FaxError on bad usage. */
export function parseCommand(spec: CommandSpec, argv: readonly string[]): ParseOutcome {
	const capture = { out: "", err: "" };
	const cmd = build(spec, capture);
	try {
		cmd.parse([...argv], { from: "user" });
	} catch (e) {
		if (e instanceof CommanderError) {
			if (e.code === "commander.helpDisplayed" || e.code === "commander.help") return { kind: "help", text: capture.out };
			throw new FaxError("USAGE", oneLine(e.message));
		}
		throw e;
	}
	return { kind: "run", parsed: { opts: cmd.opts(), args: [...cmd.args] } };
}

/** The help text of one command. */
export function commandHelp(spec: CommandSpec): string {
	const capture = { out: "", err: "" };
	return build(spec, capture).helpInformation() + (spec.notes?.length ? "\n" + spec.notes.join("\n") + "\n" : "");
}

/** `faxline --help`. */
export function mainHelp(version: string): string {
	const w = Math.max(...COMMANDS.map((c) => c.name.length));
	return [
		`faxline ${version}: send and receive faxes through Class 1, 2 and 2.0 fax modems; a queue, an inbox, a daemon, document and TIFF tools`,
		"",
		"usage: faxline <command> [options]",
		"       faxline <command> --help     options of a command, with defaults and units",
		"       faxline --version",
		"",
		"commands:",
		...COMMANDS.map((c) => `  ${c.name.padEnd(w)}  ${c.summary}`),
		"",
		"Every reporting command takes --json. Exit codes: 0 ok, 1 failed, 2 usage, 130 interrupted.",
		"Config: --config FILE, else $FAXLINE_CONFIG, ./faxline.json, ~/.config/faxline/faxline.json, /etc/faxline/faxline.json.",
		"",
	].join("\n");
}
