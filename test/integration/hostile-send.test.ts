/**
 * Issue 14 "hostile and careless use" of `faxline send` (and the other commands that read documents or
 * write files), in-process through `main([...])` against the Class 1 modem simulator on a pty:
 * - a document deleted or rewritten in place while the call runs: the far end receives the original's
 *   pixels on every page (compared with the bitmaps written), the exit code is 0 because the far end
 *   confirmed every page, and no later file error shows;
 * - `--trace` naming an input (same file, a hard link, a symlink), a directory, an unwritable path:
 *   one line, nothing dialled, the input byte-for-byte unchanged;
 * - a directory as input to send/info/convert/submit, convert's OUT equal to its IN: one line;
 * - several `--to`: refused with a hint to `submit`, nothing dialled;
 * - a TIFF whose data is mostly garbage (libtiff, an independent decoder, also complains about it): refused
 *   by default with its page numbers and counts; sent with a warning printed before the call when the
 *   share is raised (`--max-bad-rows`).
 */
import test, { type ExecutionContext } from "ava";
import { spawn } from "node:child_process";
import { linkSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, symlinkSync, unlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Bitmap } from "../../src/core/bitmap.js";
import type { CliIO } from "../../src/cli/io.js";
import { main } from "../../src/cli/main.js";
import type { FaxError } from "../../src/core/FaxError.js";
import { tiffCodec } from "../../src/jobs/codec.js";
import { FaxDocument } from "../../src/jobs/FaxDocument.js";
import { FaxServer } from "../../src/jobs/FaxServer.js";
import { writeClassF } from "../../src/tiff/index.js";
import { ModemSimulator } from "../../hw-mocks/ModemSimulator.js";
import { openPtyPair } from "../../hw-mocks/ptyPair.js";
import { fixturePage, prng } from "../helpers/fixtures.js";
import { firstRowDiff, libtiffDecodeTiff, topRows } from "../helpers/libtiff.js";

const root = join(import.meta.dirname, "..", "..");

function tempDir(t: ExecutionContext): string {
	const dir = mkdtempSync(join(tmpdir(), "faxline-hostile-"));
	t.teardown(() => rmSync(dir, { recursive: true, force: true }));
	return dir;
}

function within<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
	let timer: NodeJS.Timeout | undefined;
	const deadline = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`${what}: not within ${ms} ms`)), ms)));
	return Promise.race([p, deadline]).finally(() => clearTimeout(timer));
}

/** CliIO keeping stdout and stderr lines in one ordered log too. */
function orderedIO(): CliIO & { out_: string[]; err_: string[]; log: string[] } {
	const out_: string[] = [];
	const err_: string[] = [];
	const log: string[] = [];
	return {
		out_,
		err_,
		log,
		out: (l) => void (out_.push(l), log.push(`out: ${l}`)),
		err: (l) => void (err_.push(l), log.push(`err: ${l}`)),
		write: (s) => void (out_.push(s), log.push(`out: ${s}`)),
		isTTY: false,
	};
}

async function faxline(args: string[], io = orderedIO()) {
	const code = await main(args, io);
	return { code, out: io.out_, err: io.err_, log: io.log };
}

async function sim(t: ExecutionContext, dir: string, timeScale = 0.02) {
	const pair = await openPtyPair({ link: join(dir, "modem") });
	const s = new ModemSimulator(pair.master, { timeScale, farEnd: { outDir: join(dir, "rx") } });
	t.teardown(async () => {
		s.detach();
		await pair.close();
	});
	return { sim: s, link: pair.path };
}

async function pages(names: Array<"text" | "form" | "halftone" | "blank">, rows = 200): Promise<Bitmap[]> {
	return Promise.all(names.map(async (n) => topRows(await fixturePage(n, "standard"), rows)));
}

const tiffBytes = (bitmaps: Bitmap[]): Uint8Array => writeClassF(bitmaps.map((bitmap) => ({ bitmap, xRes: 204, yRes: 98 })), { coding: "mh" });

function tiffFile(dir: string, name: string, bitmaps: Bitmap[]): string {
	const path = join(dir, name);
	writeFileSync(path, tiffBytes(bitmaps));
	return path;
}

