/**
 * `faxline demo [--out DIR] [--time-scale X] [FILE...]` — the main job with no hardware: starts the
 * built-in Class 1 modem simulator on a pty (hw-mocks, through the real serialport binding), sends the
 * bundled 3-page sample (or FILEs) with `faxline send`, and prints where the far end's received copy and
 * the protocol trace were written. Layer: cli.
 */
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { FaxError } from "../../core/FaxError.js";
import { findCommand } from "../commandTable.js";
import type { CliIO } from "../io.js";
import { packageRoot } from "../packageInfo.js";
import { parseCommand, type Parsed } from "../program.js";
import { checkOutputDir } from "../outputPaths.js";
import { run as send } from "./send.js";
import { describeCall, startSimulator } from "./sim.js";

export async function run(p: Parsed, io: CliIO): Promise<number> {
	const v = p.opts as { out?: string; timeScale?: string; to?: string };
	const positionals = p.args;
	const timeScale = v.timeScale === undefined ? 0.1 : Number(v.timeScale);
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
		const sendArgs = ["--device", link, "--to", v.to ?? "555 0100", "--tsid", "faxline demo", "--trace", trace, ...files];
		const parsed = parseCommand(findCommand("send")!, sendArgs);
		const code = parsed.kind === "run" ? await send(parsed.parsed, io) : 2;
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
