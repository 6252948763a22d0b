/**
 * Receipts (outgoing-job.md §8) delivered through nodemailer to a real SMTP server on loopback
 * (the smtp-server package): delivery and non-delivery receipts, none for CANCELED, one per job for a
 * broadcast, one summary for a broadcast with groupBroadcastReceipts; INVALID_ARG for a bad request; the
 * attached fax as a PDF by default (poppler renders it to the TIFF's pixels) or as the TIFF (receiptAttachment).
 */
import test from "ava";
import { execFileSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { SMTPServer } from "smtp-server";
import { FaxError } from "../../../src/core/FaxError.js";
import { FaxJobStatus as S, FaxReceiptType } from "../../../src/jobs/enums.js";
import { smtpReceiptSender } from "../../../src/jobs/receipts.js";
import { jobHarness } from "../../helpers/jobHarness.js";
import { mailAttachment, pdfPagesMatchTiff } from "../../helpers/pdfCompare.js";

interface Mail {
	from: string;
	to: string[];
	raw: string;
	subject: string;
}

async function smtpSink(t: import("ava").ExecutionContext): Promise<{ port: number; mails: Mail[] }> {
	const mails: Mail[] = [];
	const server = new SMTPServer({
		authOptional: true,
		disabledCommands: ["STARTTLS"],
		logger: false,
		onData(stream, session, cb) {
			const chunks: Buffer[] = [];
			stream.on("data", (c: Buffer) => chunks.push(c));
			stream.on("end", () => {
				const raw = Buffer.concat(chunks).toString("utf8").replace(/=\r\n/g, ""); // undo quoted-printable soft breaks
				const subject = /^Subject: (.*(?:\r\n[ \t].*)*)/m.exec(raw)?.[1]?.replace(/\r\n[ \t]/g, " ") ?? "";
				mails.push({ from: session.envelope.mailFrom ? session.envelope.mailFrom.address : "", to: session.envelope.rcptTo.map((r) => r.address), raw, subject });
				cb();
			});
		},
	});
	await new Promise<void>((res) => server.listen(0, "127.0.0.1", () => res()));
	t.teardown(() => new Promise<void>((res) => server.close(() => res())));
	return { port: (server.server.address() as AddressInfo).port, mails };
}

const mail = (d: { receiptType: FaxReceiptType; receiptAddress: string }, addr = "boss@example.test") => {
	d.receiptType = FaxReceiptType.MAIL;
	d.receiptAddress = addr;
};

test("delivery receipt for COMPLETED, non-delivery for RETRIES_EXCEEDED, none for CANCELED", async (t) => {
	const smtp = await smtpSink(t);
	const h = await jobHarness(t, { settings: { retries: 0 }, receipts: smtpReceiptSender({ host: "127.0.0.1", port: smtp.port, ignoreTLS: true, from: "fax@example.test" }) });
	h.bank.get("fake:1").script({}, { fail: "DIAL_BUSY" }, { dialMs: 50_000 });
	const [ok] = await h.submit(["5550801"], (d) => {
		mail(d);
		d.subject = "Quarterly report";
	});
	const [bad] = await h.submit(["5550802"], (d) => mail(d));
	const [cancel] = await h.submit(["5550803"], (d) => mail(d));
	await h.until(() => h.rec(bad!).status === S.RETRIES_EXCEEDED && h.rec(ok!).status === S.COMPLETED, "two final");
	await h.until(() => h.rec(cancel!).status === S.INPROGRESS, "third dialing");
	await h.server.outgoingQueue.getJob(cancel!).cancel();
	await h.until(() => h.rec(cancel!).status === S.CANCELED && smtp.mails.length >= 2, "two mails");
	await new Promise((r) => setTimeout(r, 300)); // a third (wrong) mail would have had time to arrive
	t.is(smtp.mails.length, 2);
	const delivered = smtp.mails.find((m) => m.subject.startsWith("Fax delivered"))!;
	t.truthy(delivered);
	t.is(delivered.subject, "Fax delivered: Quarterly report to 5550801");
	t.deepEqual(delivered.to, ["boss@example.test"]);
	t.is(delivered.from, "fax@example.test");
	t.regex(delivered.raw, new RegExp(`job ${ok}`));
	const failed = smtp.mails.find((m) => m.subject.startsWith("Fax NOT delivered"))!;
	t.is(failed.subject, "Fax NOT delivered: sample to 5550802");
	t.regex(failed.raw, /BUSY \(DIAL_BUSY/);
});

test("broadcast: one receipt per job; with groupBroadcastReceipts one summary once all are final", async (t) => {
	const smtp = await smtpSink(t);
	const h = await jobHarness(t, { settings: { retries: 0 }, receipts: smtpReceiptSender({ host: "127.0.0.1", port: smtp.port, ignoreTLS: true }) });
	h.bank.get("fake:1").script({}, { fail: "DIAL_NO_ANSWER" }, {});
	const per = await h.submit(["5550811", "5550812", "5550813"], (d) => mail(d, "per@example.test"));
	await h.until(() => per.every((id) => h.rec(id).removedAt !== null || h.rec(id).status === S.RETRIES_EXCEEDED) && smtp.mails.length >= 3, "3 receipts");
	t.deepEqual(smtp.mails.map((m) => m.subject.split(":")[0]).sort(), ["Fax NOT delivered", "Fax delivered", "Fax delivered"]);

	h.bank.get("fake:1").script({}, { fail: "DIAL_NO_ANSWER" }, {});
	const grp = await h.submit(["5550821", "5550822", "5550823"], (d) => {
		mail(d, "group@example.test");
		d.groupBroadcastReceipts = true;
		d.subject = "Price list";
	});
	await h.until(() => grp.every((id) => h.rec(id).status !== S.PENDING && h.rec(id).status !== S.INPROGRESS) && smtp.mails.length >= 4, "summary");
	await new Promise((r) => setTimeout(r, 300));
	const g = smtp.mails.filter((m) => m.to[0] === "group@example.test");
	t.is(g.length, 1);
	t.is(g[0]!.subject, "Broadcast fax Price list: 2 of 3 delivered");
	for (const id of grp) t.regex(g[0]!.raw, new RegExp(`job ${id}`));
});

test("receipt requests are validated: MAIL needs an address, MSGBOX is not allowed by default", async (t) => {
	const h = await jobHarness(t, { settings: { paused: true } });
	const e1 = await h.submit(["1"], (d) => mail(d, "")).catch((e) => e);
	t.true(e1 instanceof FaxError && e1.code === "INVALID_ARG" && e1.hresult === 0x80070057);
	const e2 = await h.submit(["1"], (d) => {
		d.receiptType = FaxReceiptType.MSGBOX;
		d.receiptAddress = "PC1";
	}).catch((e) => e);
	t.true(e2 instanceof FaxError && e2.code === "INVALID_ARG");
});

test("attachFaxToReceipt with receiptAttachment tiff: the MAIL receipt carries the fax as a TIFF that libtiff reads (3 pages)", async (t) => {
	const smtp = await smtpSink(t);
	const h = await jobHarness(t, { settings: { receiptAttachment: "tiff" }, receipts: smtpReceiptSender({ host: "127.0.0.1", port: smtp.port, ignoreTLS: true }) });
	const [id] = await h.submit(["5550831"], (d) => {
		mail(d, "att@example.test");
		d.attachFaxToReceipt = true;
	});
	await h.until(() => h.rec(id!).removedAt !== null && smtp.mails.length === 1, "receipt");
	const raw = smtp.mails[0]!.raw;
	const m = /Content-Type: image\/tiff[^]*?\r\n\r\n([A-Za-z0-9+/\r\n]+=*)/.exec(raw);
	if (!m) t.log(raw.slice(0, 1500));
	t.truthy(m, "a TIFF part");
	t.notRegex(raw, /application\/pdf/);
	const tif = Buffer.from(m![1]!.replace(/\r\n/g, ""), "base64");
	t.is(tif.length, h.rec(id!).size);
	const dir = mkdtempSync(join(tmpdir(), "faxline-att-"));
	writeFileSync(join(dir, "a.tif"), tif);
	t.is((execFileSync("tiffinfo", [join(dir, "a.tif")], { encoding: "utf8" }).match(/TIFF Directory at offset/g) ?? []).length, 3);
});

test("attachFaxToReceipt by default: a PDF (application/pdf) whose pages poppler renders to the TIFF's pixels; the queue setting switches to the TIFF", async (t) => {
	const smtp = await smtpSink(t);
	const h = await jobHarness(t, { receipts: smtpReceiptSender({ host: "127.0.0.1", port: smtp.port, ignoreTLS: true }) });
	t.is(h.server.outgoingQueue.receiptAttachment, "pdf");
	const [a] = await h.submit(["5550832"], (d) => {
		mail(d, "pdf@example.test");
		d.attachFaxToReceipt = true;
	});
	await h.until(() => h.rec(a!).removedAt !== null && smtp.mails.length === 1, "PDF receipt");
	h.server.outgoingQueue.receiptAttachment = "tiff";
	await h.server.outgoingQueue.save();
	const [b] = await h.submit(["5550833"], (d) => {
		mail(d, "tif@example.test");
		d.attachFaxToReceipt = true;
	});
	await h.until(() => h.rec(b!).removedAt !== null && smtp.mails.length === 2, "TIFF receipt");
	const pdf = mailAttachment(smtp.mails[0]!.raw, "application/pdf");
	const tif = mailAttachment(smtp.mails[1]!.raw, "image/tiff");
	t.truthy(pdf, "a PDF part in the first receipt");
	t.truthy(tif, "a TIFF part in the second");
	t.notRegex(smtp.mails[0]!.raw, /image\/tiff/);
	t.regex(pdf!.filename, /^fax-.*\.pdf$/);
	t.is(pdf!.content.subarray(0, 5).toString("latin1"), "%PDF-");
	// the same document in both jobs: the PDF's pages, rendered by poppler, are the TIFF's pixels
	t.deepEqual(pdfPagesMatchTiff(pdf!.content, tif!.content), [true, true, true]);
	const e = await t.throwsAsync(async () => {
		(h.server.outgoingQueue as { receiptAttachment: string }).receiptAttachment = "png";
		await h.server.outgoingQueue.save();
	});
	t.true(e instanceof FaxError && e.code === "INVALID_ARG");
});

test("group receipt still goes when the last member to finish was canceled; none when all were canceled", async (t) => {
	const smtp = await smtpSink(t);
	const h = await jobHarness(t, { receipts: smtpReceiptSender({ host: "127.0.0.1", port: smtp.port, ignoreTLS: true }) });
	h.bank.get("fake:1").script({}, { dialMs: 60_000 });
	const ids = await h.submit(["5550841", "5550842"], (d) => {
		mail(d, "grp@example.test");
		d.groupBroadcastReceipts = true;
	});
	await h.until(() => h.rec(ids[0]!).status === S.COMPLETED && h.rec(ids[1]!).status === S.INPROGRESS, "first sent, second dialing");
	await h.server.outgoingQueue.getJob(ids[1]!).cancel();
	await h.until(() => smtp.mails.length === 1, "summary");
	t.regex(smtp.mails[0]!.subject, /: 1 of 2 delivered$/);
	const none = await h.submit(["5550843", "5550844"], (d) => {
		mail(d, "none@example.test");
		d.groupBroadcastReceipts = true;
		d.scheduleType = 1;
		d.scheduleTime = new Date(2099, 0, 1);
	});
	await h.server.outgoingQueue.cancelSubmission(h.rec(none[0]!).submissionId);
	await new Promise((r) => setTimeout(r, 300));
	t.is(smtp.mails.length, 1);
});
