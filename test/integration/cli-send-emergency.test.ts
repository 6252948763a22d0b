/**
 * Issue 14 through `faxline send`: every emergency form is refused with one line before the device is
 * touched (the device path does not exist, so an attempt to open it would say so instead), and an
 * ordinary number containing the digits gets as far as opening the device.
 */
import test from "ava";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { memoryIO } from "../../src/cli/io.js";
import { main } from "../../src/cli/main.js";
import { createBitmap } from "../../src/core/bitmap.js";
import { writePbm } from "../helpers/fixtures.js";

function setup(t: { teardown(fn: () => void): void }): { doc: string; device: string } {
	const dir = mkdtempSync(join(tmpdir(), "faxline-dialrule-"));
	t.teardown(() => rmSync(dir, { recursive: true, force: true }));
	const doc = join(dir, "doc.pbm");
	writeFileSync(doc, writePbm(createBitmap(1728, 100)));
	return { doc, device: join(dir, "no-modem") };
}

test("send refuses 911, 112, 999, 000, 110, 119 in every dialled form, before opening the device", async (t) => {
	const { doc, device } = setup(t);
	for (const to of ["911", "911#", "9911", "9T911", "*911", "9,911", "+911", "112", "9W999", "000", "110", "*67119"]) {
		const io = memoryIO();
		const code = await main(["send", "--device", device, "--to", to, doc], io);
		t.is(code, 1, to);
		t.is(io.stderr.length, 1, `${to}: ${io.stderr.join(" | ")}`);
		t.regex(io.stderr[0] ?? "", /^faxline send: Number .* dials the emergency number \d{3}: refused/, to);
	}
});

test("an ordinary number holding the digits passes the rule (and fails later, at the missing device)", async (t) => {
	const { doc, device } = setup(t);
	const io = memoryIO();
	const code = await main(["send", "--device", device, "--to", "5550911", doc], io);
	t.not(code, 0);
	t.notRegex(io.stderr.join("\n"), /emergency number/);
	t.regex(io.stderr.join("\n"), /no-modem/);
});
