/**
 * Issue 13's command-line conventions, checked on the BUILT binary (dist/src/cli/main.js, what `npm i -g`
 * installs) run as a user runs it: help on stdout with exit 0 for every command, --version, usage errors
 * (exit 2, one line, a hint, did-you-mean), failures (exit 1, one line; with --json an error object on
 * stdout), a closed stdout (`| head -1`), SIGINT (exit 130 after cleanup), config discovery and schema
 * errors (file, key path, unit, did-you-mean), `submit` refusing what `send` refuses before anything is
 * queued, and `sim` refusing a link another live simulator holds. Oracles: the command table itself
 * (every command, every option listed), package.json's version, the shell's pipe status, the queue's own
 * JSON after the refusals.
 */
import test from "ava";
import { spawn } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { COMMANDS } from "../../src/cli/commandTable.js";
import { BIN, ensureBuilt, faxlineBin, root, spawnBin } from "../helpers/builtCli.js";
import { SAMPLE_TIF } from "../helpers/jobHarness.js";

test.before(async () => {
	await ensureBuilt();
});

function tempDir(t: { teardown(fn: () => void): void }): string {
	const dir = mkdtempSync(join(tmpdir(), "faxline-conv-"));
	t.teardown(() => rmSync(dir, { recursive: true, force: true }));
	return dir;
}

const longFlag = (flags: string): string => /--[a-z-]+/.exec(flags)![0];

test("every command: --help and -h on stdout, exit 0, with each option, its default and unit", async (t) => {
	for (const c of COMMANDS) {
		for (const h of ["--help", "-h"]) {
			const r = await faxlineBin([c.name, h]);
			t.is(r.code, 0, `${c.name} ${h}: ${r.stderr}`);
			t.is(r.stderr, "", `${c.name} ${h}: nothing on stderr`);
			t.regex(r.stdout, new RegExp(`^Usage: faxline ${c.name} `), c.name);
			for (const o of c.options) {
				t.true(r.stdout.includes(longFlag(o.flags)), `${c.name} --help lists ${longFlag(o.flags)}`);
				if (o.default !== undefined) t.true(r.stdout.replace(/\s+/g, " ").includes(`(default: ${o.default})`), `${c.name} ${longFlag(o.flags)} default`);
				if (o.unit !== undefined) t.true(r.stdout.replace(/\s+/g, " ").includes(`[${o.unit}]`), `${c.name} ${longFlag(o.flags)} unit`);
			}
		}
	}
	const top = await faxlineBin(["--help"]);
	t.is(top.code, 0);
	t.is(top.stderr, "");
	for (const c of COMMANDS) t.regex(top.stdout, new RegExp(`^  ${c.name} +\\S`, "m"), `faxline --help lists ${c.name}`);
	const helpSend = await faxlineBin(["help", "send"]);
	t.is(helpSend.code, 0);
	t.regex(helpSend.stdout, /^Usage: faxline send /);
	const version = JSON.parse(readFileSync(join(root, "package.json"), "utf8")) as { version: string };
	for (const v of ["--version", "-V"]) {
		const r = await faxlineBin([v]);
		t.is(r.code, 0);
		t.is(r.stdout, `faxline ${version.version}\n`);
	}
});

test("usage errors: exit 2, one line on stderr with a hint, nothing on stdout; did-you-mean for commands and options", async (t) => {
	for (const c of COMMANDS) {
		const r = await faxlineBin([c.name, "--no-such-option"]);
		t.is(r.code, 2, `${c.name}: ${r.stderr}`);
		t.is(r.stdout, "");
		t.regex(r.stderr, new RegExp(`^faxline ${c.name}: unknown option '--no-such-option'.*; see 'faxline ${c.name} --help'\\n$`), c.name);
	}
	const typo = await faxlineBin(["sned", "x.tif"]);
	t.is(typo.code, 2);
	t.is(typo.stderr, "faxline: unknown command 'sned' (did you mean send?); see 'faxline --help'\n");
	const opt = await faxlineBin(["send", "--devcie", "/dev/null", "x.tif"]);
	t.is(opt.code, 2);
	t.regex(opt.stderr, /^faxline send: unknown option '--devcie' \(did you mean --device\?\); see 'faxline send --help'\n$/);
	const choice = await faxlineBin(["submit", "--spool", "/nonexistent", "--to", "5551234", "--priority", "urgent", "x.tif"]);
	t.is(choice.code, 2);
	t.regex(choice.stderr, /--priority.*'urgent' is invalid.*low, normal, high/);
	t.is(choice.stderr.split("\n").length, 2, "one line");
	const none = await faxlineBin([]);
	t.is(none.code, 2);
	t.regex(none.stderr, /no command given/);
	// a usage error with --json: the error object on stdout too
	const j = await faxlineBin(["send", "--json", "--device", "/dev/null", "x.tif"]);
	t.is(j.code, 2);
	const e = JSON.parse(j.stdout) as { error: { code: string; number: number; message: string; exitCode: number } };
	t.is(e.error.code, "USAGE");
	t.is(e.error.number, 900);
	t.is(e.error.exitCode, 2);
	t.regex(e.error.message, /--to is required/);
});

