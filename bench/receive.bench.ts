/**
 * Receiving benchmark (issue 10): one real-time (speed 1) call from the calling SpanDSP terminal, a
 * 3-page A4 standard document at V.17 14400, received by faxline into the incoming model
 * (IncomingInbox: TIFF committed page by page, SQLite record, routing to a folder). Prints
 *  - CPU per receiving line: this process's user+system CPU for the call, beside the SpanDSP peer's
 *    own CPU for the same call (its T.31 modem DSP + T.30 terminal: the reference measured in the run);
 *  - time from the caller's DCN to the fax being in the inbox and routed, beside the reference of an
 *    fsync'd copy of the same TIFF file (the I/O floor of "routed to a folder").
 * Measures and prints; asserts nothing. Takes about a minute.
 */
import { execFile } from "node:child_process";
import { closeSync, copyFileSync, fsyncSync, mkdirSync, mkdtempSync, openSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { SpanDspPeer, buildPeer } from "../hw-mocks/spandsp/SpanDspPeer.js";
import { writeG3Pages } from "../hw-mocks/spandsp/pages.js";
import { SystemClock } from "../src/core/Clock.js";
import { MemoryTracer } from "../src/core/trace.js";
import { IncomingInbox } from "../src/jobs/IncomingInbox.js";
import { JobStore } from "../src/jobs/JobStore.js";
import type { ReceiveResult } from "../src/modem/FaxModem.js";
import { openFaxModem } from "../src/session/openFaxModem.js";
import { fixturePage } from "../test/helpers/fixtures.js";

const exec = promisify(execFile);

/** utime + stime of a process in ms (Linux /proc). */
function procCpuMs(pid: number): number {
	const f = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]!.split(" ");
	return ((Number(f[11]) + Number(f[12])) * 1000) / 100; // fields 14/15, clock ticks of 10 ms
}

export async function run(): Promise<void> {
	await buildPeer();
	const pages = [await fixturePage("form", "standard"), await fixturePage("text", "standard"), await fixturePage("halftone", "standard")];
	const dir = mkdtempSync(join(tmpdir(), "faxline-rx-bench-"));
	const files = await writeG3Pages(pages, 98, { dir });
	const doc = join(dir, "document.tif");
	await exec("tiffcp", [...files, doc]);

	const spool = join(dir, "spool");
	mkdirSync(spool, { recursive: true });
	const store = new JobStore(spool);
	const routed = join(dir, "routed");
	const inbox = new IncomingInbox(store, spool, { rules: [{ actions: [{ type: "folder", dir: routed }] }] });
	const peer = await SpanDspPeer.start({ speed: 1, call: doc, callerId: "5551234", ident: "SPANDSP CALLER", ringStartMs: 1500, timeoutS: 600 });
	const clock = new SystemClock();
	const tracer = new MemoryTracer(clock);
	const modem = await openFaxModem(peer.path, { clock, tracer });
	const cpu0 = process.cpuUsage();
	const t0 = performance.now();
	let call: ReturnType<IncomingInbox["beginCall"]> | undefined;
	let r: ReceiveResult | undefined;
	try {
		r = await modem.receive({
			sink: { beginPage: (info) => call!.sink.beginPage(info) },
			rings: 1,
			onEvent: (e) => {
				if (e.type === "answering") call = inbox.beginCall({ deviceId: 1, name: peer.path, csid: "+1 555 0100" });
				call?.onEvent(e);
			},
		});
	} finally {
		await modem.close();
	}
	const dcnAt = [...tracer.records].reverse().find((x) => x.ch === "hdlc" && x.dir === "rx" && /DCN/.test(x.msg))?.t;
	const rec = await inbox.endCall(call!, r);
	const doneAt = clock.now();
	const cpu = process.cpuUsage(cpu0);
	const wall = performance.now() - t0;
	const peerPid = peer.pid!;
	const peerResult = await peer.result(30_000);
	let peerCpu = NaN;
	try {
		peerCpu = procCpuMs(peerPid);
	} catch {
		/* the peer already exited */
	}
	await peer.stop();
	store.close();

	// reference: an fsync'd copy of the same TIFF (the I/O floor of "stored and routed to a folder")
	const tiff = inbox.tiffPath(rec);
	const c0 = performance.now();
	const copy = join(dir, "copy.tif");
	copyFileSync(tiff, copy);
	const fd = openSync(copy, "r");
	fsyncSync(fd);
	closeSync(fd);
	const copyMs = performance.now() - c0;

	const ms = (x: number) => `${x.toFixed(1)} ms`;
	console.log(`call: SpanDSP 0.0.6 caller -> SpanDSP T.31 modem (real time, speed 1) -> faxline; 3 pages A4 standard; ${peerResult.t30_text}; ${rec.pages} pages, ${peerResult.bit_rate} bit/s; ${r?.ok ? "complete" : `failed ${r?.error?.code}`}`);
	console.log(`call wall time, receive() (waiting for the first RING included) to hang-up: ${(wall / 1000).toFixed(1)} s`);
	console.log("");
	console.log("measure                                   | faxline                  | reference (same run)");
	console.log(`CPU per receiving line, whole call         | ${ms((cpu.user + cpu.system) / 1000).padEnd(24)} | SpanDSP peer process (modem DSP + T.30): ${Number.isNaN(peerCpu) ? "n/a" : ms(peerCpu)}`);
	console.log(`CPU share of one core over the call        | ${(((cpu.user + cpu.system) / 1000 / wall) * 100).toFixed(2).padEnd(22)} % | SpanDSP peer: ${Number.isNaN(peerCpu) ? "n/a" : `${((peerCpu / wall) * 100).toFixed(2)} %`}`);
	console.log(`DCN -> in the inbox and routed (folder)    | ${dcnAt === undefined ? "n/a (no DCN heard)".padEnd(24) : ms(doneAt - dcnAt).padEnd(24)} | fsync'd copy of the same ${readFileSync(tiff).length} B TIFF: ${ms(copyMs)}`);
	console.log(`routing: ${rec.routingInformation}`);
}
