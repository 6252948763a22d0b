/**
 * `faxline send` end to end (issue 3 "CLI and the main job"): the command as a user runs it, in-process
 * through `main([...], memoryIO())` and as a real child process (`node --import tsx src/cli/main.ts`),
 * against the Class 1 modem simulator on a pty (`startSimulator` from src/cli/commands/sim.ts, line time
 * x0.02). Oracles: libtiff (tiffcp) decodes the far end's received TIFF to the pixels we sent; the
 * simulator's call records say what reached the line (ATD, DCS, DCN); outgoing-job.md §3/§9 fix the
 * --json field names and values; exit codes: 0 only when every page was confirmed, 2 for usage.
 */
import test, { type ExecutionContext } from "ava";
import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Bitmap } from "../../src/core/bitmap.js";
import { startSimulator, type RunningSimulator, type SimCall } from "../../src/cli/commands/sim.js";
import { memoryIO } from "../../src/cli/io.js";
import type { SendReport as Report } from "../../src/cli/sendReport.js";
import { main } from "../../src/cli/main.js";
import { writeClassF } from "../../src/tiff/index.js";
import { ModemSimulator } from "../../hw-mocks/ModemSimulator.js";
import { openPtyPair } from "../../hw-mocks/ptyPair.js";
import type { CallRecord } from "../../hw-mocks/records.js";
import { fixturePage, writePbm, type FixtureName } from "../helpers/fixtures.js";
import { firstRowDiff, libtiffDecodeTiff, libtiffEncode, parseTiff, topRows } from "../helpers/libtiff.js";

const root = join(import.meta.dirname, "..", "..");
const TIME_SCALE = 0.02;
const CSI = "+49 30 1234 CLI";

// ------------------------------------------------------------------ helpers

function tempDir(t: ExecutionContext): string {
	const dir = mkdtempSync(join(tmpdir(), "faxline-clisend-"));
	t.teardown(() => rmSync(dir, { recursive: true, force: true }));
	return dir;
}

/** Simulator on a pty behind `dir/modem`, received TIFFs in `dir/rx`, closed after the test. */
async function simulator(t: ExecutionContext, dir: string, faultSpecs: string[] = [], timeScale = TIME_SCALE): Promise<RunningSimulator> {
	const sim = await startSimulator({ link: join(dir, "modem"), outDir: join(dir, "rx"), timeScale, faultSpecs, csi: CSI });
	t.teardown(() => sim.close());
	return sim;
}

/** Fixture pages at standard resolution, cut to `rows` rows so a page is a short line time. */
async function pages(names: FixtureName[], rows = 160): Promise<Bitmap[]> {
	return Promise.all(names.map(async (n) => topRows(await fixturePage(n, "standard"), rows)));
}

/** A TIFF Class F file of `bitmaps` (204x98 dpi, MH), written by src/tiff. */
function tiffFile(dir: string, name: string, bitmaps: Bitmap[]): string {
	const path = join(dir, name);
	writeFileSync(path, writeClassF(bitmaps.map((bitmap) => ({ bitmap, xRes: 204, yRes: 98 }))));
	return path;
}

/** `faxline ...` in-process; resolves with the exit code and the output lines (progress apart: stderr, issue 13). */
async function faxline(args: string[]): Promise<{ code: number; out: string[]; err: string[]; progress: string[] }> {
	const io = memoryIO();
	const code = await main(args, io);
	return { code, out: io.stdout, err: io.stderr, progress: io.progressed };
}

/** Resolves with `p`, or rejects after `ms` real ms saying what was awaited. */
function within<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
	let timer: NodeJS.Timeout | undefined;
	const deadline = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`${what}: not within ${ms} ms`)), ms)));
	return Promise.race([p, deadline]).finally(() => clearTimeout(timer));
}

/** startSimulator's records are typed by sim.ts's minimal SimCall; at run time they are hw-mocks CallRecords. */
const full = (c: SimCall): CallRecord => c as unknown as CallRecord;

/** The far end's received pages, decoded by libtiff. */
async function receivedPages(call: SimCall): Promise<Bitmap[]> {
	if (!call.tiffPath) throw new Error(`call ${call.index} has no received TIFF (${call.notes.join("; ")})`);
	const d = await libtiffDecodeTiff(readFileSync(call.tiffPath));
	if (d.warnings.length) throw new Error(`libtiff: ${d.warnings.join("; ")}`);
	return d.pages;
}

function assertSamePixels(t: ExecutionContext, got: Bitmap[], sent: Bitmap[]): void {
	t.is(got.length, sent.length, "page count of the received TIFF");
	sent.forEach((b, i) => {
		const r = got[i];
		if (!r) return;
		t.is(`${r.width}x${r.height}`, `${b.width}x${b.height}`, `page ${i + 1} geometry`);
		t.is(firstRowDiff(r, b), -1, `page ${i + 1}: first differing row`);
	});
}

