/**
 * faxline's Class2Modem receives from the Class 2 / 2.0 simulator's calling machine (hw-mocks/class2
 * incomingCall.ts) on a pty: RING, ATA, +FDR per page with the dialect's start character, the page data
 * streamed to a ReceiveSink that writes TIFF Class F (src/tiff/ClassFWriter.ts), which libtiff decodes to
 * the caller's pixels; a page the modem's copy check rejects is answered RTN and arrives again; a line
 * drop after a page and a silent caller end with their FaxError codes.
 */
import test, { type ExecutionContext } from "ava";
import { join } from "node:path";
import { fixturePage } from "../helpers/fixtures.js";
import { cropRows, diffRows, readTiffPages } from "../../hw-mocks/spandsp/pages.js";
import type { IncomingCallOptions } from "../../hw-mocks/class2/incomingCall.js";
import { yResOf, type Bitmap, type FaxResolution } from "../../src/core/bitmap.js";
import type { ReceiveEvent, ReceiveResult, ReceiveSink } from "../../src/modem/FaxModem.js";
import { openClass2Modem } from "../../src/modem/class2Open.js";
import { decodeToBitmap } from "../../src/t4/index.js";
import { normalizePage } from "../../src/tiff/normalize.js";
import { ClassFWriter } from "../../src/tiff/ClassFWriter.js";
import { class2Rig, wire, type Class2Rig } from "./class2-harness.js";

type Dialect = "2" | "2.0";

/** A sink writing confirmed pages to a TIFF Class F file (decoded with src/t4, encoded MH by ClassFWriter). */
function tiffSink(path: string): { sink: ReceiveSink; close(): Promise<void>; results: string[]; aborted: string[] } {
	let writer: Promise<ClassFWriter> | undefined;
	const results: string[] = [];
	const aborted: string[] = [];
	const sink: ReceiveSink = {
		beginPage: (info) => {
			const chunks: Uint8Array[] = [];
			return {
				write: (d) => void chunks.push(d),
				end: async (r) => {
					results.push(r.result);
					if (!r.confirmed) return;
					const data = Buffer.concat(chunks);
					const bm = decodeToBitmap(data, { coding: info.params.coding as "mh" | "mr", width: info.params.width, bitOrder: "lsb" });
					writer ??= ClassFWriter.create(path, { coding: "mh" });
					await (await writer).addPage({ bitmap: bm.bitmap, xRes: 204, yRes: yResOf(info.params.resolution), badLines: bm.badLines });
				},
				abort: (e) => void aborted.push(e.message),
			};
		},
	};
	return { sink, results, aborted, close: async () => void (writer ? await (await writer).close() : undefined) };
}

async function receive(t: ExecutionContext, dialect: Dialect, call: IncomingCallOptions): Promise<{ rig: Class2Rig; result: ReceiveResult; events: ReceiveEvent[]; tiff: string; results: string[]; aborted: string[] }> {
	const rig = await class2Rig(t, { dialect, timeScale: 0.02 });
	const modem = await openClass2Modem(rig.path, { dialect, tsid: "+1 555 0999" });
	t.teardown(() => modem.close());
	const tiff = join(rig.outDir, "received.tif");
	const s = tiffSink(tiff);
	const events: ReceiveEvent[] = [];
	const pending = modem.receive({ sink: s.sink, rings: 2, onEvent: (e) => events.push(e) });
	rig.sim.ring({ maxRings: 20, ...call });
	const result = await pending;
	await s.close();
	return { rig, result, events, tiff, results: s.results, aborted: s.aborted };
}

const page = async (name: "text" | "form", res: FaxResolution, rows: number, width: 1728 | 2048 | 2432 = 1728): Promise<Bitmap> => {
	const p = cropRows(await fixturePage(name, res === "standard" ? "standard" : "fine", width), rows);
	return res === "superfine" ? normalizePage({ bitmap: p, xRes: 204, yRes: 196 }, { width, resolution: "superfine" }).bitmap : p;
};