/** The far end's kept pages equal `sent`, pixel for pixel. */
function assertReceived(t: ExecutionContext, s: ModemSimulator, index: number, sent: Bitmap[]): void {
	const rec = s.calls[index - 1]!;
	const kept = rec.pages.filter((p) => p.accepted);
	t.is(kept.length, sent.length, `pages kept (notes: ${rec.notes.join("; ")})`);
	kept.forEach((p, i) => t.is(firstRowDiff(p.bitmap!, sent[i]!), -1, `page ${i + 1}: first row differing from the original`));
}

/** Resolves when the host starts page `n`'s data (the +FTM after the TCF, counted). */
function pageStarts(s: ModemSimulator, n: number): Promise<void> {
	let ftm = 0;
	return new Promise((resolve) =>
		s.on("command", (text: string) => {
			if (/^\+FTM=\d/.test(text) && ++ftm === n + 1) resolve(); // the 1st +FTM is the TCF
		}),
	);
}

// ------------------------------------------------------------------ the document changes during the call

test.serial("document deleted during the call: every page confirmed, exit 0, the far end has the original pixels", async (t) => {
	const dir = tempDir(t);
	const { sim: s, link } = await sim(t, dir);
	const sent = await pages(["form", "text", "halftone"]);
	const file = tiffFile(dir, "doc.tif", sent);
	const p1 = pageStarts(s, 1).then(() => unlinkSync(file));
	const r = await within(faxline(["send", "--device", link, "--to", "5550100", file]), 60000, "send");
	await p1;
	t.is(r.code, 0, r.err.join("\n"));
	// stderr holds the progress lines only (issue 13): no error, no warning about the vanished file
	t.deepEqual(r.err.filter((l) => /error|warning|fail|ENOENT/i.test(l)), []);
	t.is(r.out.at(-1), 'sent: all 3 page(s) confirmed by "+1 555 0100"');
	assertReceived(t, s, 1, sent);
});

test.serial("document rewritten in place during the call (same inode, other pages): the far end has the original pixels on every page", async (t) => {
	const dir = tempDir(t);
	const { sim: s, link } = await sim(t, dir);
	const sent = await pages(["form", "text", "halftone"]);
	const other = await pages(["halftone", "form", "text"]);
	const file = tiffFile(dir, "doc.tif", sent);
	const p1 = pageStarts(s, 1).then(() => writeFileSync(file, tiffBytes(other))); // truncate + write: same inode
	const r = await within(faxline(["send", "--device", link, "--to", "5550100", "--json", file]), 60000, "send");
	await p1;
	t.is(r.code, 0, r.err.join("\n"));
	const j = JSON.parse(r.out.join("\n")) as { pagesConfirmed: number; size: number };
	t.is(j.pagesConfirmed, 3);
	t.is(j.size, tiffBytes(sent).length, "the size reported is the document's as sent");
	assertReceived(t, s, 1, sent);
});

// ------------------------------------------------------------------ output paths

test.serial("--trace naming an input (itself, a hard link, a symlink) or the modem device: one line, exit 2, nothing dialled, the document unchanged", async (t) => {
	const dir = tempDir(t);
	const { sim: s, link } = await sim(t, dir);
	const file = tiffFile(dir, "doc.tif", await pages(["text"], 60));
	const before = readFileSync(file);
	linkSync(file, join(dir, "hard.tif"));
	symlinkSync(file, join(dir, "soft.jsonl"));
	for (const trace of [file, join(dir, "hard.tif"), join(dir, "soft.jsonl")]) {
		const r = await faxline(["send", "--device", link, "--to", "5550100", "--trace", trace, file]);
		t.is(r.code, 2, trace);
		t.deepEqual(r.out, []);
		t.is(r.err.length, 1, r.err.join("\n"));
		t.regex(r.err[0]!, /^faxline send: --trace .* is the input document .*; it would be overwritten; see 'faxline send --help'$/);
	}
	// nor the modem device (JSONL into the modem)
	const r = await faxline(["send", "--device", link, "--to", "5550100", "--trace", link, file]);
	t.is(r.code, 2);
	t.deepEqual(r.err, [`faxline send: --trace ${link} is the modem device ${link}; it would be overwritten; see 'faxline send --help'`]);
	t.deepEqual(readFileSync(file), before, "the document is byte-for-byte what it was");
	t.is(s.calls.length, 0, "nothing dialled");
});

