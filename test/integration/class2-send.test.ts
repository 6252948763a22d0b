/**
 * faxline's Class2Modem (src/modem) sends through the Class 2 / 2.0 simulator on a pty, opened with the
 * real serialport binding: every resolution, width and coding in both dialects with the far end's pixels
 * identical to what faxline meant to send (the page re-fitted to the session +FCS/+FDCS reported), and
 * every fault of the simulator with the outcome and FaxError code the job layer needs.
 */
import test, { type ExecutionContext } from "ava";
import { fixturePage } from "../helpers/fixtures.js";
import { cropRows, diffRows, readTiffPages } from "../../hw-mocks/spandsp/pages.js";
import type { Fault } from "../../hw-mocks/faults.js";
import type { FarEndOptions } from "../../hw-mocks/FarEndFax.js";
import type { Bitmap, FaxPage, FaxPageSource, FaxResolution } from "../../src/core/bitmap.js";
import { yResOf } from "../../src/core/bitmap.js";
import { normalizePage } from "../../src/tiff/normalize.js";
import type { FaxErrorCode } from "../../src/core/FaxError.js";
import type { SendEvent, SendResult } from "../../src/modem/FaxModem.js";
import { openClass2Modem } from "../../src/modem/class2Open.js";
import type { Class2ModemOptions } from "../../src/modem/Class2Modem.js";
import { class2Rig, wire, type Class2Rig } from "./class2-harness.js";

type Dialect = "2" | "2.0";

const docOf = (pages: FaxPage[]): FaxPageSource => ({ pageCount: pages.length, page: async (i) => pages[i]! });

async function pageAt(name: "text" | "form", res: FaxResolution, width: 1728 | 2048 | 2432, rows: number): Promise<FaxPage> {
	const base = await fixturePage(name, res === "standard" ? "standard" : "fine", width);
	const p: FaxPage = { bitmap: cropRows(base, rows), xRes: 204, yRes: yResOf(res === "superfine" ? "fine" : res) };
	return res === "superfine" ? normalizePage(p, { width, resolution: "superfine" }) : p;
}

interface Sent {
	rig: Class2Rig;
	result: SendResult;
	events: SendEvent[];
}

async function send(t: ExecutionContext, dialect: Dialect, pages: FaxPage[], o: { faults?: Fault[]; farEnd?: FarEndOptions; modem?: Partial<Class2ModemOptions> } = {}): Promise<Sent> {
	const rig = await class2Rig(t, { dialect, timeScale: 0.02, faults: o.faults ?? [], farEnd: { answerDelayMs: 500, ...(o.farEnd ?? {}) } });
	const modem = await openClass2Modem(rig.path, { dialect, tsid: "+1 555 0001", ...(o.modem ?? {}) });
	t.teardown(() => modem.close());
	const events: SendEvent[] = [];
	const result = await modem.send({ document: docOf(pages), number: "555 0100", onEvent: (e) => events.push(e) });
	return { rig, result, events };
}

/** What faxline should have put on the line for `p` in the session: the page re-fitted. */
const fitted = (p: FaxPage, width: number, res: FaxResolution): Bitmap => normalizePage(p, { width: width as 1728, resolution: res }).bitmap;

