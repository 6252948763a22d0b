/**
 * Two processes, as a user runs them: `faxline sim --link PATH` (the project's simulator behind a pty)
 * in a child process, `faxline probe --device PATH --json` against it through the real serialport binding.
 */
import test from "ava";
import { spawn } from "node:child_process";
import { main } from "../../src/cli/main.js";
import { memoryIO } from "../../src/cli/io.js";

test.serial("faxline probe identifies the simulator started by faxline sim in another process", async (t) => {
	t.timeout(60_000);
	const link = `/tmp/faxline-probe-sim-${process.pid}`;
	const child = spawn(process.execPath, ["--import=tsx", "src/cli/main.ts", "sim", "--link", link, "--time-scale", "0.05"], { stdio: ["ignore", "pipe", "pipe"] });
	t.teardown(() => {
		if (child.exitCode === null) child.kill("SIGTERM");
	});
	let out = "";
	let err = "";
	child.stderr.on("data", (b: Buffer) => (err += b.toString()));
	await new Promise<void>((resolve, reject) => {
		const timer = setTimeout(() => reject(new Error(`sim not ready in 30 s: ${out} ${err}`)), 30_000);
		child.stdout.on("data", (b: Buffer) => {
			out += b.toString();
			if (out.includes(`Class 1 modem on ${link}`)) {
				clearTimeout(timer);
				resolve();
			}
		});
		child.once("exit", (code) => reject(new Error(`sim exited ${code}: ${err}`)));
	});
	const io = memoryIO();
	const code = await main(["probe", "--device", link, "--json"], io);
	t.is(code, 0, io.stderr.join("\n"));
	const r = JSON.parse(io.stdout.join("\n")) as { classes: string[]; transmitRates: number[]; serviceClass: string; profile: string };
	t.true(r.classes.includes("1"));
	t.is(r.serviceClass, "1");
	t.deepEqual(r.transmitRates, [24, 48, 72, 73, 74, 96, 97, 98, 121, 122, 145, 146]);
	t.log(`simulator identified as profile ${r.profile}`);
	const exited = new Promise<number | null>((res) => child.once("exit", (c) => res(c)));
	child.kill("SIGTERM");
	t.is(await exited, 143); // issue 13: 128 + SIGTERM after cleaning up (was 0)
});
