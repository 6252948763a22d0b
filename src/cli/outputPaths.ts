/**
 * Paths a command will write (issue 14 "output paths are checked before anything starts"): `--trace`,
 * `convert`'s OUT, `copy-tiff`'s PATH, the simulator's `--link`/`--out`, spool directories. Checked
 * before a document is opened or a modem dialled, so a careless path fails with one line (a FaxError)
 * and nothing has been overwritten yet:
 * - never one of the input documents (same device and inode: symlinks and hard links count);
 * - never a directory where a file is written (and never a file where a directory is);
 * - writable, proved by opening it for writing (without truncating) or creating and removing it: access(2)
 *   says yes to root on /proc and read-only mounts.
 * Inputs that are directories are refused here too, before any output is touched. Layer: cli.
 */
import { closeSync, constants as fsc, lstatSync, mkdirSync, mkdtempSync, openSync, rmdirSync, statSync, unlinkSync, type Stats } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { FaxError } from "../core/FaxError.js";

const statOrNull = (p: string): Stats | null => statSync(p, { throwIfNoEntry: false }) ?? null;

const errno = (e: unknown): string => (e as NodeJS.ErrnoException).code ?? (e as Error).message;

/** Input documents must be readable regular files (a directory is named as such, not "internal error"). */
export function checkInputFiles(paths: readonly string[]): void {
	for (const p of paths) {
		const st = statOrNull(p);
		if (!st) throw new FaxError("FILE_NOT_FOUND", `no such file: ${p}`);
		if (st.isDirectory()) throw new FaxError("FILE_ACCESS_DENIED", `${p} is a directory, not a document`);
	}
}

/** A file the command reads: a document (a plain path) or something else it names (`what`: "the modem device"). */
export type InputPath = string | { path: string; what: string };

/** The input `st` is, described ("the input document a.tif"), or undefined. */
function sameAsInput(st: Stats, inputs: readonly InputPath[]): string | undefined {
	for (const i of inputs) {
		const { path, what } = typeof i === "string" ? { path: i, what: "the input document" } : i;
		const s = statOrNull(path);
		if (s !== null && s.dev === st.dev && s.ino === st.ino) return `${what} ${path}`;
	}
	return undefined;
}

/**
 * A file the command will write (`what` names the option in messages, e.g. "--trace"). Throws USAGE when
 * it is a directory or one of `inputs`, FILE_ACCESS_DENIED when it cannot be written (a missing directory is
 * left to the writer, which reports it before any work). Leaves an existing file untouched and no file behind when none existed.
 */
export function checkOutputFile(path: string, what: string, inputs: readonly InputPath[] = []): void {
	const st = statOrNull(path);
	if (st) {
		if (st.isDirectory()) throw new FaxError("USAGE", `${what} ${path} is a directory; give a file name`);
		const input = sameAsInput(st, inputs);
		if (input !== undefined) throw new FaxError("USAGE", `${what} ${path} is ${input}; it would be overwritten`);
		try {
			closeSync(openSync(path, fsc.O_WRONLY | fsc.O_NONBLOCK | fsc.O_NOCTTY));
		} catch (e) {
			throw new FaxError("FILE_ACCESS_DENIED", `${what} ${path} is not writable (${errno(e)})`, { cause: e });
		}
		return;
	}
	const dir = dirname(resolve(path));
	const d = statOrNull(dir);
	if (!d) return; // the command's own writer says so, in its established words, before it starts
	if (!d.isDirectory()) throw new FaxError("USAGE", `${what} ${path}: ${dir} is not a directory`);
	try {
		closeSync(openSync(path, fsc.O_WRONLY | fsc.O_CREAT | fsc.O_EXCL | fsc.O_NOCTTY, 0o600));
		unlinkSync(path);
	} catch (e) {
		throw new FaxError("FILE_ACCESS_DENIED", `${what} ${path} cannot be created (${errno(e)})`, { cause: e });
	}
}

/**
 * A directory the command will write into (spool, received pages): created when missing; a FaxError when
 * it is a file (USAGE) or cannot be created or written (FILE_ACCESS_DENIED).
 */
export function checkOutputDir(path: string, what: string): void {
	const st = statOrNull(path);
	if (st && !st.isDirectory()) throw new FaxError("USAGE", `${what} ${path} is not a directory`);
	try {
		if (!st) mkdirSync(path, { recursive: true });
		rmdirSync(mkdtempSync(join(path, ".faxline-probe-")));
	} catch (e) {
		throw new FaxError("FILE_ACCESS_DENIED", `${what} ${path} is not a writable directory (${errno(e)})`, { cause: e });
	}
}

/** A symlink the command will (re)place (the simulator's `--link`): absent, or a symlink already. */
export function checkLinkPath(path: string, what: string): void {
	const st = lstatSync(path, { throwIfNoEntry: false });
	if (st && !st.isSymbolicLink()) throw new FaxError("USAGE", `${what} ${path} exists and is not a symlink; it would not be replaced`);
	if (!st) checkOutputFile(path, what);
}
