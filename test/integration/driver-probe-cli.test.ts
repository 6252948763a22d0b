/**
 * `faxline probe` (src/cli/commands/probe.ts) in-process against a scripted DCE on a real pty:
 * JSON and text output, a bad device path as one clear FaxError line via the CLI dispatcher.
 */
import test from "ava";
import { openPtyPair } from "../../hw-mocks/ptyPair.js";
import { main } from "../../src/cli/main.js";
import { memoryIO } from "../../src/cli/io.js";
import { ScriptedDce } from "../unit/at/scriptedDce.js";

async function conexantOnPty() {
	const pair = await openPtyPair();
	const dce = new ScriptedDce();
	pair.master.on("data", (b) => void dce.write(new Uint8Array(b)).catch(() => undefined));
	dce.on("data", (b) => void pair.master.write(b).catch(() => undefined));
	dce.always("ATI", "\r\n56000\r\n\r\nOK\r\n");
	dce.always("AT+FMI?", "\r\nCONEXANT\r\n\r\nOK\r\n");
	dce.always("AT+FMM?", "\r\nCX93001-EIS_V0.2002-V92\r\n\r\nOK\r\n");
	dce.always("AT+FMR?", "\r\nERROR\r\n");
	dce.always(/^AT&[DCK]\d$/, "\r\nOK\r\n");
	dce.always("AT+FCLASS=?", "\r\n0,1,1.0,8\r\n\r\nOK\r\n");
	dce.always("AT+FCLASS=1", "\r\nOK\r\n");
	dce.always("AT+FAR=1", "\r\nOK\r\n");
	dce.always(/^AT\+F[TR]M=\?$/, "\r\n24,48,72,73,74,96,97,98,121,122,145,146\r\n\r\nOK\r\n");
	return { pair, dce };
}

test.serial("probe --json prints identity, classes, rates and the chosen profile", async (t) => {
	const { pair } = await conexantOnPty();
	t.teardown(() => pair.close());
	const io = memoryIO();
	const code = await main(["probe", "--device", pair.path, "--json"], io);
	t.is(code, 0, io.stderr.join("\n"));
	const out = JSON.parse(io.stdout.join("\n")) as Record<string, unknown>;
	t.is(out.profile, "conexant");
	t.deepEqual(out.identity, { ati: "56000", fmi: "CONEXANT", fmm: "CX93001-EIS_V0.2002-V92" });
	t.deepEqual(out.classes, ["0", "1", "1.0", "8"]);
	t.is(out.serviceClass, "1");
	t.deepEqual(out.transmitRates, [24, 48, 72, 73, 74, 96, 97, 98, 121, 122, 145, 146]);
});

test.serial("probe text output names the modulations", async (t) => {
	const { pair } = await conexantOnPty();
	t.teardown(() => pair.close());
	const io = memoryIO();
	t.is(await main(["probe", "--device", pair.path], io), 0);
	const text = io.stdout.join("\n");
	t.regex(text, /profile:\s+conexant/);
	t.regex(text, /146 \(V\.17 14400 short\)/);
});

test("probe on a missing device is one clear line and exit 1", async (t) => {
	const io = memoryIO();
	t.is(await main(["probe", "--device", "/dev/faxline-nope"], io), 1);
	t.is(io.stderr.length, 1);
	t.regex(io.stderr[0]!, /No such device: \/dev\/faxline-nope \(FAX-103\)/);
});

test("probe without a device is a usage error", async (t) => {
	const io = memoryIO();
	t.is(await main(["probe"], io), 2);
});