test.serial("--trace on a directory or an unwritable path: one line, no stack trace, nothing dialled", async (t) => {
	const dir = tempDir(t);
	const { sim: s, link } = await sim(t, dir);
	const file = tiffFile(dir, "doc.tif", await pages(["text"], 60));
	mkdirSync(join(dir, "adir"));
	const cases: Array<[string, number, RegExp]> = [
		[join(dir, "adir"), 2, /--trace .*adir is a directory; give a file name; see 'faxline send --help'$/],
		["/proc/faxline-trace.jsonl", 1, /--trace \/proc\/faxline-trace\.jsonl cannot be created \(E[A-Z]+\) \(FAX-804\)$/],
		[join(dir, "missing", "t.jsonl"), 1, /no such file: .*missing\/t\.jsonl$/],
	];
	for (const [trace, code, re] of cases) {
		const r = await faxline(["send", "--device", link, "--to", "5550100", "--trace", trace, file]);
		t.is(r.code, code, trace);
		t.is(r.err.length, 1, r.err.join("\n"));
		t.regex(r.err[0]!, re);
	}
	t.is(s.calls.length, 0, "nothing dialled");
});

test("directories, files and unwritable places where the other is expected (inputs, convert OUT, --trace, --spool, copy-tiff PATH, sim --link/--out, demo --out, daemon spoolDir), convert OUT = IN: one line, never 'internal error'", async (t) => {
	const dir = tempDir(t);
	const d = join(dir, "adir");
	mkdirSync(d);
	mkdirSync(join(dir, "out.tif"));
	const file = tiffFile(dir, "doc.tif", await pages(["text"], 60));
	const before = readFileSync(file);
	const config = join(dir, "faxline.json");
	writeFileSync(config, JSON.stringify({ spoolDir: file, modems: [{ path: join(dir, "none") }] }));
	const cases: Array<[string[], number, RegExp]> = [
		[["send", "--device", join(dir, "none"), "--to", "5550100", d], 1, /^faxline send: .*adir is a directory, not a document/],
		[["info", d], 1, /^faxline info: .*adir is a directory, not a document/],
		[["convert", d, join(dir, "o.tif")], 1, /^faxline convert: .*adir is a directory, not a document/],
		[["submit", "--spool", join(dir, "spool"), "--to", "5550100", d], 1, /^faxline submit: .*adir is a directory, not a document/],
		[["convert", file, join(dir, "out.tif")], 2, /^faxline convert: OUT .*out\.tif is a directory; give a file name/],
		[["convert", file, file], 2, /^faxline convert: OUT .*doc\.tif is the input document .*; it would be overwritten/],
		[["convert", file, "/proc/faxline-out.tif"], 1, /^faxline convert: OUT \/proc\/faxline-out\.tif cannot be created/],
		[["submit", "--spool", file, "--to", "5550100", file], 2, /^faxline submit: --spool .*doc\.tif is not a directory/],
		[["probe", "--device", join(dir, "none"), "--trace", d], 2, /^faxline probe: --trace .*adir is a directory; give a file name/],
		[["copy-tiff", "0123456789abcdef", d, "--spool", join(dir, "spool")], 2, /^faxline copy-tiff: PATH .*adir is a directory; give a file name/],
		[["sim", "--link", d], 2, /^faxline sim: --link .*adir exists and is not a symlink/],
		[["sim", "--link", join(dir, "simlink"), "--out", file], 2, /^faxline sim: --out .*doc\.tif is not a directory/],
		[["demo", "--out", file], 2, /^faxline demo: --out .*doc\.tif is not a directory/],
		[["daemon", "--config", config], 2, /^faxline daemon: spoolDir .*doc\.tif is not a directory/],
	];
	for (const [args, code, re] of cases) {
		const r = await faxline(args);
		t.is(r.err.length, 1, `${args.join(" ")}: ${r.err.join(" | ")}`);
		t.regex(r.err[0] ?? "", re, args.join(" "));
		t.false(/internal error/.test(r.err.join("\n")));
		t.is(r.code, code, args.join(" "));
	}
	t.deepEqual(readFileSync(file), before, "the input is unchanged");
	t.deepEqual(readdirSync(d), [], "nothing written into the directory");
});

