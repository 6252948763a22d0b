/**
 * TIFF conversion benchmark: a 200-page fine-resolution Class F document (20 realistic ghostscript pages
 * x 10, MH) converted to G3 2-D and to G4 by `faxline convert` (openFaxDocument -> decode -> encode ->
 * streaming ClassFWriter, compiled to plain JS as in production) and by libtiff's `tiffcp` in the same
 * run: pages/s and peak RSS of each process (ours from its own getrusage, tiffcp's from GNU time %M),
 * plus a baseline Node process that loads the same code and converts nothing. Measures only.
 */
import { execFile } from "node:child_process";
import { existsSync, mkdtempSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { promisify } from "node:util";

const exec = promisify(execFile);
const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const PAGES = 200;

interface Measure {
	seconds: number;
	maxRssMb: number;
	stdout: string;
}

const haveGnuTime = existsSync("/usr/bin/time");

/** Runs a process; wall time and peak RSS from GNU time when installed (Debian package `time`). */
async function timed(cmd: string, args: string[]): Promise<Measure> {
	if (!haveGnuTime) {
		const t0 = performance.now();
		const r = await exec(cmd, args, { maxBuffer: 16 << 20 });
		return { seconds: (performance.now() - t0) / 1000, maxRssMb: NaN, stdout: r.stdout };
	}
	const r = await exec("/usr/bin/time", ["-f", "TIME %e %M", cmd, ...args], { maxBuffer: 16 << 20 });
	const m = /TIME ([\d.]+) (\d+)/.exec(r.stderr);
	if (!m) throw new Error(`no timing from ${cmd}: ${r.stderr}`);
	return { seconds: Number(m[1]), maxRssMb: Number(m[2]) / 1024, stdout: r.stdout };
}

/** Compiles the CLI's convert path to plain JS (production-like process, no tsx) under node_modules/.cache. */
async function buildConvert(): Promise<string> {
	const out = join(root, "node_modules", ".cache", "faxline-tiff-bench");
	await exec(process.execPath, [join(root, "node_modules", "typescript", "bin", "tsc"), "--target", "ES2022", "--module", "NodeNext", "--moduleResolution", "NodeNext", "--skipLibCheck", "--types", "node", "--outDir", out, "--rootDir", root, join(root, "src/cli/main.ts"), join(root, "src/cli/commands/convert.ts")]);
	return out;
}

/** A node -e script that converts (or, with no input, only loads the code) and prints its own conversion time. */
const childScript = (build: string, input?: string, output?: string, coding?: string): string => `
const { main } = await import(${JSON.stringify(pathToFileURL(join(build, "src/cli/main.js")).href)});
const { memoryIO } = await import(${JSON.stringify(pathToFileURL(join(build, "src/cli/io.js")).href)});
${input ? `const io = memoryIO(); const t0 = performance.now();
const code = await main(["convert", ${JSON.stringify(input)}, ${JSON.stringify(output)}, "--compression", ${JSON.stringify(coding)}], io);
if (code !== 0) { console.error(io.stderr.join("\\n")); process.exit(1); }
console.log("CONVERT_MS " + (performance.now() - t0).toFixed(1));` : ""}
console.log("MAXRSS_KB " + process.resourceUsage().maxRSS);
`;

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
		const build = await buildConvert();
		const node = (script: string): Promise<Measure> => timed(process.execPath, ["--input-type=module", "-e", script]);
		const rss = (m: Measure): number => Number(/MAXRSS_KB (\d+)/.exec(m.stdout)?.[1] ?? NaN) / 1024;
		const base = await node(childScript(build));
		console.log(`baseline: node process loading the compiled CLI, converting nothing: peak RSS ${rss(base).toFixed(0)} MB`);
		console.log("conversion            | faxline pages/s | tiffcp pages/s | ratio | faxline peak RSS | tiffcp peak RSS | out MB faxline / tiffcp");
		for (const [coding, scheme] of [
			["mr", "g3:2d"],
			["mmr", "g4"],
		] as const) {
			const ours = join(dir, `ours-${coding}.tif`);
			const theirs = join(dir, `theirs-${coding}.tif`);
			const o = await node(childScript(build, input, ours, coding));
			const ms = Number(/CONVERT_MS ([\d.]+)/.exec(o.stdout)?.[1] ?? NaN);
			const l = await timed("tiffcp", ["-c", scheme, input, theirs]);
			const ourRate = PAGES / (ms / 1000);
			const theirRate = PAGES / Math.max(l.seconds, 0.01);
			console.log(
				`MH -> ${coding.padEnd(3)} (${scheme.padEnd(5)})   | ${ourRate.toFixed(0).padStart(15)} | ${theirRate.toFixed(0).padStart(14)} | ${(ourRate / theirRate).toFixed(2).padStart(5)} |` +
					` ${rss(o).toFixed(0).padStart(13)} MB | ${l.maxRssMb.toFixed(0).padStart(12)} MB | ${(statSync(ours).size / 1e6).toFixed(1)} / ${(statSync(theirs).size / 1e6).toFixed(1)}`,
			);
		}
		console.log("(faxline time is the conversion inside the process; tiffcp time is its whole process, 10 ms resolution)");
	} finally {
		rmSync(dir, { recursive: true, force: true });
	}
}
