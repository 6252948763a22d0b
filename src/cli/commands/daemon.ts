/**
 * `faxline daemon [--config FILE] [--log-json] [--log-level L] [--quiet]`: runs the outgoing queue and its
 * modems (issue 4 "Daemon and CLI"; outgoing-job.md throughout). The config is found as every command finds
 * it (jobs/configFile.ts) and validated before anything starts. Applies the config's queue settings,
 * recovers from a crash, then acts on submissions and requests from other `faxline` processes until
 * SIGINT/SIGTERM. Logs (logger.ts) one timestamped, levelled line per event: `ready`, each job event
 * (`added|changed|removed <id> ...`), each modem state change (a missing or unusable modem is reported with
 * its reason and retried every modemReopenMs), and publishes the modems' states for `faxline status`
 * (daemonStatus.ts). Layer: cli.
 */
import { FaxError } from "../../core/FaxError.js";
import { tiffCodec } from "../../jobs/codec.js";
import { configSearchPath, findConfigFile } from "../../jobs/configFile.js";
import { daemonModemFactory, loadDaemonConfig } from "../../jobs/daemonConfig.js";
import { FaxServerEventsType, extendedStatusName, statusName } from "../../jobs/enums.js";
import { FaxServer } from "../../jobs/FaxServer.js";
import type { ModemSlot } from "../../jobs/ModemPool.js";
import { smtpReceiptSender } from "../../jobs/receipts.js";
import { writeDaemonStatus, type ModemStatus } from "../daemonStatus.js";
import { bothModems, startReceiving } from "../receiveDaemon.js";
import type { CliIO } from "../io.js";
import { Logger, type Level } from "../logger.js";
import type { Parsed } from "../program.js";
import { checkOutputDir } from "../outputPaths.js";

interface DaemonOpts {
	config?: string;
	logJson?: boolean;
	logLevel?: Level;
	quiet?: boolean;
}

/** How often modem states are sampled for the log and modems.json (ms). */
const STATUS_MS = 500;

