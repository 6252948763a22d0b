/**
 * `faxline submit --to N [--to N ...] [--priority low|normal|high] [--at TIME|discount] [--tsid ID]
 * [--from NAME] [--subject S] [--cover [--note TEXT]] [--receipt EMAIL [--group] [--attach]]
 * (--spool DIR | --config FILE) FILE...`: one submission, one job
 * per recipient (outgoing-job.md §6); prints the job ids, one per line, in recipient order. Layer: cli.
 */
import { parseArgs } from "node:util";
import { checkDialString } from "../../core/dialString.js";
import { FaxError } from "../../core/FaxError.js";
import { loadDaemonConfig } from "../../jobs/daemonConfig.js";
import { connectQueue, spoolDirFrom, spoolOptions } from "../../jobs/cliSupport.js";
import { FaxCoverPageType, FaxPriorityType, FaxReceiptType, FaxScheduleType } from "../../jobs/enums.js";
import { FaxDocument } from "../../jobs/FaxDocument.js";
import type { CliIO } from "../io.js";
import { badRowWarning } from "../documents.js";
import { checkInputFiles, checkOutputDir } from "../outputPaths.js";

const USAGE = "usage: faxline submit --to NUMBER [--to NUMBER ...] [--allow-number NUMBER] [--priority low|normal|high] [--at TIME|discount] [--tsid ID] [--from NAME] [--subject TEXT] [--cover [--note TEXT]] [--receipt EMAIL [--group] [--attach]] (--spool DIR | --config FILE) FILE...";

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

export async function run(argv: string[], io: CliIO): Promise<number> {
	const { values, positionals } = parseArgs({
		args: argv,
		allowPositionals: true,
		strict: true,
		options: {
			...spoolOptions,
			to: { type: "string", multiple: true },
			priority: { type: "string" },
			at: { type: "string" },
			tsid: { type: "string" },
			subject: { type: "string" },
			name: { type: "string" },
			receipt: { type: "string" },
			group: { type: "boolean" },
			attach: { type: "boolean" },
			cover: { type: "boolean" },
			note: { type: "string" },
			from: { type: "string" },
			"allow-number": { type: "string", multiple: true },
		},
	});
	if (!values.to?.length || positionals.length === 0) throw new FaxError("USAGE", USAGE);
	// the one dial-string rule before anything is queued (the daemon applies it again when it dials):
	// emergency numbers in every form are refused unless allowed here or in the daemon's config
	const allowNumbers = [...(values["allow-number"] ?? []), ...(values.config ? (loadDaemonConfig(values.config).allowNumbers ?? []) : [])];
	for (const n of values.to) checkDialString(n, { allowNumbers });
	// before anything is written: inputs are files, the spool is a writable directory
	checkInputFiles(positionals);
	checkOutputDir(spoolDirFrom(values), values.spool ? "--spool" : "spool directory");
	const d = new FaxDocument();
	d.body = positionals[0]!;
	d.moreBodies = positionals.slice(1);
	d.documentName = values.name ?? positionals.map((p) => p.split("/").pop()).join(", ");
	for (const n of values.to) d.recipients.add(n);
	d.allowNumbers = values["allow-number"] ?? [];
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
	if (values.note !== undefined) d.note = values.note;
	if (values.receipt) {
		d.receiptType = FaxReceiptType.MAIL;
		d.receiptAddress = values.receipt;
		d.groupBroadcastReceipts = Boolean(values.group);
		d.attachFaxToReceipt = Boolean(values.attach);
	}
	const server = connectQueue(values, false); // a queue may be filled before its daemon first runs
	try {
		const ids = await d.connectedSubmit(server);
		for (const id of ids) io.out(id);
		if (!server.daemonAlive()) io.err("faxline submit: queued, but no daemon is running on this spool yet");
	} finally {
		await server.disconnect();
	}
	return 0;
}
