/**
 * Runs a CLI command module in-process with argv parsed by its entry in the command table, as `faxline`
 * would (src/cli/program.ts parseCommand): tests call `runCommand("convert", [IN, OUT], io)`.
 */
import { findCommand } from "../../src/cli/commandTable.js";
import type { CliIO } from "../../src/cli/io.js";
import { parseCommand, type Parsed } from "../../src/cli/program.js";

export function parsed(name: string, argv: readonly string[]): Parsed {
	const spec = findCommand(name);
	if (!spec) throw new Error(`no command ${name}`);
	const r = parseCommand(spec, argv);
	if (r.kind !== "run") throw new Error(`${name}: help asked`);
	return r.parsed;
}

export async function runCommand(name: string, argv: readonly string[], io: CliIO): Promise<number> {
	const mod = (await import(`../../src/cli/commands/${name}.js`)) as { run(p: Parsed, io: CliIO): Promise<number> };
	return mod.run(parsed(name, argv), io);
}