/** The --json report on stdout. */
const report = (out: string[]): Report => JSON.parse(out.join("\n")) as Report;

// outgoing-job.md §4
const COMPLETED = 0x100;
const RETRIES_EXCEEDED = 0x80;
const CANCELED = 0x200;
const X = { DISCONNECTED: 1, BUSY: 8, NO_ANSWER: 9, NO_DIAL_TONE: 11, FATAL_ERROR: 12, CALL_COMPLETED: 18, CALL_ABORTED: 19 } as const;

// ------------------------------------------------------------------ clean calls

test("clean 3-page send: exit 0, libtiff decodes the far end's TIFF to the pixels sent, one line per page", async (t) => {
	const dir = tempDir(t);
	const sim = await simulator(t, dir);
	const sent = await pages(["form", "text", "halftone"]);
	const file = tiffFile(dir, "doc.tif", sent);
	const call = sim.nextCall();
	const r = await within(faxline(["send", "--device", sim.link, "--to", "555-0100", "--tsid", "faxline cli", file]), 45000, "send");
	t.is(r.code, 0, r.err.join("\n"));
	t.deepEqual(r.err, []);
	// non-TTY progress (on stderr since issue 13): a line when each page starts and one when the far end answered it, in order
	const pageLines = r.progress.filter((l) => /^page \d/.test(l));
	t.deepEqual(
		pageLines.map((l) => l.replace(/, [\d.]+ KiB in [\d.]+ s$/, "")),
		["page 1/3: sending", "page 1/3: confirmed (MCF)", "page 2/3: sending", "page 2/3: confirmed (MCF)", "page 3/3: sending", "page 3/3: confirmed (MCF)"],
	);
	t.deepEqual(r.out, [`sent: all 3 page(s) confirmed by "${CSI}"`], "stdout holds the outcome only");
	t.false(r.progress.some((l) => l.includes("\r")), "no bar redraws when stderr is not a terminal");
	const rec = await within(call, 10000, "the simulator's call record");
	t.is(rec.tsi, "faxline cli");
	t.is(rec.end, "dcn");
	t.deepEqual(rec.pages.map((p) => p.response), ["MCF", "MCF", "MCF"]);
	assertSamePixels(t, await receivedPages(rec), sent);
});

test("--json prints the final job fields (outgoing-job.md §3) and --trace writes a JSONL protocol trace", async (t) => {
	const dir = tempDir(t);
	const sim = await simulator(t, dir);
	const sent = await pages(["text", "form"], 120);
	const file = tiffFile(dir, "doc.tif", sent);
	const trace = join(dir, "call.jsonl");
	writeFileSync(trace, '{"stale":"a previous run"}\n');
	const call = sim.nextCall();
	const before = Date.now();
	const r = await within(faxline(["send", "--device", sim.link, "--to", "555 0100", "--tsid", "JSON TSID", "--json", "--trace", trace, file]), 45000, "send");
	const after = Date.now();
	t.is(r.code, 0, r.err.join("\n"));
	const j = report(r.out); // stdout is the JSON document and nothing else
	t.is(j.status, COMPLETED);
	t.is(j.statusName, "COMPLETED");
	t.is(j.extendedStatusCode, X.CALL_COMPLETED);
	t.is(j.extendedStatusName, "CALL_COMPLETED");
	t.is(j.extendedStatus, "");
	t.is(j.failureDetail, null);
	t.is(j.pages, 2);
	t.is(j.currentPage, 2);
	t.is(j.pagesConfirmed, 2);
	t.deepEqual(j.unconfirmedPages, []);
	t.is(j.csid, CSI);
	t.is(j.tsid, "JSON TSID");
	t.truthy(j.transmissionStart);
	t.truthy(j.transmissionEnd);
	const start = Date.parse(j.transmissionStart!);
	const end = Date.parse(j.transmissionEnd!);
	t.true(before <= start && start < end && end <= after, `${j.transmissionStart} .. ${j.transmissionEnd} within the run`);
	const rec = await within(call, 10000, "call record");
	t.is(rec.tsi, "JSON TSID");
	assertSamePixels(t, await receivedPages(rec), sent);

	// the trace: every line JSON, the stale content replaced, AT lines, HDLC frames both ways, T.30 states
	const lines = readFileSync(trace, "utf8").trimEnd().split("\n");
	const recs = lines.map((l) => JSON.parse(l) as { t: number; ch: string; dir: string; msg: string; data?: unknown });
	t.false(recs.some((x) => "stale" in x), "a new trace replaces the file");
	t.true(recs.every((x) => typeof x.t === "number" && typeof x.ch === "string" && typeof x.msg === "string"));
	const at = recs.filter((x) => x.ch === "at").map((x) => x.msg);
	t.true(at.includes("AT+FCLASS=1"), "AT commands are traced");
	t.true(at.some((m) => /^ATD/.test(m)), "the dial command is traced");
	const states = recs.filter((x) => x.ch === "state").map((x) => x.msg);
	t.true(states.length >= 5);
	t.true(states.some((s) => s.startsWith("B")) && states.some((s) => s.startsWith("C")) && states.some((s) => s.startsWith("E")), states.join(" "));
	const hdlc = recs.filter((x) => x.ch === "hdlc");
	const dcs = hdlc.find((x) => x.dir === "tx" && x.msg.startsWith("-> DCS"));
	t.truthy(dcs, "the DCS is traced decoded");
	// the decoded DCS in the trace says what the simulator's own DCS parser read off the line
	const simDcs = full(rec).dcs.at(-1)!;
	t.regex(dcs!.msg, new RegExp(`${simDcs.modulation.replace(".", "\\.")} ${simDcs.bitRate}\\b`));
	t.regex(dcs!.msg, new RegExp(simDcs.resolution));
	t.true(hdlc.some((x) => x.dir === "rx" && x.msg.startsWith("<- CSI") && x.msg.includes(CSI)));
	t.true(hdlc.some((x) => x.dir === "rx" && x.msg.startsWith("<- DIS")));
	t.is(hdlc.filter((x) => x.dir === "rx" && x.msg === "<- MCF").length, 2);
	t.true(hdlc.some((x) => x.dir === "tx" && x.msg === "-> DCN"));
});

