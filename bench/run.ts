/**
 * `npm run bench`: runs every bench/*.bench.ts in turn (or those named on the command line, by
 * substring) and prints their reports. Benchmarks measure; they never assert. Each bench module
 * exports `run(): Promise<void>` and prints its own table with the reference measured in the same run.
 * Each bench runs in a fresh process of its own: what one bench loads must not change how another is
 * compiled (e.g. the modem stack imports koffi, whose JS entry under tsx invalidates V8's
 * ArrayBuffer-detaching protector process-wide and so slows every typed-array access measured after it).
 */
import { spawnSync } from "node:child_process";
import { readdirSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const one = process.env.FAXLINE_BENCH_ONE;
if (one !== undefined) {
	const mod = (await import(pathToFileURL(join(here, one)).href)) as { run(): Promise<void> };
	await mod.run();
} else {
	const filters = process.argv.slice(2);
	const files = readdirSync(here)
		.filter((f) => f.endsWith(".bench.ts"))
		.filter((f) => filters.length === 0 || filters.some((x) => f.includes(x)))
		.sort();
	let failed = 0;
	for (const f of files) {
		console.log(`\n=== ${f} ===`);
		const r = spawnSync(process.execPath, ["--import", "tsx", fileURLToPath(import.meta.url)], { stdio: "inherit", env: { ...process.env, FAXLINE_BENCH_ONE: f } });
		if (r.status !== 0) {
			console.log(`(${f} failed: ${r.error ? r.error.message : `exit ${r.status ?? r.signal}`})`);
			failed++;
		}
	}
	if (failed > 0) process.exitCode = 1;
}
