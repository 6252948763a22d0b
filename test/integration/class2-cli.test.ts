/**
 * The CLI with Class 2 / 2.0 modems: `faxline sim --class 2|2.0` (startSimulator) on a pty link, then
 * `faxline probe` (picks and enters the class; --class forces one) and `faxline send --class ...`
 * (the class-neutral opener hands the modem to the Class 2 factory): exit codes, --json report, and the
 * far end's pages decoded by libtiff equal to the pixels sent.
 */
import test, { type ExecutionContext } from "ava";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startSimulator, type RunningSimulator } from "../../src/cli/commands/sim.js";
import { memoryIO } from "../../src/cli/io.js";
import { main } from "../../src/cli/main.js";
import { writeClassF } from "../../src/tiff/index.js";
import { fixturePage } from "../helpers/fixtures.js";
import { firstRowDiff, libtiffDecodeTiff, topRows } from "../helpers/libtiff.js";

function tempDir(t: ExecutionContext): string {
	const dir = mkdtempSync(join(tmpdir(), "faxline-c2cli-"));
	t.teardown(() => rmSync(dir, { recursive: true, force: true }));
	return dir;
}

async function simulator(t: ExecutionContext, dir: string, fclass: "2" | "2.0", faultSpecs: string[] = []): Promise<RunningSimulator> {
	const sim = await startSimulator({ link: join(dir, "modem"), outDir: join(dir, "rx"), timeScale: 0.02, faultSpecs, csi: "+1 555 0100", fclass });
	t.teardown(() => sim.close());
	return sim;
}

async function faxline(args: string[]): Promise<{ code: number; out: string[]; err: string[] }> {
	const io = memoryIO();
	const code = await main(args, io);
	return { code, out: io.stdout, err: io.stderr };
}

for (const fclass of ["2.0", "2"] as const) {
	test(`faxline probe on a Class ${fclass} simulator: classes, the class in use, no Class 1 rates`, async (t) => {
		const dir = tempDir(t);
		const sim = await simulator(t, dir, fclass);
		const r = await faxline(["probe", "--device", sim.link, "--json"]);
		t.is(r.code, 0, r.err.join("\n"));
		const j = JSON.parse(r.out.join("\n")) as { classes: string[]; serviceClass: string; transmitRates: number[] };
		t.deepEqual(j.classes, ["0", fclass]);
		t.is(j.serviceClass, fclass);
		t.deepEqual(j.transmitRates, []);
		const forced = await faxline(["probe", "--device", sim.link, "--class", "1"]);
		t.is(forced.code, 1);
		t.regex(forced.err.join("\n"), /Class 1 was asked for, but the modem offers Class 2/);
	});

	test(`faxline send --class ${fclass} through the Class ${fclass} simulator: exit 0, --json report, identical pixels`, async (t) => {
		const dir = tempDir(t);
		const sim = await simulator(t, dir, fclass);
		const sent = [topRows(await fixturePage("text", "standard"), 150), topRows(await fixturePage("form", "standard"), 150)];
		const file = join(dir, "doc.tif");
		writeFileSync(file, writeClassF(sent.map((bitmap) => ({ bitmap, xRes: 204, yRes: 98 }))));
		const call = sim.nextCall();
		const r = await faxline(["send", "--device", sim.link, "--to", "555-0100", "--tsid", "faxline c2", "--class", fclass, "--json", file]);
		t.is(r.code, 0, r.err.join("\n"));
		const rep = JSON.parse(r.out.join("\n")) as { csid: string; pages: number; currentPage: number; extendedStatusName: string };
		t.is(rep.csid, "+1 555 0100");
		t.is(rep.currentPage, 2);
		const c = await call;
		t.is(c.tsi, "faxline c2");
		const d = await libtiffDecodeTiff(readFileSync(c.tiffPath!));
		t.is(d.pages.length, 2);
		for (let i = 0; i < 2; i++) t.is(firstRowDiff(d.pages[i]!, sent[i]!), -1, `page ${i + 1}`);
	});

	test(`faxline send through a Class ${fclass} simulator that is busy: exit 1, the busy status`, async (t) => {
		const dir = tempDir(t);
		const sim = await simulator(t, dir, fclass, ["busy"]);
		const file = join(dir, "doc.tif");
		writeFileSync(file, writeClassF([{ bitmap: topRows(await fixturePage("text", "standard"), 60), xRes: 204, yRes: 98 }]));
		const r = await faxline(["send", "--device", sim.link, "--to", "5550100", "--json", file]);
		t.is(r.code, 1);
		t.regex(r.out.join("\n"), /"extendedStatusName": "BUSY"/);
	});
}

test("--class takes 1, 1.0, 2, 2.0 or auto", async (t) => {
	const r = await faxline(["probe", "--device", "/dev/null", "--class", "3"]);
	t.is(r.code, 2);
	t.regex(r.err.join("\n"), /--class <c>.* is invalid\. Allowed choices are 1, 1\.0, 2, 2\.0, auto/);
});