export async function run(p: Parsed, io: CliIO): Promise<number> {
	const o = p.opts as DaemonOpts;
	const file = findConfigFile(o.config);
	if (!file) throw new FaxError("USAGE", `no config file: give --config FILE (searched ${configSearchPath().join(", ")})`);
	const cfg = loadDaemonConfig(file);
	const log = new Logger(io, { json: o.logJson === true, level: o.quiet ? "warn" : (o.logLevel ?? "info") });
	checkOutputDir(cfg.spoolDir, "spoolDir"); // created when missing; a file or an unwritable place is one line

	// one daemon per spool
	const probe = FaxServer.connect({ spoolDir: cfg.spoolDir, codec: tiffCodec, name: "daemon-probe" });
	try {
		if (probe.daemonAlive()) throw new FaxError("CONFIG_INVALID", `another daemon is running on ${cfg.spoolDir}`);
		if (cfg.queue) {
			Object.assign(probe.outgoingQueue, cfg.queue);
			await probe.outgoingQueue.save();
		}
	} finally {
		await probe.disconnect();
	}

	const listen = (server: FaxServer): void => {
		server.on("receiptError", (_s, id, e) => log.error(`receipt for ${id} failed: ${e.message}`, { job: id }));
		server.listenToServerEvents(FaxServerEventsType.OUT_QUEUE | FaxServerEventsType.QUEUE_STATE);
		server.on("outgoingJobAdded", (_s, id) => log.info(`added ${id}`, { event: "added", job: id }));
		server.on("outgoingJobChanged", (_s, id, st) =>
			log.info(
				`changed ${id} ${statusName(st.status)} ${extendedStatusName(st.extendedStatusCode)} page ${st.currentPage}/${st.pages} device ${st.deviceId} retries ${st.retries}${st.failureDetail ? ` ${st.failureDetail.code} (${st.failureDetail.text})` : ""}`,
				{ event: "changed", job: id, status: st.status, extendedStatusCode: st.extendedStatusCode, extendedStatusName: extendedStatusName(st.extendedStatusCode), currentPage: st.currentPage, pages: st.pages, deviceId: st.deviceId, retries: st.retries },
			),
		);
		server.on("outgoingJobRemoved", (_s, id) => log.info(`removed ${id}`, { event: "removed", job: id }));
		server.on("queuesStatusChange", (_s, blocked, paused) => log.info(`queue blocked=${blocked} paused=${paused}`, { event: "queue", blocked, paused }));
	};
	const both = bothModems();
	const server = FaxServer.startDaemon({
		spoolDir: cfg.spoolDir,
		codec: tiffCodec,
		modems: cfg.modems.filter((m) => m.mode !== "receive"),
		modemFactory: daemonModemFactory(cfg),
		receipts: cfg.smtp ? smtpReceiptSender(cfg.smtp) : undefined,
		pollMs: cfg.pollMs,
		modemReopenMs: cfg.modemReopenMs,
		blockedNumbers: cfg.blockedNumbers,
		allowNumbers: cfg.allowNumbers,
		tracer: { trace: (ch, _d, msg) => (ch === "job" ? log.debug(msg) : undefined) },
		...(cfg.modems.some((m) => m.mode === "both") ? { onModemIdle: both.onModemIdle } : {}),
		beforeStart: listen,
	});
	const receiving = await startReceiving(server, cfg, (msg) => log.info(msg, { event: "incoming" }), both);
	log.info(`ready: ${cfg.modems.length} modem(s), spool ${cfg.spoolDir}, config ${file}, pid ${process.pid}`, { event: "ready", modems: cfg.modems.length, spoolDir: cfg.spoolDir, config: file, pid: process.pid });

	const watcher = watchModems(server.engine!.pool.slots, cfg.spoolDir, log);
	const stop = io.signal;
	if (stop && !stop.aborted) await new Promise<void>((done) => stop.addEventListener("abort", () => done(), { once: true }));
	log.info("stopping: running calls come back as retries", { event: "stopping" });
	watcher.stop();
	await receiving?.close();
	await server.disconnect();
	return 0;
}

const modemStatus = (s: ModemSlot): ModemStatus => ({
	deviceId: s.deviceId,
	path: s.cfg.path,
	name: s.cfg.name ?? s.cfg.path,
	state: s.state,
	error: s.state === "down" && s.lastError ? { code: s.lastError.code, message: s.lastError.text } : null,
	retryAt: s.state === "down" && s.retryAt ? new Date(s.retryAt).toISOString() : null,
});

/**
 * Logs each modem's state changes (a modem that cannot be opened: WARN with its reason and when it is
 * tried again) and keeps modems.json current.
 */
function watchModems(slots: readonly ModemSlot[], spoolDir: string, log: Logger): { stop(): void } {
	const last = new Map<number, string>();
	const sample = (): void => {
		const all = slots.map(modemStatus);
		let changed = false;
		for (const m of all) {
			const key = `${m.state}|${m.error?.code ?? ""}|${m.error?.message ?? ""}`;
			if (last.get(m.deviceId) === key) continue;
			last.set(m.deviceId, key);
			changed = true;
			const fields = { event: "modem", deviceId: m.deviceId, path: m.path, state: m.state, error: m.error, retryAt: m.retryAt };
			if (m.state === "down" && m.error) log.warn(`modem ${m.deviceId} ${m.path} down: ${m.error.code}: ${m.error.message}; retrying at ${m.retryAt ?? "?"}`, fields);
			else if (m.state === "idle" || m.state === "opening") log.info(`modem ${m.deviceId} ${m.path} ${m.state === "idle" ? "ready" : "opening"}`, fields);
		}
		if (changed || last.size === 0) writeDaemonStatus(spoolDir, { pid: process.pid, updated: new Date().toISOString(), modems: all });
	};
	sample();
	const timer = setInterval(sample, STATUS_MS);
	return { stop: () => clearInterval(timer) };
}
