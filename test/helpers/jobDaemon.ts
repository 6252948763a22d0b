/**
 * Runs `faxline daemon` (and other faxline commands) as real child processes for the job integration
 * tests: spawn with tsx, wait for stdout lines matching a pattern with a deadline, SIGKILL/SIGTERM, run a
 * CLI command and capture its output and exit code.
 */
import type { ExecutionContext } from "ava";
import { spawn, type ChildProcess } from "node:child_process";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
const MAIN = join(root, "src", "cli", "main.ts");

export interface DaemonProcess {
	child: ChildProcess;
	lines: string[];
	/**
	 * Resolves with the first line (seen so far, from index `from` of `lines`, or later) matching `re`;
	 * rejects after `ms` (default 60 s: a cold tsx start on a loaded 2-core machine is slow).
	 */
	waitLine(re: RegExp, ms?: number, from?: number): Promise<string>;
	exited: Promise<number | null>;
}

export function startDaemon(t: ExecutionContext, config: string, env: Record<string, string> = {}): DaemonProcess {
	return startFaxline(t, ["daemon", "--config", config], env);
}

/** `faxline sim --link PATH ...` (the pty modem simulator) as a child process. */
export function startSim(t: ExecutionContext, link: string, more: string[] = []): DaemonProcess {
	return startFaxline(t, ["sim", "--link", link, ...more]);
}

/** Any long-running faxline command as a child process with line-wise stdout. */
export function startFaxline(t: ExecutionContext, args: string[], env: Record<string, string> = {}): DaemonProcess {
	const child = spawn(process.execPath, ["--import", "tsx", MAIN, ...args], {
		cwd: root,
		env: { ...process.env, FAXLINE_TEST_MODEMS: "1", ...env },
		stdio: ["ignore", "pipe", "pipe"],
	});
	const lines: string[] = [];
	const waiters: Array<{ re: RegExp; res: (l: string) => void }> = [];
	let buf = "";
	child.stdout!.setEncoding("utf8").on("data", (d: string) => {
		buf += d;
		let i: number;
		while ((i = buf.indexOf("\n")) >= 0) {
			// the daemon's log prefix (issue 13: "<ISO time> <LEVEL> "): tests match the message
			const l = buf.slice(0, i).replace(/^\d{4}-\d\d-\d\dT[\d:.]+Z (?:DEBUG|INFO|WARN|ERROR) +/, "");
			buf = buf.slice(i + 1);
			lines.push(l);
			for (const w of [...waiters]) if (w.re.test(l)) {
				waiters.splice(waiters.indexOf(w), 1);
				w.res(l);
			}
		}
	});
	let stderr = "";
	child.stderr!.setEncoding("utf8").on("data", (d: string) => (stderr += d));
	const exited = new Promise<number | null>((res) => child.once("exit", (code) => res(code)));
	t.teardown(() => {
		if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
	});
	return {
		child,
		lines,
		exited,
		waitLine(re, ms = 60_000, from = 0) {
			const hit = lines.slice(from).find((l) => re.test(l));
			if (hit) return Promise.resolve(hit);
			return new Promise((res, rej) => {
				const w = { re, res: (l: string) => (clearTimeout(timer), res(l)) };
				const timer = setTimeout(() => {
					waiters.splice(waiters.indexOf(w), 1);
					rej(new Error(`no daemon line matching ${re} within ${ms} ms; stderr: ${stderr.slice(-500)}; last lines: ${lines.slice(-5).join(" | ")}`));
				}, ms);
				waiters.push(w);
			});
		},
	};
}

/** Run `faxline <args>`; resolves with its exit code and output. */
export function faxline(args: string[], env: Record<string, string> = {}): Promise<{ code: number | null; out: string; err: string }> {
	return new Promise((res) => {
		const c = spawn(process.execPath, ["--import", "tsx", MAIN, ...args], { cwd: root, env: { ...process.env, ...env }, stdio: ["ignore", "pipe", "pipe"] });
		let out = "";
		let err = "";
		c.stdout.setEncoding("utf8").on("data", (d: string) => (out += d));
		c.stderr.setEncoding("utf8").on("data", (d: string) => (err += d));
		c.once("exit", (code) => res({ code, out, err }));
	});
}
