/**
 * `faxline info` end to end: the real command (tsx src/cli/main.ts) and main() in-process, checked
 * against what libtiff's tiffinfo reports for the same files; bad input gives one line and exit 1.
 */
import test from "ava";
import { execFile } from "node:child_process";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { main } from "../../src/cli/main.js";
import { memoryIO } from "../../src/cli/io.js";
import { writeClassF } from "../../src/tiff/classF.js";
import { writePbm } from "../../src/tiff/pbm.js";
import { fixturePage } from "../helpers/fixtures.js";
import { must, tmp } from "../unit/tiff/oracle.js";

/** Runs `faxline ARGS` as a real process. */
function faxline(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
	return new Promise((resolve) => {
		execFile(process.execPath, ["--import=tsx", "src/cli/main.ts", ...args], { encoding: "utf8" }, (err, stdout, stderr) => {
			resolve({ code: err ? Number((err as { code?: number }).code ?? 1) : 0, stdout, stderr });
		});
	});
}

async function inProcess(args: string[]): Promise<{ code: number; out: string; err: string }> {
	const io = memoryIO();
	const code = await main(args, io);
	return { code, out: io.stdout.join("\n"), err: io.stderr.join("\n") };
}

test("info on a ghostscript G4 file (real process) matches tiffinfo page by page", async (t) => {
	const dir = tmp(t);
	const path = join(dir, "gs.tif");
	await must("gs", ["-q", "-dNOPAUSE", "-dBATCH", "-dSAFER", "-sDEVICE=tiffg4", "-dFillOrder=2", "-r204x196", "-g1728x2156", `-sOutputFile=${path}`, "samples/sample.ps"]);
	const r = await faxline(["info", path]);
	t.is(r.code, 0, r.stderr);
	t.is(r.stderr, "");
	const lines = r.stdout.trim().split("\n");
	const dirs = (await must("tiffinfo", [path])).stdout.toString().split(/=== TIFF directory \d+ ===/).slice(1);
	t.is(lines.length, dirs.length + 1);
	t.regex(lines[0], new RegExp(`TIFF, ${dirs.length} pages`));
	dirs.forEach((d, i) => {
		const [, w, h] = /Image Width: (\d+) Image Length: (\d+)/.exec(d)!;
		const [, xr, yr] = /Resolution: ([\d.]+), ([\d.]+) pixels\/inch/.exec(d)!;
		const line = lines[i + 1];
		t.true(line.startsWith(`page ${i + 1}/${dirs.length}: ${w}x${h}, ${Number(xr)}x${Number(yr)} dpi (fine)`), line);
		t.regex(d, /Compression Scheme: CCITT Group 4/);
		t.regex(line, /compression CCITT G4 \(MMR\)/);
		t.regex(d, /FillOrder: lsb-to-msb/);
		t.regex(line, /fill order 2 \(lsb-first\)/);
		t.regex(line, /photometric 0 \(min-is-white\)/);
		t.regex(line, /1 strip of /);
	});
});

test("info shows strips, G3 options, photometric 1 and Class F bad-line tags", async (t) => {
	const dir = tmp(t);
	const src = await fixturePage("text", "standard");
	writeFileSync(join(dir, "p.pbm"), writePbm(src));
	writeFileSync(join(dir, "mib.tif"), (await must("pnmtotiff", ["-none", "-minisblack", join(dir, "p.pbm")])).stdout);
	await must("tiffcp", ["-c", "g3:2d:fill", "-r", "100", join(dir, "mib.tif"), join(dir, "strips.tif")]);
	const r = await inProcess(["info", join(dir, "strips.tif")]);
	t.is(r.code, 0, r.err);
	t.regex(r.out, /compression CCITT G3 2-D \(MR\), EOL fill/);
	t.regex(r.out, /photometric 1 \(min-is-black\)/);
	t.regex(r.out, new RegExp(`${Math.ceil(src.height / 100)} strips of 100 rows`));
	writeFileSync(join(dir, "bad.tif"), writeClassF([{ bitmap: src, xRes: 204, yRes: 98, badLines: 7, consecutiveBadLines: 3 }]));
	const b = await inProcess(["info", join(dir, "bad.tif")]);
	t.regex(b.out, /bad lines 7, consecutive bad lines 3, data regenerated/);
	t.regex(b.out, /204x98 dpi \(standard\)/);
	const j = await inProcess(["info", "--json", join(dir, "bad.tif")]);
	const parsed = JSON.parse(j.out) as { pages: { width: number; tiff: { badFaxLines: number } }[] };
	t.is(parsed.pages[0].width, 1728);
	t.is(parsed.pages[0].tiff.badFaxLines, 7);
});

test("info on a PBM file", async (t) => {
	const dir = tmp(t);
	writeFileSync(join(dir, "a.pbm"), (await must("pbmtext", ["hello"])).stdout);
	const r = await inProcess(["info", join(dir, "a.pbm")]);
	t.is(r.code, 0);
	t.regex(r.out, /PBM, 1 page\n/);
	t.regex(r.out, /compression PBM raw \(P4\)/);
	t.regex(r.out, /\(assumed\)/);
});

test("bad input: one clear line, exit 1, no stack trace (real process)", async (t) => {
	const dir = tmp(t);
	const path = join(dir, "bad.tif");
	writeFileSync(path, Uint8Array.from([0x49, 0x49, 42, 0, 0xff, 0xff, 0, 0]));
	const r = await faxline(["info", path]);
	t.is(r.code, 1);
	t.is(r.stdout, "");
	t.is(r.stderr.trim().split("\n").length, 1);
	t.regex(r.stderr, /^faxline info: TIFF directory offset 65535 is past the end of the 8-byte file .*\(FAX-701\)\n$/);
	const missing = await inProcess(["info", join(dir, "none.tif")]);
	t.is(missing.code, 1);
	t.regex(missing.err, /no such file: .*none\.tif \(FAX-901\)/);
	const usage = await inProcess(["info"]);
	t.is(usage.code, 2);
	t.regex(usage.err, /^faxline info: missing required argument 'file'; see 'faxline info --help'$/); // issue 13: one line and a hint
});
