/**
 * Finding, reading and validating faxline.json (issue 13 "Config"). The file is found by `--config`, then
 * $FAXLINE_CONFIG, then ./faxline.json, then the user's config dir ($XDG_CONFIG_HOME or ~/.config
 * /faxline/faxline.json), then /etc/faxline/faxline.json. It is checked against configSchema.ts; an error
 * names the file, the key path and what was expected (with its unit), and an unknown key is refused with
 * the nearest known one ("did you mean"). Layer: jobs.
 */
import { existsSync, readFileSync } from "node:fs";
import { homedir } from "node:os";
import { dirname, join, resolve } from "node:path";
import type { z } from "zod";
import { FaxError } from "../core/FaxError.js";
import { didYouMean } from "../core/didYouMean.js";
import { configSchema, type ConfigInput } from "./configSchema.js";

/** Where a config is looked for, in order, when no --config is given (absent files are skipped). */
export function configSearchPath(env: NodeJS.ProcessEnv = process.env, cwd = process.cwd()): string[] {
	const out: string[] = [];
	if (env.FAXLINE_CONFIG) out.push(resolve(cwd, env.FAXLINE_CONFIG));
	out.push(join(cwd, "faxline.json"));
	const xdg = env.XDG_CONFIG_HOME || join(env.HOME || homedir(), ".config");
	out.push(join(xdg, "faxline", "faxline.json"));
	out.push("/etc/faxline/faxline.json");
	return out;
}

/**
 * The config file to use: `explicit` (must exist), else $FAXLINE_CONFIG (must exist), else the first of
 * the search path that exists; undefined when there is none.
 */
export function findConfigFile(explicit?: string, env: NodeJS.ProcessEnv = process.env, cwd = process.cwd()): string | undefined {
	if (explicit) {
		if (!existsSync(explicit)) throw new FaxError("FILE_NOT_FOUND", `no such config file: ${explicit} (given by --config)`);
		return resolve(cwd, explicit);
	}
	if (env.FAXLINE_CONFIG && !existsSync(resolve(cwd, env.FAXLINE_CONFIG))) throw new FaxError("FILE_NOT_FOUND", `no such config file: ${env.FAXLINE_CONFIG} (given by FAXLINE_CONFIG)`);
	return configSearchPath(env, cwd).find((p) => existsSync(p));
}

/** Reads and validates a config file: the raw, checked object (paths not yet resolved). */
export function readConfigFile(file: string): ConfigInput {
	let text: string;
	try {
		text = readFileSync(file, "utf8");
	} catch (e) {
		const code = (e as NodeJS.ErrnoException).code;
		if (code === "ENOENT") throw new FaxError("FILE_NOT_FOUND", `no such config file: ${file}`);
		if (code === "EACCES") throw new FaxError("FILE_ACCESS_DENIED", `${file}: cannot read the config file (permission denied)`);
		throw new FaxError("CONFIG_INVALID", `${file}: ${(e as Error).message}`);
	}
	let raw: unknown;
	try {
		raw = JSON.parse(text);
	} catch (e) {
		throw new FaxError("CONFIG_INVALID", `${file}: not valid JSON: ${(e as Error).message}`);
	}
	return checkConfig(raw, file);
}

/** Validates an already-parsed config; CONFIG_INVALID naming `what`, the key path and what was expected. */
export function checkConfig(raw: unknown, what = "config"): ConfigInput {
	const r = configSchema.safeParse(raw);
	if (r.success) return r.data;
	const lines = r.error.issues.slice(0, 5).map((i) => describeIssue(i, raw));
	const more = r.error.issues.length > 5 ? ` (and ${r.error.issues.length - 5} more)` : "";
	throw new FaxError("CONFIG_INVALID", `${what}: ${lines.join("; ")}${more}`, { context: { file: what, issues: r.error.issues.map((i) => ({ path: i.path.join("."), message: i.message })) } });
}

const keyPath = (path: readonly PropertyKey[]): string =>
	path.map((p, i) => (typeof p === "number" ? `[${p}]` : `${i ? "." : ""}${String(p)}`)).join("") || "(top level)";

function valueAt(raw: unknown, path: readonly PropertyKey[]): unknown {
	let v = raw;
	for (const p of path) v = v !== null && typeof v === "object" ? (v as Record<PropertyKey, unknown>)[p] : undefined;
	return v;
}

/** The schema node at `path` (unwrapping optional/array), to find its unit text and its known keys. */
function schemaAt(path: readonly PropertyKey[]): z.ZodType | undefined {
	let s: z.ZodType | undefined = configSchema;
	for (const p of path) {
		s = unwrap(s);
		const def = (s as unknown as { def?: { type?: string; shape?: Record<string, z.ZodType>; element?: z.ZodType } } | undefined)?.def;
		if (def?.type === "object" && typeof p === "string") s = def.shape?.[p];
		else if (def?.type === "array" && typeof p === "number") s = def.element;
		else return undefined;
	}
	return s;
}

function unwrap(s: z.ZodType | undefined): z.ZodType | undefined {
	let cur = s;
	while (cur && (cur as unknown as { def: { type: string } }).def.type === "optional") cur = (cur as unknown as { def: { innerType: z.ZodType } }).def.innerType;
	return cur;
}

function describeIssue(i: z.core.$ZodIssue, raw: unknown): string {
	if (i.code === "unrecognized_keys") {
		const obj = unwrap(schemaAt(i.path));
		const known = Object.keys((obj as unknown as { def?: { shape?: Record<string, unknown> } } | undefined)?.def?.shape ?? {});
		return i.keys
			.map((k) => {
				const near = didYouMean(k, known);
				return `${keyPath([...i.path, k])}: unknown key${near ? ` (did you mean "${near}"?)` : ""}; known keys here: ${known.filter((x) => x !== "$schema").join(", ")}`;
			})
			.join("; ");
	}
	const node = schemaAt(i.path);
	const unit = node?.description ?? unwrap(node)?.description;
	const got = valueAt(raw, i.path);
	const gotText = got === undefined ? "nothing" : JSON.stringify(got);
	const expected = unit ? `expected ${unit}` : i.message.replace(/^Invalid input: /, "").replace(/, received \w+$/, "");
	if (got === undefined) return `${keyPath(i.path)}: required (${expected})`;
	return `${keyPath(i.path)}: ${expected}, got ${gotText}`;
}

/** The directory relative paths in `file` resolve against. */
export const configBaseDir = (file: string): string => dirname(resolve(file));
