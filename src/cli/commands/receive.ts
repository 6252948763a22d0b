/**
 * `faxline receive --device PATH [--out DIR] [--once] [--json] [--rings N] [--auto-answer] [--csid ID] [--trace FILE]`
 * Waits for calls on a Class 1 modem, answers after N rings, receives each fax into a TIFF Class F file
 * in DIR (crash-safe, page by page: src/receive/TiffReceiveSink.ts), prints per-page progress and the
 * result. `--once` ends after one call (exit 0 when the document arrived complete, 1 otherwise); without
 * it the command answers call after call until SIGINT/SIGTERM. `--auto-answer` lets the modem answer by
 * itself (ATS0=N) instead of our ATA after N rings; `--ecm` offers ECM with T.6 (MMR). Layer: cli.
 */
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { SystemClock } from "../../core/Clock.js";
import { FaxError } from "../../core/FaxError.js";
import type { ReceiveEvent, ReceiveResult } from "../../modem/FaxModem.js";
import { TiffReceiveSink } from "../../receive/TiffReceiveSink.js";
import { openFaxModem } from "../../session/openFaxModem.js";
import type { CliIO } from "../io.js";
import { openTrace, portSettings } from "../portOptions.js";
import type { Parsed } from "../program.js";
import { ReceiveProgress } from "../receiveProgress.js";
import { receiveReport } from "../receiveReport.js";

interface ReceiveOpts {
	device?: string;
	profile?: string;
	baud?: string;
	flow?: string;
	class?: string;
	trace?: string;
	out?: string;
	once?: boolean;
	json?: boolean;
	quiet?: boolean;
	rings?: string;
	csid?: string;
	autoAnswer?: boolean;
	ecm?: boolean;
}

export async function run(p: Parsed, io: CliIO): Promise<number> {
	const v = p.opts as ReceiveOpts;
	if (!v.device) throw new FaxError("USAGE", "--device is required");
	const rings = v.rings === undefined ? 1 : Number(v.rings);
	if (!(Number.isInteger(rings) && rings >= 0 && rings <= 20)) throw new FaxError("USAGE", "--rings must be a whole number of rings from 0 to 20");
	if (v.csid !== undefined && !/^[\x20-\x7e]{0,20}$/.test(v.csid)) throw new FaxError("USAGE", "--csid must be at most 20 printable ASCII characters");
	const port = portSettings(v);
	const outDir = v.out ?? ".";
	mkdirSync(outDir, { recursive: true });
	const clock = new SystemClock();
	const tracer = openTrace(v.trace, clock);
	const quiet = v.json === true || v.quiet === true;
	const progress = new ReceiveProgress(io, quiet);
	// Ctrl-C or SIGTERM (io.signal, main.ts) ends a call properly, then main exits 130/143
	const signal = io.signal ?? new AbortController().signal;
	let exit = 0;
	try {
		const modem = await openFaxModem(v.device, { clock, ...(tracer ? { tracer } : {}), ...port, ...(v.ecm ? { receiveEcm: true } : {}) });
		try {
			if (!quiet) io.out(`waiting for a call on ${v.device} (answer after ${rings} ring${rings === 1 ? "" : "s"}), faxes to ${outDir}`);
			for (let n = 1; !signal.aborted; n++) {
				const stamp = new Date().toISOString().replace(/[-:]/g, "").replace(/\..*/, "");
				const path = join(outDir, `fax-${stamp}-${process.pid}-${n}.tif`);
				let tsid = "";
				const sink = new TiffReceiveSink(path, { tsid: () => tsid });
				const start = new Date();
				const onEvent = (e: ReceiveEvent) => {
					if (e.type === "remoteTsi") tsid = e.tsid;
					progress.onEvent(e);
				};
				let r: ReceiveResult;
				try {
					r = await modem.receive({ sink, rings, signal: signal, onEvent, ...(v.autoAnswer ? { autoAnswer: true } : {}), ...(v.csid !== undefined ? { csid: v.csid } : {}) });
				} catch (e) {
					if (signal.aborted && !sink.pagesStored) break; // Ctrl-C while waiting for a call
					throw e;
				} finally {
					await sink.finish();
				}
				const report = receiveReport(r, sink, { path, device: v.device, start, end: new Date() });
				if (v.json) io.out(JSON.stringify(report, null, 2));
				else if (report.complete) io.out(`received: ${sink.pagesStored} page(s) from ${tsid ? `"${tsid}"` : "the caller"} -> ${path}`);
				else io.err(`incomplete: ${r.error ? `${r.error.message}; ` : ""}${sink.pagesStored} page(s) kept${sink.pagesStored ? ` in ${path}` : ""}`);
				exit = report.complete ? 0 : 1;
				if (v.once) break;
			}
			return exit;
		} finally {
			await modem.close();
		}
	} finally {
		await tracer?.close();
	}
}
