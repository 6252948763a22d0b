/**
 * Delivery / non-delivery receipts (outgoing-job.md §8): one MAIL receipt per job at COMPLETED or
 * RETRIES_EXCEEDED, or one summary per broadcast when `groupBroadcastReceipts` (sent once every member is
 * final); none for CANCELED. A receipt names pages delivered by a failed job, the calls a resumed job
 * took, and pages possibly printed twice (issue 14). Sent through a configured SMTP server with nodemailer. Layer: jobs.
 */
import nodemailer from "nodemailer";
import { pageRanges } from "./coverPage.js";
import { FaxJobStatus as S, baseStatus, extendedStatusName } from "./enums.js";
import type { MailAttachment } from "./faxAttachment.js";
import type { JobRecord } from "./types.js";

export interface ReceiptMessage {
	to: string;
	subject: string;
	text: string;
	/** the fax itself when `attachFaxToReceipt` (§8), or a routed fax (faxAttachment.ts) */
	attachments?: MailAttachment[];
}

export interface ReceiptSender {
	send(m: ReceiptMessage): Promise<void>;
}

/** SMTP settings of the daemon config. */
export interface SmtpConfig {
	host: string;
	/** default 25 */
	port?: number;
	/** TLS from the start (port 465); default false */
	secure?: boolean;
	/** never STARTTLS; default false */
	ignoreTLS?: boolean;
	user?: string;
	pass?: string;
	/** envelope and header From; default "faxline@localhost" */
	from?: string;
}

/** A receipt sender over SMTP (nodemailer). */
export function smtpReceiptSender(cfg: SmtpConfig): ReceiptSender {
	const transport = nodemailer.createTransport({
		host: cfg.host,
		port: cfg.port ?? 25,
		secure: cfg.secure ?? false,
		ignoreTLS: cfg.ignoreTLS ?? false,
		auth: cfg.user ? { user: cfg.user, pass: cfg.pass ?? "" } : undefined,
		connectionTimeout: 10_000,
		socketTimeout: 20_000,
	});
	const from = cfg.from ?? "faxline@localhost";
	return {
		async send(m) {
			await transport.sendMail({
				from,
				to: m.to,
				subject: m.subject,
				text: m.text,
				...(m.attachments ? { attachments: m.attachments.map((a) => ({ filename: a.filename, content: Buffer.from(a.content), contentType: a.contentType })) } : {}),
			});
		},
	};
}

const line = (j: JobRecord): string => {
	const ok = baseStatus(j.status) === S.COMPLETED;
	const why = ok ? `delivered, ${j.pages} page(s), remote id "${j.csid}"` : baseStatus(j.status) === S.CANCELED ? "canceled" : `not delivered: ${extendedStatusName(j.extCode)}${j.failure ? ` (${j.failure.code}: ${j.failure.text})` : ""}, ${j.retries} retries`;
	const calls = j.attempts.length > 1 ? `; ${j.attempts.length} calls, each sending only the pages not yet confirmed` : "";
	const twice = j.possiblyDuplicatedPages.length ? `; page(s) ${pageRanges(j.possiblyDuplicatedPages)} may have been printed twice (the daemon stopped while sending them)` : "";
	const part = !ok && j.confirmedPages.length ? `; page(s) ${pageRanges(j.confirmedPages)} of ${j.pages} were delivered` : "";
	return `${j.recipient.name ? `${j.recipient.name} ` : ""}<${j.recipient.faxNumber}> job ${j.id}: ${why}${part}${calls}${twice}`;
};

/** The receipt for one job (delivery or non-delivery). */
export function jobReceipt(j: JobRecord): ReceiptMessage {
	const ok = baseStatus(j.status) === S.COMPLETED;
	const doc = j.subject || j.documentName || j.id;
	return {
		to: j.receiptAddress,
		subject: `${ok ? "Fax delivered" : "Fax NOT delivered"}: ${doc} to ${j.recipient.faxNumber}`,
		text: `${line(j)}\nsubmitted ${new Date(j.submissionTime).toISOString()}\n`,
	};
}

/** One summary receipt for a whole broadcast (every member final). */
export function groupReceipt(members: readonly JobRecord[]): ReceiptMessage {
	const first = members[0]!;
	const sent = members.filter((m) => baseStatus(m.status) === S.COMPLETED).length;
	const doc = first.subject || first.documentName || first.submissionId;
	return {
		to: first.receiptAddress,
		subject: `Broadcast fax ${doc}: ${sent} of ${members.length} delivered`,
		text: `submission ${first.submissionId}\n${members.map(line).join("\n")}\n`,
	};
}
