/**
 * mgetty-fax's `sendfax` (Debian mgetty-fax 1.2.1, Gert Doering) as an independent Class 2 / 2.0 DTE:
 * runs `sendfax -v -x 4 -l <tty> -C c2.0|cls2 [-n] <number> <page.g3 ...>` against a modem such as
 * `faxline sim --class 2|2.0`. sendfax takes raw G3 pages, one file per page, as mgetty's pbm2g3
 * writes them (sendfax(8)); its device must live under /dev (`-l ttyXXX`), so the pty is linked there
 * under a unique name for the run. Its own log goes to /var/log/mgetty/sendfax.log; stdout carries the
 * -v progress. Exit codes (sendfax(8)): 0 all pages sent, 1 usage, 2 cannot open/lock device,
 * 3 modem init failed, 4 dial failed (BUSY/NO CARRIER...), 10-12 page transmission failed.
 * Layer: hw-mocks (tests only).
 */
import { execFile, spawn } from "node:child_process";
import { readlinkSync, symlinkSync, unlinkSync, writeFileSync } from "node:fs";
import { basename, join } from "node:path";
import { promisify } from "node:util";

const run = promisify(execFile);

export interface SendfaxOptions {
	/** the modem's pty (a symlink is resolved) */
	device: string;
	fclass: "2" | "2.0";
	files: string[];
	number?: string;
	/** send at normal resolution (-n); default fine */
	normal?: boolean;
	timeoutMs?: number;
}

export interface SendfaxResult {
	exitCode: number | null;
	ok: boolean;
	log: string;
	timedOut: boolean;
}

/** Raw G3 (MH, MSB first, as mgetty writes) for a PBM file, by mgetty's own pbm2g3. */
export async function pbmToG3(pbmPath: string, out: string): Promise<void> {
	const { stdout } = await run("pbm2g3", [pbmPath], { encoding: "buffer", maxBuffer: 16 << 20 });
	writeFileSync(out, stdout);
}

/** Send `files` with sendfax through `device`; resolves when it exits (never rejects for a failed call). */
export async function sendfaxSend(o: SendfaxOptions): Promise<SendfaxResult> {
	let target = o.device;
	try {
		target = readlinkSync(o.device);
	} catch {
		// not a link: the pty itself
	}
	const name = `faxline-${basename(target)}-${process.pid}-${Date.now().toString(36)}`;
	const link = join("/dev", name);
	symlinkSync(target, link);
	try {
		const args = ["-v", "-x", "4", "-l", name, "-C", o.fclass === "2.0" ? "c2.0" : "cls2", ...(o.normal ? ["-n"] : []), o.number ?? "5551234", ...o.files];
		const child = spawn("sendfax", args, { stdio: ["ignore", "pipe", "pipe"] });
		let log = "";
		child.stdout.setEncoding("latin1").on("data", (s: string) => (log += s));
		child.stderr.setEncoding("latin1").on("data", (s: string) => (log += s));
		let timedOut = false;
		const timer = setTimeout(() => {
			timedOut = true;
			child.kill("SIGTERM");
			setTimeout(() => child.kill("SIGKILL"), 3000).unref();
		}, o.timeoutMs ?? 120_000);
		const exitCode = await new Promise<number | null>((resolve) => {
			child.once("error", (e) => {
				log += `\nspawn error: ${e.message}`;
				resolve(null);
			});
			child.once("close", (code) => resolve(code));
		});
		clearTimeout(timer);
		return { exitCode, ok: exitCode === 0 && !timedOut, log, timedOut };
	} finally {
		unlinkSync(link);
	}
}
