/**
 * Progress of `faxline send` as a user sees it (issue 13), with the BUILT binary against the modem
 * simulator on a pty: stderr on a real terminal (a second pty, hw-mocks/ptyPair.ts) gets a live line
 * redrawn during each page — at least once a second, with the bytes moving — and plain page lines; with
 * `--json` the same progress still goes to the terminal while stdout holds only the JSON; stderr on a
 * pipe gets plain lines only, without escape codes; NO_COLOR keeps colour off on the terminal. The
 * oracle for "during a page" is the simulator's own record of when page data reached the modem.
 */
import test from "ava";
import { closeSync, constants as fsc, mkdtempSync, openSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startSimulator } from "../../src/cli/commands/sim.js";
import { writeClassF } from "../../src/tiff/index.js";
import { openPtyPair } from "../../hw-mocks/ptyPair.js";
import { ensureBuilt, faxlineBin, spawnBin } from "../helpers/builtCli.js";
import { fixturePage } from "../helpers/fixtures.js";
import { topRows } from "../helpers/libtiff.js";

test.before(async () => {
	await ensureBuilt();
});

interface Chunk {
	at: number;
	text: string;
}

/** `faxline send ...` with stderr on a fresh pty; resolves with the timed stderr chunks, stdout and the exit code. */
async function sendOnTerminal(t: { teardown(fn: () => void | Promise<void>): void }, args: string[], env: Record<string, string | undefined> = {}): Promise<{ chunks: Chunk[]; stdout: string; code: number | null }> {
	const term = await openPtyPair();
	t.teardown(() => term.close());
	const chunks: Chunk[] = [];
	term.master.on("data", (b: Buffer) => chunks.push({ at: Date.now(), text: b.toString("utf8") }));
	const fd = openSync(term.slavePath, fsc.O_RDWR | fsc.O_NOCTTY);
	const child = spawnBin(args, { env }, ["ignore", "pipe", fd]);
	closeSync(fd);
	t.teardown(() => void child.kill("SIGKILL"));
	let stdout = "";
	child.stdout!.setEncoding("utf8").on("data", (d: string) => (stdout += d));
	const code = await new Promise<number | null>((res) => child.once("exit", (c) => res(c)));
	await new Promise((r) => setTimeout(r, 200)); // the last bytes through the pty
	return { chunks, stdout, code };
}