test("several files (our MH TIFF, libtiff's G4 TIFF, a PBM) go out in one call, pages in order, resolution kept", async (t) => {
	const dir = tempDir(t);
	const sim = await simulator(t, dir);
	const a = await pages(["form", "text"], 100); // standard, written by src/tiff
	const b = [topRows(await fixturePage("halftone", "fine"), 160)]; // fine, G4 by libtiff's tiffcp
	const c = [topRows(await fixturePage("noise", "fine"), 80)]; // PBM: no resolution, taken as 204x196
	const bFile = join(dir, "b.tif");
	writeFileSync(bFile, (await libtiffEncode(b, "g4", { yRes: 196 })).tiff);
	const cFile = join(dir, "c.pbm");
	writeFileSync(cFile, writePbm(c[0]!));
	const call = sim.nextCall();
	const r = await within(faxline(["send", "--device", sim.link, "--to", "5550100", "--json", tiffFile(dir, "a.tif", a), bFile, cFile]), 45000, "send");
	t.is(r.code, 0, r.err.join("\n"));
	const j = report(r.out);
	t.is(j.pages, 4);
	t.is(j.pagesConfirmed, 4);
	t.is(j.currentPage, 4);
	const rec = full(await within(call, 10000, "call record"));
	t.is(rec.index, 1, "one call");
	t.deepEqual(rec.pages.map((p) => `${p.page}:${p.resolution}:${p.response}`), ["1:standard:MCF", "2:standard:MCF", "3:fine:MCF", "4:fine:MCF"]);
	t.deepEqual(rec.dcs.map((d) => d.resolution), ["standard", "fine"], "the format change went through EOM and a new DCS");
	assertSamePixels(t, await receivedPages(rec), [...a, ...b, ...c]);
	t.deepEqual(parseTiff(readFileSync(rec.tiffPath!)).map((p) => Math.round(p.yRes)), [98, 98, 196, 196]);
});

// issue 13 changed this on purpose: progress goes to stderr; on a terminal a live line is redrawn during each
// page (at least once a second) and closed before each page/outcome line (it was a per-page bar on stdout)
test("on a terminal: a live progress line redrawn during each page, closed before every plain line", async (t) => {
	const dir = tempDir(t);
	const sim = await simulator(t, dir, [], 0.1);
	const file = tiffFile(dir, "doc.tif", await pages(["form", "text"], 240));
	const io = { ...memoryIO(), isTTY: true };
	const code = await within(main(["send", "--device", sim.link, "--to", "5550100", file], io), 45000, "send");
	t.is(code, 0, io.stderr.join("\n"));
	const redraws = io.progressed.filter((s) => s.startsWith("\r\x1b[K") && s.length > 4);
	t.true(redraws.length >= 2, io.progressed.join("|"));
	t.true(redraws.some((s) => /page 1\/2 .*KiB/.test(s)) && redraws.some((s) => /page 2\/2 .*KiB/.test(s)), redraws.join("|"));
	t.true(io.progressed.includes("page 1/2: sending") && io.progressed.some((s) => /^page 2\/2: confirmed \(MCF\)/.test(s)));
	// every plain line starts on a fresh line: a redraw is always followed by a clear before a plain line
	io.progressed.forEach((s, i) => {
		if (i > 0 && !s.startsWith("\r")) {
			const prev = io.progressed[i - 1]!;
			t.true(!prev.startsWith("\r\x1b[K") || prev === "\r\x1b[K", `"${s}" follows an open progress line`);
		}
	});
	t.deepEqual(io.stdout, [`sent: all 2 page(s) confirmed by "${CSI}"`]);
});

