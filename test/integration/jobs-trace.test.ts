/**
 * The daemon's modem factory (src/jobs/daemonConfig.ts) leaves one JSONL protocol trace per call on a real
 * (here: pty-simulated) modem, named after the job and attempt, and its modems share one per-destination
 * memory. Driven through the real serialport binding against the pty simulator.
 */
import test from "ava";
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startSimulator } from "../../src/cli/commands/sim.js";
import type { FaxPageSource } from "../../src/core/bitmap.js";
import { daemonModemFactory } from "../../src/jobs/daemonConfig.js";
import { fixturePage } from "../helpers/fixtures.js";

test("every call on a daemon modem writes its own JSONL trace: AT lines, decoded frames both ways, states", async (t) => {
	const dir = mkdtempSync(join(tmpdir(), "faxline-trace-"));
	t.teardown(() => rmSync(dir, { recursive: true, force: true }));
	const sim = await startSimulator({ link: join(dir, "modem"), timeScale: 0.02 });
	t.teardown(() => sim.close());
	const modem = await daemonModemFactory({ spoolDir: join(dir, "spool"), modems: [] })({ path: sim.link });
	t.teardown(() => modem.close());
	const bitmap = await fixturePage("form", "standard");
	const doc: FaxPageSource = { pageCount: 1, page: async () => ({ bitmap, xRes: 204, yRes: 98 }) };

	for (const callId of ["0123456789abcdef-try0", "0123456789abcdef-try1"]) {
		const r = await modem.send({ document: doc, number: "555 0100", callId });
		t.true(r.ok, r.error?.message);
	}
	const files = readdirSync(join(dir, "spool", "traces")).sort();
	t.is(files.length, 2);
	t.regex(files[0]!, /^\d{8}T\d{6}Z-0123456789abcdef-try0\.jsonl$/);
	t.regex(files[1]!, /-try1\.jsonl$/);
	for (const f of files) {
		const recs = readFileSync(join(dir, "spool", "traces", f), "utf8").trim().split("\n").map((l) => JSON.parse(l) as { t: number; ch: string; dir: string; msg: string });
		t.true(recs.some((r) => r.ch === "at" && r.dir === "tx" && /^ATD/.test(r.msg)), "the dial command");
		t.true(recs.some((r) => r.ch === "hdlc" && r.dir === "rx" && /DIS/.test(r.msg)), "the far end's DIS, decoded");
		t.true(recs.some((r) => r.ch === "hdlc" && r.dir === "tx" && /DCS/.test(r.msg)), "our DCS, decoded");
		t.true(recs.some((r) => r.ch === "hdlc" && /MCF/.test(r.msg)), "the page confirmation");
		t.true(recs.some((r) => r.ch === "state"), "T.30 states");
		// one call per file: exactly one dial
		t.is(recs.filter((r) => r.ch === "at" && r.dir === "tx" && /^ATD/.test(r.msg)).length, 1);
	}
});
