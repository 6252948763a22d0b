/**
 * `faxline demo` (issue 3 "CLI and the main job": the README's main-job command) as a user runs it: a
 * child process (`node --import tsx src/cli/main.ts demo --out DIR --time-scale 0.05`) that starts the
 * pty modem simulator, sends samples/sample.tif through `faxline send`, and prints where the far end's
 * received copy and the protocol trace were written. Oracle: libtiff (tiffcp) decodes the received copy
 * and the committed sample to the same pixels.
 */
import test from "ava";
import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { firstRowDiff, libtiffDecodeTiff } from "../helpers/libtiff.js";

const root = join(import.meta.dirname, "..", "..");

/** Runs the demo; `lingerMs` is how long the process stayed alive after its last stdout line. */
function runDemo(args: string[], deadlineMs: number): Promise<{ code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string; lingerMs: number }> {
	const child = spawn(process.execPath, ["--import", "tsx", "src/cli/main.ts", "demo", ...args], { cwd: root, stdio: ["ignore", "pipe", "pipe"] });
	let stdout = "";
	let stderr = "";
	let lastOut = Date.now();
	child.stdout.on("data", (b: Buffer) => {
		stdout += b.toString();
		lastOut = Date.now();
	});
	child.stderr.on("data", (b: Buffer) => (stderr += b.toString()));
	return new Promise((res, rej) => {
		const timer = setTimeout(() => {
			child.kill("SIGKILL");
			rej(new Error(`faxline demo did not exit within ${deadlineMs} ms; stdout: ${stdout} stderr: ${stderr}`));
		}, deadlineMs);
		child.on("exit", (code, signal) => {
			clearTimeout(timer);
			res({ code, signal, stdout, stderr, lingerMs: Date.now() - lastOut });
		});
	});
}

test("faxline demo: exit 0, prints the received copy and the trace; the copy's pixels equal samples/sample.tif's", async (t) => {
	const out = mkdtempSync(join(tmpdir(), "faxline-demo-test-"));
	t.teardown(() => rmSync(out, { recursive: true, force: true }));
	const r = await runDemo(["--out", out, "--time-scale", "0.05"], 90000);
	t.is(r.code, 0, `stderr: ${r.stderr}\nstdout: ${r.stdout}`);
	// issue 13: the call's progress is on stderr (it was on stdout), nothing else there
	t.regex(r.stderr, /^page 3\/3: confirmed \(MCF\)/m);
	t.notRegex(r.stderr, /^faxline/m);
	t.regex(r.stdout, /^sent: all 3 page\(s\) confirmed by /m);
	// done means done: nothing (a leftover timer, an open port) keeps the process alive after its report
	t.true(r.lingerMs < 3000, `exited ${r.lingerMs} ms after its last line`);

	const copy = /^received copy: (.+)$/m.exec(r.stdout)?.[1];
	const trace = /^protocol trace \(JSONL\): (.+)$/m.exec(r.stdout)?.[1];
	t.truthy(copy, r.stdout);
	t.truthy(trace, r.stdout);
	t.is(resolve(copy!, ".."), resolve(out), "the copy is written under --out");
	t.is(resolve(trace!, ".."), resolve(out), "the trace is written under --out");
	t.true(existsSync(copy!));
	t.true(existsSync(trace!));

	// the trace is JSONL of the call: the dial, the decoded DCS, the final DCN
	const recs = readFileSync(trace!, "utf8").trimEnd().split("\n").map((l) => JSON.parse(l) as { ch: string; dir: string; msg: string });
	t.true(recs.some((x) => x.ch === "at" && x.dir === "tx" && /^ATD/.test(x.msg)));
	t.true(recs.some((x) => x.ch === "hdlc" && x.msg.startsWith("-> DCS")));
	t.true(recs.some((x) => x.ch === "hdlc" && x.msg === "-> DCN"));

	const sample = await libtiffDecodeTiff(readFileSync(join(root, "samples", "sample.tif")));
	const got = await libtiffDecodeTiff(readFileSync(copy!));
	t.deepEqual(got.warnings, []);
	t.is(sample.pages.length, 3);
	t.is(got.pages.length, sample.pages.length);
	sample.pages.forEach((want, i) => {
		const p = got.pages[i];
		t.truthy(p, `page ${i + 1} received`);
		if (!p) return;
		t.is(`${p.width}x${p.height}`, `${want.width}x${want.height}`, `page ${i + 1} geometry`);
		t.is(firstRowDiff(p, want), -1, `page ${i + 1}: first differing row`);
	});
});

test("faxline demo: a bad --time-scale is a usage error (exit 2, one line), nothing started", async (t) => {
	const out = mkdtempSync(join(tmpdir(), "faxline-demo-test-"));
	t.teardown(() => rmSync(out, { recursive: true, force: true }));
	const r = await runDemo(["--out", out, "--time-scale", "fast"], 30000);
	t.is(r.code, 2);
	t.is(r.stdout, "");
	t.regex(r.stderr, /^faxline demo: --time-scale must be a number in \(0, 10\]; see 'faxline demo --help'\n$/); // issue 13: usage line + hint
});
