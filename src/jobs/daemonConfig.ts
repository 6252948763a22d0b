/**
 * The daemon's JSON config (issue 4 "Daemon and CLI") and the modem factory it implies:
 * `{ spoolDir, modems: [{path, profile?, deviceId?, tsid?, name?, mode?: send|receive|both, rings?}], queue: {...QueueSettings},
 *    smtp?: {host, port, ...}, testModems?, pollMs?, modemReopenMs?, blockedNumbers?, allowNumbers?, traceDir? }`.
 * Every call on a real modem leaves a JSONL protocol trace (AT lines, frames both ways, states, timers) in
 * `traceDir` (default `<spoolDir>/traces`), named `<UTC time>-<job id>-try<n>.jsonl`; the modems of one daemon
 * share one per-destination memory (e.g. "this number has V.17 trouble", t30/destinations.ts).
 * Real paths open a fax modem (src/session openFaxModem); `fake:` paths are
 * simulated lines (lineModem.ts), accepted only when `testModems` is true or FAXLINE_TEST_MODEMS=1.
 * Relative paths resolve against the config file's directory. Layer: jobs.
 */
import { mkdirSync, readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import type { Clock } from "../core/Clock.js";
import { SystemClock } from "../core/Clock.js";
import { FaxError } from "../core/FaxError.js";
import type { FaxModem } from "../modem/FaxModem.js";
import { JsonlTracer, nullTracer } from "../core/trace.js";
import { MemoryDestinationStore, openFaxModem, type OpenFaxModemOptions } from "../session/openFaxModem.js";
import { LineModem, parseLinePath } from "./lineModem.js";
import type { ModemConfig, ModemFactory } from "./ModemPool.js";
import type { RouteAction, RouteRule } from "./routing.js";
import type { SmtpConfig } from "./receipts.js";
import type { QueueSettings } from "./types.js";

export interface DaemonConfig {
	spoolDir: string;
	modems: ModemConfig[];
	queue?: Partial<QueueSettings>;
	smtp?: SmtpConfig;
	/** accept `fake:` modem paths (tests, benchmarks); default false */
	testModems?: boolean;
	/** store poll period, ms (default 250) */
	pollMs?: number;
	/** wait before reopening a failed modem, ms (default 30000) */
	modemReopenMs?: number;
	/** numbers never dialed besides the emergency numbers (core/dialString.ts EMERGENCY_NUMBERS, always blocked) */
	blockedNumbers?: string[];
	/** numbers dialed although blocked: an entry ("911", e.g. a test line) or a whole number ("9911"); core/dialString.ts */
	allowNumbers?: string[];
	/** where per-call JSONL traces go (default `<spoolDir>/traces`); "" = no traces */
	traceDir?: string;
	/** routing rules for received faxes (first match wins; routing.ts) */
	routing?: RouteRule[];
}

const isObj = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);

/** Read and validate a config file; CONFIG_INVALID on anything wrong. */
export function loadDaemonConfig(file: string): DaemonConfig {
	let raw: unknown;
	try {
		raw = JSON.parse(readFileSync(file, "utf8"));
	} catch (e) {
		const code = (e as NodeJS.ErrnoException).code;
		if (code === "ENOENT") throw new FaxError("FILE_NOT_FOUND", `no such config file: ${file}`);
		throw new FaxError("CONFIG_INVALID", `${file}: ${(e as Error).message}`);
	}
	return parseDaemonConfig(raw, dirname(resolve(file)), file);
}

export function parseDaemonConfig(raw: unknown, baseDir: string, what = "config"): DaemonConfig {
	const bad = (m: string): never => {
		throw new FaxError("CONFIG_INVALID", `${what}: ${m}`);
	};
	if (!isObj(raw)) bad("must be a JSON object");
	const r = raw as Record<string, unknown>;
	if (typeof r.spoolDir !== "string" || !r.spoolDir) bad("spoolDir (string) is required");
	if (!Array.isArray(r.modems)) bad("modems must be an array");
	const testModems = r.testModems === true || process.env.FAXLINE_TEST_MODEMS === "1";
	const modems = (r.modems as unknown[]).map((m, i): ModemConfig => {
		if (!isObj(m) || typeof m.path !== "string" || !m.path) return bad(`modems[${i}].path (string) is required`);
		if (m.deviceId !== undefined && (!Number.isInteger(m.deviceId) || (m.deviceId as number) <= 0)) bad(`modems[${i}].deviceId must be a positive integer`);
		if (m.tsid !== undefined && (typeof m.tsid !== "string" || m.tsid.length > 20)) bad(`modems[${i}].tsid must be a string of at most 20 characters`);
		if (m.path.startsWith("fake:")) {
			if (!testModems) bad(`modems[${i}]: fake: modems need "testModems": true (or FAXLINE_TEST_MODEMS=1)`);
			parseLinePath(m.path);
		}
		const out: ModemConfig = { path: m.path.startsWith("fake:") ? m.path : resolve(baseDir, m.path) };
		if (typeof m.name === "string") out.name = m.name;
		if (typeof m.profile === "string") out.profile = m.profile;
		if (typeof m.deviceId === "number") out.deviceId = m.deviceId;
		if (typeof m.tsid === "string") out.tsid = m.tsid;
		if (m.mode !== undefined) {
			if (m.mode !== "send" && m.mode !== "receive" && m.mode !== "both") bad(`modems[${i}].mode must be "send", "receive" or "both"`);
			out.mode = m.mode as "send" | "receive" | "both";
		}
		if (m.rings !== undefined) {
			if (!Number.isInteger(m.rings) || (m.rings as number) < 0 || (m.rings as number) > 20) bad(`modems[${i}].rings must be 0..20`);
			out.rings = m.rings as number;
		}
		return out;
	});
	if (r.queue !== undefined && !isObj(r.queue)) bad("queue must be an object");
	if (r.smtp !== undefined && (!isObj(r.smtp) || typeof r.smtp.host !== "string")) bad("smtp.host (string) is required when smtp is given");
	const cfg: DaemonConfig = { spoolDir: resolve(baseDir, r.spoolDir as string), modems, testModems };
	if (r.queue) cfg.queue = r.queue as Partial<QueueSettings>;
	if (r.smtp) cfg.smtp = r.smtp as unknown as SmtpConfig;
	if (typeof r.pollMs === "number") cfg.pollMs = r.pollMs;
	if (typeof r.modemReopenMs === "number") cfg.modemReopenMs = r.modemReopenMs;
	if (Array.isArray(r.blockedNumbers)) cfg.blockedNumbers = r.blockedNumbers.map(String);
	if (r.allowNumbers !== undefined && !Array.isArray(r.allowNumbers)) bad("allowNumbers must be an array of numbers (strings)");
	if (Array.isArray(r.allowNumbers)) cfg.allowNumbers = r.allowNumbers.map(String);
	if (typeof r.traceDir === "string") cfg.traceDir = r.traceDir === "" ? "" : resolve(baseDir, r.traceDir);
	if (r.routing !== undefined) cfg.routing = parseRouting(r.routing, baseDir, bad);
	return cfg;
}

