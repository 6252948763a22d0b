/**
 * The Class 2 / 2.0 simulator driven by a raw scripted AT client (hw-mocks/RawAtClient.ts, independent of
 * our driver), following T.32 §8.3 (2.0) and the SP-2388 example session (Rockwell RC144AC manual Table
 * 7-6, in mgetty's doc/class2doc): the reports after ATD, +FCS/+FDCS before CONNECT, XON in Class 2, page
 * ends (<DLE>,/. vs <DLE><ETX> + AT+FET), page results, hang-up codes, and every fault that applies.
 */
import test, { type ExecutionContext } from "ava";
import { fixturePage } from "../helpers/fixtures.js";
import { cropRows, diffRows, readTiffPages } from "../../hw-mocks/spandsp/pages.js";
import { RawAtClient, fromEmitter } from "../../hw-mocks/RawAtClient.js";
import type { Fault } from "../../hw-mocks/faults.js";
import { encodeBitmap } from "../../src/t4/index.js";
import type { Bitmap } from "../../src/core/bitmap.js";
import { closePort, openPort } from "./sim-harness.js";
import { class2Rig, wire, type Class2Rig } from "./class2-harness.js";

type Dialect = "2" | "2.0";
const DLE = 0x10;

async function rawRig(t: ExecutionContext, dialect: Dialect, faults: Fault[] = []): Promise<{ rig: Class2Rig; c: RawAtClient }> {
	const rig = await class2Rig(t, { dialect, faults, timeScale: 0.02 });
	const port = await openPort(rig.path);
	t.teardown(() => closePort(port));
	const c = new RawAtClient(fromEmitter(port));
	t.is(await c.final("ATE0", 20_000), "OK");
	t.is(await c.final(`AT+FCLASS=${dialect}`, 20_000), "OK");
	if (dialect === "2.0") t.is(await c.final("AT+FNR=1,1,1,0", 20_000), "OK");
	t.is(await c.final(dialect === "2.0" ? 'AT+FLI="+1 555 0001"' : 'AT+FLID="+1 555 0001"', 20_000), "OK");
	return { rig, c };
}

/** Page data as the DTE sends it with +FBO=0 (direct: LSB first on the line), DLEs doubled, then the end code. */
function pageBlock(page: Bitmap, end: number[]): Buffer {
	const data = encodeBitmap(page, { coding: "mh", rtc: true, bitOrder: "lsb" });
	const out: number[] = [];
	for (const b of data) {
		out.push(b);
		if (b === DLE) out.push(DLE);
	}
	return Buffer.from([...out, ...end]);
}
const END = { MPS: [DLE, 0x2c], EOP: [DLE, 0x2e], ETX: [DLE, 0x03] };

/** Lines without the XON/XOFF flow-control characters the modem mixes in (XON after CONNECT, pacing). */
const clean = (ls: string[]): string[] => ls.map((l) => l.replace(/[\x11\x13]/g, "")).filter((l) => l !== "");

/** AT+FDT up to CONNECT; the lines. */
async function fdt(c: RawAtClient): Promise<string[]> {
	return clean(await c.at("AT+FDT", 20_000));
}

/** Send one page and its post-page message; the lines the modem answered. */
async function sendPage(c: RawAtClient, dialect: Dialect, page: Bitmap, ppm: "MPS" | "EOP"): Promise<string[]> {
	if (dialect === "2.0") {
		await c.write(pageBlock(page, END[ppm]));
		return clean(await c.response(20_000));
	}
	await c.write(pageBlock(page, END.ETX));
	const ok = await c.response(20_000);
	return clean([...ok, ...(await c.at(`AT+FET=${ppm === "MPS" ? 0 : 2}`, 20_000))]);
}

/** Resolve once `pred` holds (checked every 10 ms); reject after `ms`. */
async function until(pred: () => boolean, ms: number): Promise<void> {
	const end = Date.now() + ms;
	while (!pred()) {
		if (Date.now() > end) throw new Error(`condition not met within ${ms} ms`);
		await new Promise((r) => setTimeout(r, 10));
	}
}

const pagesP = (async () => [cropRows(await fixturePage("text", "standard"), 120), cropRows(await fixturePage("form", "standard"), 120)])();

