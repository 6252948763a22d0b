/**
 * `faxline sim` as a user runs it: a child process (tsx src/cli/main.ts sim --link PATH ...), a raw
 * scripted client on PATH through the real serialport binding, the call's line on stdout with the TIFF
 * path, and Ctrl-C (SIGINT) removing the link and exiting 130 (SIGTERM 143: issue 13 made interrupted
 * commands exit 128+signal after cleaning up; it was 0). Bad options fail with a usage line.
 */
import test from "ava";
import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { RawAtClient, fromEmitter } from "../../hw-mocks/RawAtClient.js";
import { fixturePage } from "../helpers/fixtures.js";
import { topRows } from "../helpers/libtiff.js";
import { V17_14400, closePort, dialToDis, disconnect, openPort, postPage, sendPage, train } from "./sim-harness.js";

const root = join(import.meta.dirname, "..", "..");

function startSim(args: string[]) {
	const child = spawn(process.execPath, ["--import", "tsx", "src/cli/main.ts", "sim", ...args], { cwd: root, stdio: ["ignore", "pipe", "pipe"] });
	let out = "";
	let err = "";
	const waiters: (() => void)[] = [];
	child.stdout.on("data", (b: Buffer) => {
		out += b.toString();
		waiters.splice(0).forEach((f) => f());
	});
	child.stderr.on("data", (b: Buffer) => (err += b.toString()));
	const exited = new Promise<number | null>((r) => child.on("exit", (code) => r(code)));
	const waitOut = (re: RegExp, ms: number) =>
		new Promise<string>((resolve, reject) => {
			const t = setTimeout(() => reject(new Error(`no ${re} on stdout within ${ms} ms; stdout: ${out} stderr: ${err}`)), ms);
			const check = () => {
				const m = out.match(re);
				if (m) {
					clearTimeout(t);
					resolve(m[0]);
				} else waiters.push(check);
			};
			check();
		});
	return { child, exited, waitOut, stderr: () => err };
}

test.serial("faxline sim: a call through the link is reported with its TIFF; SIGINT removes the link", async (t) => {
	const dir = mkdtempSync(join(tmpdir(), "faxline-simcli-"));
	t.teardown(() => rmSync(dir, { recursive: true, force: true }));
	const link = join(dir, "modem");
	const sim = startSim(["--link", link, "--out", join(dir, "out"), "--time-scale", "0.02", "--csi", "SIM CLI"]);
	t.teardown(() => void sim.child.kill("SIGKILL"));
	await sim.waitOut(/Class 1 modem on .*\n/, 20000);
	t.true(existsSync(link));
	const port = await openPort(link);
	t.teardown(() => closePort(port));
	const c = new RawAtClient(fromEmitter(port));
	const dis = await dialToDis(c, "5550123");
	t.is(dis.code, "CONNECT");
	t.deepEqual((await train(c, V17_14400)).names, ["CFR"]);
	t.deepEqual(await sendPage(c, V17_14400, topRows(await fixturePage("form", "standard"), 200)), ["CONNECT", "OK"]);
	t.deepEqual((await postPage(c, "EOP")).names, ["MCF"]);
	await disconnect(c);
	const line = await sim.waitOut(/call 1: .*\n/, 10000);
	t.regex(line, /ATDT5550123, connected, TSI "faxline test", V\.17 14400 standard, TCF CFR, pages kept 1 of 1 sent \(MCF\), ended: dcn, TIFF .*call1\.tif/);
	await closePort(port);
	sim.child.kill("SIGINT");
	t.is(await sim.exited, 130);
	t.false(existsSync(link), "the link is removed on Ctrl-C");
});

test.serial("faxline sim: a bad --fault is a usage error (exit 2, one line)", async (t) => {
	const sim = startSim(["--link", join(tmpdir(), `faxline-bad-${process.pid}`), "--fault", "explode"]);
	t.is(await sim.exited, 2);
	t.regex(sim.stderr(), /^faxline sim: --fault explode: unknown fault 'explode'/);
});

test.serial("faxline sim --fault busy:call=1: the first call gets BUSY (reported), the second connects", async (t) => {
	const dir = mkdtempSync(join(tmpdir(), "faxline-simcli-"));
	t.teardown(() => rmSync(dir, { recursive: true, force: true }));
	const link = join(dir, "modem");
	const sim = startSim(["--link", link, "--time-scale", "0.02", "--fault", "busy:call=1"]);
	t.teardown(() => void sim.child.kill("SIGKILL"));
	await sim.waitOut(/Class 1 modem on .*faults: busy:call=1\)\n/, 20000);
	const port = await openPort(link);
	t.teardown(() => closePort(port));
	const c = new RawAtClient(fromEmitter(port));
	t.is((await dialToDis(c, "5550001")).code, "BUSY");
	t.regex(await sim.waitOut(/call 1: .*\n/, 10000), /call 1: ATDT5550001, busy, ended: dialFailed/);
	t.is((await dialToDis(c, "5550002")).code, "CONNECT");
	await c.final("ATH0");
	t.regex(await sim.waitOut(/call 2: .*\n/, 10000), /call 2: ATDT5550002, connected, .*ended: hostHangup/);
	await closePort(port);
	sim.child.kill("SIGTERM");
	t.is(await sim.exited, 143);
});
