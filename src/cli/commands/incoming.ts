/**
 * `faxline incoming (--spool DIR | --config FILE) [--json]`: calls being received right now
 * (FaxIncomingJob, issue 10): id, device, caller, TSID, current page, extended status. Layer: cli.
 */
import { connectQueue, spoolDirFrom } from "../../jobs/cliSupport.js";
import { IncomingInbox } from "../../jobs/IncomingInbox.js";
import type { CliIO } from "../io.js";
import type { QueueOpts } from "../jobAction.js";
import type { Parsed } from "../program.js";

export async function run(p: Parsed, io: CliIO): Promise<number> {
	const values = p.opts as QueueOpts & { json?: boolean };
	const server = connectQueue(values);
	try {
		const jobs = new IncomingInbox(server.store, spoolDirFrom(values)).jobs();
		if (values.json) io.out(JSON.stringify(jobs.map((j) => j.toJSON()), null, 2));
		else {
			io.out(["ID".padEnd(16), "DEVICE".padEnd(6), "CALLER ID".padEnd(14), "TSID".padEnd(20), "PAGE", "STATUS"].join(" "));
			for (const j of jobs) io.out([j.Id.padEnd(16), String(j.DeviceId).padEnd(6), (j.CallerId || "-").padEnd(14), (j.TSID || "-").padEnd(20), String(j.CurrentPage).padEnd(4), j.ExtendedStatus].join(" "));
		}
		return 0;
	} finally {
		await server.disconnect();
	}
}
