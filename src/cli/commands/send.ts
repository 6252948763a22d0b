/**
 * `faxline send --device PATH --to NUMBER [--tsid ID] [--json] [--trace FILE] FILE...`
 * Sends the files' pages in one call through a Class 1 modem (issue 3 "CLI and the main job"), shows
 * progress on stderr (progress.ts; also beside --json) and ends with the truth about what the far end
 * confirmed (stdout). Exit 0 only when every
 * page was confirmed (MCF/RTP/PIP), 1 otherwise (the engine reports unconfirmed pages as PAGE_REJECTED), 2 usage.
 * Issue 14: one --to (a broadcast is `submit`'s); inputs and --trace checked before anything is opened
 * (outputPaths.ts); the documents pinned and decoded whole before dialling (documents.ts), so the exit code
 * follows what the far end confirmed, whatever happens to the files meanwhile; pages with bad rows warned
 * about, refused above --max-bad-rows.
 * Layer: cli.
 */
import { SystemClock } from "../../core/Clock.js";
import { FaxError } from "../../core/FaxError.js";
import type { SendEvent } from "../../modem/FaxModem.js";
import { openFaxModem } from "../../session/openFaxModem.js";
import { coverOf, docOptionsOf, openDocuments } from "../documents.js";
import { checkInputFiles, checkOutputFile } from "../outputPaths.js";
import { parseBadRowShare } from "../../tiff/index.js";
import type { CliIO } from "../io.js";
import { openTrace, portSettings } from "../portOptions.js";
import type { Parsed } from "../program.js";
import { SendProgress } from "../progress.js";
import { checkMaxRate, checkNumber, checkTsid } from "../sendChecks.js";
import { fullyConfirmed, sendReport } from "../sendReport.js";

interface SendOpts {
	device?: string;
	to?: string[];
	allowNumber?: string[];
	maxBadRows?: string;
	tsid?: string;
	json?: boolean;
	maxRate?: string;
	quiet?: boolean;
	profile?: string;
	baud?: string;
	flow?: string;
	trace?: string;
	class?: string;
	paper?: string;
	dither?: string;
	cover?: boolean;
	coverTemplate?: string;
	toName?: string;
	toCompany?: string;
	fromName?: string;
	fromCompany?: string;
	fromNumber?: string;
	subject?: string;
	note?: string;
	/** commander's --no-ecm: false when given */
	ecm?: boolean;
}

export async function run(p: Parsed, io: CliIO): Promise<number> {
	const v = p.opts as SendOpts;
	const files = p.args;
	if (!v.device) throw new FaxError("USAGE", "--device is required");
	if (!v.to?.length) throw new FaxError("USAGE", "--to is required");
	// one call, one recipient: a broadcast is the queue's job (one job per recipient, each retried on its own)
	if (v.to.length > 1) throw new FaxError("USAGE", `send makes one call to one number; for ${v.to.length} recipients use 'faxline submit --to ${v.to.join(" --to ")} ...' (one job each)`);
	// the one dial-string rule: BAD_DIAL_STRING / BLACKLISTED (emergency numbers in every form) before
	// anything is opened; --allow-number lifts it explicitly
	const allowNumbers = v.allowNumber ?? [];
	const number = checkNumber(v.to[0]!, { allowNumbers });
	checkTsid(v.tsid);
	const cover = coverOf(
		{ cover: v.cover, "cover-template": v.coverTemplate, "to-name": v.toName, "to-company": v.toCompany, "from-name": v.fromName, "from-company": v.fromCompany, "from-number": v.fromNumber, subject: v.subject, note: v.note },
		v.to[0]!,
		v.tsid,
	);
	if (files.length === 0 && !cover) throw new FaxError("USAGE", "no document given");
	const port = portSettings(v);
	const maxRate = checkMaxRate(v.maxRate);

	const maxBadRowShare = v.maxBadRows === undefined ? undefined : usageShare(v.maxBadRows);
	// before anything is opened or written: inputs are files, the trace is none of them and writable
	checkInputFiles(files);
	if (v.trace !== undefined) checkOutputFile(v.trace, "--trace", [...files, { path: v.device, what: "the modem device" }]);

	// the documents are pinned and decoded whole now: later changes on disk change nothing sent or reported
	const doc = await openDocuments(files, { ...docOptionsOf(v), ...(maxBadRowShare === undefined ? {} : { maxBadRowShare }) }, cover);
	for (const w of doc.warnings()) io.err(w);
	const clock = new SystemClock();
	let tracer: ReturnType<typeof openTrace>;
	try {
		tracer = openTrace(v.trace, clock); // e.g. its directory is missing: one line, the documents closed
	} catch (e) {
		await doc.close();
		throw e;
	}
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
			...(v.ecm === false ? { useEcm: false } : {}),
		});
		let result;
		try {
			result = await modem.send({ document: doc, number, allowNumbers, ...(v.tsid !== undefined ? { tsid: v.tsid } : {}), signal, onEvent });
		} finally {
			await modem.close();
		}
		const report = sendReport(result, { pages: doc.pageCount, size: doc.size, currentPage, dialed, start, end: new Date(), device: v.device, tsid: v.tsid ?? "", recipient: number });
		const ok = fullyConfirmed(result, doc.pageCount);
		if (v.json) io.out(JSON.stringify(report, null, 2));
		else if (ok) io.out(`sent: all ${doc.pageCount} page(s) confirmed by ${result.csid ? `"${result.csid}"` : "the far end"}`);
		else if (result.error) io.err(`failed: ${report.extendedStatusName}: ${result.error.message}; ${result.pagesConfirmed} of ${doc.pageCount} page(s) confirmed`);
		else io.err(`incomplete: page(s) ${result.unconfirmedPages.join(", ")} NOT confirmed by the far end; ${result.pagesConfirmed} of ${doc.pageCount} confirmed`);
		for (const b of result.undeliveredBlocks ?? []) if (!v.json) io.err(`  page ${b.page} block ${b.block}: ${b.frames.length} ECM frame(s) not delivered (EOR)`);
		if (v.trace && !v.json) io.out(`trace: ${v.trace}`);
		return ok ? 0 : 1;
	} finally {
		progress.stop();
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