for (const dialect of ["2.0", "2"] as const) {
	// every resolution the dialect has (SP-2388 VR has no superfine), width and coding
	const matrix = (dialect === "2.0" ? (["standard", "fine", "superfine"] as const) : (["standard", "fine"] as const)).flatMap((res) =>
		([1728, 2048, 2432] as const).flatMap((width) => (["mh", "mr"] as const).map((coding) => [res, coding, width] as const)),
	);
	for (const [res, coding, width] of matrix) {
		test(`Class ${dialect} receive: 2 pages ${res} ${coding.toUpperCase()} ${width} -> ok, TSI, session, libtiff reads the caller's pixels`, async (t) => {
			const pages = [await page("text", res, 120, width), await page("form", res, 90, width)];
			const { rig, result, events, tiff } = await receive(t, dialect, { tsi: "+1 555 0123", pages, resolution: res, coding });
			t.true(result.ok, `${result.error?.message}\n${wire(rig.sim)}`);
			t.is(result.pagesReceived, 2);
			t.is(result.tsid, "+1 555 0123");
			t.is(result.params?.resolution, res);
			t.is(result.params?.coding, coding);
			t.is(result.params?.width, width);
			const rx = await readTiffPages(tiff);
			t.is(rx.length, 2);
			for (let i = 0; i < 2; i++) t.is(diffRows(pages[i]!, rx[i]!), 0, `page ${i + 1}`);
			t.deepEqual(events.filter((e) => e.type === "ring").length, 2);
			t.deepEqual(events.map((e) => e.type).filter((x) => x !== "ring" && x !== "training"), ["answering", "connected", "remoteTsi", "negotiated", "pageReceiving", "pageReceived", "pageReceiving", "pageReceived", "hangup"]);
			const start = dialect === "2.0" ? 0x11 : 0x12;
			const host = Buffer.concat(rig.sim.transcript.filter((e) => e.dir === "host").map((e) => e.data));
			t.is(host.filter((b) => b === start).length, 2, "the dialect's start character once per page (T.32 DC1, SP-2388 DC2)");
		});
	}

	test(`Class ${dialect} receive: a damaged page is answered RTN (${dialect === "2.0" ? "AT+FPS=2" : "AT+FPTS=2"}) and arrives again intact`, async (t) => {
		const pages = [await page("text", "fine", 120), await page("form", "fine", 90)];
		const { rig, result, results, tiff } = await receive(t, dialect, { tsi: "x", pages, damageOnce: 1 });
		t.true(result.ok, `${result.error?.message}\n${wire(rig.sim)}`);
		t.deepEqual(results, ["RTN", "MCF", "MCF"]);
		t.true(rig.sim.commands.some((c) => c.text === (dialect === "2.0" ? "+FPS=2" : "+FPTS=2")));
		const rx = await readTiffPages(tiff);
		for (let i = 0; i < 2; i++) t.is(diffRows(pages[i]!, rx[i]!), 0);
	});

	test(`Class ${dialect} receive: the line drops after page 1's data, before its PPM -> RX_PROTOCOL_ERROR, the page handed to the sink as aborted`, async (t) => {
		const pages = [await page("text", "fine", 100), await page("form", "fine", 90)];
		const { result, results, aborted } = await receive(t, dialect, { pages, dropAfterPage: 1 });
		t.false(result.ok);
		t.is(result.error?.code, "RX_PROTOCOL_ERROR");
		t.is(result.pagesReceived, 0);
		t.deepEqual(results, []);
		t.is(aborted.length, 1);
		t.regex(aborted[0]!, dialect === "2.0" ? /\+FHS:A0/ : /\+FHNG:100/);
	});

	test(`Class ${dialect} receive: a caller that never sends a page -> RX_T2_TIMEOUT`, async (t) => {
		const { result } = await receive(t, dialect, { pages: [await page("text", "fine", 50)], silent: true });
		t.false(result.ok);
		t.is(result.error?.code, "RX_T2_TIMEOUT");
		t.is(result.pagesReceived, 0);
	});
}

test("receive is cancelled while waiting for a call: CALL_ABORTED, nothing answered", async (t) => {
	const rig = await class2Rig(t, { dialect: "2.0", timeScale: 0.02 });
	const modem = await openClass2Modem(rig.path, { dialect: "2.0" });
	t.teardown(() => modem.close());
	const ac = new AbortController();
	const pending = modem.receive({ sink: { beginPage: () => Promise.reject(new Error("no call")) }, signal: ac.signal });
	await rig.sim.expectCommand((c) => c.startsWith("+FIS="), 5000);
	ac.abort();
	const r = await pending;
	t.is(r.error?.code, "CALL_ABORTED");
	t.false(rig.sim.commands.some((c) => c.text === "A"));
});
