/**
 * TIFF conversion benchmark: a 200-page fine-resolution Class F document (20 realistic ghostscript pages
 * x 10, MH) converted to G3 2-D and to G4 by `faxline convert` (openFaxDocument -> decode -> encode ->
 * streaming ClassFWriter) and by libtiff's `tiffcp` in the same run: wall time, pages/s and peak RSS of
 * each process (GNU time %M), plus a baseline Node+tsx process that converts nothing. Measures only.
 */
import { execFile } from "node:child_process";
import { mkdtempSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";

const exec = promisify(execFile);
const self = fileURLToPath(import.meta.url);
const PAGES = 200;

interface Measure {
	seconds: number;
	maxRssMb: number;
	stdout: string;
}

async function timed(cmd: string, args: string[], env: NodeJS.ProcessEnv = process.env): Promise<Measure> {
	const r = await exec("/usr/bin/time", ["-f", "TIME %e %M", cmd, ...args], { env, maxBuffer: 16 << 20 });
	const m = /TIME ([\d.]+) (\d+)/.exec(r.stderr);
	if (!m) throw new Error(`no timing from ${cmd}: ${r.stderr}`);
	return { seconds: Number(m[1]), maxRssMb: Number(m[2]) / 1024, stdout: r.stdout };
}

/** Child role: convert and print the conversion's own wall time (excluding process start). */
async function child(spec: string): Promise<void> {
	const [input, output, coding] = spec.split("|");
	const { main } = await import("../src/cli/main.js");
	const { memoryIO } = await import("../src/cli/io.js");
	if (!input) return; // baseline: imports only
	const t0 = performance.now();
	const io = memoryIO();
	const code = await main(["convert", input, output, "--compression", coding], io);
	if (code !== 0) throw new Error(io.stderr.join("\n"));
	console.log(`CONVERT_MS ${(performance.now() - t0).toFixed(1)}`);
}

export async function run(): Promise<void> {
	const { fixtureDocument } = await import("../test/helpers/fixtures.js");
	const { ClassFWriter } = await import("../src/tiff/ClassFWriter.js");
	const dir = mkdtempSync(join(tmpdir(), "faxline-tiffbench-"));
	try {
		const pages = await fixtureDocument("fine", 20);
		const input = join(dir, "in.tif");
		const w = await ClassFWriter.create(input, { coding: "mh" });
		for (let i = 0; i < PAGES; i++) await w.addPage({ bitmap: pages[i % pages.length], xRes: 204, yRes: 196 });
		await w.close();
		console.log(`input: ${PAGES} pages, 1728x2286 fine, MH, ${(statSync(input).size / 1e6).toFixed(1)} MB`);
		const node = [process.execPath, "--import=tsx", self];
		const base = await timed(node[0], node.slice(1), { ...process.env, FAXLINE_TIFF_BENCH_CHILD: "|" });
		console.log(`baseline node+tsx process (no conversion): peak RSS ${base.maxRssMb.toFixed(0)} MB`);
		console.log("conversion            | faxline pages/s | tiffcp pages/s | ratio | faxline peak RSS | tiffcp peak RSS | out MB faxline / tiffcp");
		for (const [coding, scheme] of [
			["mr", "g3:2d"],
			["mmr", "g4"],
		] as const) {
			const ours = join(dir, `ours-${coding}.tif`);
			const theirs = join(dir, `theirs-${coding}.tif`);
			const o = await timed(node[0], node.slice(1), { ...process.env, FAXLINE_TIFF_BENCH_CHILD: `${input}|${ours}|${coding}` });
			const ms = Number(/CONVERT_MS ([\d.]+)/.exec(o.stdout)?.[1] ?? NaN);
			const l = await timed("tiffcp", ["-c", scheme, input, theirs]);
			const ourRate = PAGES / (ms / 1000);
			const theirRate = PAGES / Math.max(l.seconds, 0.01);
			console.log(
				`MH -> ${coding.padEnd(3)} (${scheme.padEnd(5)})   | ${ourRate.toFixed(0).padStart(15)} | ${theirRate.toFixed(0).padStart(14)} | ${(ourRate / theirRate).toFixed(2).padStart(5)} |` +
					` ${o.maxRssMb.toFixed(0).padStart(13)} MB | ${l.maxRssMb.toFixed(0).padStart(12)} MB | ${(statSync(ours).size / 1e6).toFixed(1)} / ${(statSync(theirs).size / 1e6).toFixed(1)}`,
			);
		}
		console.log("(faxline time is the conversion inside the process; tiffcp time is its whole process, 10 ms resolution)");
	} finally {
		rmSync(dir, { recursive: true, force: true });
	}
}

if (process.env.FAXLINE_TIFF_BENCH_CHILD !== undefined && process.argv[1] === self) {
	await child(process.env.FAXLINE_TIFF_BENCH_CHILD);
}
