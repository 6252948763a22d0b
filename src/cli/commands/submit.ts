/**
 * `faxline submit --to N [--to N ...] [--priority low|normal|high] [--at TIME|discount] [--tsid ID]
 * [--from NAME] [--subject S] [--cover [--note TEXT]] [--receipt EMAIL [--group] [--attach]]
 * FILE...`: one submission, one job per recipient (outgoing-job.md §6); prints the job ids, one per line,
 * in recipient order (--json: the jobs). Numbers, TSID and documents are checked exactly as `faxline send`
 * checks them (sendChecks.ts) before anything is queued. Layer: cli.
 */
import type { DialPolicy } from "../../core/dialString.js";
import { FaxError } from "../../core/FaxError.js";
import { connectQueue, spoolDirFrom } from "../../jobs/cliSupport.js";
import { findConfigFile } from "../../jobs/configFile.js";
import { loadDaemonConfig } from "../../jobs/daemonConfig.js";
import { FaxCoverPageType, FaxPriorityType, FaxReceiptType, FaxScheduleType } from "../../jobs/enums.js";
import { FaxDocument } from "../../jobs/FaxDocument.js";
import { badRowWarning } from "../documents.js";
import type { CliIO } from "../io.js";
import type { QueueOpts } from "../jobAction.js";
import { printJson, withNames } from "../output.js";
import { checkInputFiles, checkOutputDir } from "../outputPaths.js";
import type { Parsed } from "../program.js";
import { checkDocuments, checkNumber, checkTsid } from "../sendChecks.js";

/** `--at`: "now", "discount", "HH:MM" (next such local time) or an ISO date/time. */
export function parseAt(s: string, now = new Date()): { type: FaxScheduleType; time: Date | null } {
	if (s === "now") return { type: FaxScheduleType.NOW, time: null };
	if (s === "discount") return { type: FaxScheduleType.DISCOUNT_PERIOD, time: null };
	const hm = /^(\d{1,2}):(\d{2})$/.exec(s);
	if (hm) {
		const h = Number(hm[1]);
		const m = Number(hm[2]);
		if (h > 23 || m > 59) throw new FaxError("USAGE", `bad --at time ${s}`);
		const d = new Date(now);
		d.setHours(h, m, 0, 0);
		if (d.getTime() <= now.getTime()) d.setDate(d.getDate() + 1);
		return { type: FaxScheduleType.SPECIFIC_TIME, time: d };
	}
	const d = new Date(s);
	if (!/^\d{4}-\d{2}-\d{2}/.test(s) || !Number.isFinite(d.getTime())) throw new FaxError("USAGE", `bad --at ${JSON.stringify(s)}: use now, discount, HH:MM or an ISO date/time`);
	return { type: FaxScheduleType.SPECIFIC_TIME, time: d };
}

interface SubmitOpts extends QueueOpts {
	to?: string[];
	priority?: string;
	at?: string;
	tsid?: string;
	subject?: string;
	name?: string;
	receipt?: string;
	group?: boolean;
	attach?: boolean;
	cover?: boolean;
	note?: string;
	from?: string;
	allowNumber?: string[];
}

export async function run(p: Parsed, io: CliIO): Promise<number> {
	const values = p.opts as SubmitOpts;
	const positionals = p.args;
	if (!values.to?.length) throw new FaxError("USAGE", "--to is required (repeat it for a broadcast)");
	// the same checks as `faxline send`, before anything is queued (the daemon's block list when known)
	// emergency numbers in every form are refused unless allowed here (--allow-number) or in the daemon's config
	const policy = dialPolicyOf(values);
	const jobAllow = values.allowNumber ?? [];
	policy.allowNumbers = [...(policy.allowNumbers ?? []), ...jobAllow];
	const numbers = values.to.map((n) => {
		checkNumber(n, policy);
		return n;
	});
	checkTsid(values.tsid);
	// before anything is written: inputs are files, the spool is a writable directory
	checkInputFiles(positionals);
	checkOutputDir(spoolDirFrom(values), values.spool ? "--spool" : "spool directory");
	const d = new FaxDocument();
	d.body = positionals[0]!;
	d.moreBodies = positionals.slice(1);
	d.documentName = values.name ?? positionals.map((p) => p.split("/").pop()).join(", ");
	for (const n of numbers) d.recipients.add(n);
	d.allowNumbers = values.allowNumber ?? [];
	// the queue pins and decodes each file as it renders the job's TIFF: pages with unreadable rows are
	// named (as `send` does) or, above its maxBadRowShare setting, the submission is refused in one line
	d.onBadRows = (file, pages) => {
		for (const p of pages) io.err(badRowWarning(p, file));
	};
	const prio = values.priority ?? "normal";
	const map: Record<string, FaxPriorityType> = { low: FaxPriorityType.LOW, normal: FaxPriorityType.NORMAL, high: FaxPriorityType.HIGH };
	if (!(prio in map)) throw new FaxError("USAGE", `--priority must be low, normal or high`);
	d.priority = map[prio]!;
	if (values.at) {
		const at = parseAt(values.at);
		d.scheduleType = at.type;
		d.scheduleTime = at.time;
	}
	if (values.tsid !== undefined) d.sender.tsid = values.tsid;
	if (values.subject !== undefined) d.subject = values.subject;
	if (values.from !== undefined) d.sender.name = values.from;
	if (values.cover) d.coverPageType = FaxCoverPageType.SERVER;
	if (values.note !== undefined) {
		if (!values.cover) throw new FaxError("USAGE", "--note needs --cover");
		d.note = values.note;
	}
	if ((values.group || values.attach) && !values.receipt) throw new FaxError("USAGE", `--${values.group ? "group" : "attach"} needs --receipt EMAIL`);
	if (values.receipt) {
		if (!/^[^@\s]+@[^@\s]+$/.test(values.receipt)) throw new FaxError("USAGE", `--receipt must be an e-mail address, not '${values.receipt}'`);
		d.receiptType = FaxReceiptType.MAIL;
		d.receiptAddress = values.receipt;
		d.groupBroadcastReceipts = Boolean(values.group);
		d.attachFaxToReceipt = Boolean(values.attach);
	}
	// bad rows are the queue's decision (its maxBadRowShare setting, applied when it renders the job's TIFF)
	const pages = await checkDocuments(positionals, { maxBadRowShare: 1 });
	const server = connectQueue(values, false); // a queue may be filled before its daemon first runs
	try {
		const ids = await d.connectedSubmit(server);
		if (values.json) printJson(io, { submissionId: server.outgoingQueue.getJob(ids[0]!).submissionId, pages, jobs: ids.map((id) => withNames(server.outgoingQueue.getJob(id).toJSON())) });
		else for (const id of ids) io.out(id);
		if (!server.daemonAlive()) io.err("faxline submit: queued, but no daemon is running on this spool yet");
	} finally {
		await server.disconnect();
	}
	return 0;
}

/** The daemon config's block and allow lists when a config names the queue (the daemon applies them too). */
function dialPolicyOf(o: QueueOpts): { blockList?: readonly string[]; allowNumbers?: readonly string[] } & DialPolicy {
	if (o.spool) return {};
	const file = findConfigFile(o.config);
	if (!file) return {};
	const c = loadDaemonConfig(file);
	return { ...(c.blockedNumbers ? { blockList: c.blockedNumbers } : {}), ...(c.allowNumbers ? { allowNumbers: c.allowNumbers } : {}) };
}
