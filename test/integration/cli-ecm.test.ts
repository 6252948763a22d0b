/**
 * `faxline send` with ECM, as a user runs it (in-process main(), the simulator behind a pty link as
 * `faxline sim --ecm` starts it): by default ECM + MMR when the far end offers them; `--no-ecm` sends MR
 * without ECM; a block the far end never gets (ecmCorrupt, every burst) ends in EOR and the --json report
 * names the page and block that were not delivered, with exit 1.
 */
import test, { type ExecutionContext } from "ava";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Bitmap } from "../../src/core/bitmap.js";
import { startSimulator, type RunningSimulator, type SimCall } from "../../src/cli/commands/sim.js";
import { memoryIO } from "../../src/cli/io.js";
import { main } from "../../src/cli/main.js";
import type { SendReport } from "../../src/cli/sendReport.js";
import { writeClassF } from "../../src/tiff/index.js";
import { fixturePage } from "../helpers/fixtures.js";
import { topRows } from "../helpers/libtiff.js";

async function setup(t: ExecutionContext, faultSpecs: string[]): Promise<{ sim: RunningSimulator; file: string; sent: Bitmap[] }> {
	const dir = mkdtempSync(join(tmpdir(), "faxline-cliecm-"));
	t.teardown(() => rmSync(dir, { recursive: true, force: true }));
	const sim = await startSimulator({ link: join(dir, "modem"), outDir: join(dir, "rx"), timeScale: 0.02, faultSpecs, ecm: true });
	t.teardown(() => sim.close());
	const sent = await Promise.all((["text", "form"] as const).map(async (n) => topRows(await fixturePage(n, "standard"), 200)));
	const file = join(dir, "doc.tif");
	writeFileSync(file, writeClassF(sent.map((bitmap) => ({ bitmap, xRes: 204, yRes: 98 }))));
	return { sim, file, sent };
}

async function send(args: string[]): Promise<{ code: number; out: string[]; err: string[] }> {
	const io = memoryIO();
	const code = await main(["send", ...args], io);
	return { code, out: io.stdout, err: io.stderr };
}

const kept = (c: SimCall) => c.pages.filter((p) => p.accepted).map((p) => p.page);

test.serial("default: ECM + MMR with a far end that offers them; --no-ecm: MR without ECM; both exit 0", async (t) => {
	const { sim, file } = await setup(t, []);
	let call = sim.nextCall();
	const a = await send(["--device", sim.link, "--to", "5550100", "--json", file]);
	t.is(a.code, 0, a.err.join("\n"));
	const ra = JSON.parse(a.out.join("\n")) as SendReport;
	t.like(ra.parameters, { ecm: true, coding: "mmr" });
	t.deepEqual(ra.undeliveredBlocks, []);
	t.deepEqual(kept(await call), [1, 2]);
	call = sim.nextCall();
	const b = await send(["--device", sim.link, "--to", "5550100", "--json", "--no-ecm", file]);
	t.is(b.code, 0, b.err.join("\n"));
	t.like((JSON.parse(b.out.join("\n")) as SendReport).parameters, { ecm: false, coding: "mr" });
	t.deepEqual(kept(await call), [1, 2]);
});

test.serial("a block that never gets through: exit 1, --json names page 1 block 0 and its missing frame; page 2 delivered", async (t) => {
	t.timeout(120_000);
	const { sim, file } = await setup(t, ["ecmCorrupt:page=1,block=0,from=3,times=999"]);
	const call = sim.nextCall();
	const r = await send(["--device", sim.link, "--to", "5550100", "--json", file]);
	t.is(r.code, 1);
	const j = JSON.parse(r.out.join("\n")) as SendReport;
	t.is(j.failureDetail?.code, "ECM_BLOCK_UNDELIVERED");
	t.regex(j.failureDetail!.text, /page 1 block 0 \(frames 3\)/);
	t.deepEqual(j.undeliveredBlocks, [{ page: 1, block: 0, frames: [3] }]);
	t.deepEqual(j.unconfirmedPages, [1]);
	t.is(j.pagesConfirmed, 1);
	t.is(j.transmissionEnd, null);
	t.deepEqual(kept(await call), [2]);
	const plain = await send(["--device", sim.link, "--to", "5550100", file]);
	t.is(plain.code, 1);
	t.true(plain.err.some((l) => /page 1 block 0: 1 ECM frame\(s\) not delivered \(EOR\)/.test(l)), plain.err.join("\n"));
});
