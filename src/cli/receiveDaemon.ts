/**
 * The receiving half of `faxline daemon` (issue 10): when the config has modems with `mode: "receive"`,
 * finish what a killed daemon left (IncomingInbox.recover), then run the IncomingService on those modems
 * with the config's routing rules and SMTP server; one log line per incoming event (the daemon's Logger). Layer: cli.
 */
import { daemonModemFactory, type DaemonConfig } from "../jobs/daemonConfig.js";
import type { FaxServer } from "../jobs/FaxServer.js";
import { IncomingInbox } from "../jobs/IncomingInbox.js";
import { IncomingService } from "../jobs/IncomingService.js";
import { smtpReceiptSender } from "../jobs/receipts.js";

export async function startReceiving(server: FaxServer, cfg: DaemonConfig, log: (line: string) => void): Promise<IncomingService | undefined> {
	const modems = cfg.modems.filter((m) => m.mode === "receive");
	if (modems.length === 0) return undefined;
	const inbox = new IncomingInbox(server.store, cfg.spoolDir, {
		rules: cfg.routing ?? [],
		routeDeps: cfg.smtp ? { mail: smtpReceiptSender(cfg.smtp) } : {},
		onEvent: (e) => {
			log(`incoming ${e.type} ${e.jobId} ${e.job.extendedStatus} page ${e.job.currentPage} pages ${e.job.pages}${e.job.routingInformation ? ` routed ${e.job.routingInformation}` : ""}`);
		},
	});
	for (const r of await inbox.recover()) log(`recovered incoming ${r.id}: ${r.extendedStatus}`);
	const svc = new IncomingService({
		inbox,
		modems,
		factory: daemonModemFactory(cfg),
		clock: server.clock,
		deviceIdFor: (p) => server.store.deviceIdFor(p),
		...(cfg.modemReopenMs !== undefined ? { reopenMs: cfg.modemReopenMs } : {}),
		trace: log,
	});
	svc.start();
	return svc;
}
