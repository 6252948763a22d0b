/**
 * Call benchmark (issue 3 "Benchmark"): total line time of a realistic 10-page document (form, 8 dense text
 * pages, halftone; test/helpers/fixtures.ts, standard resolution, MH and MR) sent at V.17 14400 through the
 * pty modem simulator (hw-mocks/ModemSimulator.ts), against the theoretical minimum of that line, plus the
 * CPU our sending process spends per call-second. Measures only; asserts nothing.
 *
 * The sender runs as `faxline send` does, in its own process: src compiled by tsc (tsconfig.build.json)
 * into a temporary directory and run by plain node; it reads the document as a G4 TIFF (written by
 * libtiff) with openFaxDocument and sends it with openFaxModem (probe, Class1Modem, Class1Session) over the
 * real serialport binding on the pty's slave, so process.cpuUsage() of that child is our code alone.
 * The simulator runs here; call times are read from its own line clock (LineClock: real time, stretched
 * 1/timeScale only while modelled line time passes, so host latency shows up 1:1 at any time scale). Our
 * state records (T30Context.enter: "B:D", "C:I", ...) come over IPC, stamped with that clock on arrival.
 *
 * Minimum (all ms; V.21 at 300 bit/s; every T.30 turnaround the nominal 75 ms of T.30 §5.3.2.4; the far
 * end is set to answer after 75 ms too):
 *   burst(frames) = 1000 (preamble flags, T.30 §5.3.1) + Σ (8 + stuffed(frame‖FCS)) / 0.3 + 8 / 0.3
 *     where stuffed() counts the frame's bits with a 0 inserted after every five 1s (computed here)
 *   answer      = answerDelay (ringing + CED as the simulator models it, 4000) + 75 + burst(NSF/CSI/DIS)
 *   DCS         = 75 + burst(TSI, DCS)
 *   TCF         = 75 + train(V.17 long, +FTM=145) + 1500 + tail
 *   CFR         = 75 + burst(CFR)
 *   page i      = 75 + train(V.17 short, +FTM=146) + bits_i / 14.4 + tail
 *   PPM, MCF    = (75 + burst(MPS|EOP)) + (75 + burst(MCF)) per page
 *   DCN         = 75 + burst(DCN)
 *   train() and tail are the simulator's modelled V.17 training times (lineTime.ts MODULATIONS: 1393 ms
 *   long, 142 ms short) and its 10 ms carrier tail. bits_i = the page coded by libtiff (tiffcp -c g3:1d /
 *   g3:2d, K=2, one strip: an EOL before every row, i.e. the leading EOL and the EOL of each row) + RTC
 *   (6 × 12 bits MH, 6 × 13 MR): the T.4 bits that must cross the line, measured by a coder we did not
 *   write. The simulator's DIS asks for 0 ms scan-line time, so no fill is mandated.
 * ratio = measured (ATD to the end of DCN on the line) / minimum; per phase, measured from our state
 * records against the same terms (stamped on IPC arrival, so a few tens of ms can move between adjacent
 * phases; the total is the simulator's own record). CPU = child process.cpuUsage() over send() / line
 * seconds, beside the reference measured in the same run: the CPU per second of the same sender process
 * with the modem open and no call (the fixed cost of an open port, e.g. its device-node watchdog).
 * CALL_BENCH_QUICK=1 runs only the 2-page call at time scale 0.1; CALL_BENCH_TIMELINE=1 prints each call's
 * line timeline (commands, our states, gaps, frames) to dig into a gap.
 */
