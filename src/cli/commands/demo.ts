/**
 * `faxline demo [--out DIR] [--time-scale X] [FILE...]` — the main job with no hardware: starts the
 * built-in Class 1 modem simulator on a pty (hw-mocks, through the real serialport binding), sends the
 * bundled 3-page sample (or FILEs) with `faxline send`, and prints where the far end's received copy and
 * the protocol trace were written. Layer: cli.
 */
import { existsSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { FaxError } from "../../core/FaxError.js";
import type { CliIO } from "../io.js";
import { checkOutputDir } from "../outputPaths.js";
import { run as send } from "./send.js";
import { describeCall, startSimulator } from "./sim.js";

/** The package root (holds package.json and samples/), found from this file whether run from src or dist. */
function packageRoot(): string {
	let dir = dirname(fileURLToPath(import.meta.url));
	while (!existsSync(join(dir, "package.json"))) {
		const up = dirname(dir);
		if (up === dir) throw new FaxError("FILE_NOT_FOUND", "cannot find the faxline package root (samples/)");
		dir = up;
	}
	return dir;
}

export async function run(argv: string[], io: CliIO): Promise<number> {
	const { values: v, positionals } = parseArgs({
		args: argv,
		allowPositionals: true,
		options: { out: { type: "string" }, "time-scale": { type: "string" }, to: { type: "string" } },
	});
	const timeScale = v["time-scale"] === undefined ? 0.1 : Number(v["time-scale"]);
	if (!(timeScale > 0 && timeScale <= 10)) throw new FaxError("USAGE", "--time-scale must be a number in (0, 10]");
	const out = resolve(v.out ?? "faxline-demo");
	checkOutputDir(out, "--out");
	const files = positionals.length ? positionals : [join(packageRoot(), "samples", "sample.tif")];
	const link = join(tmpdir(), `faxline-demo-modem-${process.pid}`);
	const trace = join(out, "trace.jsonl");

	io.out(`faxline demo: starting the Class 1 modem simulator (line time x${timeScale}) on ${link}`);
	const sim = await startSimulator({ link, outDir: out, timeScale, csi: "+1 555 0100 DEMO" });
	try {
		const call = sim.nextCall();
		io.out(`faxline demo: sending ${files.join(", ")}`);
		const code = await send(["--device", link, "--to", v.to ?? "555 0100", "--tsid", "faxline demo", "--trace", trace, ...files], io);
		// the far end writes its TIFF once the call is over; wait for that at most 5 s (and never longer:
		// a pending timer would keep the process alive after the demo is done)
		let timer: NodeJS.Timeout | undefined;
		const record = await Promise.race([call, new Promise<undefined>((r) => (timer = setTimeout(r, 5000, undefined)))]).finally(() => clearTimeout(timer));
		if (record) io.out(`far end: ${describeCall(record)}`);
		if (record?.tiffPath) io.out(`received copy: ${record.tiffPath}`);
		io.out(`protocol trace (JSONL): ${trace}`);
		return code;
	} finally {
		await sim.close();
	}
}
