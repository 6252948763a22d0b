/**
 * `faxline jobs [--all | --done] [--limit N] [--json]`: the outgoing queue, one line per job
 * (outgoing-job.md §5 getJobs); `--done` the finished jobs (like HylaFAX `faxstat -d`: final status,
 * pages, duration, far-end CSID, newest first), `--all` both. JSON: an array of jobs with the spec's field
 * names and enum names beside the numbers, finished ones with `"queued": false`. Layer: cli.
 */
import { FaxError } from "../../core/FaxError.js";
import { connectQueue, jobLine, jobsHeader } from "../../jobs/cliSupport.js";
import type { FaxOutgoingJob } from "../../jobs/FaxOutgoingJob.js";
import type { CliIO } from "../io.js";
import type { QueueOpts } from "../jobAction.js";
import { clockTime, humanStatus, printJson, withNames } from "../output.js";
import type { Parsed } from "../program.js";

interface JobsOpts extends QueueOpts {
	all?: boolean;
	done?: boolean;
	limit?: string;
}

const iso = (d: Date | null): string => (d ? d.toISOString().replace(/\.\d+Z$/, "Z") : "-");

/** Call duration of a finished job (transmission start to end; §9.5 keeps both only on success). */
const duration = (j: FaxOutgoingJob): number | null => (j.transmissionStart && j.transmissionEnd ? (j.transmissionEnd.getTime() - j.transmissionStart.getTime()) / 1000 : null);

export const historyHeader = ["ID".padEnd(16), "STATUS".padEnd(16), "EXTENDED".padEnd(16), "NUMBER".padEnd(16), "PAGES".padEnd(6), "DURATION", "CSID".padEnd(20), "FINISHED"].join(" ");

/** One line of `faxline jobs --done`. */
export function historyLine(j: FaxOutgoingJob, finished: Date | null): string {
	const d = duration(j);
	const ext = j.extendedStatusCode ? withNames({ extendedStatusCode: j.extendedStatusCode }).extendedStatusName : "-";
	return [j.id, humanStatus(j.status).padEnd(16), String(ext).padEnd(16), j.recipient.faxNumber.padEnd(16), `${j.currentPage}/${j.pages}`.padEnd(6), (d === null ? "-" : clockTime(d)).padEnd(8), (j.csid || "-").padEnd(20), iso(finished)].join(" ");
}

export async function run(p: Parsed, io: CliIO): Promise<number> {
	const o = p.opts as JobsOpts;
	if (o.all && o.done) throw new FaxError("USAGE", "--all and --done exclude each other");
	const limit = o.limit === undefined ? 50 : Number(o.limit);
	if (!(Number.isInteger(limit) && limit > 0)) throw new FaxError("USAGE", `--limit must be a positive integer, not '${o.limit}'`);
	const server = connectQueue(o);
	try {
		const queued = o.done ? [] : [...server.outgoingQueue.getJobs()];
		const finished = o.all || o.done ? server.archivedJobs(limit) : [];
		if (o.json) {
			printJson(io, [...queued.map((j) => ({ ...withNames(j.toJSON()), queued: true })), ...finished.map((f) => ({ ...withNames(f.job.toJSON()), queued: false, finishedTime: f.removedAt?.toISOString() ?? null, duration: duration(f.job) }))]);
			return 0;
		}
		if (!o.done) {
			io.out(jobsHeader);
			for (const j of queued) io.out(jobLine(j));
		}
		if (o.all || o.done) {
			if (o.all) io.out("");
			io.out(historyHeader);
			for (const f of finished) io.out(historyLine(f.job, f.removedAt));
		}
	} finally {
		await server.disconnect();
	}
	return 0;
}
