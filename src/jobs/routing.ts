/**
 * Routing of received faxes (issue 10 "The daemon": by modem, called number, caller): each rule matches
 * on DeviceId, the called number (DID/MSN) and the caller id, and runs its actions on the stored
 * message: copy the TIFF into a folder (temp file + rename, never a half file), mail it through the
 * daemon's SMTP server with the fax attached (PDF by default, or the TIFF: faxAttachment.ts), or run a command with the fax's fields in its environment
 * (execFile with an argument vector: never a shell string). The first matching rule wins; with no rule
 * the fax just stays in the inbox. Every action's outcome is recorded (RoutingInformation).
 * Layer: jobs.
 */
import { execFile } from "node:child_process";
import { copyFile, mkdir, rename } from "node:fs/promises";
import { basename, join } from "node:path";
import { FaxError } from "../core/FaxError.js";
import type { AttachmentFormat } from "./faxAttachment.js";
import { faxAttachment } from "./faxAttachment.js";
import type { IncomingRecord, RouteOutcome } from "./incomingRecord.js";
import type { ReceiptSender } from "./receipts.js";

export type RouteAction =
	| { type: "folder"; dir: string }
	/** `format`: the fax as a PDF (default, lossless CCITT G4) or the TIFF itself (faxAttachment.ts) */
	| { type: "email"; to: string; subject?: string; format?: AttachmentFormat }
	| { type: "command"; argv: string[]; timeoutMs?: number };

export interface RouteRule {
	/** the receiving modem's DeviceId */
	deviceId?: number;
	/** called number (DID), exact digits */
	calledNumber?: string;
	/** caller id: exact digits, or a /regex/ */
	callerId?: string;
	actions: RouteAction[];
}

/** The first rule whose conditions all hold. */
export function matchRule(rules: readonly RouteRule[], r: IncomingRecord): RouteRule | undefined {
	const digits = (s: string) => s.replace(/[^\d+*#]/g, "");
	return rules.find((rule) => {
		if (rule.deviceId !== undefined && rule.deviceId !== r.deviceId) return false;
		if (rule.calledNumber !== undefined && digits(rule.calledNumber) !== digits(r.calledNumber)) return false;
		if (rule.callerId !== undefined) {
			const m = /^\/(.*)\/$/.exec(rule.callerId);
			if (m ? !new RegExp(m[1]!).test(r.callerId) : digits(rule.callerId) !== digits(r.callerId)) return false;
		}
		return true;
	});
}

/** The fax's fields as environment variables for a routing command. */
export function faxEnvironment(r: IncomingRecord, tiff: string): Record<string, string> {
	return {
		FAX_ID: r.id,
		FAX_TIFF: tiff,
		FAX_PAGES: String(r.pages),
		FAX_SIZE: String(r.size),
		FAX_TSID: r.tsid,
		FAX_CSID: r.csid,
		FAX_CALLER_ID: r.callerId,
		FAX_CALLER_NAME: r.callerName,
		FAX_CALLED_NUMBER: r.calledNumber,
		FAX_DEVICE_ID: String(r.deviceId),
		FAX_DEVICE_NAME: r.deviceName,
		FAX_COMPLETE: r.complete ? "1" : "0",
		FAX_STATUS: r.extendedStatus,
		FAX_START: new Date(r.transmissionStart).toISOString(),
		FAX_END: r.transmissionEnd ? new Date(r.transmissionEnd).toISOString() : "",
		FAX_BAD_ROWS: String(r.quality.reduce((n, q) => n + (q.kept ? q.badRows : 0), 0)),
	};
}

export interface RouteDeps {
	mail?: ReceiptSender;
}

/** Run a rule's actions on message `r` whose TIFF is at `tiff`; never throws (outcomes say what failed). */
export async function route(rule: RouteRule, r: IncomingRecord, tiff: string, deps: RouteDeps): Promise<RouteOutcome[]> {
	const out: RouteOutcome[] = [];
	for (const a of rule.actions) {
		const name = a.type === "folder" ? `folder:${a.dir}` : a.type === "email" ? `email:${a.to}` : `command:${a.argv[0] ?? ""}`;
		try {
			out.push({ action: name, ok: true, detail: await runAction(a, r, tiff, deps) });
		} catch (e) {
			out.push({ action: name, ok: false, detail: e instanceof Error ? e.message : String(e) });
		}
	}
	return out;
}

async function runAction(a: RouteAction, r: IncomingRecord, tiff: string, deps: RouteDeps): Promise<string> {
	const fileName = `fax-${new Date(r.transmissionStart).toISOString().replace(/[-:]/g, "").replace(/\..*/, "")}-${r.id}.tif`;
	switch (a.type) {
		case "folder": {
			await mkdir(a.dir, { recursive: true });
			const dest = join(a.dir, fileName);
			const tmp = join(a.dir, `.${fileName}.${process.pid}.tmp`);
			await copyFile(tiff, tmp);
			await rename(tmp, dest);
			return dest;
		}
		case "email": {
			if (!deps.mail) throw new FaxError("CONFIG_INVALID", "email routing needs the daemon's smtp settings");
			const from = r.tsid || r.callerId || "unknown sender";
			const { note, ...attachment } = await faxAttachment(tiff, fileName.replace(/\.tif$/, ""), a.format ?? "pdf");
			await deps.mail.send({
				to: a.to,
				subject: a.subject ?? `Fax from ${from} (${r.pages} page${r.pages === 1 ? "" : "s"})`,
				text: [`Fax received on ${r.deviceName} at ${new Date(r.transmissionStart).toISOString()}.`, `From: ${r.tsid || "(no TSID)"}; caller id: ${r.callerId || "(none)"}${r.callerName ? ` (${r.callerName})` : ""}`, `Pages: ${r.pages}; status: ${r.extendedStatus}`].join("\n"),
				attachments: [attachment],
			});
			return note ? `${a.to} (${note})` : a.to;
		}
		case "command": {
			if (a.argv.length === 0) throw new FaxError("CONFIG_INVALID", "routing command has no program");
			const [prog, ...args] = a.argv;
			await new Promise<void>((resolve, reject) => {
				execFile(prog!, args, { env: { ...process.env, ...faxEnvironment(r, tiff) }, timeout: a.timeoutMs ?? 60_000 }, (err, _stdout, stderr) =>
					err ? reject(new Error(`${basename(prog!)} failed: ${err.message}${stderr ? `: ${String(stderr).trim().slice(0, 200)}` : ""}`)) : resolve(),
				);
			});
			return a.argv.join(" ");
		}
	}
}

/** The RoutingInformation text: what was done with the fax. */
export const routingInformation = (o: readonly RouteOutcome[]): string => o.map((x) => `${x.action}${x.ok ? "" : " (failed)"}`).join("; ");