for (const d of ["2.0", "2"] as const) {
	const rep = d === "2.0" ? { con: "+FCO", csi: "+FCI", dis: "+FIS", dcs: "+FCS", hng: "+FHS", ok: "00" } : { con: "+FCON", csi: "+FCSI", dis: "+FDIS", dcs: "+FDCS", hng: "+FHNG", ok: "0" };

	test(`Class ${d}: a clean 2-page send follows the documented dialogue and the far end keeps identical pixels`, async (t) => {
		const pages = await pagesP;
		const { rig, c } = await rawRig(t, d);
		t.deepEqual(await c.at("ATD5551234", 20_000), [rep.con, `${rep.csi}:"+1 555 0100"`, `${rep.dis}:1,5,0,0,1,0,0,0`, "OK"]);
		t.deepEqual(await fdt(c), [`${rep.dcs}:0,5,0,0,0,0,0,0`, "CONNECT"]);
		if (d === "2") t.true(Buffer.concat(rig.sim.transcript.filter((e) => e.dir === "modem").map((e) => e.data)).includes("CONNECT\r\n\x11"), "XON right after CONNECT (SP-2388)");
		t.deepEqual(await sendPage(c, d, pages[0]!, "MPS"), d === "2.0" ? ["OK"] : ["OK", "+FPTS:1", "OK"]);
		t.deepEqual(await fdt(c), ["CONNECT"], "no retraining for the next page after MCF");
		t.deepEqual(await sendPage(c, d, pages[1]!, "EOP"), d === "2.0" ? [`${rep.hng}:${rep.ok}`, "OK"] : ["OK", "+FPTS:1", `${rep.hng}:${rep.ok}`, "OK"]);
		const call = await rig.sim.waitForCallEnd(1, 10_000);
		t.is(call.tsi, "+1 555 0001");
		t.deepEqual(call.notes, [], wire(rig.sim));
		t.deepEqual(call.ppms.map((p) => `${p.name}:${p.response}`), ["MPS:MCF", "EOP:MCF"]);
		t.is(call.frames.filter((f) => f.dir === "host" && f.name === "DCN").length, 1);
		const rx = await readTiffPages(call.tiffPath!);
		t.is(rx.length, 2);
		for (let i = 0; i < 2; i++) t.is(diffRows(pages[i]!, rx[i]!), 0);
	});

	test(`Class ${d}: RTN on page 1 -> ${d === "2.0" ? "ERROR and +FPS:2" : "+FPTS:2"}; the resend retrains and is kept`, async (t) => {
		const pages = await pagesP;
		const { rig, c } = await rawRig(t, d, [{ kind: "postPage", page: 1, response: "RTN", times: 1 }]);
		t.is((await c.at("ATD5551234", 20_000)).at(-1), "OK");
		await fdt(c);
		if (d === "2.0") {
			t.deepEqual(await sendPage(c, d, pages[0]!, "MPS"), ["ERROR"]);
			t.deepEqual(await c.at("AT+FPS?", 20_000), ["+FPS:2", "OK"]);
		} else t.deepEqual(await sendPage(c, d, pages[0]!, "MPS"), ["OK", "+FPTS:2", "OK"]);
		t.is((await fdt(c))[0], `${rep.dcs}:0,5,0,0,0,0,0,0`, "retrained: the session is reported again");
		t.is((await sendPage(c, d, pages[0]!, "EOP")).at(-1), "OK");
		const call = await rig.sim.waitForCallEnd(1, 10_000);
		t.is(call.tcf.length, 2);
		t.deepEqual(call.pages.map((p) => `${p.page}:${p.response}`), ["1:RTN", "1:MCF"]);
		t.is(diffRows(pages[0]!, (await readTiffPages(call.tiffPath!))[0]!), 0);
	});

	const failures: [string, Fault[], "dial" | "fdt" | "page", string[]][] = [
		["busy", [{ kind: "busy" }], "dial", ["BUSY"]],
		["no answer", [{ kind: "noAnswer" }], "dial", ["NO ANSWER"]],
		["answered without fax tones (T1)", [{ kind: "noCarrier" }], "dial", [`${rep.hng}:11`, "NO CARRIER"]],
		["FTT at every rate", [{ kind: "fttAbove", bitRate: 0 }], "fdt", [`${rep.hng}:27`, "ERROR"]],
		["DIS after every DCS", [{ kind: "disAfterDcs", times: 5 }], "fdt", [`${rep.hng}:26`, "ERROR"]],
		["no answer to DCS", [{ kind: "noReply", to: "DCS", times: 5 }], "fdt", [`${rep.hng}:25`, "ERROR"]],
		["DCN after DIS", [{ kind: "dcn", after: "dis" }], "fdt", [`${rep.hng}:20`, "ERROR"]],
		["DCN instead of CFR (line drop)", [{ kind: "dcn", after: "tcf" }], "fdt", [`${rep.hng}:28`, "ERROR"]],
		["DCN instead of MCF (line drop)", [{ kind: "dcn", after: "mps", page: 1 }], "page", [`${rep.hng}:53`, "ERROR"]],
		["no answer to MPS", [{ kind: "noReply", to: "MPS", times: 3 }], "page", [`${rep.hng}:52`, "ERROR"]],
		["ERROR to +FDT", [{ kind: "error", command: "+FDT" }], "fdt", ["ERROR"]],
	];
	for (const [name, faults, at, want] of failures) {
		test(`Class ${d} fault: ${name} -> ${want.join(" ")}`, async (t) => {
			const pages = await pagesP;
			const { rig, c } = await rawRig(t, d, faults);
			const dial = await c.at("ATD5551234", 40_000);
			if (at === "dial") t.deepEqual(dial, want);
			else {
				t.is(dial.at(-1), "OK");
				// the DTE asks for +FDT once the far end's DCN is on the line (else it collides with our DCS: +FHS:28)
				if (faults.some((f) => f.kind === "dcn" && f.after === "dis")) await until(() => rig.sim.currentCall?.frames.some((f) => f.dir === "far" && f.name === "DCN") ?? false, 10_000);
				const r = await fdt(c);
				if (at === "fdt") t.deepEqual(r, want);
				else {
					t.is(r.at(-1), "CONNECT");
					const got = await sendPage(c, d, pages[0]!, "MPS");
					t.deepEqual(d === "2.0" ? got : got.slice(1), want);
				}
			}
			if (want.some((w) => w.startsWith(rep.hng))) t.is((await rig.sim.waitForCallEnd(1, 10_000)).end !== undefined, true);
			t.is(await c.final("AT", 20_000), "OK", "the modem is back in command state");
		});
	}

	test(`Class ${d} fault: a silent modem answers nothing to +FDT`, async (t) => {
		const { c } = await rawRig(t, d, [{ kind: "silent", command: "+FDT" }]);
		t.is((await c.at("ATD5551234", 20_000)).at(-1), "OK");
		await t.throwsAsync(c.at("AT+FDT", 1500), { message: /timeout/ });
	});

	test(`Class ${d}: ${d === "2.0" ? "AT+FKS" : "AT+FK"} ends the session with DCN and hang-up code 2`, async (t) => {
		const { rig, c } = await rawRig(t, d);
		t.is((await c.at("ATD5551234", 20_000)).at(-1), "OK");
		t.deepEqual(await c.at(d === "2.0" ? "AT+FKS" : "AT+FK", 10_000), [`${rep.hng}:${d === "2.0" ? "02" : "2"}`, "OK"]);
		const call = await rig.sim.waitForCallEnd(1, 10_000);
		t.true(call.frames.some((f) => f.dir === "host" && f.name === "DCN"));
	});
}

