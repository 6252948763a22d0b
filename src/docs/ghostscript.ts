/**
 * Ghostscript as a child process: the renderer HylaFAX, efax and mgetty use for PDF and PostScript.
 * Always `-dSAFER` (no file access beyond what is named), never through a shell (argument vectors only),
 * under a time limit (killed with SIGKILL past it). The input is reached through a symlink with a fixed,
 * safe name in our private temp dir, so no user path is ever spliced into PostScript. Nothing the user
 * owns is written. Errors become FaxError DOC_ENCRYPTED / DOC_MALFORMED / DOC_TIMEOUT / RENDERER_MISSING.
 * Layer: docs (may spawn gs; no modem/t30/jobs).
 */
import { spawn } from "node:child_process";
import type { ChildProcess } from "node:child_process";
import { FaxError } from "../core/FaxError.js";

/** The gs binary: FAXLINE_GS overrides (tests use it to simulate a missing Ghostscript). */
export const gsBinary = (): string => process.env.FAXLINE_GS || "gs";

export const INSTALL_GS = "Ghostscript (gs) is needed for PDF and PostScript files: install it with 'apt-get install ghostscript' (Debian/Ubuntu), 'dnf install ghostscript' (Fedora) or 'brew install ghostscript' (macOS)";

/** Flags every run gets. */
export const GS_BASE = ["-q", "-dSAFER", "-dBATCH", "-dNOPAUSE", "-dNOPROMPT", "-dQUIET"];

export interface GsResult {
	code: number | null;
	stdout: string;
	stderr: string;
}

export interface GsRun {
	child: ChildProcess;
	done: Promise<GsResult>;
	/** kill it (SIGKILL); `done` then resolves with code null */
	kill(): void;
	/** restart the time limit at `ms` from now */
	rearm(ms: number): void;
}

/** Starts gs with `args`; `done` rejects only for RENDERER_MISSING (spawn ENOENT) and DOC_TIMEOUT. */
export function startGs(args: readonly string[], timeoutMs: number, what: string): GsRun {
	const child = spawn(gsBinary(), [...GS_BASE, ...args], { shell: false, stdio: ["ignore", "pipe", "pipe"], env: { ...process.env, GS_LIB: process.env.GS_LIB ?? "" } });
	let stdout = "";
	let stderr = "";
	const cap = (s: string, d: Buffer) => (s.length < 65536 ? s + d.toString("latin1") : s);
	child.stdout!.on("data", (d: Buffer) => (stdout = cap(stdout, d)));
	child.stderr!.on("data", (d: Buffer) => (stderr = cap(stderr, d)));
	let timedOut = false;
	let limitMs = timeoutMs;
	const expire = (): void => {
		timedOut = true;
		child.kill("SIGKILL");
	};
	let timer = setTimeout(expire, timeoutMs);
	const done = new Promise<GsResult>((resolve, reject) => {
		child.once("error", (e: NodeJS.ErrnoException) => {
			clearTimeout(timer);
			reject(e.code === "ENOENT" ? new FaxError("RENDERER_MISSING", INSTALL_GS, { cause: e }) : new FaxError("DOC_MALFORMED", `cannot run Ghostscript: ${e.message}`, { cause: e }));
		});
		child.once("close", (code) => {
			clearTimeout(timer);
			if (timedOut) reject(new FaxError("DOC_TIMEOUT", `${what}: Ghostscript did not finish within ${Math.round(limitMs / 1000)} s (hostile or too complex document); stopped`));
			else resolve({ code, stdout, stderr });
		});
	});
	done.catch(() => undefined); // the caller awaits it; never an unhandled rejection
	return {
		child,
		done,
		kill: () => {
			clearTimeout(timer);
			child.kill("SIGKILL");
		},
		rearm: (ms) => {
			clearTimeout(timer);
			limitMs = ms;
			if (child.exitCode === null && child.signalCode === null) timer = setTimeout(expire, ms);
		},
	};
}

/** Runs gs to the end. */
export async function runGs(args: readonly string[], timeoutMs: number, what: string): Promise<GsResult> {
	return startGs(args, timeoutMs, what).done;
}

/** A failed gs run as a typed error: encrypted files get DOC_ENCRYPTED, everything else DOC_MALFORMED. */
export function gsFailure(r: GsResult, what: string): FaxError {
	const text = `${r.stderr}\n${r.stdout}`;
	if (/password|encrypt/i.test(text)) return new FaxError("DOC_ENCRYPTED", `${what} is password-protected (encrypted); save an unprotected copy and send that`);
	const line = text
		.split(/\r?\n/)
		.map((l) => l.trim())
		.find((l) => /error|unable|cannot|couldn't|invalid|undefined/i.test(l));
	return new FaxError("DOC_MALFORMED", `${what} could not be read by Ghostscript${line ? `: ${line.slice(0, 200)}` : ` (exit ${r.code})`}`);
}

/**
 * Page count of a PDF (the interpreter reads the xref and page tree only). `input` is the safe symlink.
 */
export async function pdfPageCount(input: string, timeoutMs: number, what: string): Promise<number> {
	const r = await runGs(["-dNODISPLAY", `--permit-file-read=${input}`, `-sFaxlineIn=${input}`, "-c", "FaxlineIn (r) file runpdfbegin pdfpagecount = quit"], timeoutMs, what);
	const m = /^\s*(\d+)\s*$/m.exec(r.stdout);
	const n = m ? Number(m[1]) : 0;
	if (r.code !== 0 || n < 1) throw gsFailure(r, what);
	return n;
}
