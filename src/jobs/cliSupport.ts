/**
 * What the queue CLI commands share (faxline submit/jobs/job/cancel/pause/resume/restart/copy-tiff):
 * finding the spool from `--spool DIR` or `--config FILE` (or FAXLINE_SPOOL), connecting to it as a
 * client of the running daemon, and formatting jobs. Layer: jobs (no CLI imports).
 */
import { existsSync } from "node:fs";
import { join } from "node:path";
import { FaxError } from "../core/FaxError.js";
import { tiffCodec } from "./codec.js";
import { pageRanges } from "./coverPage.js";
import { loadDaemonConfig } from "./daemonConfig.js";
import { extendedStatusName, statusName } from "./enums.js";
import type { FaxOutgoingJob } from "./FaxOutgoingJob.js";
import { FaxServer } from "./FaxServer.js";

/** Common options of the queue commands. */
export const spoolOptions = {
	spool: { type: "string" },
	config: { type: "string" },
} as const;

/** The spool directory named by --spool, --config or FAXLINE_SPOOL. */
export function spoolDirFrom(v: { spool?: string; config?: string }): string {
	if (v.spool) return v.spool;
	if (v.config) return loadDaemonConfig(v.config).spoolDir;
	if (process.env.FAXLINE_SPOOL) return process.env.FAXLINE_SPOOL;
	throw new FaxError("USAGE", "say where the queue is: --spool DIR or --config FILE (or set FAXLINE_SPOOL)");
}

/** Connect to an existing queue as a client. */
export function connectQueue(v: { spool?: string; config?: string }, mustExist = true): FaxServer {
	const dir = spoolDirFrom(v);
	if (mustExist && !existsSync(join(dir, "queue.db"))) throw new FaxError("FILE_NOT_FOUND", `no queue in ${dir} (start 'faxline daemon' first)`);
	return FaxServer.connect({ spoolDir: dir, codec: tiffCodec, name: `cli-${process.pid}` });
}

const iso = (d: Date | null): string => (d ? d.toISOString() : "-");
const pageList = (pages: readonly number[]): string => pageRanges(pages) || "-";

/** One line for `faxline jobs`. */
export function jobLine(j: FaxOutgoingJob): string {
	const ext = j.extendedStatusCode ? extendedStatusName(j.extendedStatusCode) : "-";
	return [j.id, statusName(j.status).padEnd(18), ext.padEnd(16), j.recipient.faxNumber.padEnd(16), `${j.currentPage}/${j.pages}`.padEnd(6), String(j.retries).padEnd(3), iso(j.scheduledTime)].join(" ");
}

export const jobsHeader = ["ID".padEnd(16), "STATUS".padEnd(18), "EXTENDED".padEnd(16), "NUMBER".padEnd(16), "PAGE".padEnd(6), "RET", "SCHEDULED"].join(" ");

/** The multi-line description for `faxline job ID`. */
export function describeJob(j: FaxOutgoingJob, queued: boolean): string[] {
	const f = j.failureDetail;
	return [
		`id:              ${j.id}${queued ? "" : " (no longer queued)"}`,
		`submission:      ${j.submissionId}`,
		`status:          ${statusName(j.status)} (0x${j.status.toString(16)})`,
		`extended status: ${extendedStatusName(j.extendedStatusCode)} (${j.extendedStatusCode})${f ? ` - ${f.code}: ${f.text}` : ""}`,
		`recipient:       ${j.recipient.name ? `${j.recipient.name} ` : ""}${j.recipient.faxNumber}`,
		`pages:           ${j.currentPage}/${j.pages} (${j.size} bytes)`,
		`device:          ${j.deviceId || "-"}   retries: ${j.retries}   TSID: ${j.tsid || "-"}   CSID: ${j.csid || "-"}`,
		`scheduled:       ${iso(j.scheduledTime)} (first ${iso(j.originalScheduledTime)}, submitted ${iso(j.submissionTime)})`,
		`transmission:    ${iso(j.transmissionStart)} .. ${iso(j.transmissionEnd)}`,
		`operations:      0x${j.availableOperations.toString(16)}`,
		`delivered pages: ${pageList(j.pagesDelivered)}`,
		...(j.possiblyDuplicatedPages.length ? [`possibly twice:  ${pageList(j.possiblyDuplicatedPages)} (the daemon died while sending; a retry sent it again)`] : []),
		...j.attempts.map((a) => {
			const f = a.failureDetail ? ` ${a.failureDetail.code}: ${a.failureDetail.text}` : "";
			const doubt = a.pageInDoubt !== null ? `, page ${a.pageInDoubt} in doubt` : "";
			return `attempt ${String(a.attempt).padEnd(8)} ${iso(a.startTime)} device ${a.deviceId}: sent ${a.continuationCover ? "continuation cover + " : ""}${pageList(a.pages)}, delivered ${pageList(a.pagesDelivered)}${doubt} - ${a.result}${f}`;
		}),
	];
}