test("failures: exit 1 with one line; --json adds {error} on stdout with the FaxError code", async (t) => {
	const dir = tempDir(t);
	const r = await faxlineBin(["info", join(dir, "missing.tif"), "--json"]);
	t.is(r.code, 1);
	t.regex(r.stderr, /^faxline info: no such file: .*missing\.tif \(FAX-901\)\n$/);
	const e = JSON.parse(r.stdout) as { error: { code: string; exitCode: number; message: string } };
	t.deepEqual([e.error.code, e.error.exitCode], ["FILE_NOT_FOUND", 1]);
	t.false(e.error.message.includes("FAX-"), "message without the (FAX-nnn) suffix");
	// info --json success: the pages
	const ok = await faxlineBin(["info", SAMPLE_TIF, "--json"]);
	t.is(ok.code, 0, ok.stderr);
	t.is((JSON.parse(ok.stdout) as { pages: unknown[] }).pages.length, 3);
});

test("config: bad keys name the file, the key path, the unit and the nearest known key; discovery order", async (t) => {
	const dir = tempDir(t);
	const bad = join(dir, "bad.json");
	writeFileSync(bad, JSON.stringify({ spoolDir: "spool", modems: [{ path: "/dev/ttyACM0", tsidd: "X" }], queue: { retryDelay: "10", retires: 2 }, pollMs: 1 }));
	const r = await faxlineBin(["jobs", "--config", bad]);
	t.is(r.code, 1);
	t.is(r.stderr.split("\n").length, 2, "one line");
	t.true(r.stderr.startsWith(`faxline jobs: ${bad}: `), r.stderr);
	t.regex(r.stderr, /modems\[0\]\.tsidd: unknown key \(did you mean "tsid"\?\)/);
	t.regex(r.stderr, /queue\.retryDelay: expected minutes, 0\.\.10080, got "10"/);
	t.regex(r.stderr, /queue\.retires: unknown key \(did you mean "retries"\?\)/);
	t.regex(r.stderr, /pollMs: expected milliseconds, 10\.\.60000, got 1/);
	t.regex(r.stderr, /\(FAX-902\)\n$/);
	const rj = await faxlineBin(["status", "--config", bad, "--json"]);
	t.is((JSON.parse(rj.stdout) as { error: { code: string } }).error.code, "CONFIG_INVALID");
	const daemon = await faxlineBin(["daemon", "--config", bad]);
	t.is(daemon.code, 1, "the daemon refuses to start on a bad config");
	t.regex(daemon.stderr, /did you mean "tsid"/);
	const notJson = join(dir, "broken.json");
	writeFileSync(notJson, "{ spoolDir: ");
	t.regex((await faxlineBin(["jobs", "--config", notJson])).stderr, /broken\.json: not valid JSON/);
	t.regex((await faxlineBin(["jobs", "--config", join(dir, "none.json")])).stderr, /no such config file: .*none\.json \(given by --config\)/);

	// discovery: FAXLINE_CONFIG, then ./faxline.json, then $XDG_CONFIG_HOME/faxline/faxline.json
	const mk = (sub: string): string => {
		const d = join(dir, sub);
		mkdirSync(d, { recursive: true });
		writeFileSync(join(d, "faxline.json"), JSON.stringify({ spoolDir: `spool-${sub.replace(/\W/g, "")}`, modems: [] }));
		return d;
	};
	const env = mk("env");
	const cwd = mk("cwd");
	const xdg = mk("xdg/faxline");
	const home = join(dir, "home");
	mkdirSync(home);
	const spoolOf = async (e: Record<string, string | undefined>, at: string): Promise<string> => {
		const s = await faxlineBin(["status", "--json"], { env: { FAXLINE_SPOOL: undefined, FAXLINE_CONFIG: undefined, HOME: home, XDG_CONFIG_HOME: join(dir, "xdg"), ...e }, cwd: at });
		if (s.code === 0) return (JSON.parse(s.stdout) as { spoolDir: string }).spoolDir;
		return s.stderr;
	};
	// status needs a queue: `no queue in <spoolDir>` names the spool the config chose
	t.regex(await spoolOf({ FAXLINE_CONFIG: join(env, "faxline.json") }, cwd), /spool-env/);
	t.regex(await spoolOf({}, cwd), /spool-cwd/);
	t.regex(await spoolOf({}, home), /spool-xdgfaxline/);
	t.regex(await spoolOf({ XDG_CONFIG_HOME: join(dir, "nothing") }, home), /say where the queue is/);
	t.regex(await spoolOf({ FAXLINE_CONFIG: join(dir, "missing.json") }, cwd), /no such config file: .*missing\.json \(given by FAXLINE_CONFIG\)/);
	void xdg;
});

