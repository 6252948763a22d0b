/**
 * `npm run bench cli`: start-up time of the built `faxline` binary (issue 13: `faxline --help` under
 * 150 ms), measured as wall time of a whole process from spawn to exit, beside the reference measured in
 * the same run: `node -e 0` (Node's own start-up on this machine; nothing can be faster). Also
 * `faxline --version`, a subcommand's help (`send --help`: still no engine module loaded) and `faxline
 * info` on the sample (a command that loads its module and reads a TIFF). Median of N runs each, after
 * a warm-up. Needs `npm run build` first.
 */
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const BIN = join(root, "dist", "src", "cli", "main.js");
const N = 21;

const mid = (xs: number[]): number => [...xs].sort((a, b) => a - b)[xs.length >> 1]!;

/** Median wall time and median CPU time (user + system, from GNU time; robust on a loaded machine), ms. */
function median(args: string[]): { wall: number; cpu: number } {
	const wall: number[] = [];
	const cpu: number[] = [];
	spawnSync(process.execPath, args, { stdio: "ignore" }); // warm the file cache
	for (let i = 0; i < N; i++) {
		const t0 = process.hrtime.bigint();
		const r = spawnSync("/usr/bin/time", ["-f", "%U %S", process.execPath, ...args], { stdio: ["ignore", "ignore", "pipe"], encoding: "utf8" });
		wall.push(Number(process.hrtime.bigint() - t0) / 1e6);
		if (r.status !== 0) throw new Error(`${args.join(" ")} exited ${r.status}: ${r.stderr}`);
		const [u, s] = r.stderr.trim().split("\n").at(-1)!.split(" ").map(Number);
		cpu.push((u! + s!) * 1000);
	}
	return { wall: mid(wall), cpu: mid(cpu) };
}

export async function run(): Promise<void> {
	if (!existsSync(BIN)) {
		console.log(`no ${BIN}: run 'npm run build' first`);
		return;
	}
	const rows: [string, { wall: number; cpu: number }][] = [
		["node -e 0 (reference: Node start-up)", median(["-e", "0"])],
		["faxline --help", median([BIN, "--help"])],
		["faxline --version", median([BIN, "--version"])],
		["faxline send --help", median([BIN, "send", "--help"])],
		["faxline info samples/sample.tif", median([BIN, "info", join(root, "samples", "sample.tif")])],
	];
	const ref = rows[0]![1];
	console.log(`whole process, median of ${N} (goal: faxline --help < 150 ms); CPU = user + system (10 ms resolution)`);
	console.log(`${"command".padEnd(40)} ${"wall ms".padStart(8)} ${"over node".padStart(10)} ${"CPU ms".padStart(8)} ${"over node".padStart(10)}`);
	for (const [name, m] of rows) console.log(`${name.padEnd(40)} ${m.wall.toFixed(1).padStart(8)} ${(m.wall - ref.wall).toFixed(1).padStart(10)} ${m.cpu.toFixed(0).padStart(8)} ${(m.cpu - ref.cpu).toFixed(0).padStart(10)}`);
}
