/**
 * `faxline daemon --config FILE`: runs the outgoing queue and its modems (issue 4 "Daemon and CLI";
 * outgoing-job.md throughout). Applies the config's queue settings, recovers from a crash, then acts on
 * submissions and requests from other `faxline` processes until SIGINT/SIGTERM. Prints one line per job
 * event (`added|changed|removed <id> ...`) and `ready` once running. Layer: cli.
 */
import { mkdirSync } from "node:fs";
import { parseArgs } from "node:util";
import { FaxError } from "../../core/FaxError.js";
import { tiffCodec } from "../../jobs/codec.js";
import { daemonModemFactory, loadDaemonConfig } from "../../jobs/daemonConfig.js";
import { FaxServerEventsType, extendedStatusName, statusName } from "../../jobs/enums.js";
import { FaxServer } from "../../jobs/FaxServer.js";
import { smtpReceiptSender } from "../../jobs/receipts.js";
import { bothModems, startReceiving } from "../receiveDaemon.js";
import type { CliIO } from "../io.js";

export async function run(argv: string[], io: CliIO): Promise<number> {
	const { values } = parseArgs({ args: argv, options: { config: { type: "string" }, quiet: { type: "boolean" } }, strict: true });
	if (!values.config) throw new FaxError("USAGE", "usage: faxline daemon --config FILE");
	const cfg = loadDaemonConfig(values.config);
	mkdirSync(cfg.spoolDir, { recursive: true });

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
		server.on("receiptError", (_s, id, e) => io.err(`receipt for ${id} failed: ${e.message}`));
		if (values.quiet) return;
		server.listenToServerEvents(FaxServerEventsType.OUT_QUEUE | FaxServerEventsType.QUEUE_STATE);
		server.on("outgoingJobAdded", (_s, id) => io.out(`added ${id}`));
		server.on("outgoingJobChanged", (_s, id, st) =>
			io.out(`changed ${id} ${statusName(st.status)} ${extendedStatusName(st.extendedStatusCode)} page ${st.currentPage}/${st.pages} device ${st.deviceId} retries ${st.retries}${st.failureDetail ? ` ${st.failureDetail.code} (${st.failureDetail.text})` : ""}`),
		);
		server.on("outgoingJobRemoved", (_s, id) => io.out(`removed ${id}`));
		server.on("queuesStatusChange", (_s, blocked, paused) => io.out(`queue blocked=${blocked} paused=${paused}`));
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
		...(cfg.modems.some((m) => m.mode === "both") ? { onModemIdle: both.onModemIdle } : {}),
		beforeStart: listen,
	});
	const receiving = await startReceiving(server, cfg, io, values.quiet === true, both);
	io.out(`ready: ${cfg.modems.length} modem(s), spool ${cfg.spoolDir}, pid ${process.pid}`);

	await new Promise<void>((resolve) => {
		const stop = () => resolve();
		process.once("SIGINT", stop);
		process.once("SIGTERM", stop);
	});
	io.out("stopping: running calls come back as retries");
	await receiving?.close();
	await server.disconnect();
	return 0;
}