test("submit refuses what send refuses, before anything is queued; then a good one queues with names in --json", async (t) => {
	const dir = tempDir(t);
	const spool = join(dir, "spool");
	const truncated = join(dir, "cut.tif");
	const whole = readFileSync(SAMPLE_TIF);
	writeFileSync(truncated, whole.subarray(0, 600));
	// binary garbage: no document format (a text file is a document since issue 12)
	const text = join(dir, "noise.bin");
	writeFileSync(text, Buffer.from([0x00, 0xff, 0x13, 0x37, 0x00, 0x01, 0xfe, 0x80, 0x00, 0x00, 0x7f, 0x02]));
	const cases: { args: string[]; code: number; err: RegExp; json?: string }[] = [
		{ args: ["--to", "911", SAMPLE_TIF], code: 1, err: /dials the emergency number 911/, json: "BLACKLISTED" },
		{ args: ["--to", "9,911", SAMPLE_TIF], code: 1, err: /dials the emergency number 911/, json: "BLACKLISTED" },
		{ args: ["--to", "555;ATZ", SAMPLE_TIF], code: 1, err: /Invalid character ";" in dial string/, json: "BAD_DIAL_STRING" },
		{ args: ["--to", "5551234", "--to", "555\rATH", SAMPLE_TIF], code: 1, err: /Invalid character "\\r"/, json: "BAD_DIAL_STRING" },
		{ args: ["--to", "5551234", truncated], code: 1, err: /cut\.tif|TIFF/ },
		{ args: ["--to", "5551234", text], code: 1, err: /not a document faxline reads/, json: "DOC_UNSUPPORTED" },
		{ args: ["--to", "5551234", join(dir, "missing.tif")], code: 1, err: /no such file/, json: "FILE_NOT_FOUND" },
		{ args: ["--to", "5551234", "--tsid", "x".repeat(21), SAMPLE_TIF], code: 2, err: /--tsid must be at most 20/, json: "USAGE" },
		{ args: ["--to", "5551234", "--at", "25:00", SAMPLE_TIF], code: 2, err: /bad --at time/ },
		{ args: ["--to", "5551234", "--note", "hi", SAMPLE_TIF], code: 2, err: /--note needs --cover/ },
		{ args: ["--to", "5551234", "--receipt", "nobody", SAMPLE_TIF], code: 2, err: /--receipt must be an e-mail address/ },
		{ args: [SAMPLE_TIF], code: 2, err: /--to is required/ },
	];
	for (const c of cases) {
		const r = await faxlineBin(["submit", "--spool", spool, ...c.args, ...(c.json ? ["--json"] : [])]);
		const label = JSON.stringify(c.args);
		t.is(r.code, c.code, `${label}: ${r.stderr}`);
		t.regex(r.stderr, c.err, label);
		t.regex(r.stderr, /^faxline submit: [^\n]*\n$/, `${label}: one line`);
		if (c.json) t.is((JSON.parse(r.stdout) as { error: { code: string } }).error.code, c.json, label);
		else t.is(r.stdout, "", label);
	}
	t.false(existsSync(join(spool, "queue.db")), "nothing was queued: the queue was never even created");
	// the same numbers through `send` fail the same way (before any device is opened)
	const send = await faxlineBin(["send", "--device", join(dir, "no-modem"), "--to", "911", SAMPLE_TIF]);
	t.is(send.code, 1);
	t.regex(send.stderr, /dials the emergency number 911/);

	const ok = await faxlineBin(["submit", "--spool", spool, "--to", "5551234", "--to", "5555678", "--priority", "high", "--at", "2099-01-01T00:00:00Z", "--json", SAMPLE_TIF]);
	t.is(ok.code, 0, ok.stderr);
	const sub = JSON.parse(ok.stdout) as { submissionId: string; pages: number; jobs: Record<string, unknown>[] };
	t.is(sub.pages, 3);
	t.is(sub.jobs.length, 2);
	for (const j of sub.jobs) {
		t.is(j.status, 1);
		t.is(j.statusName, "PENDING");
		t.is(j.priority, 2);
		t.is(j.priorityName, "HIGH");
		t.is(j.scheduleTypeName, "SPECIFIC_TIME");
		t.deepEqual(j.availableOperationsNames, ["VIEW", "PAUSE", "DELETE", "RECIPIENT_INFO", "SENDER_INFO"]);
		t.is(j.extendedStatusName, "NONE");
	}
	t.regex(ok.stderr, /no daemon is running/);
	const list = await faxlineBin(["jobs", "--spool", spool, "--json"]);
	const jobs = JSON.parse(list.stdout) as { id: string; statusName: string; recipient: { faxNumber: string } }[];
	t.deepEqual(jobs.map((j) => j.recipient.faxNumber), ["5551234", "5555678"]);
	const human = await faxlineBin(["job", jobs[0]!.id, "--spool", spool]);
	t.regex(human.stdout, /^status: +PENDING$/m);
	t.regex(human.stdout, /^operations: +VIEW, PAUSE, DELETE, RECIPIENT_INFO, SENDER_INFO$/m);
	t.notRegex(human.stdout, /0x/, "no hex in human output");
});