/** The redraws (`\r ESC[K text`) seen between page N's "sending" line and its end line, with their times. */
function redrawsOfPage(chunks: Chunk[], page: number, pages: number): { at: number; text: string }[] {
	const out: { at: number; text: string }[] = [];
	let inPage = false;
	for (const c of chunks) {
		for (const piece of c.text.split(/(?=\r\x1b\[K)|\n/)) {
			if (piece.includes(`page ${page}/${pages}: sending`)) inPage = true;
			else if (new RegExp(`page ${page}/${pages}: (NOT )?confirmed`).test(piece)) inPage = false;
			else if (inPage && piece.startsWith("\r\x1b[K") && piece.length > 4) out.push({ at: c.at, text: piece.slice(4) });
		}
	}
	return out;
}

test.serial("on a terminal: a live bar during the page, redrawn at least once a second, bytes and percent moving at the line rate; --json stays clean", async (t) => {
	const dir = mkdtempSync(join(tmpdir(), "faxline-prog-"));
	t.teardown(() => rmSync(dir, { recursive: true, force: true }));
	// real line time (x1) at 4800 bit/s: this page is ~9 KiB, ~15 s on the line
	const page = topRows(await fixturePage("text", "standard"), 160);
	const file = join(dir, "doc.tif");
	writeFileSync(file, writeClassF([{ bitmap: page, xRes: 204, yRes: 98 }]));
	const sim = await startSimulator({ link: join(dir, "modem"), outDir: join(dir, "rx"), timeScale: 1, csi: "PROGRESS" });
	t.teardown(() => sim.close());
	const call = sim.nextCall();
	const r = await sendOnTerminal(t, ["send", "--device", sim.link, "--to", "5550100", "--max-rate", "4800", "--json", file], { NO_COLOR: "1" });
	t.is(r.code, 0, r.chunks.map((c) => c.text).join(""));
	const report = JSON.parse(r.stdout) as { statusName: string; pagesConfirmed: number; parameters: { bitRate: number } };
	t.is(report.statusName, "COMPLETED", "stdout is the JSON document alone");
	t.is(report.parameters.bitRate, 4800);
	const rec = await call;
	t.deepEqual(rec.pages.map((p) => p.response), ["MCF"]);
	const all = r.chunks.map((c) => c.text).join("");
	t.regex(all, /page 1\/1: confirmed \(MCF\), ([\d.]+) KiB in ([\d.]+) s/);
	t.false(/\x1b\[3\dm/.test(all), "NO_COLOR: no colour codes");
	const redraws = redrawsOfPage(r.chunks, 1, 1);
	let maxGap = 0;
	for (let i = 1; i < redraws.length; i++) maxGap = Math.max(maxGap, redraws[i]!.at - redraws[i - 1]!.at);
	t.log(`${redraws.length} redraws, longest gap ${maxGap} ms; "${redraws[0]?.text}", "${redraws[Math.floor(redraws.length / 2)]?.text}" ... "${redraws.at(-1)?.text}"`);
	t.true(redraws.length >= 8, `redraws during the page: ${redraws.length}`);
	t.true(maxGap <= 1000, `updated at least once a second (longest gap ${maxGap} ms)`);
	// before the modem took the first chunk the size is unknown: "~x KiB sent"; from then on a bar
	const BAR = /^\[[#-]{24}\] page 1\/1 (\d+)% ([\d.]+)\/([\d.]+) KiB, 4800 bit\/s, \d+:\d\d elapsed, ~\d+:\d\d left$/;
	const first = redraws.findIndex((d) => BAR.test(d.text));
	t.true(first >= 0 && first <= 8, `a bar within the first redraws (${first})`);
	t.true(redraws.slice(0, first).every((d) => /^page 1\/1 ~[\d.]+ KiB sent, 4800 bit\/s, \d+:\d\d elapsed$/.test(d.text)));
	const bars = redraws.slice(first).map((d) => BAR.exec(d.text));
	t.true(bars.every((m) => m !== null), `a bar with percent, bytes of size, rate, elapsed and remaining every time: ${redraws.slice(first).filter((d) => !BAR.test(d.text)).map((d) => d.text).join(" | ")}`);
	const pct = bars.map((m) => Number(m![1]));
	const kib = bars.map((m) => Number(m![2]));
	for (let i = 1; i < kib.length; i++) t.true(kib[i]! >= kib[i - 1]!, "never backwards");
	t.true(pct[0]! < 30, `starts low (${pct[0]}%)`);
	t.true(pct.at(-1)! >= 70, `ends high (${pct.at(-1)}%)`);
	t.true(new Set(pct).size >= 5, `the percent moves: ${pct.join(" ")}`);
});

test.serial("stderr on a pipe: plain lines, no escape codes, outcome alone on stdout", async (t) => {
	const dir = mkdtempSync(join(tmpdir(), "faxline-prog-"));
	t.teardown(() => rmSync(dir, { recursive: true, force: true }));
	const page = topRows(await fixturePage("form", "standard"), 160);
	const file = join(dir, "doc.tif");
	writeFileSync(file, writeClassF([page, page, page].map((bitmap) => ({ bitmap, xRes: 204, yRes: 98 }))));
	const sim = await startSimulator({ link: join(dir, "modem"), timeScale: 0.2, csi: "PIPE" });
	t.teardown(() => sim.close());
	const r = await faxlineBin(["send", "--device", sim.link, "--to", "5550100", file], { timeoutMs: 120_000 });
	t.is(r.code, 0, r.stderr);
	t.is(r.stdout, 'sent: all 3 page(s) confirmed by "PIPE"\n');
	t.false(r.stderr.includes("\x1b") || r.stderr.includes("\r"), "no escape codes or redraws in a pipe");
	t.deepEqual(r.stderr.split("\n").filter((l) => /^page \d\/3: (sending|confirmed)/.test(l)).map((l) => l.replace(/, [\d.]+ KiB in [\d.]+ s$/, "")), [
		"page 1/3: sending",
		"page 1/3: confirmed (MCF)",
		"page 2/3: sending",
		"page 2/3: confirmed (MCF)",
		"page 3/3: sending",
		"page 3/3: confirmed (MCF)",
	]);
	const q = await faxlineBin(["send", "--quiet", "--device", sim.link, "--to", "5550100", file], { timeoutMs: 120_000 });
	t.is(q.code, 0, q.stderr);
	t.is(q.stderr, "", "--quiet: no progress");
});
