/**
 * `faxline send --device PATH --to NUMBER [--tsid ID] [--json] [--trace FILE] FILE...`
 * Sends the files' pages in one call through a Class 1 modem (issue 3 "CLI and the main job"), shows
 * progress per page and ends with the truth about what the far end confirmed. Exit 0 only when every
 * page was confirmed (MCF/RTP/PIP), 1 otherwise (the engine reports unconfirmed pages as PAGE_REJECTED), 2 usage.
 * Issue 14: one --to (a broadcast is `submit`'s); inputs and --trace checked before anything is opened
 * (outputPaths.ts); the documents pinned and decoded whole before dialling (documents.ts), so the exit code
 * follows what the far end confirmed, whatever happens to the files meanwhile; pages with bad rows warned
 * about, refused above --max-bad-rows.
 * Layer: cli.
 */
import { parseArgs } from "node:util";
import { SystemClock } from "../../core/Clock.js";
import { FaxError } from "../../core/FaxError.js";
import type { SendEvent } from "../../modem/FaxModem.js";
import { checkDialString } from "../../core/dialString.js";
import { openFaxModem } from "../../session/openFaxModem.js";
import { openDocuments } from "../documents.js";
import { checkInputFiles, checkOutputFile } from "../outputPaths.js";
import { parseBadRowShare } from "../../tiff/index.js";
import type { CliIO } from "../io.js";
import { openTrace, portOptions, portSettings } from "../portOptions.js";
import { SendProgress } from "../progress.js";
import { fullyConfirmed, sendReport } from "../sendReport.js";

const USAGE = "usage: faxline send --device PATH --to NUMBER [--allow-number NUMBER] [--tsid ID] [--json] [--quiet] [--trace FILE] [--max-bad-rows SHARE] [--profile NAME] [--baud N] [--flow none|xonxoff|rtscts] [--max-rate BPS] FILE...";

export async function run(argv: string[], io: CliIO): Promise<number> {
	const { values: v, positionals: files } = parseArgs({
		args: argv,
		allowPositionals: true,
		options: {
			...portOptions,
			to: { type: "string", short: "t", multiple: true },
			"allow-number": { type: "string", multiple: true },
			"max-bad-rows": { type: "string" },
			tsid: { type: "string" },
			json: { type: "boolean" },
			"max-rate": { type: "string" },
			quiet: { type: "boolean", short: "q" },
		},
	});
	if (!v.device) throw new FaxError("USAGE", `--device is required\n${USAGE}`);
	if (!v.to?.length) throw new FaxError("USAGE", `--to is required\n${USAGE}`);
	// one call, one recipient: a broadcast is the queue's job (one job per recipient, each retried on its own)
	if (v.to.length > 1) throw new FaxError("USAGE", `send makes one call to one number; for ${v.to.length} recipients use 'faxline submit --to ${v.to.join(" --to ")} ...' (one job each)`);
	if (files.length === 0) throw new FaxError("USAGE", `no document given\n${USAGE}`);
	// the one dial-string rule: BAD_DIAL_STRING / BLACKLISTED (emergency numbers in every form) before
	// anything is opened; --allow-number lifts it explicitly
	const number = checkDialString(v.to[0]!, { allowNumbers: v["allow-number"] ?? [] });
	if (v.tsid !== undefined && !/^[\x20-\x7e]{0,20}$/.test(v.tsid)) throw new FaxError("USAGE", "--tsid must be at most 20 printable ASCII characters");
	const port = portSettings(v);
	const maxRate = v["max-rate"] === undefined ? undefined : Number(v["max-rate"]);
	if (maxRate !== undefined && !(Number.isInteger(maxRate) && maxRate >= 2400 && maxRate <= 14400)) throw new FaxError("USAGE", `--max-rate must be a bit rate from 2400 to 14400`);

	const maxBadRowShare = v["max-bad-rows"] === undefined ? undefined : usageShare(v["max-bad-rows"]);
	// before anything is opened or written: inputs are files, the trace is none of them and writable
	checkInputFiles(files);
	if (v.trace !== undefined) checkOutputFile(v.trace, "--trace", [...files, { path: v.device, what: "the modem device" }]);

	// the documents are pinned and decoded whole now: later changes on disk change nothing sent or reported
	const doc = await openDocuments(files, maxBadRowShare === undefined ? {} : { maxBadRowShare });
	for (const w of doc.warnings()) io.err(w);
	const clock = new SystemClock();
	let tracer: ReturnType<typeof openTrace>;
	try {
		tracer = openTrace(v.trace, clock); // e.g. its directory is missing: one line, the documents closed
	} catch (e) {
		await doc.close();
		throw e;
	}
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
			result = await modem.send({ document: doc, number, allowNumbers: v["allow-number"] ?? [], ...(v.tsid !== undefined ? { tsid: v.tsid } : {}), signal: ac.signal, onEvent });
		} finally {
			await modem.close();
		}
		const report = sendReport(result, { pages: doc.pageCount, size: doc.size, currentPage, dialed, start, end: new Date(), device: v.device, tsid: v.tsid ?? "", recipient: number });
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
		// the exit code stays what the far end confirmed; a trace that could not be written is said once
		if (tracer?.error) io.err(`faxline send: warning: the trace ${v.trace} is incomplete: ${tracer.error.message}`);
		await doc.close();
	}
}

/** --max-bad-rows: a usage error (exit 2) when it is not a share. */
function usageShare(v: string): number {
	try {
		return parseBadRowShare(v, "--max-bad-rows");
	} catch (e) {
		throw new FaxError("USAGE", (e as FaxError).text);
	}
}
