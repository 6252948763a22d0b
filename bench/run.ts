/**
 * `npm run bench`: runs every bench/*.bench.ts in turn (or those named on the command line, by
 * substring) and prints their reports. Benchmarks measure; they never assert. Each bench module
 * exports `run(): Promise<void>` and prints its own table with the reference measured in the same run.
 */
import { readdirSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const filters = process.argv.slice(2);
const files = readdirSync(here)
	.filter((f) => f.endsWith(".bench.ts"))
	.filter((f) => filters.length === 0 || filters.some((x) => f.includes(x)))
	.sort();
for (const f of files) {
	console.log(`\n=== ${f} ===`);
	const mod = (await import(pathToFileURL(join(here, f)).href)) as { run(): Promise<void> };
	await mod.run();
}