test("a device that does not exist: one line on stderr, exit 1", async (t) => {
	const dir = tempDir(t);
	const file = tiffFile(dir, "doc.tif", await pages(["text"], 40));
	const r = await within(faxline(["send", "--device", join(dir, "no-such-modem"), "--to", "5550100", file]), 20000, "send");
	t.is(r.code, 1);
	t.deepEqual(r.out, []);
	t.is(r.err.length, 1);
	t.regex(r.err[0]!, /^faxline send: No such device: .*no-such-modem/);
});

// ------------------------------------------------------------------ faults

// outgoing-job.md §9.2: the modem's answer to ATD -> ExtendedStatusCode
const dialFaults = [
	{ fault: "busy", ext: X.BUSY, name: "BUSY", detail: "DIAL_BUSY", outcome: "busy" },
	{ fault: "noDialtone", ext: X.NO_DIAL_TONE, name: "NO_DIAL_TONE", detail: "DIAL_NO_DIALTONE", outcome: "noDialtone" },
	{ fault: "noAnswer", ext: X.NO_ANSWER, name: "NO_ANSWER", detail: "DIAL_NO_ANSWER", outcome: "noAnswer" },
	{ fault: "noCarrier", ext: X.NO_ANSWER, name: "NO_ANSWER", detail: "DIAL_NO_CARRIER", outcome: "noCarrier" },
] as const;
for (const d of dialFaults) {
	test(`ATD -> ${d.fault}: exit 1, ExtendedStatusCode ${d.name} ${d.ext}, nothing confirmed`, async (t) => {
		const dir = tempDir(t);
		const sim = await simulator(t, dir, [d.fault]);
		const file = tiffFile(dir, "doc.tif", await pages(["text"], 60));
		const call = sim.nextCall();
		const r = await within(faxline(["send", "--device", sim.link, "--to", "5550100", "--json", file]), 30000, "send");
		t.is(r.code, 1);
		const j = report(r.out);
		t.is(j.extendedStatusCode, d.ext);
		t.is(j.extendedStatusName, d.name);
		t.is(j.status, RETRIES_EXCEEDED);
		t.is(j.failureDetail?.code, d.detail);
		t.is(j.pagesConfirmed, 0);
		t.is(j.currentPage, 0);
		t.is(j.transmissionStart, null, "§9.5: cleared on failure");
		t.is(j.transmissionEnd, null);
		const rec = await within(call, 10000, "call record");
		t.is(rec.outcome, d.outcome);
		t.deepEqual(rec.pages, []);
	});
}

test("BUSY without --json: one failure line on stderr naming BUSY", async (t) => {
	const dir = tempDir(t);
	const sim = await simulator(t, dir, ["busy"]);
	const file = tiffFile(dir, "doc.tif", await pages(["text"], 60));
	const r = await within(faxline(["send", "--device", sim.link, "--to", "5550100", file]), 30000, "send");
	t.is(r.code, 1);
	t.is(r.err.length, 1, r.err.join("\n"));
	t.regex(r.err[0]!, /^failed: BUSY: .*; 0 of 1 page\(s\) confirmed$/);
});

test("RTN on page 2 every time: page 2 NOT confirmed -> exit 1, PAGE_REJECTED naming page 2, pages 1 and 3 received", async (t) => {
	const dir = tempDir(t);
	const sim = await simulator(t, dir, ["postPage:page=2,response=RTN,times=9"]);
	const sent = await pages(["form", "text", "halftone"], 100);
	const file = tiffFile(dir, "doc.tif", sent);
	const call = sim.nextCall();
	const r = await within(faxline(["send", "--device", sim.link, "--to", "5550100", "--json", file]), 45000, "send");
	t.not(r.code, 0);
	const j = report(r.out);
	t.is(j.status, RETRIES_EXCEEDED);
	t.is(j.extendedStatusCode, X.FATAL_ERROR);
	t.is(j.failureDetail?.code, "PAGE_REJECTED");
	t.regex(j.failureDetail!.text, /\bpage\(s\) 2\b/);
	t.deepEqual(j.unconfirmedPages, [2]);
	t.is(j.pagesConfirmed, 2);
	t.is(j.transmissionEnd, null);
	// and the plain message says which page
	const rec = await within(call, 10000, "call record");
	t.true(rec.pages.filter((p) => p.page === 2).every((p) => p.response === "RTN" && !p.accepted));
	t.deepEqual(rec.pages.filter((p) => p.accepted).map((p) => p.page), [1, 3]);
	assertSamePixels(t, await receivedPages(rec), [sent[0]!, sent[2]!]);
});

