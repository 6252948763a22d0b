/**
 * Documents-in benchmark (issue 12): a 100-page PDF (text pages and pages with a photograph, made by
 * Ghostscript's pdfwrite) to fax pages, `faxline convert in.pdf out.tif --compression mmr` (src/docs:
 * gs renders each page to fax geometry, we decode it, re-fit nothing, encode G4 into a streaming Class F
 * writer; compiled to plain JS as in production) beside Ghostscript alone doing the same job
 * (`gs -sDEVICE=tiffg4` at the same geometry into one multi-page TIFF) in the same run. Reports pages/s,
 * the ratio (target: faxline time <= 1.2 x gs) and peak RSS of each process (target < 150 MB for ours:
 * node's own peak plus its gs child's, which is about gs alone's). Measures only.
 */
import { execFile, execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { promisify } from "node:util";

const exec = promisify(execFile);
const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const PAGES = 100;

interface Measure {
	seconds: number;
	/** peak RSS of the largest process in the tree (GNU time reports the max over the process and its waited-for children) */
	maxRssMb: number;
	stdout: string;
}

async function timed(cmd: string, args: string[]): Promise<Measure> {
	if (!existsSync("/usr/bin/time")) {
		const t0 = performance.now();
		const r = await exec(cmd, args, { maxBuffer: 16 << 20 });
		return { seconds: (performance.now() - t0) / 1000, maxRssMb: NaN, stdout: r.stdout };
	}
	const r = await exec("/usr/bin/time", ["-f", "TIME %e %M", cmd, ...args], { maxBuffer: 16 << 20 });
	const m = /TIME ([\d.]+) (\d+)/.exec(r.stderr);
	if (!m) throw new Error(`no timing from ${cmd}: ${r.stderr}`);
	return { seconds: Number(m[1]), maxRssMb: Number(m[2]) / 1024, stdout: r.stdout };
}

/** 100 pages: every 4th page has a 460 x 340 pt photograph-like image, the rest are dense text. */
function makePdf(dir: string): string {
	const lines = (n: number) =>
		Array.from({ length: 40 }, (_, i) => `72 ${740 - i * 16} moveto (Page ${n} line ${i + 1}: the quick brown fox jumps over the lazy dog 0123456789) show`).join("\n");
	const photo = `gsave 72 200 translate 460 340 scale /row 256 string def
256 256 8 [256 0 0 -256 0 256] { 0 1 255 { dup row exch 3 -1 roll 7 mul 255 and put } for row } image grestore`;
	const ps = ["%!PS-Adobe-3.0", "/Helvetica findfont 11 scalefont setfont"];
	for (let p = 1; p <= PAGES; p++) ps.push(p % 4 === 0 ? `72 740 moveto (Page ${p} with a photograph) show\n${photo}` : lines(p), "showpage");
	const src = join(dir, "in.ps");
	writeFileSync(src, ps.join("\n"));
	const pdf = join(dir, "in.pdf");
	execFileSync("gs", ["-q", "-dSAFER", "-dBATCH", "-dNOPAUSE", "-sDEVICE=pdfwrite", `-sOutputFile=${pdf}`, src]);
	return pdf;
}

async function buildCli(): Promise<string> {
	const out = join(root, "node_modules", ".cache", "faxline-docs-bench");
	await exec(process.execPath, [join(root, "node_modules", "typescript", "bin", "tsc"), "--target", "ES2022", "--module", "NodeNext", "--moduleResolution", "NodeNext", "--skipLibCheck", "--types", "node", "--outDir", out, "--rootDir", root, join(root, "src/cli/main.ts"), join(root, "src/cli/commands/convert.ts")]);
	return out;
}

const childScript = (build: string, input: string, output: string): string => `
const { main } = await import(${JSON.stringify(pathToFileURL(join(build, "src/cli/main.js")).href)});
const { memoryIO } = await import(${JSON.stringify(pathToFileURL(join(build, "src/cli/io.js")).href)});
const io = memoryIO(); const t0 = performance.now();
const code = await main(["convert", ${JSON.stringify(input)}, ${JSON.stringify(output)}, "--compression", "mmr"], io);
if (code !== 0) { console.error(io.stderr.join("\\n")); process.exit(1); }
console.log("CONVERT_MS " + (performance.now() - t0).toFixed(1));
console.log("MAXRSS_KB " + process.resourceUsage().maxRSS);
`;

export async function run(): Promise<void> {
	const dir = mkdtempSync(join(tmpdir(), "faxline-docsbench-"));
	try {
		const pdf = makePdf(dir);
		console.log(`input: ${PAGES}-page PDF (text, every 4th page a photograph), ${(statSync(pdf).size / 1e3).toFixed(0)} kB; output A4 fine 1728x2292, G4`);
		const build = await buildCli();
		console.log("run | faxline s (pages/s) | gs alone s (pages/s) | ratio | faxline node peak RSS | gs alone peak RSS");
		for (let r = 1; r <= 3; r++) {
			const ours = join(dir, `ours${r}.tif`);
			const theirs = join(dir, `gs${r}.tif`);
			const o = await timed(process.execPath, ["--input-type=module", "-e", childScript(build, pdf, ours)]);
			const g = await timed("gs", ["-q", "-dSAFER", "-dBATCH", "-dNOPAUSE", "-sDEVICE=tiffg4", "-r204x196", "-g1728x2292", "-dFIXEDMEDIA", "-dPDFFitPage", "-dUseCropBox", `-sOutputFile=${theirs}`, pdf]);
			const nodeRss = Number(/MAXRSS_KB (\d+)/.exec(o.stdout)?.[1] ?? NaN) / 1024;
			console.log(
				`${r}   | ${o.seconds.toFixed(2)} (${(PAGES / o.seconds).toFixed(1)}) | ${g.seconds.toFixed(2)} (${(PAGES / g.seconds).toFixed(1)}) | ${(o.seconds / g.seconds).toFixed(2)} |` +
					` ${nodeRss.toFixed(0)} MB | ${g.maxRssMb.toFixed(0)} MB`,
			);
		}
		console.log("(faxline time is its whole process: node start-up, gs page-count pass, rendering, decode, G4 encode, Class F write;");
		console.log(" its gs child renders to raw PBM and peaks near the gs-alone figure, so both together stay under node + gs)");
	} finally {
		rmSync(dir, { recursive: true, force: true });
	}
}