test("Class 2.0: +FMS sets the training floor: FTT above 9600 with +FMS=4 (12000) -> +FHS:27", async (t) => {
	const { c } = await rawRig(t, "2.0", [{ kind: "fttAbove", bitRate: 9600 }]);
	t.is(await c.final("AT+FMS=4", 20_000), "OK");
	t.is((await c.at("ATD5551234", 20_000)).at(-1), "OK");
	t.deepEqual(await c.at("AT+FDT", 20_000), ["+FHS:27", "ERROR"]);
});

test("Class 2.0: FTT above 9600 falls back and reports the trained rate in +FCS", async (t) => {
	const { c } = await rawRig(t, "2.0", [{ kind: "fttAbove", bitRate: 9600 }]);
	t.is((await c.at("ATD5551234", 20_000)).at(-1), "OK");
	t.deepEqual(await c.at("AT+FDT", 20_000), ["+FCS:0,3,0,0,0,0,0,0", "CONNECT"]);
});

test("Class 2 commands are refused outside their class, Class 1 commands inside it", async (t) => {
	const { c } = await rawRig(t, "2.0");
	t.is(await c.final("AT+FTH=3", 20_000), "ERROR");
	t.is(await c.final("AT+FCLASS=1", 20_000), "ERROR");
	t.is(await c.final("AT+FCLASS=0", 20_000), "OK");
	t.is(await c.final("AT+FCS?", 20_000), "ERROR");
	t.deepEqual(await c.at("AT+FCLASS=?"), ["0,2.0", "OK"]);
});