test("RTN once on page 2: resent after retraining and confirmed -> exit 0, the far end keeps each page once", async (t) => {
	const dir = tempDir(t);
	const sim = await simulator(t, dir, ["postPage:page=2,response=RTN,times=1"]);
	const sent = await pages(["form", "text"], 80);
	const file = tiffFile(dir, "doc.tif", sent);
	const call = sim.nextCall();
	const r = await within(faxline(["send", "--device", sim.link, "--to", "5550100", file]), 45000, "send");
	t.is(r.code, 0, r.err.join("\n"));
	t.deepEqual(
		r.progress.filter((l) => /^page 2\//.test(l)).map((l) => l.replace(/, [\d.]+ KiB in [\d.]+ s$/, "")),
		["page 2/2: sending", "page 2/2: NOT confirmed (RTN)", "page 2/2: sending", "page 2/2: confirmed (MCF)"],
	);
	t.true(r.progress.some((l) => l.startsWith("retraining: RTN on page 2")), r.progress.join("\n"));
	const rec = await within(call, 10000, "call record");
	t.deepEqual(rec.pages.map((p) => `${p.page}:${p.response}`), ["1:MCF", "2:RTN", "2:MCF"]);
	assertSamePixels(t, await receivedPages(rec), sent);
});

test("RTN on page 2 without --json: the stderr line says page 2 was not confirmed", async (t) => {
	const dir = tempDir(t);
	const sim = await simulator(t, dir, ["postPage:page=2,response=RTN,times=9"]);
	const file = tiffFile(dir, "doc.tif", await pages(["form", "text"], 80));
	const r = await within(faxline(["send", "--device", sim.link, "--to", "5550100", file]), 45000, "send");
	t.not(r.code, 0);
	t.is(r.err.length, 1, r.err.join("\n"));
	t.regex(r.err[0]!, /page\(s\) 2 not confirmed/);
	t.regex(r.err[0]!, /1 of 2 page\(s\) confirmed/);
	t.true(r.progress.some((l) => /^page 2\/2: NOT confirmed \(RTN\)/.test(l)), r.progress.join("\n"));
});

test("DCN from the far end mid-call (instead of MCF to page 1's MPS): DISCONNECTED 1, REMOTE_DCN, exit 1", async (t) => {
	const dir = tempDir(t);
	// x0.1: the far end hangs up 500 line ms after its DCN; at x0.02 that is 10 real ms, and a host that
	// is a little late with AT+FRH=3 on a loaded machine hears NO CARRIER instead (CARRIER_LOST)
	const sim = await simulator(t, dir, ["dcn:after=mps,page=1"], 0.1);
	const file = tiffFile(dir, "doc.tif", await pages(["form", "text"], 80));
	const call = sim.nextCall();
	const r = await within(faxline(["send", "--device", sim.link, "--to", "5550100", "--json", file]), 45000, "send");
	t.is(r.code, 1);
	const j = report(r.out);
	t.is(j.extendedStatusCode, X.DISCONNECTED);
	t.is(j.failureDetail?.code, "REMOTE_DCN");
	t.is(j.pagesConfirmed, 0);
	t.is(j.currentPage, 1);
	t.is(j.csid, CSI, "the CSI heard before the failure is kept");
	const rec = full(await within(call, 10000, "call record"));
	t.deepEqual(rec.frames.filter((f) => f.dir === "far").map((f) => f.name).slice(-1), ["DCN"], "the far end's DCN instead of MCF");
	t.false(rec.frames.some((f) => f.dir === "far" && f.name === "MCF"));
});

test("no reply to EOP three times: NO_RESPONSE_POST_PAGE, exit 1, EOP sent three times", async (t) => {
	const dir = tempDir(t);
	const sim = await simulator(t, dir, ["noReply:to=EOP,times=3"]);
	const file = tiffFile(dir, "doc.tif", await pages(["text"], 60));
	const call = sim.nextCall();
	const r = await within(faxline(["send", "--device", sim.link, "--to", "5550100", "--json", file]), 45000, "send");
	t.is(r.code, 1);
	const j = report(r.out);
	t.is(j.extendedStatusCode, X.FATAL_ERROR);
	t.is(j.failureDetail?.code, "NO_RESPONSE_POST_PAGE");
	t.is(j.pagesConfirmed, 0);
	const rec = full(await within(call, 10000, "call record"));
	t.deepEqual(rec.ppms.map((p) => `${p.name}:${p.response}`), ["EOP:", "EOP:", "EOP:"]);
});

test("the modem vanishes mid-page (USB unplug): exit 1 in bounded time, LINE_UNAVAILABLE 7, PORT_CLOSED", async (t) => {
	const dir = tempDir(t);
	const sim = await simulator(t, dir, ["vanish:page=1,afterBytes=500"]);
	const file = tiffFile(dir, "doc.tif", await pages(["form", "text"], 80));
	const r = await within(faxline(["send", "--device", sim.link, "--to", "5550100", "--json", file]), 30000, "send");
	t.is(r.code, 1);
	const j = report(r.out);
	t.is(j.extendedStatusCode, 7);
	t.is(j.extendedStatusName, "LINE_UNAVAILABLE");
	t.is(j.failureDetail?.code, "PORT_CLOSED");
	t.is(j.currentPage, 1);
	t.is(j.pagesConfirmed, 0);
});

// ------------------------------------------------------------------ bad input: nothing is dialled

test("bad input fails before anything is dialled: one line on stderr, non-zero exit, no AT command reaches the modem", async (t) => {
	const dir = tempDir(t);
	// the simulator built directly (as startSimulator does) so its command log is visible
	const pair = await openPtyPair({ link: join(dir, "modem") });
	const sim = new ModemSimulator(pair.master, { timeScale: TIME_SCALE, farEnd: { outDir: join(dir, "rx") } });
	t.teardown(async () => {
		sim.detach();
		await pair.close();
	});
	const good = tiffFile(dir, "good.tif", await pages(["form", "text"], 60));
	const full = readFileSync(good);
	const truncated = join(dir, "truncated.tif");
	writeFileSync(truncated, full.subarray(0, Math.floor(full.length * 0.6)));
	// text files are documents since issue 12; binary garbage is not
	const notTiff = join(dir, "blob.bin");
	writeFileSync(notTiff, Buffer.from([0, 1, 2, 3, 0, 0xfe, 0x07, 0x09]));
	const link = pair.path;
	const cases: { args: string[]; err: RegExp; code?: number }[] = [
		{ args: ["--to", "5550100", truncated], err: /TIFF|truncated/i },
		{ args: ["--to", "5550100", good, truncated], err: /truncated\.tif|TIFF/i },
		{ args: ["--to", "5550100", notTiff], err: /not a document faxline reads/ },
		{ args: ["--to", "5550100", join(dir, "missing.tif")], err: /no such file: .*missing\.tif/ },
		{ args: ["--to", "555;ATZ", good], err: /Invalid character ";" in dial string/ },
		{ args: ["--to", "5551234\r+FCLASS=0", good], err: /Invalid character "\\r" in dial string/ },
		{ args: ["--to", "5551234", "--trace", join(dir, "no", "such", "dir", "t.jsonl"), good], err: /no such file/ },
		{ args: ["--to", "5551234", "--max-rate", "fast", good], err: /--max-rate/, code: 2 },
	];
	for (const c of cases) {
		const r = await within(faxline(["send", "--device", link, ...c.args]), 10000, c.args.join(" "));
		const label = JSON.stringify(c.args);
		if (c.code !== undefined) t.is(r.code, c.code, label);
		else t.true(r.code !== 0 && r.code !== 70, `${label}: exit ${r.code}`);
		t.is(r.err.length, 1, `${label}: ${r.err.join(" | ")}`);
		t.regex(r.err[0] ?? "", /^faxline send: /, label);
		t.regex(r.err[0] ?? "", c.err, label);
		t.false((r.err[0] ?? "").includes("\r"), `${label}: the line holds no raw CR`);
	}
	t.deepEqual(sim.commands, [], "no AT command at all reached the modem");
	t.deepEqual(sim.calls, [], "no ATD");
	// the rig was live: the same device then takes a good send, and that is call 1
	const r = await within(faxline(["send", "--device", link, "--to", "5550100", good]), 30000, "the good send");
	t.is(r.code, 0, r.err.join("\n"));
	t.is(sim.calls.length, 1);
	t.is(sim.calls[0]!.dial.digits, "5550100");
	t.true(sim.commands.some((c) => /^D/i.test(c.text)), sim.commands.map((c) => c.text).join(" "));
});

test("missing --device or --to, or no file, or a bad option: usage on stderr, exit 2", async (t) => {
	const cases: [string[], RegExp][] = [
		// issue 13: one line and a hint (was the message and the whole usage)
		[["--to", "5550100", "doc.tif"], /^faxline send: --device is required; see 'faxline send --help'$/],
		[["--device", "/dev/null", "doc.tif"], /^faxline send: --to is required; see 'faxline send --help'$/],
		[["--device", "/dev/null", "--to", "5550100"], /^faxline send: missing required argument 'file'; see 'faxline send --help'$/],
		[["--device", "/dev/null", "--to", "5550100", "--tsid", "x".repeat(21), "doc.tif"], /--tsid must be at most 20 printable ASCII characters/],
		[["--device", "/dev/null", "--to", "5550100", "--flow", "dtr", "doc.tif"], /--flow <kind>' argument 'dtr' is invalid\. Allowed choices are none, xonxoff, rtscts/],
		[["--bogus"], /^faxline send: unknown option '--bogus'/],
	];
	for (const [args, err] of cases) {
		const r = await faxline(["send", ...args]);
		t.is(r.code, 2, args.join(" "));
		t.deepEqual(r.out, []);
		t.regex(r.err.join("\n"), err, args.join(" "));
	}
});

// ------------------------------------------------------------------ a real child process

interface Child {
	exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
	stdout(): string;
	stderr(): string;
	waitOut(re: RegExp, ms: number): Promise<void>;
	kill(sig: NodeJS.Signals): void;
}

function spawnFaxline(t: ExecutionContext, args: string[]): Child {
	const child = spawn(process.execPath, ["--import", "tsx", "src/cli/main.ts", ...args], { cwd: root, stdio: ["ignore", "pipe", "pipe"] });
	let out = "";
	let err = "";
	const waiters = new Set<() => void>();
	child.stdout.on("data", (b: Buffer) => {
		out += b.toString();
		for (const w of [...waiters]) w();
	});
	child.stderr.on("data", (b: Buffer) => (err += b.toString()));
	const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((r) => child.on("exit", (code, signal) => r({ code, signal })));
	t.teardown(() => void (child.exitCode === null && child.signalCode === null && child.kill("SIGKILL")));
	return {
		exited,
		stdout: () => out,
		stderr: () => err,
		kill: (sig) => void child.kill(sig),
		waitOut: (re, ms) =>
			within(
				new Promise<void>((resolve) => {
					const check = () => {
						if (!re.test(out)) return;
						waiters.delete(check);
						resolve();
					};
					waiters.add(check);
					check();
				}),
				ms,
				`${re} on stdout (stdout: ${out} stderr: ${err})`,
			),
	};
}

// issue 13: progress on stderr, the outcome alone on stdout (progress was on stdout)
test("child process: `faxline send` over the pty exits 0, progress on stderr and the outcome on stdout", async (t) => {
	const dir = tempDir(t);
	const sim = await simulator(t, dir);
	const sent = await pages(["halftone", "form"], 120);
	const file = tiffFile(dir, "doc.tif", sent);
	const call = sim.nextCall();
	const p = spawnFaxline(t, ["send", "--device", sim.link, "--to", "555 0100", file]);
	const { code } = await within(p.exited, 45000, "the child's exit");
	t.is(code, 0, p.stderr());
	t.regex(p.stderr(), /^dialing 5550100$/m);
	t.regex(p.stderr(), /^page 1\/2: confirmed \(MCF\)/m);
	t.regex(p.stderr(), /^page 2\/2: confirmed \(MCF\)/m);
	t.is(p.stdout(), 'sent: all 2 page(s) confirmed by "+49 30 1234 CLI"\n');
	assertSamePixels(t, await receivedPages(await within(call, 10000, "call record")), sent);
});

test("child process: a hostile dial string fails with one stderr line and a non-zero exit", async (t) => {
	const dir = tempDir(t);
	const file = tiffFile(dir, "doc.tif", await pages(["text"], 40));
	const p = spawnFaxline(t, ["send", "--device", join(dir, "no-modem"), "--to", "555;ATZ", file]);
	const { code } = await within(p.exited, 20000, "the child's exit");
	t.is(code, 1);
	t.is(p.stdout(), "");
	t.regex(p.stderr(), /^faxline send: Invalid character ";" in dial string \(FAX-\d+\)\n$/);
});

/**
 * A child `faxline send --json` of two full fine pages against a simulator built directly (as
 * startSimulator does) so the test can watch page 1's bytes reach the modem, then SIGINT:
 * - "writing": once page 1's first data arrived (the host is still writing it);
 * - "draining": once its closing DLE ETX arrived (the host wrote it all; the modem is still sending the
 *   page on the line — the pty has no flow control, so this is most of the page's line time).
 * `rows` cuts the pages short (for slower time scales).
 * Resolves with the child's exit, how long it took after SIGINT, and the call's record (10 s deadline).
 */
async function interruptMidPage(t: ExecutionContext, when: "writing" | "draining", timeScale = TIME_SCALE, rows?: number, sig: NodeJS.Signals = "SIGINT"): Promise<{ exit: { code: number | null; signal: NodeJS.Signals | null }; ms: number; child: Child; call: Promise<CallRecord>; sim: ModemSimulator }> {
	const dir = tempDir(t);
	const pair = await openPtyPair({ link: join(dir, "modem") });
	const sim = new ModemSimulator(pair.master, { timeScale, farEnd: { outDir: join(dir, "rx"), csi: CSI } });
	t.teardown(async () => {
		sim.detach();
		await pair.close();
	});
	const big = await Promise.all((["halftone", "text"] as const).map(async (n) => (rows ? topRows(await fixturePage(n, "fine"), rows) : fixturePage(n, "fine"))));
	const file = join(dir, "big.tif");
	writeFileSync(file, writeClassF(big.map((bitmap) => ({ bitmap, xRes: 204, yRes: 196 }))));
	let ftm = 0;
	let phase: "before" | "ftm" | "data" = "before";
	let dle = false;
	const moment = new Promise<void>((resolve) => {
		sim.on("command", (text: string) => {
			if (/^\+FTM=\d/.test(text) && ++ftm === 2) phase = "ftm"; // the 1st +FTM=n is the TCF, the 2nd page 1
		});
		sim.on("result", (code: string) => {
			if (phase === "ftm" && code === "CONNECT") phase = "data"; // no AT command in flight from here
		});
		pair.master.on("data", (b: Buffer) => {
			if (phase !== "data") return;
			if (when === "writing") resolve(); // page 1's first chunk: the host has ~100 ms of writing left
			for (const x of b) {
				if (dle && x === 0x03) resolve(); // DLE ETX (a doubled DLE is data)
				dle = x === 0x10 && !dle;
			}
		});
	});
	const child = spawnFaxline(t, ["send", "--device", pair.path, "--to", "5550100", "--json", file]);
	await within(moment, 30000, `page 1 at the modem (${when}; stderr: ${child.stderr()})`);
	child.kill(sig);
	const sentAt = Date.now();
	const exit = await within(child.exited, 20000, `the child's exit after ${sig}`);
	return { exit, ms: Date.now() - sentAt, child, call: sim.waitForCallEnd(1, 10000), sim };
}

for (const sig of ["SIGINT", "SIGTERM"] as const) {
	test(`child process: ${sig} while page 1 is written -> CANCELED/CALL_ABORTED, non-zero exit in time, DCN and hang-up on the line`, async (t) => {
		const { exit, ms, child, call } = await interruptMidPage(t, "writing", TIME_SCALE, undefined, sig);
		t.log(`exited ${ms} ms after ${sig}`);
		t.is(exit.signal, null, `the process handled ${sig} and exited by itself`);
		t.truthy(exit.code, `non-zero exit, got ${exit.code}`);
		const j = report([child.stdout()]);
		t.is(j.status, CANCELED);
		t.is(j.extendedStatusCode, X.CALL_ABORTED);
		t.is(j.failureDetail?.code, "CALL_ABORTED");
		t.is(j.pagesConfirmed, 0);
		t.is(j.currentPage, 1);
		// issue 13: progress goes to stderr beside --json (it was silent); no error line, no stack trace
		t.notRegex(child.stderr(), /^faxline|\bat .*\.[jt]s:\d+/m);
		t.is(exit.code, sig === "SIGINT" ? 130 : 143, "issue 13: 128 + the signal, after the call was ended");
		// §9.4 phase C: close the data block, DCN, ATH
		const rec = await call;
		const hostFrames = rec.frames.filter((f) => f.dir === "host").map((f) => f.name);
		t.is(hostFrames.at(-1), "DCN", `host frames: ${hostFrames.join(" ")}`);
		t.is(rec.end, "dcn", `call ended: ${rec.end}; notes: ${rec.notes.join("; ")}`);
		t.true(rec.pages.every((p) => !p.accepted), "page 1 was cut short, not kept");
	});
}

// Regression (fixed in src/at/AtChannel.ts + src/modem/Class1Modem.ts): the abort used to be seen only at the
// page's final OK; AT+FTS=7 (before MPS) was then written with the signal already aborted and abandoned, and its
// late OK was taken as the reply to the DCN's AT+FRS=7/AT+FTH=3 ("Modem said OK, wanted CONNECT to AT+FTH=3");
// ATH0 then went out as HDLC data: no DCN, line up. Now the abort during the drain is reported once the page's
// OK is in, nothing is written for an aborted step, and DCN + ATH follow. At x0.25 (+FTS=7 is 17.5 real ms)
// the old bug showed every time.
test("child process: SIGINT while page 1 is still on the line (all data at the modem) ends the call with DCN and hang-up (§9.4)", async (t) => {
	const { exit, child, call } = await interruptMidPage(t, "draining", 0.25, 120);
	t.truthy(exit.code, `non-zero exit, got ${exit.code}`);
	t.is(report([child.stdout()]).extendedStatusCode, X.CALL_ABORTED);
	const rec = await call; // the call really ended (DCN, ATH), it is not left open on the simulator
	const hostFrames = rec.frames.filter((f) => f.dir === "host").map((f) => f.name);
	t.is(hostFrames.at(-1), "DCN", `host frames: ${hostFrames.join(" ")}`);
	t.is(rec.end, "dcn", `call ended: ${rec.end}; notes: ${rec.notes.join("; ")}`);
});