import { execFile, spawn } from "node:child_process";
import { existsSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import type { Bitmap } from "../src/core/bitmap.js";
import { appendFcs } from "../src/hdlc/fcs.js";
import { FarEndFax } from "../hw-mocks/FarEndFax.js";
import { ModemSimulator } from "../hw-mocks/ModemSimulator.js";
import { MODULATIONS } from "../hw-mocks/lineTime.js";
import { openPtyPair } from "../hw-mocks/ptyPair.js";
import type { CallRecord } from "../hw-mocks/records.js";
import { fixturePage, type FixtureName } from "../test/helpers/fixtures.js";
import { joinStrips, libtiffEncode } from "../test/helpers/libtiff.js";

const ANSWER_DELAY_MS = 4000;
const exec = promisify(execFile);
const TURN_MS = 75; // T.30 §5.3.2.4 nominal
const PREAMBLE_MS = 1000; // T.30 §5.3.1: 1 s of flags before the first frame
const V21_BIT_MS = 1000 / 300;
const TCF_MS = 1500; // T.30 §5.3.6.2.11
const TAIL_MS = 10; // ModemSimulator.imageTxEnd: tail bits before the carrier drops
const LONG = MODULATIONS.get(145)!; // V.17 14400 long train (TCF)
const SHORT = MODULATIONS.get(146)!; // V.17 14400 short train (pages)
const TRAILER_OCTETS = 20; // src/page/pageData.ts PAGE_TRAILER_ZEROS (HylaFAX: push RTC out of the modem)
const EOP_EXTRA_MS = 15; // our +FTS=9 before EOP (HylaFAX Class1EOPWaitCmd) instead of the nominal 75 ms
const REALISTIC: FixtureName[] = ["form", ...Array<FixtureName>(8).fill("text"), "halftone"]; // fixtureDocument order

interface SenderConfig {
	device: string;
	/** the document, a G4 TIFF Class F */
	tiff?: string;
	coding?: "mh" | "mr";
	/** instead of a call: keep the modem open, wait `settleMs`, then report the CPU of `idleMs` doing nothing */
	idleMs?: number;
	settleMs?: number;
}

type ChildMessage =
	| { kind: "state"; msg: string }
	| { kind: "done"; ok: boolean; error?: string; pagesConfirmed: number; cpuUs: number; wallMs: number };

/** The idle reference: ms measured, after ms of settling (a fresh node process runs GCs for ~10 s). */
const IDLE_MS = 10_000;
const IDLE_SETTLE_MS = 12_000;

// ---------------------------------------------------------------- the sending process

/**
 * The sender runs as `faxline send` ships: compiled JavaScript under plain node (tsx's loader alone costs
 * ~7 ms CPU per second idle, more than the engine). It reads the document as a TIFF (G4, written by
 * libtiff) with openFaxDocument, sends it with openFaxModem, and reports its state records over IPC.
 */
const SENDER_JS = `
import { openFaxModem } from "./src/session/openFaxModem.js";
import { openFaxDocument } from "./src/tiff/index.js";
const cfg = JSON.parse(process.argv[2]);
const post = (m) => process.send(m);
const tracer = { trace: (ch, _dir, msg) => { if (ch === "state" || ch === "error") post({ kind: "state", msg: ch === "error" ? "error " + msg : msg }); } };
if (cfg.idleMs) {
	const modem = await openFaxModem(cfg.device, { tracer });
	await new Promise((r) => setTimeout(r, cfg.settleMs)); // past V8's post-start GCs: the steady state
	const cpu0 = process.cpuUsage();
	const t0 = performance.now();
	await new Promise((r) => setTimeout(r, cfg.idleMs));
	const cpu = process.cpuUsage(cpu0);
	post({ kind: "done", ok: true, pagesConfirmed: 0, cpuUs: cpu.user + cpu.system, wallMs: performance.now() - t0 });
	await modem.close();
	process.disconnect();
	process.exit(0);
}
const doc = await openFaxDocument(cfg.tiff);
const modem = await openFaxModem(cfg.device, { tracer, allowMr: cfg.coding === "mr" });
const cpu0 = process.cpuUsage();
const t0 = performance.now();
const r = await modem.send({ document: doc, number: "5550100", tsid: "faxline bench" });
const cpu = process.cpuUsage(cpu0);
const wallMs = performance.now() - t0;
await modem.close();
await doc.close?.();
post({ kind: "done", ok: r.ok, error: r.error ? r.error.code + ": " + r.error.message : undefined, pagesConfirmed: r.pagesConfirmed, cpuUs: cpu.user + cpu.system, wallMs });
process.disconnect();
`;

/** Compile src (tsconfig.build.json) into `dir` and put the sender script beside it; returns its path. */
async function buildSender(dir: string): Promise<string> {
	const root = fileURLToPath(new URL("..", import.meta.url));
	// tsc emits even when someone else's file has a type error right now; the check below is what matters
	await exec(process.execPath, [join(root, "node_modules/typescript/bin/tsc"), "-p", join(root, "tsconfig.build.json"), "--outDir", dir, "--declaration", "false", "--sourceMap", "false"]).catch(() => undefined);
	if (!existsSync(join(dir, "src/session/openFaxModem.js"))) throw new Error("tsc did not build src/session/openFaxModem.js");
	writeFileSync(join(dir, "package.json"), JSON.stringify({ type: "module" }));
	symlinkSync(join(root, "node_modules"), join(dir, "node_modules"));
	writeFileSync(join(dir, "call-sender.mjs"), SENDER_JS);
	return join(dir, "call-sender.mjs");
}

// ---------------------------------------------------------------- the minimum

/** Bits of a frame on the line after zero-bit insertion (a 0 after every five consecutive 1s, LSB first). */
function stuffedBits(octets: Uint8Array): number {
	let ones = 0;
	let extra = 0;
	for (const b of octets)
		for (let i = 0; i < 8; i++)
			if ((b >> i) & 1) {
				if (++ones === 5) {
					extra++;
					ones = 0;
				}
			} else ones = 0;
	return octets.length * 8 + extra;
}

/** One V.21 transmission: preamble, each frame with its opening flag and FCS, a closing flag. */
const burstMs = (frames: Uint8Array[]): number => PREAMBLE_MS + frames.reduce((s, f) => s + (8 + stuffedBits(appendFcs(f))) * V21_BIT_MS, 0) + 8 * V21_BIT_MS;

/** T.4 bits per page measured with libtiff: EOL + row for every row, one strip, plus RTC. */
async function referenceBits(pages: Bitmap[], coding: "mh" | "mr"): Promise<number[]> {
	const { images } = await libtiffEncode(pages, coding === "mh" ? "g3:1d" : "g3:2d", { yRes: 98, rowsPerStrip: 65535 });
	return images.map((im) => joinStrips(im.strips).length * 8 + 6 * (coding === "mh" ? 12 : 13));
}

type Phase = "answer+DIS" | "TSI/DCS" | "TCF" | "CFR" | "page data" | "PPM" | "MCF" | "DCN";
const PHASES: Phase[] = ["answer+DIS", "TSI/DCS", "TCF", "CFR", "page data", "PPM", "MCF", "DCN"];

/** The mandated line time per phase for a clean call with these frames and page bits. */
function minimum(call: CallRecord, pageBits: number[]): Record<Phase, number> {
	const first = (dir: "host" | "far", name: string) => {
		const f = call.frames.find((x) => x.dir === dir && x.name === name);
		if (!f) throw new Error(`no ${name} from ${dir} in the call record`);
		return f.bytes;
	};
	const disSet: Uint8Array[] = [];
	for (const f of call.frames.filter((x) => x.dir === "far")) {
		disSet.push(f.bytes);
		if (f.name === "DIS") break;
	}
	const hostDcs = call.tsi !== undefined ? [first("host", "TSI"), first("host", "DCS")] : [first("host", "DCS")];
	const n = pageBits.length;
	const ppms = [...Array<Uint8Array>(n - 1).fill(n > 1 ? first("host", "MPS") : new Uint8Array()), first("host", "EOP")];
	return {
		"answer+DIS": ANSWER_DELAY_MS + TURN_MS + burstMs(disSet),
		"TSI/DCS": TURN_MS + burstMs(hostDcs),
		TCF: TURN_MS + LONG.trainingMs + TCF_MS + TAIL_MS,
		CFR: TURN_MS + burstMs([first("far", "CFR")]),
		"page data": pageBits.reduce((s, b) => s + TURN_MS + SHORT.trainingMs + (b * 1000) / SHORT.bitRate + TAIL_MS, 0),
		PPM: ppms.reduce((s, f) => s + TURN_MS + burstMs([f]), 0),
		MCF: n * (TURN_MS + burstMs([first("far", "MCF")])),
		DCN: TURN_MS + burstMs([first("host", "DCN")]),
	};
}

/** Our state records (transmit.ts / phaseB.ts vocabulary) by the phase of the minimum they belong to. */
const PHASE_OF: Record<string, Phase> = {
	...{ "A:dial": "answer+DIS", "B:T": "answer+DIS", "B:D": "TSI/DCS", "B:D_TCF": "TCF", "B:D_POST_TCF": "CFR", "C:I": "page data" },
	...{ "D:MPS": "PPM", "D:EOM": "PPM", "D:EOP": "PPM", "D:II_Q": "MCF", "E:DCN": "DCN" },
};

/** Line ms spent in each phase, from the stamped state records, clipped to [ATD, end of DCN]. */
function measured(call: CallRecord, states: { t: number; msg: string }[]): Record<Phase, number> {
	const out = Object.fromEntries(PHASES.map((p) => [p, 0])) as Record<Phase, number>;
	const end = call.endedAt!;
	states.forEach((s, i) => {
		const phase = PHASE_OF[s.msg];
		if (!phase) return;
		const a = Math.max(s.t, call.startedAt);
		const b = Math.min(states[i + 1]?.t ?? end, end);
		if (b > a) out[phase] += b - a;
	});
	return out;
}

// ---------------------------------------------------------------- one call

/**
 * The simulator decodes each page synchronously when the data ends, before its OK reaches the pty: real
 * ms that the line clock counts 1:1. Not ours, so it is measured (by wrapping FarEndFax.hostData) and
 * reported apart.
 */
let simDecodeMs = 0;
const hostData = FarEndFax.prototype.hostData;
FarEndFax.prototype.hostData = function (this: FarEndFax, ...a: Parameters<typeof hostData>): void {
	const t = performance.now();
	try {
		hostData.apply(this, a);
	} finally {
		simDecodeMs += performance.now() - t;
	}
};

/** One measured call: times in line ms (wallMs real), CPU in s, page data in bytes. */
interface CallResult {
	label: string;
	timeScale: number;
	lineMs: number; minMs: number; wallMs: number; cpuS: number; simCpuS: number;
	phases: Record<Phase, number>;
	mins: Record<Phase, number>;
	intact: number; pages: number; sentBytes: number; refBytes: number; underrunMs: number;
	/** line ms the simulator spent decoding pages while the line waited for its OK */
	simDecodeMs: number;
	error?: string;
	/** the simulator's record and our stamped states, for digging into a gap */
	call: CallRecord;
	states: { t: number; msg: string }[];
	commands: { at: number; text: string }[];
}

/** Run the sender with `cfg` against `sim`; its state records are stamped with the simulator's line clock. */
async function runSender(sender: string, cfg: SenderConfig, sim: ModemSimulator, states: { t: number; msg: string }[]): Promise<Extract<ChildMessage, { kind: "done" }>> {
	const child = spawn(process.execPath, [sender, JSON.stringify(cfg)], { stdio: ["ignore", "inherit", "inherit", "ipc"] });
	try {
		return await new Promise((resolve, reject) => {
			child.on("message", (m: ChildMessage) => (m.kind === "state" ? states.push({ t: sim.clock.now(), msg: m.msg }) : resolve(m)));
			child.on("exit", (code) => reject(new Error(`sender exited (${code}) before reporting`)));
		});
	} finally {
		child.kill();
	}
}

/** CPU ms per wall second of a sender process that has the modem open and does nothing (the reference). */
async function idleCpu(sender: string): Promise<number> {
	const pair = await openPtyPair();
	const sim = new ModemSimulator(pair.master, {});
	try {
		const done = await runSender(sender, { device: pair.path, idleMs: IDLE_MS, settleMs: IDLE_SETTLE_MS }, sim, []);
		return done.cpuUs / 1000 / (done.wallMs / 1000);
	} finally {
		sim.detach();
		await pair.close();
	}
}

async function oneCall(sender: string, label: string, names: FixtureName[], coding: "mh" | "mr", timeScale: number): Promise<CallResult> {
	const bitmaps = await Promise.all(names.map((n) => fixturePage(n, "standard")));
	const refBits = await referenceBits(bitmaps, coding);
	const tiff = join(dirname(sender), `doc-${names.length}.tif`);
	writeFileSync(tiff, (await libtiffEncode(bitmaps, "g4", { yRes: 98 })).tiff);
	const pair = await openPtyPair();
	const sim = new ModemSimulator(pair.master, { timeScale, farEnd: { answerDelayMs: ANSWER_DELAY_MS, responseDelayMs: TURN_MS } });
	const states: { t: number; msg: string }[] = [];
	const simCpu0 = process.cpuUsage();
	simDecodeMs = 0;
	try {
		const done = await runSender(sender, { device: pair.path, tiff, coding }, sim, states);
		const call = await sim.waitForCallEnd(1, 30_000);
		const simCpu = process.cpuUsage(simCpu0);
		const mins = minimum(call, refBits);
		const kept = call.pages.filter((p) => p.accepted);
		const intact = kept.filter((p) => p.bitmap && Buffer.compare(p.bitmap.data, bitmaps[p.page - 1]!.data) === 0).length;
		return {
			label,
			timeScale,
			lineMs: call.endedAt! - call.startedAt,
			minMs: PHASES.reduce((s, p) => s + mins[p], 0),
			wallMs: done.wallMs,
			cpuS: done.cpuUs / 1e6,
			simCpuS: (simCpu.user + simCpu.system) / 1e6,
			phases: measured(call, states),
			mins,
			intact,
			pages: names.length,
			sentBytes: call.pages.reduce((s, p) => s + p.bytes, 0),
			refBytes: refBits.reduce((s, b) => s + b / 8, 0),
			underrunMs: call.pages.reduce((s, p) => s + p.underrunMs, 0),
			simDecodeMs,
			...(done.ok ? {} : { error: done.error ?? "failed" }),
			call,
			states,
			commands: sim.commands.filter((c) => c.at >= call.startedAt),
		};
	} finally {
		sim.detach();
		await pair.close();
	}
}

// ---------------------------------------------------------------- report

const f1 = (ms: number) => (ms / 1000).toFixed(2).padStart(8);

function report(r: CallResult, idleMsPerS: number): void {
	const lineS = r.lineMs / 1000;
	const idleS = (idleMsPerS * r.wallMs) / 1e6;
	console.log(
		`\n${r.label}, time scale ${r.timeScale}: ${r.intact}/${r.pages} pages pixel-identical at the far end${r.error ? ` — CALL FAILED: ${r.error}` : ""}\n` +
			`  line time ${lineS.toFixed(2)} s, minimum ${(r.minMs / 1000).toFixed(2)} s, ratio ${(r.lineMs / r.minMs).toFixed(4)} (+${(((r.lineMs - r.minMs) / r.minMs) * 100).toFixed(2)} %); wall ${(r.wallMs / 1000).toFixed(1)} s\n` +
			`  sender CPU ${r.cpuS.toFixed(2)} s = ${((r.cpuS / lineS) * 100).toFixed(3)} % of a line (CPU s per call-second); of it the idle reference × wall ${idleS.toFixed(2)} s,` +
			` so the call's own work ${(((r.cpuS - idleS) / lineS) * 100).toFixed(3)} %; simulator process ${r.simCpuS.toFixed(2)} s\n` +
			`  page data ${r.sentBytes} bytes sent vs ${Math.round(r.refBytes)} coded by libtiff + RTC; modem underrun ${r.underrunMs.toFixed(0)} ms`,
	);
	console.log(`  ${"phase".padEnd(12)} ${"measured s".padStart(10)} ${"minimum s".padStart(10)} ${"gap ms".padStart(9)}`);
	for (const p of PHASES) console.log(`  ${p.padEnd(12)}   ${f1(r.phases[p])}   ${f1(r.mins[p])} ${(r.phases[p] - r.mins[p]).toFixed(0).padStart(9)}`);
	if (process.env.CALL_BENCH_TIMELINE === "1") timeline(r);
	const sum = PHASES.reduce((s, p) => s + r.phases[p], 0);
	console.log(`  ${"(states)".padEnd(12)}   ${f1(sum)}   ${f1(r.minMs)} ${(sum - r.minMs).toFixed(0).padStart(9)}`);
	const gap = r.lineMs - r.minMs;
	const trailer = (r.pages * TRAILER_OCTETS * 8000) / SHORT.bitRate;
	const rest = gap - trailer - EOP_EXTRA_MS - r.simDecodeMs;
	console.log(
		`  gap ${gap.toFixed(0)} ms = simulator page decode ${r.simDecodeMs.toFixed(0)} + our 20-octet trailers ${trailer.toFixed(0)} + our +FTS=9 before EOP ${EOP_EXTRA_MS}` +
			` + host latency (AT round trips over the pty, ${r.commands.length} commands) ${rest.toFixed(0)}; ratio without the simulator's decode ${((r.lineMs - r.simDecodeMs) / r.minMs).toFixed(4)}`,
	);
}

/** Everything the simulator and our states saw, in line-time order. */
function timeline(r: CallResult): void {
	const c = r.call;
	const rows = [
		...r.states.map((x) => ({ t: x.t, s: `state ${x.msg}` })),
		...r.commands.map((x) => ({ t: x.at, s: `AT${x.text}` })),
		...c.gaps.map((g) => ({ t: g.at, s: `carrier on (${g.start}) after ${g.ms.toFixed(1)} ms silence since ${g.after.who} ${g.after.what}` })),
		...c.frames.map((f) => ({ t: f.at, s: `frame ${f.dir} ${f.name} ends` })),
		...c.pages.map((p) => ({ t: p.at, s: `page ${p.page}: ${p.bytes} bytes, ${p.durationMs.toFixed(1)} ms of data` })),
	].sort((a, b) => a.t - b.t);
	for (const x of rows) console.log(`    ${x.t.toFixed(1).padStart(10)}  ${x.s}`);
}

export async function run(): Promise<void> {
	const quick = process.env.CALL_BENCH_QUICK === "1";
	console.log(
		`V.17 14400, standard resolution, far end answers after ${ANSWER_DELAY_MS} ms and turns around in ${TURN_MS} ms; training ${LONG.trainingMs} ms long / ${SHORT.trainingMs} ms short (simulator model).`,
	);
	const short: FixtureName[] = ["form", "text"];
	const all: [string, FixtureName[], "mh" | "mr", number][] = [
		["10 pages MR", REALISTIC, "mr", 0.1],
		["10 pages MH", REALISTIC, "mh", 0.1],
		["10 pages MR", REALISTIC, "mr", 0.05],
		["2 pages MR (form, text)", short, "mr", 0.1],
		["2 pages MR (form, text)", short, "mr", 1],
	];
	const runs = quick ? all.filter(([, names, , scale]) => names === short && scale === 0.1) : all;
	const results: CallResult[] = [];
	let idle = 0;
	const dir = mkdtempSync(join(tmpdir(), "faxline-call-bench-"));
	try {
		const sender = await buildSender(dir);
		idle = await idleCpu(sender);
		console.log(
			`reference: a sender process with the modem open and no call uses ${idle.toFixed(2)} ms CPU per second (${(idle / 10).toFixed(3)} % of a core;` +
				` ${IDLE_MS / 1000} s measured after ${IDLE_SETTLE_MS / 1000} s; src/transport's 250 ms device-node watchdog is most of it)`,
		);
		for (const [label, names, coding, scale] of runs) {
			const r = await oneCall(sender, label, names, coding, scale);
			report(r, idle);
			results.push(r);
		}
	} finally {
		rmSync(dir, { recursive: true, force: true });
	}
	console.log("\nsummary (target: ratio ≤ 1.03, sender CPU < 1 % per active line)");
	for (const r of results)
		console.log(
			`  ${r.label.padEnd(24)} scale ${String(r.timeScale).padEnd(5)} ratio ${(r.lineMs / r.minMs).toFixed(4)}  CPU ${((r.cpuS / (r.lineMs / 1000)) * 100).toFixed(3)} % per line` +
				` (call work ${(((r.cpuS - (idle * r.wallMs) / 1e6) / (r.lineMs / 1000)) * 100).toFixed(3)} %)${r.error ? "  FAILED" : ""}`,
		);
}

