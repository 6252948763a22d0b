/**
 * `faxline status [--json]` (like HylaFAX `faxstat -s`): whether the daemon runs, each modem's state as
 * the daemon last published it (daemonStatus.ts) — idle, sending to N (the job in progress on it),
 * opening, down and why (with when it is tried again) — and the queue's counts by status. Layer: cli.
 */
import { connectQueue } from "../../jobs/cliSupport.js";
import { FaxJobStatus, baseStatus, statusName } from "../../jobs/enums.js";
import { readDaemonStatus } from "../daemonStatus.js";
import type { CliIO } from "../io.js";
import type { QueueOpts } from "../jobAction.js";
import { paint, printJson } from "../output.js";
import type { Parsed } from "../program.js";

interface ModemReport {
	deviceId: number;
	path: string;
	name: string;
	/** idle | sending | opening | down | unknown (no daemon) */
	state: string;
	/** the number being sent to, when sending */
	sendingTo: string | null;
	jobId: string | null;
	error: { code: string; message: string } | null;
	retryAt: string | null;
}

export async function run(p: Parsed, io: CliIO): Promise<number> {
	const o = p.opts as QueueOpts;
	const server = connectQueue(o);
	try {
		const alive = server.daemonAlive();
		const jobs = [...server.outgoingQueue.getJobs()];
		const published = readDaemonStatus(server.spool.dir);
		const modems: ModemReport[] = (published?.modems ?? []).map((m) => {
			const job = jobs.find((j) => baseStatus(j.status) === FaxJobStatus.INPROGRESS && j.deviceId === m.deviceId);
			const state = !alive ? "unknown" : m.state === "busy" ? "sending" : m.state;
			return { deviceId: m.deviceId, path: m.path, name: m.name, state, sendingTo: job && alive ? job.recipient.faxNumber : null, jobId: job && alive ? job.id : null, error: m.error, retryAt: m.retryAt };
		});
		const counts: Record<string, number> = {};
		for (const j of jobs) {
			const n = statusName(j.status);
			counts[n] = (counts[n] ?? 0) + 1;
		}
		const q = server.outgoingQueue;
		const report = { daemon: { running: alive, pid: alive ? (published?.pid ?? null) : null }, spoolDir: server.spool.dir, modems, queue: { jobs: jobs.length, byStatus: counts, blocked: q.blocked, paused: q.paused } };
		if (o.json) {
			printJson(io, report);
			return 0;
		}
		io.out(`daemon: ${alive ? `running${published ? ` (pid ${published.pid})` : ""}` : paint(io, "red", "not running", "stdout")}; spool ${server.spool.dir}`);
		if (modems.length === 0) io.out(alive ? "modems: none configured" : "modems: unknown (no daemon)");
		for (const m of modems) {
			let what = m.state;
			if (m.state === "sending") what = `sending to ${m.sendingTo ?? "?"}${m.jobId ? ` (job ${m.jobId})` : ""}`;
			if (m.state === "down") what = paint(io, "red", `down: ${m.error ? `${m.error.code}: ${m.error.message}` : "?"}`, "stdout") + (m.retryAt ? `; retrying at ${m.retryAt}` : "");
			io.out(`modem ${m.deviceId} ${m.name}: ${what}`);
		}
		const parts = Object.entries(counts).map(([k, v]) => `${v} ${k.split("|").join(", ")}`);
		io.out(`queue: ${jobs.length} job(s)${parts.length ? ` (${parts.join("; ")})` : ""}${q.blocked ? ", BLOCKED" : ""}${q.paused ? ", PAUSED" : ""}`);
	} finally {
		await server.disconnect();
	}
	return 0;
}
