/**
 * The incoming model (jobs/IncomingInbox.ts) without a modem: a call's pages are fed through the sink as
 * a modem would (T.4 data coded by libtiff), the FaxIncomingJob is visible while it runs, the
 * FaxIncomingMessage lands in the inbox with its fields and quality, routing rules match by device,
 * called number and caller id, the email action delivers the fax to a loopback SMTP server (smtp-server,
 * not ours) as a PDF by default (poppler renders it to the TIFF's pixels) or as the TIFF (`format: "tiff"`),
 * and Delete removes message and file.
 */
import test from "ava";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { NegotiatedParams } from "../../../src/modem/FaxModem.js";
import { IncomingInbox } from "../../../src/jobs/IncomingInbox.js";
import type { IncomingRecord } from "../../../src/jobs/incomingRecord.js";
import { JobStore } from "../../../src/jobs/JobStore.js";
import { smtpReceiptSender } from "../../../src/jobs/receipts.js";
import { matchRule, type RouteRule } from "../../../src/jobs/routing.js";
import { reverseBits } from "../../../src/t4/index.js";
import { fixturePage } from "../../helpers/fixtures.js";
import { mailAttachment, pdfPagesMatchTiff } from "../../helpers/pdfCompare.js";
import { joinStrips, libtiffEncode } from "../../helpers/libtiff.js";

const params: NegotiatedParams = { bitRate: 14400, modulation: "V.17", resolution: "fine", width: 1728, coding: "mh", ecm: false, minScanLineMs: 0 };

async function pageData(): Promise<Uint8Array> {
	const bm = await fixturePage("form", "fine");
	const small = { ...bm, height: 150, data: bm.data.subarray(0, 150 * bm.stride) };
	return reverseBits(joinStrips((await libtiffEncode([small], "g3:1d")).images[0]!.strips).slice());
}

function tmp(t: import("ava").ExecutionContext): string {
	const d = mkdtempSync(join(tmpdir(), "faxline-inbox-"));
	t.teardown(() => rmSync(d, { recursive: true, force: true }));
	return d;
}

test("a call becomes an incoming job, then a routed message with its fields; email with format tiff carries the TIFF", async (t) => {
	const { SMTPServer } = await import("smtp-server");
	const mails: string[] = [];
	const smtp = new SMTPServer({
		authOptional: true,
		disabledCommands: ["STARTTLS"],
		logger: false,
		onData(stream, _s, cb) {
			let raw = "";
			stream.on("data", (c: Buffer) => (raw += c.toString("latin1")));
			stream.on("end", () => (mails.push(raw), cb()));
		},
	});
	await new Promise<void>((res) => smtp.listen(0, "127.0.0.1", () => res()));
	t.teardown(() => new Promise<void>((res) => smtp.close(() => res())));
	const port = (smtp.server.address() as import("node:net").AddressInfo).port;
	const dir = tmp(t);
	const store = new JobStore(dir);
	t.teardown(() => store.close());
	const events: string[] = [];
	const inbox = new IncomingInbox(store, dir, {
		rules: [{ callerId: "999", actions: [{ type: "folder", dir: join(dir, "never") }] }, { deviceId: 3, actions: [{ type: "email", to: "office@example.com", format: "tiff" }] }],
		routeDeps: { mail: smtpReceiptSender({ host: "127.0.0.1", port, ignoreTLS: true, from: "fax@example.com" }) },
		onEvent: (e) => events.push(`${e.type} ${e.job.extendedStatus}`),
	});
	const call = inbox.beginCall({ deviceId: 3, name: "/dev/ttyACM0", csid: "+1 555 0100" }, { number: "5551234", name: "ACME" });
	call.onEvent({ type: "remoteTsi", tsid: "CALLER TSID" });
	call.onEvent({ type: "pageReceiving", page: 1 });
	const jobs = inbox.jobs();
	t.is(jobs.length, 1);
	t.like(jobs[0]!.toJSON(), { Id: call.id, Status: 2, CSID: "+1 555 0100", TSID: "CALLER TSID", CallerId: "5551234", CurrentPage: 1, DeviceId: 3, JobType: 1, ExtendedStatus: "receiving page 1" });
	const data = await pageData();
	for (const page of [1, 2]) {
		const w = await call.sink.beginPage({ page, params });
		await w.write(data);
		await w.end({ result: "MCF", confirmed: true, rows: 150, badRows: 0 });
	}
	const rec: IncomingRecord = await inbox.endCall(call, { ok: true, pagesReceived: 2, tsid: "CALLER TSID", callerId: { number: "5551234", name: "ACME" } });
	t.is(rec.status, 0x100);
	t.is(inbox.jobs().length, 0);
	const msgs = inbox.messages();
	t.is(msgs.length, 1);
	const m = msgs[0]!;
	t.like(m.toJSON(), { Id: call.id, Pages: 2, TSID: "CALLER TSID", CallerId: "5551234", CallerName: "ACME", DeviceName: "/dev/ttyACM0", Complete: true, RoutingInformation: "email:office@example.com" });
	t.deepEqual(m.Quality.map((q) => [q.page, q.result, q.rows, q.kept]), [[1, "MCF", 150, true], [2, "MCF", 150, true]]);
	t.is(mails.length, 1);
	t.regex(mails[0]!, /Subject: Fax from CALLER TSID \(2 pages\)/);
	t.regex(mails[0]!, /Content-Type: image\/tiff; name=fax-.*\.tif/);
	const b64 = /Content-Transfer-Encoding: base64\r\n(?:[^\r\n]+\r\n)*\r\n([A-Za-z0-9+/=\r\n]+)/.exec(mails[0]!)![1]!.replace(/\r\n/g, "");
	t.deepEqual(Buffer.from(b64, "base64"), readFileSync(inbox.tiffPath(rec)), "the attachment is the received TIFF");
	const copy = join(dir, "copy.tif");
	m.CopyTiff(copy);
	t.deepEqual(readFileSync(copy), readFileSync(inbox.tiffPath(rec)));
	m.Delete();
	t.is(inbox.messages().length, 0);
	t.true(events.includes("removed received"));
	t.true(events[0]!.startsWith("added"));
});