/** `routing: [{deviceId?, calledNumber?, callerId?, actions: [{type:"folder",dir} | {type:"email",to,subject?} | {type:"command",argv:[...]}]}]` */
function parseRouting(v: unknown, baseDir: string, bad: (m: string) => never): RouteRule[] {
	if (!Array.isArray(v)) return bad("routing must be an array of rules");
	return v.map((x, i): RouteRule => {
		if (!isObj(x) || !Array.isArray(x.actions) || x.actions.length === 0) return bad(`routing[${i}].actions (non-empty array) is required`);
		const rule: RouteRule = {
			actions: (x.actions as unknown[]).map((a, j): RouteAction => {
				const at = `routing[${i}].actions[${j}]`;
				if (!isObj(a)) return bad(`${at} must be an object`);
				if (a.type === "folder" && typeof a.dir === "string") return { type: "folder", dir: resolve(baseDir, a.dir) };
				if (a.type === "email" && typeof a.to === "string") return { type: "email", to: a.to, ...(typeof a.subject === "string" ? { subject: a.subject } : {}) };
				if (a.type === "command" && Array.isArray(a.argv) && a.argv.length > 0 && a.argv.every((s) => typeof s === "string"))
					return { type: "command", argv: a.argv as string[], ...(typeof a.timeoutMs === "number" ? { timeoutMs: a.timeoutMs } : {}) };
				return bad(`${at}: {type:"folder",dir} | {type:"email",to} | {type:"command",argv:[program, ...args]} (a command is an argument vector, never a shell string)`);
			}),
		};
		if (typeof x.deviceId === "number") rule.deviceId = x.deviceId;
		if (typeof x.calledNumber === "string") rule.calledNumber = x.calledNumber;
		if (typeof x.callerId === "string") rule.callerId = x.callerId;
		return rule;
	});
}

/** The modem factory for a config: real Class 1 modems, or simulated lines for `fake:` paths. */
export function daemonModemFactory(cfg: DaemonConfig, clock: Clock = new SystemClock()): ModemFactory {
	const destinations = new MemoryDestinationStore();
	const traceDir = cfg.traceDir ?? join(cfg.spoolDir, "traces");
	return async (m: ModemConfig): Promise<FaxModem> => {
		if (m.path.startsWith("fake:")) {
			if (!cfg.testModems) throw new FaxError("CONFIG_INVALID", "test modems are disabled");
			const o = parseLinePath(m.path);
			if (o.dead) throw new FaxError("MODEM_NO_RESPONSE", `${m.path}: simulated dead modem`);
			return new LineModem(m.name ?? m.path, o, clock);
		}
		return openFaxModem(m.path, {
			id: m.name ?? m.path,
			clock,
			...(m.profile ? { profile: m.profile } : {}),
			...(m.tsid ? { tsid: m.tsid } : {}),
			...(cfg.blockedNumbers ? { blockList: cfg.blockedNumbers } : {}),
			...(cfg.allowNumbers ? { allowNumbers: cfg.allowNumbers } : {}),
			destinations,
			...(traceDir === "" ? {} : callTraceOptions(traceDir, clock)),
		});
	};
}

/**
 * Session options that write one JSONL trace file per call into `dir`. The modem is long-lived and traces
 * its AT lines to the `tracer` it was opened with, so that tracer is switched to the current call's file
 * (one call at a time per modem) and the engine's own per-call tracer stays empty (no record twice).
 */
function callTraceOptions(dir: string, clock: Clock): Pick<OpenFaxModemOptions, "tracer" | "tracerForCall" | "afterCall"> {
	let current: JsonlTracer | undefined;
	return {
		tracer: { trace: (ch, d, msg, data) => current?.trace(ch, d, msg, data) },
		tracerForCall: (req) => {
			mkdirSync(dir, { recursive: true });
			const stamp = new Date().toISOString().replace(/[-:]/g, "").replace(/\.\d+Z$/, "Z");
			const label = (req.callId ?? ("number" in req ? req.number : "incoming")).replace(/[^A-Za-z0-9_-]/g, "_");
			current = new JsonlTracer(join(dir, `${stamp}-${label}.jsonl`), clock);
			return nullTracer;
		},
		afterCall: async () => {
			const t = current;
			current = undefined;
			await t?.close();
		},
	};
}
