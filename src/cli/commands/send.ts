/**
 * `faxline send --device PATH --to NUMBER [--tsid ID] [--json] [--trace FILE] FILE...`
 * Sends the files' pages in one call through a Class 1 modem (issue 3 "CLI and the main job"), shows
 * progress on stderr (progress.ts; also beside --json) and ends with the truth about what the far end
 * confirmed (stdout). Exit 0 only when every
 * page was confirmed (MCF/RTP/PIP), 1 otherwise (the engine reports unconfirmed pages as PAGE_REJECTED), 2 usage.
 * Layer: cli.
 */
import { statSync } from "node:fs";
import { SystemClock } from "../../core/Clock.js";
import { FaxError } from "../../core/FaxError.js";
import type { SendEvent } from "../../modem/FaxModem.js";
import { openFaxModem } from "../../session/openFaxModem.js";
import { openDocuments } from "../documents.js";
import type { CliIO } from "../io.js";
import { openTrace, portSettings } from "../portOptions.js";
import type { Parsed } from "../program.js";
import { SendProgress } from "../progress.js";
import { checkMaxRate, checkNumber, checkTsid } from "../sendChecks.js";
import { fullyConfirmed, sendReport } from "../sendReport.js";

interface SendOpts {
	device?: string;
	to?: string;
	tsid?: string;
	json?: boolean;
	maxRate?: string;
	quiet?: boolean;
	profile?: string;
	baud?: string;
	flow?: string;
	trace?: string;
}

export async function run(p: Parsed, io: CliIO): Promise<number> {
	const v = p.opts as SendOpts;
	const files = p.args;
	if (!v.device) throw new FaxError("USAGE", "--device is required");
	if (!v.to) throw new FaxError("USAGE", "--to is required");
	const number = checkNumber(v.to); // BAD_DIAL_STRING / BLACKLISTED before anything is opened
	checkTsid(v.tsid);
	const port = portSettings(v);
	const maxRate = checkMaxRate(v.maxRate);

	const doc = await openDocuments(files);
	const clock = new SystemClock();
	const tracer = openTrace(v.trace, clock);
	const progress = new SendProgress(io, v.quiet === true);
	let currentPage = 0;
	let dialed = false;
	let start: Date | null = null;
	const onEvent = (e: SendEvent) => {
		if (e.type === "dialing") {
			dialed = true;
			start = new Date();
		}
		if (e.type === "pageStart") currentPage = e.page;
		progress.onEvent(e);
	};
	// Ctrl-C or a service manager's SIGTERM (io.signal, main.ts) ends the call properly (DCN, ATH; spec
	// §9.4), then main exits 130/143; a second signal ends the process at once.
	const signal = io.signal ?? new AbortController().signal;
	try {
		const modem = await openFaxModem(v.device, {
			clock,
			...(tracer ? { tracer } : {}),
			...port,
			...(maxRate ? { maxRate } : {}),
		});
		let result;
		try {
			result = await modem.send({ document: doc, number, ...(v.tsid !== undefined ? { tsid: v.tsid } : {}), signal, onEvent });
		} finally {
			await modem.close();
		}
		const size = files.reduce((n, f) => n + statSync(f).size, 0);
		const report = sendReport(result, { pages: doc.pageCount, size, currentPage, dialed, start, end: new Date(), device: v.device, tsid: v.tsid ?? "", recipient: number });
		const ok = fullyConfirmed(result, doc.pageCount);
		if (v.json) io.out(JSON.stringify(report, null, 2));
		else if (ok) io.out(`sent: all ${doc.pageCount} page(s) confirmed by ${result.csid ? `"${result.csid}"` : "the far end"}`);
		else if (result.error) io.err(`failed: ${report.extendedStatusName}: ${result.error.message}; ${result.pagesConfirmed} of ${doc.pageCount} page(s) confirmed`);
		else io.err(`incomplete: page(s) ${result.unconfirmedPages.join(", ")} NOT confirmed by the far end; ${result.pagesConfirmed} of ${doc.pageCount} confirmed`);
		if (v.trace && !v.json) io.out(`trace: ${v.trace}`);
		return ok ? 0 : 1;
	} finally {
		progress.stop();
		await tracer?.close();
		await doc.close();
	}
}
