/**
 * Runs the BUILT `faxline` binary (dist/src/cli/main.js, what `npm i -g` installs) as a user would, for
 * the issue 13 CLI tests: builds it first when a source file is newer than the build (one build at a time
 * across test processes, through an exclusive lock directory), then spawns it with plain `node`.
 */
import { execFile, spawn, type ChildProcess, type StdioOptions } from "node:child_process";
import { mkdirSync, readdirSync, rmdirSync, statSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

export const root = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
export const BIN = join(root, "dist", "src", "cli", "main.js");

function newest(dir: string): number {
	let m = 0;
	for (const e of readdirSync(dir, { withFileTypes: true })) {
		const p = join(dir, e.name);
		if (e.isDirectory()) {
			if (e.name !== "build" && e.name !== "node_modules") m = Math.max(m, newest(p));
		} else if (e.name.endsWith(".ts")) m = Math.max(m, statSync(p).mtimeMs);
	}
	return m;
}

const builtAt = (): number => statSync(BIN, { throwIfNoEntry: false })?.mtimeMs ?? 0;

let ready: Promise<void> | undefined;

/** Resolves once dist/ is at least as new as src/, drivers/ and hw-mocks/ (`npm run build`). */
export function ensureBuilt(): Promise<void> {
	ready ??= (async () => {
		const lock = join(root, "dist.build-lock");
		const deadline = Date.now() + 300_000;
		for (;;) {
			const src = Math.max(newest(join(root, "src")), newest(join(root, "hw-mocks")), newest(join(root, "drivers")));
			if (builtAt() >= src) return;
			try {
				mkdirSync(lock);
			} catch {
				if (Date.now() > deadline) throw new Error("waited 5 min for another process's build (remove dist.build-lock if stale)");
				await new Promise((r) => setTimeout(r, 500));
				continue;
			}
			try {
				await new Promise<void>((res, rej) =>
					execFile(process.execPath, [join(root, "node_modules", "typescript", "bin", "tsc"), "-p", join(root, "tsconfig.build.json")], { cwd: root }, (e, out) => (e ? rej(new Error(`build failed: ${out}`)) : res())),
				);
			} finally {
				rmdirSync(lock);
			}
		}
	})();
	return ready;
}

export interface Run {
	code: number | null;
	signal: NodeJS.Signals | null;
	stdout: string;
	stderr: string;
}

export interface RunOptions {
	env?: Record<string, string | undefined>;
	cwd?: string;
	timeoutMs?: number;
}

/** `faxline ARGS` with the built binary; resolves when it exits. */
export async function faxlineBin(args: string[], o: RunOptions = {}): Promise<Run> {
	await ensureBuilt();
	return new Promise((res, rej) => {
		const c = spawnBin(args, o, ["ignore", "pipe", "pipe"]);
		let stdout = "";
		let stderr = "";
		c.stdout!.setEncoding("utf8").on("data", (d: string) => (stdout += d));
		c.stderr!.setEncoding("utf8").on("data", (d: string) => (stderr += d));
		const timer = setTimeout(() => {
			c.kill("SIGKILL");
			rej(new Error(`faxline ${args.join(" ")}: no exit within ${o.timeoutMs ?? 60_000} ms; stderr: ${stderr}`));
		}, o.timeoutMs ?? 60_000);
		c.once("close", (code, signal) => {
			clearTimeout(timer);
			res({ code, signal, stdout, stderr });
		});
	});
}

/** The built binary as a child process with the given stdio (for long-running commands, ptys, signals). */
export function spawnBin(args: string[], o: RunOptions = {}, stdio: StdioOptions = ["ignore", "pipe", "pipe"]): ChildProcess {
	const env: Record<string, string | undefined> = { ...process.env, NODE_OPTIONS: "", FORCE_COLOR: undefined, ...o.env };
	for (const k of Object.keys(env)) if (env[k] === undefined) delete env[k];
	return spawn(process.execPath, [BIN, ...args], { cwd: o.cwd ?? root, env: env as NodeJS.ProcessEnv, stdio });
}
