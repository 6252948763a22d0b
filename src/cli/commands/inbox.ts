/**
 * `faxline inbox (--spool DIR | --config FILE) [--json] [--copy-tiff ID PATH] [--delete ID]`: the received
 * faxes (FaxIncomingMessage, issue 10), one line each: id, pages, TSID, caller id, when, status, routing.
 * Layer: cli.
 */
import { FaxError } from "../../core/FaxError.js";
import { connectQueue, spoolDirFrom } from "../../jobs/cliSupport.js";
import { IncomingInbox } from "../../jobs/IncomingInbox.js";
import type { CliIO } from "../io.js";
import type { QueueOpts } from "../jobAction.js";
import type { Parsed } from "../program.js";

export async function run(p: Parsed, io: CliIO): Promise<number> {
	const values = p.opts as QueueOpts & { json?: boolean; copyTiff?: string; delete?: string };
	const positionals = p.args;
	const server = connectQueue(values);
	try {
		const inbox = new IncomingInbox(server.store, spoolDirFrom(values));
		const messages = inbox.messages();
		const find = (id: string) => messages.find((m) => m.Id === id) ?? fail(id);
		if (values.copyTiff) {
			const dest = positionals[0];
			if (!dest) throw new FaxError("USAGE", "usage: faxline inbox --copy-tiff ID PATH");
			find(values.copyTiff).CopyTiff(dest);
			io.out(`copied ${values.copyTiff} to ${dest}`);
			return 0;
		}
		if (values.delete) {
			find(values.delete).Delete();
			io.out(`deleted ${values.delete}`);
			return 0;
		}
		if (values.json) io.out(JSON.stringify(messages.map((m) => m.toJSON()), null, 2));
		else {
			io.out([ "ID".padEnd(16), "PAGES", "FROM (TSID)".padEnd(20), "CALLER ID".padEnd(14), "RECEIVED".padEnd(20), "STATUS"].join(" "));
			for (const m of messages) {
				const bad = m.Quality.reduce((n, q) => n + (q.kept ? q.badRows : 0), 0);
				io.out([m.Id.padEnd(16), String(m.Pages).padEnd(5), (m.TSID || "-").padEnd(20), (m.CallerId || "-").padEnd(14), m.TransmissionStart.toISOString().slice(0, 19).padEnd(20), `${m.ExtendedStatus}${bad ? `, ${bad} bad rows` : ""}${m.RoutingInformation ? ` -> ${m.RoutingInformation}` : ""}`].join(" "));
			}
		}
		return 0;
	} finally {
		await server.disconnect();
	}
}

function fail(id: string): never {
	throw new FaxError("MESSAGE_NOT_FOUND", `no fax ${id} in the inbox`);
}
