/**
 * `faxline send` with documents of any format (issue 12), end to end through the Class 1 modem simulator
 * on a pty: a PDF and a UTF-8 text file behind a built-in cover page (`--cover` and the cover fields).
 * Oracles: the far end's received TIFF decoded by libtiff (tiffcp/tifftopnm), page count and geometry
 * exact, the cover and body read back by tesseract.
 */
import test from "ava";
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startSimulator } from "../../src/cli/commands/sim.js";
import { memoryIO } from "../../src/cli/io.js";
import { main } from "../../src/cli/main.js";
import { makePdf } from "../helpers/docFixtures.js";

test("send --cover --to-name ... doc.pdf notes.txt: 4 pages reach the far end (cover, 2 PDF pages, 1 text page), all legible", async (t) => {
	const dir = mkdtempSync(join(tmpdir(), "faxline-senddocs-"));
	t.teardown(() => rmSync(dir, { recursive: true, force: true }));
	const sim = await startSimulator({ link: join(dir, "modem"), outDir: join(dir, "rx"), timeScale: 0.02, csi: "+1 555 0199" });
	t.teardown(() => sim.close());
	const pdf = makePdf(dir);
	const txt = join(dir, "notes.txt");
	writeFileSync(txt, "Meeting notes\nThe café opens at nine.\n");
	const ended = sim.nextCall();
	const io = memoryIO();
	const code = await main(["send", "--device", join(dir, "modem"), "--to", "5550100", "--cover", "--to-name", "Bob Smith", "--subject", "Contract draft", "--from-name", "Alice", pdf, txt], io);
	t.is(code, 0, io.stderr.join("\n"));
	t.regex(io.stdout.join("\n"), /all 4 page\(s\) confirmed/);
	const call = await ended;
	t.truthy(call.tiffPath);
	const tif = call.tiffPath!;
	const n = (execFileSync("tiffinfo", [tif], { encoding: "utf8" }).match(/TIFF Directory at offset/g) ?? []).length;
	t.is(n, 4);
	const ocrPage = (p: number): string => {
		const one = join(dir, `p${p}.tif`);
		execFileSync("tiffcp", ["-c", "none", `${tif},${p}`, one]);
		const pbm = join(dir, `p${p}.pbm`);
		writeFileSync(pbm, execFileSync("tifftopnm", [one], { stdio: ["ignore", "pipe", "ignore"] }));
		return execFileSync("tesseract", [pbm, "-"], { encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] }).replace(/\s+/g, " ");
	};
	const cover = ocrPage(0);
	t.regex(cover, /Bob Smith/);
	t.regex(cover, /Contract draft/);
	t.regex(cover, /4 \(including this cover page\)/);
	t.regex(ocrPage(1), /Quarterly Report/);
	t.regex(ocrPage(3), /The café opens at nine/);
});