// ------------------------------------------------------------------ several --to

test.serial("send with several --to: refused with a hint to submit, nothing dialled", async (t) => {
	const dir = tempDir(t);
	const { sim: s, link } = await sim(t, dir);
	const file = tiffFile(dir, "doc.tif", await pages(["text"], 60));
	const r = await faxline(["send", "--device", link, "--to", "5550100", "--to", "5550101", file]);
	t.is(r.code, 2);
	t.deepEqual(r.out, []);
	t.deepEqual(r.err, [`faxline send: send makes one call to one number; for 2 recipients use 'faxline submit --to 5550100 --to 5550101 ...' (one job each); see 'faxline send --help'`]);
	t.is(s.calls.length, 0);
});

// ------------------------------------------------------------------ bad rows in the source

/** A 1-page MH TIFF whose strip is 77 % overwritten with seeded noise, and clean.tif (the page sent after it). */
async function garbageTiff(dir: string): Promise<{ path: string; page2: Bitmap }> {
	const [p1, p2] = await pages(["text", "form"], 600);
	const bytes = Buffer.from(writeClassF([{ bitmap: p1!, xRes: 204, yRes: 98 }], { coding: "mh" }));
	// one page: the strip runs from byte 8 to the IFD
	const ifd = bytes.readUInt32LE(4);
	const len = ifd - 8;
	const n = Math.floor(len * 0.77);
	const rnd = prng(77);
	for (let i = 0; i < n; i++) bytes[8 + len - n + i] = Math.floor(rnd() * 256);
	const path = join(dir, "garbage.tif");
	writeFileSync(path, bytes);
	tiffFile(dir, "clean.tif", [p2!]);
	return { path, page2: p2! };
}

