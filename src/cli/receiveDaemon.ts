/**
 * The receiving half of `faxline daemon` (issue 10): when the config has modems with `mode: "receive"` or
 * "both", finish what a killed daemon left (IncomingInbox.recover), then run the IncomingService on the
 * receive modems, and on the "both" modems of the outgoing pool whenever they are idle (`bothModems`:
 * the pool's onModemIdle hook, bound before the service exists), with the config's routing rules and
 * SMTP server; one log line per incoming event (the daemon's Logger). Layer: cli.
 */
import { daemonModemFactory, type DaemonConfig } from "../jobs/daemonConfig.js";
import type { FaxServer } from "../jobs/FaxServer.js";
import { IncomingInbox } from "../jobs/IncomingInbox.js";
import { IncomingService } from "../jobs/IncomingService.js";
import type { ModemPool, ModemSlot } from "../jobs/ModemPool.js";
import { smtpReceiptSender } from "../jobs/receipts.js";

/** The pool's idle hook for "both" modems: slots that became idle before the service started wait in line. */
export function bothModems(): { onModemIdle: (s: ModemSlot, pool: ModemPool) => void; attach(svc: IncomingService): void } {
	let svc: IncomingService | undefined;
	const early: [ModemSlot, ModemPool][] = [];
	return {
		onModemIdle: (s, pool) => (svc ? svc.listenOn(s, pool) : early.push([s, pool])),
		attach(x) {
			svc = x;
			for (const [s, pool] of early.splice(0)) if (s.state === "idle" && !s.listener) x.listenOn(s, pool);
		},
	};
}

export async function startReceiving(server: FaxServer, cfg: DaemonConfig, log: (line: string) => void, both?: ReturnType<typeof bothModems>): Promise<IncomingService | undefined> {
	const modems = cfg.modems.filter((m) => m.mode === "receive");
	if (modems.length === 0 && !cfg.modems.some((m) => m.mode === "both")) return undefined;
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
	both?.attach(svc);
	return svc;
}