test("a closed stdout (| head -1) ends the output quietly: exit 0, nothing on stderr", async (t) => {
	const dir = tempDir(t);
	const spool = join(dir, "spool");
	const tos = Array.from({ length: 150 }, (_, i) => ["--to", `555${String(i).padStart(4, "0")}`]).flat();
	const sub = await faxlineBin(["submit", "--spool", spool, "--at", "2099-01-01T00:00:00Z", ...tos, SAMPLE_TIF], { timeoutMs: 120_000 });
	t.is(sub.code, 0, sub.stderr);
	for (const args of [["jobs", "--spool", spool, "--json"], ["jobs", "--spool", spool], ["--help"]]) {
		const r = await new Promise<{ out: string; err: string; code: number | null }>((res) => {
			const c = spawn("bash", ["-c", `node "${BIN}" ${args.map((a) => `'${a}'`).join(" ")} | head -1; echo "rc=\${PIPESTATUS[0]}"`], { stdio: ["ignore", "pipe", "pipe"] });
			let out = "";
			let err = "";
			c.stdout.setEncoding("utf8").on("data", (d: string) => (out += d));
			c.stderr.setEncoding("utf8").on("data", (d: string) => (err += d));
			c.once("close", (code) => res({ out, err, code }));
		});
		t.is(r.err, "", `${args.join(" ")}: no stack trace`);
		t.regex(r.out, /\nrc=0\n$/, `${args.join(" ")}: faxline exited 0 (${r.out.slice(-40)})`);
		t.is(r.out.split("\n").length, 3, "one line through head, then rc");
	}
	const big = await faxlineBin(["jobs", "--spool", spool, "--json"]);
	t.true(big.stdout.length > 128 * 1024, `the listing (${big.stdout.length} bytes) is larger than a pipe buffer, so head closed it early`);
});

test("sim: SIGINT exits 130 after removing its link; a second sim on a live simulator's link is refused", async (t) => {
	const dir = tempDir(t);
	const link = join(dir, "modem");
	const first = spawnBin(["sim", "--link", link, "--time-scale", "0.05"]);
	t.teardown(() => void first.kill("SIGKILL"));
	let out = "";
	await new Promise<void>((res, rej) => {
		const timer = setTimeout(() => rej(new Error(`sim did not start: ${out}`)), 30_000);
		first.stdout!.setEncoding("utf8").on("data", (d: string) => {
			out += d;
			if (out.includes("Class 1 modem on")) {
				clearTimeout(timer);
				res();
			}
		});
	});
	t.true(existsSync(link));
	const second = await faxlineBin(["sim", "--link", link]);
	t.is(second.code, 1);
	t.regex(second.stderr, new RegExp(`^faxline sim: .*modem is held by another running simulator \\(pid ${first.pid}\\)`));
	t.true(existsSync(link), "the first simulator's link is untouched");
	const exit = new Promise<number | null>((res) => first.once("exit", (code) => res(code)));
	first.kill("SIGINT");
	t.is(await exit, 130);
	t.regex(out, /faxline sim: stopped\n$/);
	t.false(existsSync(link), "link removed");
	t.false(existsSync(`${link}.lock`), "lock removed");

	// a lock left by a simulator that died (SIGKILL) is taken over
	const dead = spawnBin(["sim", "--link", link]);
	await new Promise<void>((res) => dead.stdout!.on("data", () => res()));
	const gone = new Promise<void>((res) => dead.once("exit", () => res()));
	dead.kill("SIGKILL");
	await gone;
	t.true(existsSync(`${link}.lock`), "the killed simulator left its lock");
	const again = spawnBin(["sim", "--link", link]);
	t.teardown(() => void again.kill("SIGKILL"));
	const line = await new Promise<string>((res) => again.stdout!.setEncoding("utf8").once("data", (d: string) => res(d)));
	t.regex(line, /Class 1 modem on/);
});