for (const dialect of ["2.0", "2"] as const) {
	for (const res of ["standard", "fine", "superfine"] as const) {
		for (const width of [1728, 2048, 2432] as const) {
			for (const coding of ["mh", "mr"] as const) {
				test(`Class ${dialect}: ${res} ${width} ${coding.toUpperCase()} -> confirmed, session as reported, identical pixels`, async (t) => {
					const pages = [await pageAt("text", res, width, 90), await pageAt("form", res, width, 70)];
					const { rig, result, events } = await send(t, dialect, pages, { farEnd: { superfine: true, maxWidth: 2432, twoD: coding === "mr" } });
					t.true(result.ok, `${result.error?.message}\n${wire(rig.sim)}`);
					t.is(result.pagesConfirmed, 2);
					t.is(result.csid, "+1 555 0100");
					// SP-2388 has no superfine: Class 2 sessions fall back to fine and the page is re-fitted
					const sessionRes = dialect === "2" && res === "superfine" ? "fine" : res;
					t.is(result.params?.resolution, sessionRes);
					t.is(result.params?.width, width);
					t.is(result.params?.coding, coding);
					t.is(result.params?.bitRate, 14400);
					const call = await rig.sim.waitForCallEnd(1, 10_000);
					t.deepEqual(call.notes, []);
					t.is(call.dcs[0]?.coding, coding);
					t.is(call.tsi, "+1 555 0001");
					const rx = await readTiffPages(call.tiffPath!);
					t.is(rx.length, 2);
					for (let i = 0; i < 2; i++) t.is(diffRows(fitted(pages[i]!, width, sessionRes), rx[i]!), 0, `page ${i + 1}`);
					t.deepEqual(
						events.filter((e) => e.type === "pageEnd").map((e) => (e.type === "pageEnd" ? [e.page, e.result, e.confirmed] : [])),
						[
							[1, "MCF", true],
							[2, "MCF", true],
						],
					);
					t.deepEqual(events[0], { type: "dialing", number: "5550100" });
					t.is(events.at(-1)?.type, "hangup");
				});
			}
		}
	}

	const failures: [string, Fault[], FaxErrorCode, number?][] = [
		["busy", [{ kind: "busy" }], "DIAL_BUSY"],
		["no answer", [{ kind: "noAnswer" }], "DIAL_NO_ANSWER"],
		["answered without fax (T1)", [{ kind: "noCarrier" }], "T1_TIMEOUT"],
		["FTT at every rate", [{ kind: "fttAbove", bitRate: 0 }], "TRAINING_FAILED"],
		["DIS after every DCS", [{ kind: "disAfterDcs", times: 5 }], "DIS_AFTER_DCS_LIMIT"],
		["no answer to DCS", [{ kind: "noReply", to: "DCS", times: 5 }], "NO_RESPONSE_DCS"],
		["line drop instead of CFR", [{ kind: "dcn", after: "tcf" }], "PROTOCOL_ERROR"],
		["line drop instead of MCF on page 1", [{ kind: "dcn", after: "mps", page: 1 }], "REMOTE_DCN"],
		["no answer to MPS", [{ kind: "noReply", to: "MPS", times: 3 }], "NO_RESPONSE_POST_PAGE"],
		["RTN on page 1 every time", [{ kind: "postPage", page: 1, response: "RTN", times: 10 }], "PAGE_REJECTED", 1],
		["PIN on page 1", [{ kind: "postPage", page: 1, response: "PIN", times: 1 }], "PAGE_REJECTED"],
		["ERROR to +FDT", [{ kind: "error", command: "+FDT" }], "AT_ERROR"],
		["a silent modem at +FDT", [{ kind: "silent", command: "+FDT" }], "AT_TIMEOUT"],
		["the port vanishing mid-page", [{ kind: "vanish", page: 1, afterBytes: 512 }], "PORT_CLOSED"],
	];
	for (const [name, faults, code, confirmed] of failures) {
		test(`Class ${dialect} fault: ${name} -> ${code}`, async (t) => {
			const pages = [await pageAt("text", "standard", 1728, 80), await pageAt("form", "standard", 1728, 60)];
			// a silent modem is given up after a short +FDT timeout; the others run to the modem's own verdict
			const silent = faults.some((f) => f.kind === "silent");
			const { rig, result, events } = await send(t, dialect, pages, { faults, ...(silent ? { modem: { fdtTimeoutMs: 5000 } } : {}) });
			t.false(result.ok);
			t.is(result.error?.code, code, `${result.error?.message}\n${wire(rig.sim)}`);
			if (confirmed !== undefined) {
				t.is(result.pagesConfirmed, confirmed);
				t.deepEqual(result.unconfirmedPages, [1]);
			}
			t.is(events.at(-1)?.type, "hangup");
		});
	}

	test(`Class ${dialect}: RTN once on page 1 -> sent again after retraining, both pages confirmed`, async (t) => {
		const pages = [await pageAt("text", "fine", 1728, 80), await pageAt("form", "fine", 1728, 60)];
		const { rig, result, events } = await send(t, dialect, pages, { faults: [{ kind: "postPage", page: 1, response: "RTN", times: 1 }] });
		t.true(result.ok, result.error?.message);
		t.is(result.pagesConfirmed, 2);
		t.deepEqual(
			events.filter((e) => e.type === "pageEnd").map((e) => (e.type === "pageEnd" ? `${e.page}:${e.result}` : "")),
			["1:RTN", "1:MCF", "2:MCF"],
		);
		const call = await rig.sim.waitForCallEnd(1, 10_000);
		t.is(call.tcf.length, 2);
		const rx = await readTiffPages(call.tiffPath!);
		for (let i = 0; i < 2; i++) t.is(diffRows(pages[i]!.bitmap, rx[i]!), 0);
	});

	test(`Class ${dialect}: pages of different resolutions go with EOM and a new session`, async (t) => {
		const pages = [await pageAt("text", "standard", 1728, 80), await pageAt("form", "fine", 1728, 100)];
		const { rig, result, events } = await send(t, dialect, pages);
		t.true(result.ok, result.error?.message);
		const call = await rig.sim.waitForCallEnd(1, 10_000);
		// the modem's firmware may repeat a post-page message whose answer it missed (T.30 T4): count each once
		t.deepEqual(call.ppms.map((p) => p.name).filter((n, i, a) => n !== a[i - 1]), ["EOM", "EOP"]);
		t.deepEqual(call.dcs.map((d) => d.resolution), ["standard", "fine"]);
		t.deepEqual(events.filter((e) => e.type === "negotiated").map((e) => (e.type === "negotiated" ? e.params.resolution : "")), ["standard", "fine"]);
		const rx = await readTiffPages(call.tiffPath!);
		for (let i = 0; i < 2; i++) t.is(diffRows(pages[i]!.bitmap, rx[i]!), 0);
	});
}

