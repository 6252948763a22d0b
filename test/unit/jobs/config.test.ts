/**
 * Daemon config validation (src/jobs/daemonConfig.ts), the `fake:` line syntax, and `faxline submit
 * --at` parsing: bad input -> FaxError with a code, never a crash.
 */
import test from "ava";
import { FaxError } from "../../../src/core/FaxError.js";
import { parseDaemonConfig } from "../../../src/jobs/daemonConfig.js";
import { FaxScheduleType } from "../../../src/jobs/enums.js";
import { parseLinePath } from "../../../src/jobs/lineModem.js";
import { parseAt } from "../../../src/cli/commands/submit.js";

const codeOf = (f: () => unknown) => {
	try {
		f();
		return "ok";
	} catch (e) {
		return e instanceof FaxError ? e.code : String(e);
	}
};

test("config: required fields, relative paths, fake: modems only when enabled", (t) => {
	const prev = process.env.FAXLINE_TEST_MODEMS;
	delete process.env.FAXLINE_TEST_MODEMS;
	t.teardown(() => {
		if (prev !== undefined) process.env.FAXLINE_TEST_MODEMS = prev;
	});
	const c = parseDaemonConfig({ spoolDir: "spool", modems: [{ path: "dev/ttyACM0", deviceId: 3, tsid: "LINE 1" }], queue: { retries: 5 } }, "/etc/faxline");
	t.is(c.spoolDir, "/etc/faxline/spool");
	t.deepEqual(c.modems, [{ path: "/etc/faxline/dev/ttyACM0", deviceId: 3, tsid: "LINE 1" }]);
	t.is(c.queue?.retries, 5);
	t.is(codeOf(() => parseDaemonConfig({ spoolDir: "s", modems: [{ path: "fake:a" }] }, "/")), "CONFIG_INVALID");
	t.is(codeOf(() => parseDaemonConfig({ spoolDir: "s", testModems: true, modems: [{ path: "fake:a" }] }, "/")), "ok");
	t.is(codeOf(() => parseDaemonConfig({ modems: [] }, "/")), "CONFIG_INVALID");
	t.is(codeOf(() => parseDaemonConfig({ spoolDir: "s", modems: [{ path: "/dev/x", deviceId: 0 }] }, "/")), "CONFIG_INVALID");
	t.is(codeOf(() => parseDaemonConfig({ spoolDir: "s", modems: [{ path: "/dev/x", tsid: "x".repeat(21) }] }, "/")), "CONFIG_INVALID");
	t.is(codeOf(() => parseDaemonConfig({ spoolDir: "s", modems: [], smtp: { port: 25 } }, "/")), "CONFIG_INVALID");
	t.is(codeOf(() => parseDaemonConfig([1, 2], "/")), "CONFIG_INVALID");
});

test("fake: line paths", (t) => {
	const o = parseLinePath("fake:x?dialMs=5&pageMs=7&fail=DIAL_BUSY&failFirst=2&at=page&failPage=3");
	t.like(o, { dialMs: 5, pageMs: 7, fail: "DIAL_BUSY", failFirst: 2, at: "page", failPage: 3 });
	t.is(codeOf(() => parseLinePath("fake:x?fail=NOPE")), "CONFIG_INVALID");
	t.is(codeOf(() => parseLinePath("fake:x?pageMs=-1")), "CONFIG_INVALID");
	t.is(codeOf(() => parseLinePath("fake:x?at=later")), "CONFIG_INVALID");
});

test("submit --at: now, discount, HH:MM (next occurrence), ISO; junk is a usage error", (t) => {
	const now = new Date(2026, 0, 5, 9, 30);
	t.deepEqual(parseAt("now", now), { type: FaxScheduleType.NOW, time: null });
	t.deepEqual(parseAt("discount", now), { type: FaxScheduleType.DISCOUNT_PERIOD, time: null });
	t.is(parseAt("10:15", now).time!.getTime(), new Date(2026, 0, 5, 10, 15).getTime());
	t.is(parseAt("08:00", now).time!.getTime(), new Date(2026, 0, 6, 8, 0).getTime());
	t.is(parseAt("2026-02-01T12:00:00Z", now).time!.toISOString(), "2026-02-01T12:00:00.000Z");
	t.is(codeOf(() => parseAt("tomorrow", now)), "USAGE");
	t.is(codeOf(() => parseAt("25:00", now)), "USAGE");
});

test("config: modems[].faxClass is 1, 1.0, 2 or 2.0 (issue 11); anything else is CONFIG_INVALID", (t) => {
	const cfg = parseDaemonConfig({ spoolDir: "s", modems: [{ path: "/dev/ttyS0", faxClass: "2.0" }, { path: "/dev/ttyS1" }] }, "/base");
	t.is(cfg.modems[0]!.faxClass, "2.0");
	t.is(cfg.modems[1]!.faxClass, undefined);
	const e = t.throws(() => parseDaemonConfig({ spoolDir: "s", modems: [{ path: "/dev/ttyS0", faxClass: "3" }] }, "/base"));
	t.true(e instanceof FaxError && e.code === "CONFIG_INVALID");
	t.regex(e!.message, /modems\[0\]\.faxClass: expected one of 1, 1\.0, 2, 2\.0/);
});

test("config: an email route's format and queue.receiptAttachment are pdf or tiff (issue 12); anything else is CONFIG_INVALID", (t) => {
	const cfg = parseDaemonConfig({ spoolDir: "s", modems: [], queue: { receiptAttachment: "tiff" }, routing: [{ actions: [{ type: "email", to: "a@b.c", format: "tiff" }, { type: "email", to: "d@e.f" }] }] }, "/base");
	t.deepEqual(cfg.routing?.[0]?.actions, [{ type: "email", to: "a@b.c", format: "tiff" }, { type: "email", to: "d@e.f" }]);
	t.is(cfg.queue?.receiptAttachment, "tiff");
	const e = t.throws(() => parseDaemonConfig({ spoolDir: "s", modems: [], routing: [{ actions: [{ type: "email", to: "a@b.c", format: "png" }] }] }, "/base"));
	t.true(e instanceof FaxError && e.code === "CONFIG_INVALID");
	t.regex(e!.message, /format/);
	t.is(codeOf(() => parseDaemonConfig({ spoolDir: "s", modems: [], queue: { receiptAttachment: "jpeg" } }, "/")), "CONFIG_INVALID");
});
