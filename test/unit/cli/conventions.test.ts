/**
 * Issue 13 pieces without processes: config discovery order and schema errors (jobs/configFile.ts), the
 * did-you-mean matcher (core/didYouMean.ts), the progress renderer on a fake clock (cli/progress.ts: the
 * live line moves between engine reports, plain lines at most every 10 s, bar with percent and remaining
 * time once the page size is known, no colour unless allowed), the daemon logger's line format
 * (cli/logger.ts), and JSON names beside numbers (cli/output.ts).
 */
import test from "ava";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { FaxError } from "../../../src/core/FaxError.js";
import { didYouMean, editDistance } from "../../../src/core/didYouMean.js";
import { checkConfig, configSearchPath, findConfigFile } from "../../../src/jobs/configFile.js";
import { parseDaemonConfig } from "../../../src/jobs/daemonConfig.js";
import { memoryIO } from "../../../src/cli/io.js";
import { Logger } from "../../../src/cli/logger.js";
import { errorJson, humanStatus, withNames } from "../../../src/cli/output.js";
import { SendProgress } from "../../../src/cli/progress.js";

const configError = (raw: unknown): string => {
	try {
		checkConfig(raw, "/etc/faxline/faxline.json");
	} catch (e) {
		if (e instanceof FaxError && e.code === "CONFIG_INVALID") return e.text;
		throw e;
	}
	throw new Error("accepted");
};

test("didYouMean: close typos match, unrelated words do not", (t) => {
	t.is(editDistance("retires", "retries"), 1, "an adjacent swap costs one");
	t.is(didYouMean("retires", ["retries", "retryDelay"]), "retries");
	t.is(didYouMean("tsidd", ["path", "tsid", "name"]), "tsid");
	t.is(didYouMean("SpoolDir", ["spoolDir", "modems"]), "spoolDir");
	t.is(didYouMean("sned", ["send", "submit", "status"]), "send");
	t.is(didYouMean("colour", ["path", "tsid", "name"]), undefined);
	t.is(didYouMean("x", []), undefined);
});

