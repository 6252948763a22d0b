/**
 * Issue 14 "emergency numbers": `faxline send` and `faxline submit` refuse every dialled form of an
 * emergency number (911, 112, 999, 000, 110, 119; with a tone/pulse modifier, an outside-line prefix, a
 * pause, a service code or a terminator) with one line, before anything is dialled or queued: the pty
 * simulator sees no ATD, the queue holds no job. `--allow-number NUMBER` lifts the rule explicitly: send
 * dials it; a submitted job carries the allowance to the daemon, whose call reaches the simulator with
 * exactly that number. The rule itself is core/dialString.ts (branch seams); these tests are about the
 * two commands that take numbers from users.
 */
import test, { type ExecutionContext } from "ava";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { memoryIO } from "../../src/cli/io.js";
import { main } from "../../src/cli/main.js";
import { tiffCodec } from "../../src/jobs/codec.js";
import { FaxJobStatus, FaxServerEventsType } from "../../src/jobs/enums.js";
import { FaxServer } from "../../src/jobs/FaxServer.js";
import { writeClassF } from "../../src/tiff/index.js";
import { openFaxModem } from "../../src/session/openFaxModem.js";
import { ModemSimulator } from "../../hw-mocks/ModemSimulator.js";
import { openPtyPair } from "../../hw-mocks/ptyPair.js";
import { fixturePage } from "../helpers/fixtures.js";
import { topRows } from "../helpers/libtiff.js";

const FORMS = ["911", "112", "999", "000", "110", "119", "911#", "9911", "9T911", "*911", "9,911", "+911"];
const REFUSED = /^faxline (send|submit): Number ".*" dials the emergency number (911|112|999|000|110|119): refused \(allow it explicitly with allowNumbers \/ --allow-number\) \(FAX-401\)$/;

function within<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
	let timer: NodeJS.Timeout | undefined;
	const deadline = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`${what}: not within ${ms} ms`)), ms)));
	return Promise.race([p, deadline]).finally(() => clearTimeout(timer));
}

async function faxline(args: string[]) {
	const io = memoryIO();
	const code = await main(args, io);
	return { code, out: io.stdout, err: io.stderr };
}

async function rig(t: ExecutionContext) {
	const dir = mkdtempSync(join(tmpdir(), "faxline-emergency-"));
	t.teardown(() => rmSync(dir, { recursive: true, force: true }));
	const pair = await openPtyPair({ link: join(dir, "modem") });
	const sim = new ModemSimulator(pair.master, { timeScale: 0.02, farEnd: { outDir: join(dir, "rx") } });
	t.teardown(async () => {
		sim.detach();
		await pair.close();
	});
	const doc = join(dir, "doc.tif");
	writeFileSync(doc, writeClassF([{ bitmap: topRows(await fixturePage("text", "standard"), 80), xRes: 204, yRes: 98 }]));
	return { dir, sim, link: pair.path, doc, spool: join(dir, "spool") };
}

test.serial("send refuses every emergency form with one line and dials nothing", async (t) => {
	const { sim, link, doc } = await rig(t);
	for (const n of FORMS) {
		const r = await faxline(["send", "--device", link, "--to", n, doc]);
		t.is(r.code, 1, n);
		t.deepEqual(r.out, [], n);
		t.is(r.err.length, 1, `${n}: ${r.err.join(" | ")}`);
		t.regex(r.err[0] ?? "", REFUSED, n);
	}
	t.is(sim.calls.length, 0, "no ATD reached the modem");
});

test.serial("send --allow-number 911 dials 911 (and 9T911), explicitly", async (t) => {
	const { sim, link, doc } = await rig(t);
	const r = await within(faxline(["send", "--device", link, "--to", "911", "--allow-number", "911", doc]), 60000, "send 911");
	t.is(r.code, 0, r.err.join("\n"));
	t.is(sim.calls[0]?.dial.digits, "911");
	const r2 = await within(faxline(["send", "--device", link, "--to", "9T911", "--allow-number", "911", doc]), 60000, "send 9T911");
	t.is(r2.code, 0, r2.err.join("\n"));
	t.is(sim.calls[1]?.dial.raw.replace(/^T/, ""), "9T911");
	// allowing one number lifts nothing else
	const r3 = await faxline(["send", "--device", link, "--to", "112", "--allow-number", "911", doc]);
	t.is(r3.code, 1);
	t.regex(r3.err[0] ?? "", REFUSED);
	t.is(sim.calls.length, 2);
});

test.serial("submit refuses every emergency form with one line and queues nothing", async (t) => {
	const { doc, spool } = await rig(t);
	await FaxServer.connect({ spoolDir: spool, codec: tiffCodec, name: "pre" }).disconnect(); // an empty queue
	for (const n of FORMS) {
		const r = await faxline(["submit", "--spool", spool, "--to", n, doc]);
		t.is(r.code, 1, n);
		t.deepEqual(r.out, [], n);
		t.is(r.err.length, 1, `${n}: ${r.err.join(" | ")}`);
		t.regex(r.err[0] ?? "", REFUSED, n);
	}
	// a broadcast with one emergency number among ordinary ones queues nothing either
	const b = await faxline(["submit", "--spool", spool, "--to", "5550100", "--to", "9,911", doc]);
	t.is(b.code, 1);
	t.regex(b.err[0] ?? "", REFUSED);
	const jobs = await faxline(["jobs", "--spool", spool, "--json"]);
	t.is(jobs.code, 0, jobs.err.join("\n"));
	t.deepEqual(JSON.parse(jobs.out.join("\n")), []);
});

test.serial("submit --allow-number 911: the job is queued and the daemon dials 911", async (t) => {
	const { sim, link, doc, spool } = await rig(t);
	const r = await faxline(["submit", "--spool", spool, "--to", "911", "--allow-number", "911", doc]);
	t.is(r.code, 0, r.err.join("\n"));
	const id = r.out[0]!;
	t.regex(id, /^[0-9a-f]{16}$/);
	const server = FaxServer.startDaemon({
		spoolDir: spool,
		codec: tiffCodec,
		modems: [{ path: link, deviceId: 1 }],
		modemFactory: (cfg) => openFaxModem(cfg.path, {}),
		pollMs: 0,
	});
	t.teardown(() => server.disconnect());
	server.listenToServerEvents(FaxServerEventsType.OUT_QUEUE);
	const done = await within(
		new Promise<number>((resolve) => {
			const check = () => {
				const j = server.outgoingQueue.getJob(id);
				if (j.status & (FaxJobStatus.COMPLETED | FaxJobStatus.RETRIES_EXCEEDED | FaxJobStatus.CANCELED)) resolve(j.status);
			};
			server.on("outgoingJobChanged", check);
			check();
		}),
		60000,
		"the job's end",
	);
	t.is(done, FaxJobStatus.COMPLETED);
	t.is(sim.calls[0]?.dial.digits, "911");
});
