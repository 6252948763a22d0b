/**
 * Node adapter for the SpanDSP interop peer (hw-mocks/spandsp/src, built by build.sh): a Class 1 fax
 * modem (SpanDSP 0.0.6 T.31 emulation) on a pty, joined by real 8 kHz V.21/V.27ter/V.29/V.17 audio to
 * an answering SpanDSP fax terminal (T.30 receiver) that stores what it receives as a TIFF — or, with
 * `call`, a calling SpanDSP terminal that rings the host and sends a TIFF (T.30 transmitter).
 *
 * `SpanDspPeer.start(opts)` builds the peer if needed, spawns it (one call per process), resolves the
 * pty path the sender must open, and `result()` resolves with the peer's closing `RESULT {...}` line.
 * `stop()` ends it (SIGTERM, then SIGKILL after a deadline). Layer: hw-mocks (tests/benchmarks only).
 */
import { execFile, spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";

const run = promisify(execFile);
const here = dirname(fileURLToPath(import.meta.url));

export type PeerModem = "v17" | "v29" | "v27ter";
export type PeerResolution = "standard" | "fine" | "superfine";

export interface PeerOptions {
	/** Audio blocks run this many times faster than real time (SpanDSP's T.30 timers too). Default 4. */
	speed?: number;
	/** Also create this symlink to the pty slave; `path` is then the link. */
	link?: string;
	/** TIFF the far end writes. Default: a fresh file under the OS temp dir. */
	rxFile?: string;
	/** The far end's CSI. Default "SPANDSP PEER". */
	ident?: string;
	/** Modems the far end offers in its DIS. Default all three. */
	modems?: PeerModem[];
	/** Offer T.4 1-D (MH) only: no MR. */
	no2d?: boolean;
	/** Resolutions the far end offers. Default standard, fine, superfine. */
	resolutions?: PeerResolution[];
	/** Offer ECM (and T.6). Default false. */
	ecm?: boolean;
	/** Fault: the far end hangs up during page N+1 (after confirming N pages; 0 = during page 1). */
	hangupAfterPage?: number;
	/** Audio ms of page carrier before that hang-up. Default 1000. */
	hangupDelayMs?: number;
	/** "silent": the line just goes quiet (default); "drop": our modem also reports NO CARRIER. */
	hangupMode?: "silent" | "drop";
	/** Fault: nobody answers; the modem says NO ANSWER after `ringMs` of audio (default 6000). */
	noAnswer?: boolean;
	ringMs?: number;
	/** Fault: the modem says BUSY. */
	busy?: boolean;
	/** Fault: answered by something that never sends fax signals. */
	silentAnswer?: boolean;
	/** Audio ms between ATD and the far end answering. Default 0. */
	answerDelayMs?: number;
	/** Fault: the far end fails the TCF (answers FTT) at these bit rates, or at all. */
	refuseRates?: number[] | "all";
	/** Wall-clock limit of the peer process in seconds. Default 300. */
	timeoutS?: number;
	/** Wall ms the peer keeps answering AT commands after its result. Default 2000. */
	lingerMs?: number;
	/** SpanDSP protocol logs on the peer's stderr (kept in `log`). */
	verbose?: boolean;
	/**
	 * White Gaussian noise (SpanDSP awgn) added on the line from our modem to the far end, in dBm0 (e.g. -30).
	 * With `noisePeriodMs`, only during the first `noiseBurstMs` of every period (audio ms): gated, so only
	 * some bursts are hit.
	 */
	noiseDbm0?: number;
	noisePeriodMs?: number;
	noiseBurstMs?: number;
	/** noise generator seed (default fixed, so a run can be replayed) */
	noiseSeed?: number;
	/**
	 * "all" (default): the gate runs from the call's start and hits whatever is on the line; "data": only page
	 * data of our modem (not TCF, not V.21), the period counted from each carrier's start after `noiseSkipMs`
	 * (default 500: past the training), so the damage lands in the data, the same way every run.
	 */
	noiseOn?: "all" | "data";
	noiseSkipMs?: number;
	/**
	 * Calling mode (issue 10): the far end rings the host and, once answered (ATA or auto-answer), its
	 * SpanDSP T.30 terminal calls and sends this TIFF. `modems`, `no2d`, `resolutions`, `ecm` and
	 * `hangupAfterPage` (the caller goes on-hook `hangupDelayMs` into page N+1) apply to the caller.
	 */
	call?: string;
	/** Caller id shown with RING (when the host enabled +VCID=1): number and name. */
	callerId?: string;
	callerName?: string;
	/** Wall ms after the host's first command before the first RING. Default 500. */
	ringStartMs?: number;
	/** The caller gives up after this many unanswered RINGs (6 s of audio apart). Default 10. */
	maxRings?: number;
	/** Fault: the caller never speaks fax after the answer (no DCS: the answerer's T1). */
	silentCall?: boolean;
	/** Fault: white noise (AWGN, `dbm0`) on the n-th page transmission (1-based) from `atMs` for `ms` audio ms. */
	noise?: { page: number; dbm0: number; atMs?: number; ms?: number };
	/**
	 * Two SpanDSP T.31 modems on one line (twoline.c): a sending host dials on `path`, the answering host
	 * on `pathB` gets RINGs and answers; `result()` then resolves with the line's own RESULT
	 * ({mode:"two-modems", dialed, answered, rings, call_wall_ms, end}).
	 */
	twoModems?: boolean;
}

/** One page as the far end's T.30 reported it in phase D. Resolutions in pixels per metre. */
export interface PeerPageInfo {
	bad_rows: number;
	width: number;
	length: number;
	x_res: number;
	y_res: number;
	/** SpanDSP T4_COMPRESSION_ITU_*: 1 = T.4 1-D (MH), 2 = T.4 2-D (MR), 3 = T.6 */
	encoding: number;
	bit_rate: number;
}

/** One high-speed (+FTM) carrier of our modem: the TCF or a page. */
export interface PeerTxSession {
	kind: "tcf" | "page";
	rate: number;
	/** bytes of the host's data the modem sent */
	bytes: number;
	/** bytes the modem had to fill in because the host did not keep it fed (T.31 zero fill) */
	fill_bytes: number;
	/** separate underrun episodes */
	gaps: number;
}

/** The peer's closing line, field for field as it prints it. */
export interface PeerResult {
	/** SpanDSP T30_ERR_* completion code of the far end (0 = OK, -1 = no call) */
	t30: number;
	t30_text: string;
	pages: number;
	bad_rows: number;
	bit_rate: number;
	ecm: boolean;
	rx_file: string;
	/** TSI the far end received */
	remote_ident: string;
	answered: boolean;
	far_end_hangup: boolean;
	page_info: PeerPageInfo[];
	trainings: { rate: number; result: "CFR" | "FTT" }[];
	tx_data: PeerTxSession[];
	/** underrun episodes over all page carriers (TCF excluded) */
	underruns: number;
	underrun_bytes: number;
	dialed: boolean;
	number: string;
	host_hangup: boolean;
	line_dropped: boolean;
	/** wall ms from the host's ATD to its hang-up (ATH/ATZ/port closed), as the peer saw them */
	call_wall_ms: number;
	call_audio_ms: number;
	speed: number;
	max_lag_ms: number;
	/** why the peer ended: "host hung up" | "busy" | "no answer" | "timeout" | "signal" | "caller gave up (not answered)" */
	end: string;
	/** T.30 Annex A exchanges the far end saw (pps, ctc, eor, rr from us) and sent (ppr, ctr, err, rnr); ppr_frames = frames named by its PPRs */
	ecm_exchanges: { pps: number; ppr: number; ppr_frames: number; ctc: number; ctr: number; eor: number; err: number; rr: number; rnr: number };
	/** audio ms of our transmission that carried line noise (--noise-dbm0) */
	noise_ms: number;
	/** "answer" (the peer answers and receives) or "call" (it calls and sends `call`) */
	mode: "answer" | "call";
	/** calling mode: pages SpanDSP's T.30 counted as sent; the host's post-page answers in order */
	pages_tx: number;
	responses: ("MCF" | "RTP" | "RTN" | "PIN" | "PIP")[];
	/** calling mode: page transmissions begun (resends included) */
	image_bursts: number;
	/** RINGs given */
	rings: number;
}

let built: Promise<string> | undefined;

/** Build the peer (idempotent, fast when up to date); resolves the binary's path. */
export function buildPeer(): Promise<string> {
	built ??= run("bash", [join(here, "build.sh")], { timeout: 120_000 }).then((r) => r.stdout.trim().split("\n").pop() ?? "");
	return built;
}

function args(o: PeerOptions, rxFile: string): string[] {
	const a = ["--speed", String(o.speed ?? 4), "--rx-file", rxFile, "--timeout", String(o.timeoutS ?? 300)];
	if (o.link) a.push("--link", o.link);
	if (o.ident !== undefined) a.push("--ident", o.ident);
	if (o.modems) a.push("--modems", o.modems.join(","));
	if (o.no2d) a.push("--no-2d");
	if (o.resolutions) a.push("--resolutions", o.resolutions.join(","));
	if (o.ecm !== undefined) a.push("--ecm", o.ecm ? "on" : "off");
	if (o.hangupAfterPage !== undefined) a.push("--hangup-after-page", String(o.hangupAfterPage));
	if (o.hangupDelayMs !== undefined) a.push("--hangup-delay-ms", String(o.hangupDelayMs));
	if (o.hangupMode) a.push("--hangup-mode", o.hangupMode);
	if (o.noAnswer) a.push("--no-answer");
	if (o.ringMs !== undefined) a.push("--ring-ms", String(o.ringMs));
	if (o.busy) a.push("--busy");
	if (o.silentAnswer) a.push("--silent-answer");
	if (o.answerDelayMs !== undefined) a.push("--answer-delay-ms", String(o.answerDelayMs));
	if (o.refuseRates) a.push("--refuse-rate", o.refuseRates === "all" ? "all" : o.refuseRates.join(","));
	if (o.lingerMs !== undefined) a.push("--linger-ms", String(o.lingerMs));
	if (o.verbose) a.push("--verbose");
	if (o.noiseDbm0 !== undefined) a.push("--noise-dbm0", String(o.noiseDbm0));
	if (o.noisePeriodMs !== undefined) a.push("--noise-period-ms", String(o.noisePeriodMs));
	if (o.noiseBurstMs !== undefined) a.push("--noise-burst-ms", String(o.noiseBurstMs));
	if (o.noiseSeed !== undefined) a.push("--noise-seed", String(o.noiseSeed));
	if (o.noiseOn !== undefined) a.push("--noise-on", o.noiseOn);
	if (o.noiseSkipMs !== undefined) a.push("--noise-skip-ms", String(o.noiseSkipMs));
	if (o.call) a.push("--call", o.call);
	if (o.callerId) a.push("--caller-id", o.callerId);
	if (o.callerName) a.push("--caller-name", o.callerName);
	if (o.ringStartMs !== undefined) a.push("--ring-start-ms", String(o.ringStartMs));
	if (o.maxRings !== undefined) a.push("--max-rings", String(o.maxRings));
	if (o.silentCall) a.push("--silent-call");
	if (o.twoModems) a.push("--two-modems");
	if (o.noise) {
		a.push("--page-noise", String(o.noise.page), "--page-noise-dbm0", String(o.noise.dbm0));
		if (o.noise.atMs !== undefined) a.push("--page-noise-at-ms", String(o.noise.atMs));
		if (o.noise.ms !== undefined) a.push("--page-noise-ms", String(o.noise.ms));
	}
	return a;
}

export class SpanDspPeer {
	/** Lines the peer wrote on stderr (SpanDSP logs with `verbose`), last 2000 kept. */
	readonly log: string[] = [];
	/** `EVENT {...}` lines seen so far (dial, answer). */
	readonly events: { type: string }[] = [];
	/** Path the sender opens: the pty slave (or `link`); set once started. */
	path = "";
	/** two-modem mode: the answering side's pty */
	pathB = "";
	private readonly ready: Promise<string>;
	private readonly done: Promise<PeerResult>;
	private exited = false;
	private eventWaiters: { type: string; res: () => void }[] = [];

	private pendingPty = "";

	private constructor(
		private readonly child: ChildProcess,
		/** TIFF the far end writes. */
		readonly rxFile: string,
		private readonly twoModems = false,
	) {
		let onPty!: (p: string) => void;
		let failPty!: (e: Error) => void;
		this.ready = new Promise<string>((res, rej) => ((onPty = res), (failPty = rej)));
		this.ready.catch(() => undefined);
		let onResult!: (r: PeerResult) => void;
		let failResult!: (e: Error) => void;
		this.done = new Promise<PeerResult>((res, rej) => ((onResult = res), (failResult = rej)));
		this.done.catch(() => undefined); // observed through result()
		let sawResult = false;
		let out = "";
		child.stdout!.setEncoding("latin1").on("data", (s: string) => {
			out += s;
			let nl: number;
			while ((nl = out.indexOf("\n")) >= 0) {
				const line = out.slice(0, nl);
				out = out.slice(nl + 1);
				if (line.startsWith("PTYB ")) this.pathB = line.slice(5);
				else if (line.startsWith("PTY ")) {
					if (this.twoModems) this.pendingPty = line.slice(4);
					else onPty(line.slice(4));
				}
				else if (line === "READY" && this.pendingPty) onPty(this.pendingPty);
				else if (line.startsWith("EVENT ")) {
					const ev = JSON.parse(line.slice(6)) as { type: string };
					this.events.push(ev);
					this.eventWaiters = this.eventWaiters.filter((w) => (w.type === ev.type ? (w.res(), false) : true));
				}
				else if (line.startsWith("RESULT ")) {
					sawResult = true;
					onResult(JSON.parse(line.slice(7)) as PeerResult);
				}
			}
		});
		let err = "";
		child.stderr!.setEncoding("latin1").on("data", (s: string) => {
			err += s;
			const lines = err.split("\n");
			err = lines.pop() ?? "";
			this.log.push(...lines);
			if (this.log.length > 200000) this.log.splice(0, this.log.length - 200000);
		});
		child.once("error", (e) => {
			failPty(e);
			failResult(e);
		});
		child.once("exit", (code, sig) => {
			this.exited = true;
			const e = new Error(`spandsp-peer exited (${code ?? sig}) without a result: ${this.log.slice(-5).join(" | ")}`);
			failPty(e);
			if (!sawResult) failResult(e);
		});
	}

	/** Build if needed, spawn, and wait (at most 10 s) for the peer to report its pty. */
	static async start(opts: PeerOptions = {}): Promise<SpanDspPeer> {
		const bin = await buildPeer();
		const rxFile = opts.rxFile ?? join(mkdtempSync(join(tmpdir(), "faxline-spandsp-")), "rx.tif");
		const child = spawn(bin, args(opts, rxFile), { stdio: ["ignore", "pipe", "pipe"] });
		const peer = new SpanDspPeer(child, rxFile, opts.twoModems === true);
		let t: NodeJS.Timeout | undefined;
		const late = new Promise<never>((_, rej) => {
			t = setTimeout(() => rej(new Error("spandsp-peer did not report its pty within 10 s")), 10_000);
		});
		try {
			peer.path = await Promise.race([peer.ready, late]);
			return peer;
		} catch (e) {
			child.kill("SIGKILL");
			throw e;
		} finally {
			clearTimeout(t);
		}
	}

	/** The peer's process id (CPU accounting in benchmarks). */
	get pid(): number | undefined {
		return this.child.pid;
	}

	/** Resolves when the peer has reported an `EVENT` of this type ("dial", "answer"); rejects after `ms`. */
	event(type: string, ms = 10_000): Promise<void> {
		if (this.events.some((e) => e.type === type)) return Promise.resolve();
		return new Promise((res, rej) => {
			const t = setTimeout(() => rej(new Error(`no ${type} event from spandsp-peer within ${ms} ms`)), ms);
			this.eventWaiters.push({ type, res: () => (clearTimeout(t), res()) });
		});
	}

	/** The peer's RESULT line; rejects if the process ends without one, or after `deadlineMs`. */
	result(deadlineMs = 300_000): Promise<PeerResult> {
		let t: NodeJS.Timeout | undefined;
		const late = new Promise<never>((_, rej) => {
			t = setTimeout(() => rej(new Error(`no RESULT from spandsp-peer within ${deadlineMs} ms`)), deadlineMs);
		});
		return Promise.race([this.done, late]).finally(() => clearTimeout(t));
	}

	/** End the peer: SIGTERM (it prints its RESULT if it had none yet), SIGKILL after `deadlineMs`. */
	async stop(deadlineMs = 3000): Promise<void> {
		if (this.exited) return;
		const gone = new Promise<void>((res) => this.child.once("exit", () => res()));
		this.child.kill("SIGTERM");
		let t: NodeJS.Timeout | undefined;
		const late = new Promise<"late">((res) => (t = setTimeout(() => res("late"), deadlineMs)));
		if ((await Promise.race([gone, late])) === "late") {
			this.child.kill("SIGKILL");
			await gone;
		}
		clearTimeout(t);
	}
}
