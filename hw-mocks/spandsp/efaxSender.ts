/**
 * efax (Debian `efax` 0.9a, Ed Casas) as a second, independent Class 1 sender: runs
 * `efax -d <pty> -o1 -h "" -t <number> <page files>` against a modem such as the SpanDSP peer, so faxline
 * and efax can be compared on the same line. efax wants one G3 TIFF file per page (efax(1), "FAX FILE
 * FORMATS"; see pages.ts writeG3Pages) and always reserves a few blank header rows at the top of each
 * page (efax(1), "HEADERS"; `-h ""` leaves them blank). Layer: hw-mocks (tests/benchmarks only).
 */
import { spawn } from "node:child_process";

export interface EfaxSendOptions {
	/** Modem device (the peer's pty path). */
	device: string;
	/** Dial string. Default "5551234". */
	number?: string;
	/** G3 TIFF files, one per page. */
	files: string[];
	/** Local id sent in TSI (efax -l). */
	localId?: string;
	/** efax capabilities string (-c), e.g. "0,5,0,2,0,0,0,0". */
	caps?: string;
	/** Kill efax after this many ms. Default 300000. */
	timeoutMs?: number;
	/** efax -o protocol: "1" Class 1 (default), "0" Class 2.0, "2" Class 2 (efax(1) -o). */
	protocol?: "1" | "0" | "2";
	/** efax -v message classes on stderr. Default "ewinch" (errors, warnings, session, negotiation, commands, HDLC). */
	verbose?: string;
}

export interface EfaxSendResult {
	/** efax exit status: 0 success, 1 busy/number, 2 fatal, 3 modem protocol error, 4 no modem response, 5 signal (efax(1) "RETURN VALUE") */
	exitCode: number | null;
	ok: boolean;
	/** efax's session log */
	log: string;
	/** wall ms from spawn to exit */
	wallMs: number;
	timedOut: boolean;
}

/** Send `files` with efax through `device`; resolves when efax exits (never rejects for a failed call). */
export function efaxSend(o: EfaxSendOptions): Promise<EfaxSendResult> {
	const args = ["-d", o.device, `-o${o.protocol ?? "1"}`, "-h", "", "-v", o.verbose ?? "ewinch"];
	if (o.localId) args.push("-l", o.localId);
	if (o.caps) args.push("-c", o.caps);
	args.push("-t", o.number ?? "5551234", ...o.files);
	const t0 = performance.now();
	const child = spawn("efax", args, { stdio: ["ignore", "pipe", "pipe"] });
	let log = "";
	child.stdout.setEncoding("latin1").on("data", (s: string) => (log += s));
	child.stderr.setEncoding("latin1").on("data", (s: string) => (log += s));
	let timedOut = false;
	const timer = setTimeout(() => {
		timedOut = true;
		child.kill("SIGTERM");
		setTimeout(() => child.kill("SIGKILL"), 3000).unref();
	}, o.timeoutMs ?? 300_000);
	return new Promise((resolve) => {
		const finish = (exitCode: number | null) => {
			clearTimeout(timer);
			resolve({ exitCode, ok: exitCode === 0 && !timedOut, log, wallMs: performance.now() - t0, timedOut });
		};
		child.once("error", (e) => {
			log += `\nspawn error: ${e.message}`;
			finish(null);
		});
		child.once("close", (code) => finish(code));
	});
}