test("a modem without the class asked for is refused with MODEM_CLASS_UNSUPPORTED", async (t) => {
	const rig = await class2Rig(t, { dialect: "2" });
	await t.throwsAsync(openClass2Modem(rig.path, { dialect: "2.0" }), { instanceOf: Error, message: /not 2\.0/ });
});

for (const dialect of ["2.0", "2"] as const) {
	test(`Class ${dialect}: cancel inside page 1 -> CALL_ABORTED; the data is closed, the session ended, the modem back in command state`, async (t) => {
		const pages = [await pageAt("text", "fine", 1728, 900), await pageAt("form", "fine", 1728, 60)];
		const rig = await class2Rig(t, { dialect, timeScale: 0.05, farEnd: { answerDelayMs: 500 } });
		const modem = await openClass2Modem(rig.path, { dialect });
		t.teardown(() => modem.close());
		const ac = new AbortController();
		const events: SendEvent[] = [];
		const result = await modem.send({
			document: docOf(pages),
			number: "5550100",
			signal: ac.signal,
			onEvent: (e) => {
				events.push(e);
				if (e.type === "negotiated") setTimeout(() => ac.abort(), 50); // once CONNECT is near: inside the page data
			},
		});
		t.is(result.error?.code, "CALL_ABORTED");
		t.is(result.pagesConfirmed, 0);
		t.is(events.at(-1)?.type, "hangup");
		const call = await rig.sim.waitForCallEnd(1, 20_000);
		t.true(call.end !== undefined);
		t.true(rig.sim.commands.some((c) => c.text === (dialect === "2.0" ? "+FKS" : "+FK") || c.text === "H0"), "the session was ended by the host");
		t.is(rig.sim.mode, "command");
	});
}

for (const dialect of ["2.0", "2"] as const) {
	test(`Class ${dialect}: reversed phase C bit order (${dialect === "2.0" ? "+FBO=1" : "+FBOR=1"}) -> the far end still gets identical pixels`, async (t) => {
		const pages = [await pageAt("text", "standard", 1728, 80), await pageAt("form", "standard", 1728, 60)];
		const { rig, result } = await send(t, dialect, pages, { modem: { knobs: { bitOrder: 1 } } });
		t.true(result.ok, result.error?.message);
		t.true(rig.sim.commands.some((c) => c.text === (dialect === "2.0" ? "+FBO=1" : "+FBOR=1")));
		const call = await rig.sim.waitForCallEnd(1, 10_000);
		const rx = await readTiffPages(call.tiffPath!);
		for (let i = 0; i < 2; i++) t.is(diffRows(pages[i]!.bitmap, rx[i]!), 0);
	});
}