test("config schema: file, key path, unit and did-you-mean in one line; a good config passes", (t) => {
	t.is(
		configError({ spoolDir: "s", modems: [{ path: "/dev/x", tsidd: "A" }] }),
		"/etc/faxline/faxline.json: modems[0].tsidd: unknown key (did you mean \"tsid\"?); known keys here: path, name, deviceId, tsid, profile, faxClass, mode, rings",
	);
	t.regex(configError({ spoolDir: "s", modems: [], queue: { retryDelay: -1 } }), /queue\.retryDelay: expected minutes, 0\.\.10080, got -1/);
	t.regex(configError({ spoolDir: "s", modems: [], modemReopenMs: "30s" }), /modemReopenMs: expected milliseconds, 0\.\.3600000, got "30s"/);
	t.regex(configError({ spoolDir: "s", modems: [{ path: "/dev/x", tsid: "é".repeat(3) }] }), /modems\[0\]\.tsid: expected at most 20 printable ASCII/);
	t.regex(configError({ spoolDir: "s", modems: [], queue: { discountRateStart: "8pm" } }), /queue\.discountRateStart: .*HH:MM/);
	t.regex(configError({ modems: [] }), /spoolDir: required \(expected a directory path/);
	t.regex(configError({ spoolDir: "s", modems: [], smtp: { port: 25 } }), /smtp\.host: required/);
	t.regex(configError({ spoolDir: "s", modems: [], Queue: {} }), /Queue: unknown key \(did you mean "queue"\?\)/);
	t.regex(configError([1]), /\(top level\)/);
	const c = parseDaemonConfig({ spoolDir: "spool", modems: [{ path: "tty", tsid: "LINE 1" }], queue: { discountRateStart: "21:30", retries: 2 }, $schema: "x" }, "/srv/fax");
	t.is(c.spoolDir, "/srv/fax/spool");
	t.deepEqual(c.modems, [{ path: "/srv/fax/tty", tsid: "LINE 1" }]);
	t.deepEqual(c.queue, { retries: 2, discountRateStart: { hour: 21, minute: 30 } });
});

test("config discovery: --config, FAXLINE_CONFIG, ./faxline.json, XDG/~/.config, /etc in that order", (t) => {
	const dir = mkdtempSync(join(tmpdir(), "faxline-cfgfind-"));
	t.teardown(() => rmSync(dir, { recursive: true, force: true }));
	const cwd = join(dir, "cwd");
	const xdg = join(dir, "xdg");
	const home = join(dir, "home");
	for (const d of [cwd, join(xdg, "faxline"), join(home, ".config", "faxline")]) mkdirSync(d, { recursive: true });
	t.deepEqual(configSearchPath({ HOME: home }, cwd), [join(cwd, "faxline.json"), join(home, ".config", "faxline", "faxline.json"), "/etc/faxline/faxline.json"]);
	t.deepEqual(configSearchPath({ HOME: home, XDG_CONFIG_HOME: xdg, FAXLINE_CONFIG: "env.json" }, cwd), [join(cwd, "env.json"), join(cwd, "faxline.json"), join(xdg, "faxline", "faxline.json"), "/etc/faxline/faxline.json"]);
	writeFileSync(join(home, ".config", "faxline", "faxline.json"), "{}");
	t.is(findConfigFile(undefined, { HOME: home }, cwd), join(home, ".config", "faxline", "faxline.json"));
	writeFileSync(join(cwd, "faxline.json"), "{}");
	t.is(findConfigFile(undefined, { HOME: home }, cwd), join(cwd, "faxline.json"));
	writeFileSync(join(cwd, "env.json"), "{}");
	t.is(findConfigFile(undefined, { HOME: home, FAXLINE_CONFIG: "env.json" }, cwd), join(cwd, "env.json"));
	t.is(findConfigFile(join(cwd, "env.json"), { HOME: home }, cwd), join(cwd, "env.json"));
	const err = t.throws(() => findConfigFile(undefined, { HOME: home, FAXLINE_CONFIG: "gone.json" }, cwd), { instanceOf: FaxError });
	t.regex(err.message, /no such config file: gone\.json \(given by FAXLINE_CONFIG\)/);
	t.throws(() => findConfigFile(join(dir, "nope.json"), {}, cwd), { message: /given by --config/ });
});

/** A fake clock the progress renderer reads. */
function clock(start = 1_000_000): { now: () => number; advance(ms: number): void } {
	let t = start;
	return { now: () => t, advance: (ms) => void (t += ms) };
}

test("progress on a terminal: the line carries the page at the line rate, never ahead of what the modem took; bar, percent, remaining time", (t) => {
	const c = clock();
	const io = { ...memoryIO(), isTTY: true };
	const p = new SendProgress(io, false, c.now);
	t.teardown(() => p.stop());
	p.onEvent({ type: "training", bitRate: 9600, result: "CFR" });
	p.onEvent({ type: "pageStart", page: 1, pages: 2 });
	c.advance(1000); // no report yet: 9600 bit/s for 1 s = 1200 bytes, size unknown
	t.regex(p.describe().text, /^page 1\/2 ~1\.2 KiB sent, 9600 bit\/s, 0:01 elapsed$/);
	p.onEvent({ type: "pageProgress", page: 1, pages: 2, bytesSent: 4096, bytesTotal: 12000, bitRate: 9600 });
	t.regex(io.progressed.at(-1)!, /^\r\x1b\[K\[#{2}-{22}\] page 1\/2 10% 1\.2\/11\.7 KiB, 9600 bit\/s, 0:01 elapsed, ~0:09 left$/);
	c.advance(4000); // 6000 bytes at line rate, but the modem took only 4096 so far
	t.regex(p.describe().text, /34% 4\.0\/11\.7 KiB, 9600 bit\/s, 0:05 elapsed, ~0:07 left$/);
	p.onEvent({ type: "pageProgress", page: 1, pages: 2, bytesSent: 12000, bytesTotal: 12000, bitRate: 9600 });
	t.regex(p.describe().text, /50% 5\.9\/11\.7 KiB/);
	c.advance(60_000); // never past the page size
	t.regex(p.describe().text, /100% 11\.7\/11\.7 KiB, 9600 bit\/s, 1:05 elapsed, ~0:00 left$/);
	p.onEvent({ type: "pageProgress", page: 2, pages: 2, bytesSent: 99, bytesTotal: 99, bitRate: 9600 }); // not this page: ignored
	t.regex(p.describe().text, /100% 11\.7\/11\.7 KiB/);
	p.onEvent({ type: "pageEnd", page: 1, result: "MCF", confirmed: true, bytes: 12000, ms: 10_000 });
	t.is(io.progressed.at(-2), "\r\x1b[K", "the live line is cleared before the page line");
	t.is(io.progressed.at(-1), "page 1/2: confirmed (MCF), 11.7 KiB in 10.0 s");
	t.false(io.progressed.some((s) => s.includes("\x1b[3")), "no colour unless allowed");
	const coloured = { ...memoryIO(), isTTY: true, color: true };
	const q = new SendProgress(coloured, false, c.now);
	q.onEvent({ type: "pageStart", page: 1, pages: 1 });
	c.advance(3333); // 14400 bit/s: 6000 bytes
	q.onEvent({ type: "pageProgress", page: 1, pages: 1, bytesSent: 8000, bytesTotal: 12000, bitRate: 14400 });
	q.stop();
	t.regex(coloured.progressed.join(""), /\x1b\[32m#{12}\x1b\[0m-{12}\] page 1\/1 49%/);
});

test("progress without a terminal: plain lines only, a status line at most every 10 s of a long page", (t) => {
	const c = clock();
	const io = memoryIO();
	const p = new SendProgress(io, false, c.now);
	t.teardown(() => p.stop());
	p.onEvent({ type: "pageStart", page: 1, pages: 1 });
	for (let i = 1; i <= 25; i++) {
		c.advance(1000); // 8000 bit/s on the line: 1000 bytes a second, the modem took 2000 more
		p.onEvent({ type: "pageProgress", page: 1, pages: 1, bytesSent: i * 1000 + 2000, bytesTotal: 40_000, bitRate: 8000 });
	}
	t.deepEqual(
		io.progressed.map((l) => l.replace(/ KiB.*$/, "")),
		["page 1/1: sending", "page 1/1 25% 9.8/39.1", "page 1/1 50% 19.5/39.1"],
	);
	t.false(io.progressed.some((l) => l.includes("\r")));
	const quiet = memoryIO();
	const q = new SendProgress(quiet, true, c.now);
	q.onEvent({ type: "dialing", number: "5551234" });
	t.deepEqual(quiet.progressed, []);
});

test("daemon log lines: ISO time, level, one line; JSON on request; levels below the minimum dropped", (t) => {
	const io = memoryIO();
	const now = () => new Date("2026-12-06T18:00:00.123Z");
	const log = new Logger(io, { now });
	log.debug("hidden");
	log.info("ready: 1 modem(s)");
	log.warn("modem 1 down:\nPORT_NOT_FOUND");
	t.deepEqual(io.stdout, ["2026-12-06T18:00:00.123Z INFO  ready: 1 modem(s)", "2026-12-06T18:00:00.123Z WARN  modem 1 down: PORT_NOT_FOUND"]);
	const j = memoryIO();
	new Logger(j, { json: true, level: "warn", now }).error("receipt failed", { job: "abc" });
	t.deepEqual(JSON.parse(j.stdout[0]!), { time: "2026-12-06T18:00:00.123Z", level: "error", msg: "receipt failed", job: "abc" });
});

test("output: enum names beside numbers, human status names, the error object", (t) => {
	const named = withNames({ status: 0x11, extendedStatusCode: 8, availableOperations: 0x75, priority: 2, scheduleType: 1, receiptType: 1 });
	t.deepEqual(named, {
		status: 0x11,
		statusName: "PENDING|PAUSED",
		extendedStatusCode: 8,
		extendedStatusName: "BUSY",
		availableOperations: 0x75,
		availableOperationsNames: ["VIEW", "RESUME", "DELETE", "RECIPIENT_INFO", "SENDER_INFO"],
		priority: 2,
		priorityName: "HIGH",
		scheduleType: 1,
		scheduleTypeName: "SPECIFIC_TIME",
		receiptType: 1,
		receiptTypeNames: ["MAIL"],
	});
	t.is(humanStatus(0x21), "PENDING, NOLINE");
	t.deepEqual(errorJson(new FaxError("MESSAGE_NOT_FOUND", "job x not found"), 1), {
		error: { code: "MESSAGE_NOT_FOUND", number: 800, message: "job x not found", disposition: "retry", hresult: 0x80041b61, exitCode: 1 },
	});
});
