/**
 * The daemon's JSON config (issue 4 "Daemon and CLI"; found and checked by configFile.ts, issue 13) and
 * the modem factory it implies:
 * `{ spoolDir, modems: [{path, profile?, faxClass?, deviceId?, tsid?, name?, mode?: send|receive|both, rings?}], queue: {...QueueSettings},
 *    smtp?: {host, port, ...}, testModems?, pollMs?, modemReopenMs?, blockedNumbers?, allowNumbers?, traceDir? }`.
 * Every call on a real modem leaves a JSONL protocol trace (AT lines, frames both ways, states, timers) in
 * `traceDir` (default `<spoolDir>/traces`), named `<UTC time>-<job id>-try<n>.jsonl`; the modems of one daemon
 * share one per-destination memory (e.g. "this number has V.17 trouble", t30/destinations.ts).
 * Real paths open a fax modem (src/session openFaxModem); `fake:` paths are
 * simulated lines (lineModem.ts), accepted only when `testModems` is true or FAXLINE_TEST_MODEMS=1.
 * Relative paths resolve against the config file's directory. Layer: jobs.
 */
import { mkdirSync } from "node:fs";
import { join, resolve } from "node:path";
import type { Clock } from "../core/Clock.js";
import { SystemClock } from "../core/Clock.js";
import { FaxError } from "../core/FaxError.js";
import type { FaxModem } from "../modem/FaxModem.js";
import { JsonlTracer, nullTracer } from "../core/trace.js";
import { MemoryDestinationStore, openFaxModem, type OpenFaxModemOptions } from "../session/openFaxModem.js";
import { checkConfig, configBaseDir, readConfigFile } from "./configFile.js";
import type { ConfigInput } from "./configSchema.js";
import { LineModem, parseLinePath } from "./lineModem.js";
import type { ModemConfig, ModemFactory } from "./ModemPool.js";
import type { RouteAction, RouteRule } from "./routing.js";
import type { SmtpConfig } from "./receipts.js";
import type { HourMinute, QueueSettings } from "./types.js";

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

/** Read and validate a config file (configFile.ts); CONFIG_INVALID naming the file, key path and expectation. */
export function loadDaemonConfig(file: string): DaemonConfig {
	return toDaemonConfig(readConfigFile(file), configBaseDir(file), file);
}

/** Validate an already-parsed config (relative paths resolve against `baseDir`). */
export function parseDaemonConfig(raw: unknown, baseDir: string, what = "config"): DaemonConfig {
	return toDaemonConfig(checkConfig(raw, what), baseDir, what);
}

function toDaemonConfig(r: ConfigInput, baseDir: string, what: string): DaemonConfig {
	const testModems = r.testModems === true || process.env.FAXLINE_TEST_MODEMS === "1";
	const modems = r.modems.map((m, i): ModemConfig => {
		if (m.path.startsWith("fake:")) {
			if (!testModems) throw new FaxError("CONFIG_INVALID", `${what}: modems[${i}].path: fake: modems need "testModems": true (or FAXLINE_TEST_MODEMS=1)`);
			parseLinePath(m.path);
		}
		const out: ModemConfig = { path: m.path.startsWith("fake:") ? m.path : resolve(baseDir, m.path) };
		if (m.name !== undefined) out.name = m.name;
		if (m.profile !== undefined) out.profile = m.profile;
		if (m.faxClass !== undefined) out.faxClass = m.faxClass;
		if (m.deviceId !== undefined) out.deviceId = m.deviceId;
		if (m.tsid !== undefined) out.tsid = m.tsid;
		if (m.mode !== undefined) out.mode = m.mode;
		if (m.rings !== undefined) out.rings = m.rings;
		return out;
	});
	const cfg: DaemonConfig = { spoolDir: resolve(baseDir, r.spoolDir), modems, testModems };
	if (r.queue) {
		const { discountRateStart, discountRateEnd, ...rest } = r.queue;
		const q: Partial<QueueSettings> = { ...rest };
		if (discountRateStart !== undefined) q.discountRateStart = toHourMinute(discountRateStart);
		if (discountRateEnd !== undefined) q.discountRateEnd = toHourMinute(discountRateEnd);
		cfg.queue = q;
	}
	if (r.smtp) cfg.smtp = r.smtp as SmtpConfig;
	if (r.pollMs !== undefined) cfg.pollMs = r.pollMs;
	if (r.modemReopenMs !== undefined) cfg.modemReopenMs = r.modemReopenMs;
	if (r.blockedNumbers) cfg.blockedNumbers = r.blockedNumbers;
	if (r.traceDir !== undefined) cfg.traceDir = r.traceDir === "" ? "" : resolve(baseDir, r.traceDir);
	if (r.allowNumbers) cfg.allowNumbers = r.allowNumbers;
	if (r.routing) cfg.routing = r.routing.map((rule) => routeRule(rule, baseDir));
	return cfg;
}

const toHourMinute = (v: string | HourMinute): HourMinute => {
	if (typeof v !== "string") return v;
	const [h, m] = v.split(":");
	return { hour: Number(h), minute: Number(m) };
};

/** A checked routing rule with its folders resolved against the config file's directory. */
function routeRule(r: NonNullable<ConfigInput["routing"]>[number], baseDir: string): RouteRule {
	const actions = r.actions.map((a): RouteAction => (a.type === "folder" ? { type: "folder", dir: resolve(baseDir, a.dir) } : a));
	return { actions, ...(r.deviceId !== undefined ? { deviceId: r.deviceId } : {}), ...(r.calledNumber !== undefined ? { calledNumber: r.calledNumber } : {}), ...(r.callerId !== undefined ? { callerId: r.callerId } : {}) };
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
			...(m.faxClass ? { faxClass: m.faxClass } : {}),
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