test.serial("a TIFF whose data is 77 % garbage is refused before dialling, with the page number and the counts", async (t) => {
	const dir = tempDir(t);
	const { sim: s, link } = await sim(t, dir);
	const { path } = await garbageTiff(dir);
	const lib = await libtiffDecodeTiff(readFileSync(path));
	t.true(lib.warnings.length > 0, "libtiff also finds the page damaged");
	const r = await faxline(["send", "--device", link, "--to", "5550100", path, join(dir, "clean.tif")]);
	t.is(r.code, 1);
	t.deepEqual(r.out, []);
	t.is(r.err.length, 1, r.err.join("\n"));
	t.regex(r.err[0]!, /^faxline send: .*garbage\.tif: page 1: (\d+) of 600 rows bad \((\d+) %\): more than 10 % of a page's rows are unreadable; the far end would print them as they are \(FAX-731\)$/);
	const [, bad] = /page 1: (\d+) of/.exec(r.err[0]!)!;
	t.true(Number(bad) > 300, `most rows bad, got ${bad}`);
	t.is(s.calls.length, 0, "nothing dialled");
});

test.serial("--max-bad-rows 100%: the garbage page is sent, with a warning naming page 1 and its counts printed before the call", async (t) => {
	const dir = tempDir(t);
	const { sim: s, link } = await sim(t, dir);
	const { path, page2 } = await garbageTiff(dir);
	const r = await within(faxline(["send", "--device", link, "--to", "5550100", "--max-bad-rows", "100%", path, join(dir, "clean.tif")]), 60000, "send");
	t.is(r.code, 0, r.err.join("\n"));
	const warn = r.log.findIndex((l) => /^err: warning: page 1: \d+ of 600 rows bad \(\d+ %\) \(.*garbage\.tif\); they are sent as decoded$/.test(l));
	const dialing = r.log.findIndex((l) => /^err: dialing/.test(l)); // progress is on stderr (issue 13)
	t.true(warn >= 0, r.log.join("\n"));
	t.true(dialing > warn, "the warning comes before the call");
	t.false(r.err.some((l) => /warning.*page 2/.test(l)), "the clean page is not named in a warning"); // progress lines name every page
	const rec = s.calls[0]!;
	t.is(rec.pages.filter((p) => p.accepted).length, 2);
	t.is(firstRowDiff(rec.pages.at(-1)!.bitmap!, page2), -1);
});

test("--max-bad-rows rejects what is not a share", async (t) => {
	for (const v of ["x", "1.5", "-1", "200%", ""]) {
		const r = await faxline(["send", "--device", "/dev/null", "--to", "5550100", `--max-bad-rows=${v}`, "doc.tif"]);
		t.is(r.code, 2, v);
		t.regex(r.err.join("\n"), /--max-bad-rows must be a share from 0 to 1/);
	}
});

// ------------------------------------------------------------------ a trace that fails mid-call

test.serial("child process: --trace /dev/full (every write fails): the call completes, exit 0, one warning line, no stack trace", async (t) => {
	const dir = tempDir(t);
	const { sim: s, link } = await sim(t, dir);
	const sent = await pages(["text", "form"], 120);
	const file = tiffFile(dir, "doc.tif", sent);
	const child = spawn(process.execPath, ["--import", "tsx", "src/cli/main.ts", "send", "--device", link, "--to", "5550100", "--trace", "/dev/full", file], { cwd: root, stdio: ["ignore", "pipe", "pipe"] });
	let out = "";
	let err = "";
	child.stdout.on("data", (b: Buffer) => (out += b.toString()));
	child.stderr.on("data", (b: Buffer) => (err += b.toString()));
	t.teardown(() => void (child.exitCode === null && child.signalCode === null && child.kill("SIGKILL")));
	const code = await within(new Promise<number | null>((r) => child.on("exit", (c) => r(c))), 60000, "the child's exit");
	t.is(code, 0, err);
	t.regex(out, /sent: all 2 page\(s\) confirmed/);
	// stderr: the progress lines (issue 13) and exactly one warning, no stack trace
	t.deepEqual(err.split("\n").filter((l) => /warning|Error|^\s+at /.test(l)), ["faxline send: warning: the trace /dev/full is incomplete: ENOSPC: no space left on device, write"]);
	assertReceived(t, s, 1, sent);
});

test.serial("submit: the garbage TIFF is refused with one line (queue maxBadRowShare, default 10 %), nothing queued; with the setting at 1 it is queued after a warning; the library's render refuses it too", async (t) => {
	const dir = tempDir(t);
	const { path } = await garbageTiff(dir);
	const spool = join(dir, "spool");
	await FaxServer.connect({ spoolDir: spool, codec: tiffCodec, name: "pre" }).disconnect();
	const r = await faxline(["submit", "--spool", spool, "--to", "5550100", path]);
	t.is(r.code, 1);
	t.deepEqual(r.out, []);
	t.is(r.err.length, 1, r.err.join("\n"));
	t.regex(r.err[0]!, /^faxline submit: .*garbage\.tif: page 1: \d+ of 600 rows bad \(\d+ %\): more than 10 % of a page's rows are unreadable.* \(FAX-731\)$/);

	// the library path (FaxDocument.connectedSubmit -> the queue's render) refuses it on its own
	const lib = FaxServer.connect({ spoolDir: spool, codec: tiffCodec, name: "lib" });
	const d = new FaxDocument();
	d.body = path;
	d.recipients.add("5550100");
	const e = await t.throwsAsync(d.connectedSubmit(lib));
	t.is((e as FaxError).code, "IMAGE_BAD_ROWS");
	t.is(lib.outgoingQueue.getJobs().count, 0, "nothing queued");
	lib.outgoingQueue.maxBadRowShare = 1;
	await lib.outgoingQueue.save();
	await lib.disconnect();

	const ok = await faxline(["submit", "--spool", spool, "--to", "5550100", path]);
	t.is(ok.code, 0, ok.err.join("\n"));
	t.regex(ok.out[0] ?? "", /^[0-9a-f]{16}$/);
	t.regex(ok.err[0] ?? "", /^warning: page 1: \d+ of 600 rows bad \(\d+ %\) \(.*garbage\.tif\); they are sent as decoded$/);
});