test("email routing attaches a PDF by default (application/pdf, the TIFF's pixels), the TIFF with format tiff", async (t) => {
	const { SMTPServer } = await import("smtp-server");
	const mails = new Map<string, string>();
	const smtp = new SMTPServer({
		authOptional: true,
		disabledCommands: ["STARTTLS"],
		logger: false,
		onData(stream, session, cb) {
			let raw = "";
			stream.on("data", (c: Buffer) => (raw += c.toString("latin1")));
			stream.on("end", () => (mails.set(session.envelope.rcptTo[0]!.address, raw), cb()));
		},
	});
	await new Promise<void>((res) => smtp.listen(0, "127.0.0.1", () => res()));
	t.teardown(() => new Promise<void>((res) => smtp.close(() => res())));
	const port = (smtp.server.address() as import("node:net").AddressInfo).port;
	const dir = tmp(t);
	const store = new JobStore(dir);
	t.teardown(() => store.close());
	const inbox = new IncomingInbox(store, dir, {
		rules: [{ actions: [{ type: "email", to: "pdf@example.com" }, { type: "email", to: "tif@example.com", format: "tiff" }] }],
		routeDeps: { mail: smtpReceiptSender({ host: "127.0.0.1", port, ignoreTLS: true }) },
	});
	const call = inbox.beginCall({ deviceId: 1, name: "/dev/ttyACM0", csid: "+1 555 0100" }, { number: "5551234", name: "" });
	const data = await pageData();
	for (const page of [1, 2]) {
		const w = await call.sink.beginPage({ page, params });
		await w.write(data);
		await w.end({ result: "MCF", confirmed: true, rows: 150, badRows: 0 });
	}
	const rec = await inbox.endCall(call, { ok: true, pagesReceived: 2, tsid: "", callerId: { number: "5551234", name: "" } });
	t.is(inbox.messages()[0]!.RoutingInformation, "email:pdf@example.com; email:tif@example.com");
	const tiff = readFileSync(inbox.tiffPath(rec));
	const pdf = mailAttachment(mails.get("pdf@example.com")!, "application/pdf");
	t.truthy(pdf, "a PDF part");
	t.regex(pdf!.filename, /^fax-.*\.pdf$/);
	t.notRegex(mails.get("pdf@example.com")!, /image\/tiff/);
	t.deepEqual(pdfPagesMatchTiff(pdf!.content, inbox.tiffPath(rec)), [true, true], "poppler renders each PDF page to libtiff's pixels of the received TIFF");
	const tif = mailAttachment(mails.get("tif@example.com")!, "image/tiff");
	t.truthy(tif, "a TIFF part");
	t.deepEqual(tif!.content, tiff, "format tiff: the received TIFF itself");
});

test("routing rules: device, called number, caller id (exact or /regex/), first match wins", (t) => {
	const r = { deviceId: 2, calledNumber: "555-0100", callerId: "+4930123" } as IncomingRecord;
	const rules: RouteRule[] = [
		{ deviceId: 1, actions: [{ type: "folder", dir: "a" }] },
		{ calledNumber: "5550199", actions: [{ type: "folder", dir: "b" }] },
		{ callerId: "/^\\+49/", calledNumber: "5550100", actions: [{ type: "folder", dir: "c" }] },
		{ actions: [{ type: "folder", dir: "d" }] },
	];
	t.deepEqual(matchRule(rules, r)?.actions, [{ type: "folder", dir: "c" }]);
	t.deepEqual(matchRule(rules, { ...r, callerId: "5551234" })?.actions, [{ type: "folder", dir: "d" }]);
	t.is(matchRule(rules.slice(0, 2), r), undefined);
});

test("a call with no page leaves no message and no file; the job ends FAILED with the reason", async (t) => {
	const dir = tmp(t);
	const store = new JobStore(dir);
	t.teardown(() => store.close());
	const inbox = new IncomingInbox(store, dir);
	const call = inbox.beginCall({ deviceId: 1, name: "m", csid: "" });
	const { FaxError } = await import("../../../src/core/FaxError.js");
	const rec = await inbox.endCall(call, { ok: false, pagesReceived: 0, tsid: "", error: new FaxError("T1_TIMEOUT", "no DCS") });
	t.is(rec.status, 0x8);
	t.is(rec.extendedStatus, "no fax handshake from the caller (T1)");
	t.not(rec.removedAt, null);
	t.is(inbox.messages().length, 0);
});
