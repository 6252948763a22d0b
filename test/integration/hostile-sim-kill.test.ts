/**
 * Issue 14 "the simulator stops answering": a `faxline send` child process is killed with SIGKILL (no
 * DCN, no ATH: the kernel closes its port, which the pty master sees as DTR dropping) while the modem
 * simulator is in the middle of high-speed data — the TCF (training) or page 1. A real modem on AT&D2 hangs
 * up and returns to command mode (V.250 §6.2.9); so must the simulator: the killed call ends with a record,
 * and a new `faxline send` through the same simulator, started at once, completes and the far end keeps
 * exactly its pages (pixels compared).
 */
import test, { type ExecutionContext } from "ava";
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Bitmap } from "../../src/core/bitmap.js";
import { memoryIO } from "../../src/cli/io.js";
import { main } from "../../src/cli/main.js";
import { writeClassF } from "../../src/tiff/index.js";
import { ModemSimulator } from "../../hw-mocks/ModemSimulator.js";
import { openPtyPair } from "../../hw-mocks/ptyPair.js";
import { formatTranscript } from "../../hw-mocks/transcript.js";
import { fixturePage } from "../helpers/fixtures.js";
import { firstRowDiff, topRows } from "../helpers/libtiff.js";

const root = join(import.meta.dirname, "..", "..");

function within<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
	let timer: NodeJS.Timeout | undefined;
	const deadline = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`${what}: not within ${ms} ms`)), ms)));
	return Promise.race([p, deadline]).finally(() => clearTimeout(timer));
}

async function rig(t: ExecutionContext, timeScale: number) {
	const dir = mkdtempSync(join(tmpdir(), "faxline-hostkill-"));
	t.teardown(() => rmSync(dir, { recursive: true, force: true }));
	const pair = await openPtyPair({ link: join(dir, "modem") });
	const sim = new ModemSimulator(pair.master, { timeScale, farEnd: { outDir: join(dir, "rx") } });
	t.teardown(async () => {
		sim.detach();
		await pair.close();
	});
	return { dir, pair, sim };
}

function doc(dir: string, name: string, pages: Bitmap[], yRes: 98 | 196): string {
	const path = join(dir, name);
	writeFileSync(path, writeClassF(pages.map((bitmap) => ({ bitmap, xRes: 204, yRes }))));
	return path;
}

/**
 * Resolves once the n-th +FTM of the call (1 = the TCF, 2 = page 1) got CONNECT and its first data bytes
 * reached the modem ("writing": the host is writing high-speed data), or once its closing DLE ETX did
 * ("draining": the host wrote it all, the modem is still sending it on the line).
 */
function highSpeedData(sim: ModemSimulator, master: { on(e: "data", fn: (b: Buffer) => void): unknown }, nth: number, when: "writing" | "draining"): Promise<void> {
	let ftm = 0;
	let phase: "before" | "ftm" | "data" = "before";
	let dle = false;
	return new Promise<void>((resolve) => {
		sim.on("command", (text: string) => {
			if (/^\+FTM=\d/.test(text) && ++ftm === nth) phase = "ftm";
		});
		sim.on("result", (code: string) => {
			if (phase === "ftm" && code === "CONNECT") phase = "data";
		});
		master.on("data", (b: Buffer) => {
			if (phase !== "data") return;
			if (when === "writing") resolve();
			for (const x of b) {
				if (dle && x === 0x03) resolve(); // DLE ETX (a doubled DLE is data)
				dle = x === 0x10 && !dle;
			}
		});
	});
}

/** Kill `faxline send` at the moment, then a new call through the same simulator; returns what to assert. */
async function killThenCall(t: ExecutionContext, nth: 1 | 2, when: "writing" | "draining", scale: number): Promise<void> {
	const label = `${nth === 1 ? "TCF" : "page 1"}, ${when}`;
	const { dir, pair, sim } = await rig(t, scale);
	const big = await Promise.all((["halftone", "text"] as const).map((n) => fixturePage(n, "fine")));
	const first = doc(dir, "big.tif", big, 196);
	const moment = highSpeedData(sim, pair.master, nth, when);
	const child = spawn(process.execPath, ["--import", "tsx", "src/cli/main.ts", "send", "--device", pair.path, "--to", "5550100", first], { cwd: root, stdio: ["ignore", "pipe", "pipe"] });
	let err = "";
	child.stderr.on("data", (b: Buffer) => (err += b.toString()));
	const exited = new Promise<NodeJS.Signals | null>((r) => child.on("exit", (_c, s) => r(s)));
	t.teardown(() => void (child.exitCode === null && child.signalCode === null && child.kill("SIGKILL")));
	await within(moment, 60000, `${label}: data at the modem (stderr: ${err})`);
	t.is(sim.currentCall?.index, 1, `${label}: call 1 is up`);
	child.kill("SIGKILL");
	t.is(await within(exited, 10000, "the child's death"), "SIGKILL");
	const rec1 = await within(sim.waitForCallEnd(1, 10000), 11000, `${label}: call 1 ends`);
	t.is(rec1.end, "hostHangup", `${label}: call 1 ended by the host's port close (notes: ${rec1.notes.join("; ")})`);
	t.false(rec1.pages.some((p) => p.accepted), `${label}: nothing of the killed call was kept`);

	// at once: a second send through the same simulator
	const sent = await Promise.all((["form", "text"] as const).map(async (n) => topRows(await fixturePage(n, "standard"), 120)));
	const second = doc(dir, "small.tif", sent, 98);
	const io = memoryIO();
	const code = await within(main(["send", "--device", pair.path, "--to", "5550101", second], io), 60000, `${label}: second send`);
	if (code !== 0) t.log(formatTranscript(sim.transcript.slice(-40)));
	t.is(code, 0, `${label}: ${io.stderr.join("\n")}`);
	if (code !== 0) return;
	const rec2 = await within(sim.waitForCallEnd(2, 10000), 11000, `${label}: call 2 ends`);
	t.is(rec2.dial.digits, "5550101");
	const kept = rec2.pages.filter((p) => p.accepted);
	t.is(kept.length, 2, label);
	kept.forEach((p, i) => t.is(firstRowDiff(p.bitmap!, sent[i]!), -1, `${label}: page ${i + 1} pixels`));
}

// "draining" runs at x0.25 so the modem's line time after DLE ETX (a page: seconds) is long in real time
test.serial("kill -9 of `faxline send` during training (TCF), while the host writes it and while the modem sends it on the line: the simulator hangs up, the next call through it succeeds", async (t) => {
	await killThenCall(t, 1, "writing", 0.05);
	await killThenCall(t, 1, "draining", 0.25);
});

test.serial("kill -9 of `faxline send` during page 1, while the host writes it and while the modem sends it on the line: the simulator hangs up, the next call through it succeeds", async (t) => {
	await killThenCall(t, 2, "writing", 0.05);
	await killThenCall(t, 2, "draining", 0.25);
});
