/**
 * `faxline send --device PATH --to NUMBER [--tsid ID] [--json] [--trace FILE] FILE...`
 * Sends the files' pages in one call through a Class 1 modem (issue 3 "CLI and the main job"), shows
 * progress per page and ends with the truth about what the far end confirmed. Exit 0 only when every
 * page was confirmed (MCF/RTP/PIP), 1 otherwise (the engine reports unconfirmed pages as PAGE_REJECTED), 2 usage.
 * Layer: cli.
 */
import { statSync } from "node:fs";
import { parseArgs } from "node:util";
import { SystemClock } from "../../core/Clock.js";
import { FaxError } from "../../core/FaxError.js";
import type { SendEvent } from "../../modem/FaxModem.js";
import { checkDialString } from "../../core/dialString.js";
import { openFaxModem } from "../../session/openFaxModem.js";
import { openDocuments } from "../documents.js";
import type { CliIO } from "../io.js";
import { openTrace, portOptions, portSettings } from "../portOptions.js";
import { SendProgress } from "../progress.js";
import { fullyConfirmed, sendReport } from "../sendReport.js";

const USAGE = "usage: faxline send --device PATH --to NUMBER [--tsid ID] [--json] [--quiet] [--trace FILE] [--profile NAME] [--baud N] [--flow none|xonxoff|rtscts] [--max-rate BPS] FILE...";

export async function run(argv: string[], io: CliIO): Promise<number> {
	const { values: v, positionals: files } = parseArgs({
		args: argv,
		allowPositionals: true,
		options: {
			...portOptions,
			to: { type: "string", short: "t" },
			tsid: { type: "string" },
			json: { type: "boolean" },
			"max-rate": { type: "string" },
			quiet: { type: "boolean", short: "q" },
		},
	});
	if (!v.device) throw new FaxError("USAGE", `--device is required\n${USAGE}`);
	if (!v.to) throw new FaxError("USAGE", `--to is required\n${USAGE}`);
	if (files.length === 0) throw new FaxError("USAGE", `no document given\n${USAGE}`);
	const number = checkDialString(v.to); // the one dial-string rule: BAD_DIAL_STRING / BLACKLISTED before anything is opened
	if (v.tsid !== undefined && !/^[\x20-\x7e]{0,20}$/.test(v.tsid)) throw new FaxError("USAGE", "--tsid must be at most 20 printable ASCII characters");
	const port = portSettings(v);
	const maxRate = v["max-rate"] === undefined ? undefined : Number(v["max-rate"]);
	if (maxRate !== undefined && !(Number.isInteger(maxRate) && maxRate >= 2400 && maxRate <= 14400)) throw new FaxError("USAGE", `--max-rate must be a bit rate from 2400 to 14400`);

	const doc = await openDocuments(files);
	const clock = new SystemClock();
	const tracer = openTrace(v.trace, clock);
	const progress = new SendProgress(io, v.json === true || v.quiet === true);
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
	// Ctrl-C or a service manager's SIGTERM ends the call properly (DCN, ATH; spec §9.4); a second
	// signal while that runs gets the default action (the handlers are `once`).
	const ac = new AbortController();
	const onSigint = () => ac.abort(new FaxError("CALL_ABORTED", "interrupted by the user"));
	const onSigterm = () => ac.abort(new FaxError("CALL_ABORTED", "terminated (SIGTERM)"));
	process.once("SIGINT", onSigint);
	process.once("SIGTERM", onSigterm);
	try {
		const modem = await openFaxModem(v.device, {
			clock,
			...(tracer ? { tracer } : {}),
			...port,
			...(maxRate ? { maxRate } : {}),
		});
		let result;
		try {
			result = await modem.send({ document: doc, number, ...(v.tsid !== undefined ? { tsid: v.tsid } : {}), signal: ac.signal, onEvent });
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
		process.off("SIGINT", onSigint);
		process.off("SIGTERM", onSigterm);
		await tracer?.close();
		await doc.close();
	}
}
