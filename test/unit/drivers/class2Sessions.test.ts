/**
 * Class 2 / 2.0 profiles against scripted DCEs (test/unit/at/scriptedDce.ts) speaking the documented
 * replies: the identity strings select the profile (HylaFAX config CONFIG lines; the Rockwell RC144AC
 * Class 2 manual's +FMFR?/+FMDL?/+FREV? defaults), the session opener picks the class, the profile's
 * quirk commands go out, and the documented send dialogue completes: Rockwell Table 7-6 "Send two
 * pages" (mgetty doc/class2doc) verbatim, and T.32's 2.0 sequence for the 2.0 profiles.
 */
import test from "ava";
import { selectProfile } from "../../../drivers/index.js";
import { ManualClock, SystemClock } from "../../../src/core/Clock.js";
import type { FaxPageSource } from "../../../src/core/bitmap.js";
import { createBitmap } from "../../../src/core/bitmap.js";
import { openFaxModem } from "../../../src/session/openFaxModem.js";
import { decodeToBitmap } from "../../../src/t4/index.js";
import { ScriptedDce } from "../at/scriptedDce.js";

test("documented identity replies select the Class 2 profiles", (t) => {
	const table: [Record<string, string>, string][] = [
		[{ fmi: "ROCKWELL", fmm: "V.32AC", fmr: "V0.200 TR14-JXXX-001" }, "rockwell-class2"], // RC144AC manual 7.2.1-7.2.3
		[{ fmi: "Multi-Tech Systems", fmm: "MT5634ZBA" }, "multitech"], // config/lucent-mt-2, lucent-mt-20
		[{ fmi: "Mainpine Venus V.92" }, "lucent-agere"], // config/agere-mp-2
		[{ fmi: "USRobotics", fmm: "Sportster 33600 Fax" }, "usrobotics"], // config/usr-2.0 *USRobotics*
	];
	for (const [id, name] of table) t.is(selectProfile(id).name, name, JSON.stringify(id));
	t.deepEqual(selectProfile({}, "generic-class2").classPreference, ["2", "2.0", "1"]);
	t.deepEqual(selectProfile({}, "generic-class20").classPreference, ["2.0", "2", "1"]);
});

const page = (rows: number): FaxPageSource => {
	const bm = createBitmap(1728, rows);
	for (let y = 0; y < rows; y++) bm.data[y * bm.stride + (y % bm.stride)] = 0xf0; // a diagonal of short black runs
	return { pageCount: 2, page: async () => ({ bitmap: bm, xRes: 204, yRes: 98 }) };
};

/** A DCE answering the probe with `identity` (command -> reply), offering `classes`; OK to any other +F setting. */
function dce(identity: Record<string, string>, classes: string): ScriptedDce {
	const d = new ScriptedDce();
	d.always(/^AT\+F\w+=.*$/, "\r\nOK\r\n");
	d.always(/^AT[^+D]\S*$/, "\r\nOK\r\n"); // S-registers, &-commands, Q/X: the profiles' init
	d.always(/^ATI$|^AT\+F(MI|MM|MR|MFR|MDL|REV)\?$/, "\r\nERROR\r\n");
	for (const [cmd, reply] of Object.entries(identity)) d.always(cmd, `\r\n${reply}\r\n\r\nOK\r\n`);
	d.always("AT+FCLASS=?", `\r\n${classes}\r\n\r\nOK\r\n`);
	return d;
}

test("Rockwell RC144AC Class 2: the manual's identity picks rockwell-class2 and Table 7-6 'Send two pages' completes", async (t) => {
	const d = dce({ "AT+FMFR?": "ROCKWELL", "AT+FMDL?": "V.32AC", "AT+FREV?": "V0.200 TR14-JXXX-001" }, "0,1,2");
	const pages: Uint8Array[] = [];
	// Table 7-6, DCE column: ATD -> +FCON [+FCSI] +FDIS OK; +FDT -> +FDCS CONNECT <XON>; data <DLE><ETX> -> OK;
	// +FET=0 -> +FPTS:1 OK; +FDT -> CONNECT <XON>; +FET=2 -> +FPTS:1 +FHNG:0 OK
	d.always(/^ATDT/, '\r\n+FCON\r\n\r\n+FCSI:" 1 800 555 1212"\r\n\r\n+FDIS:0,5,0,2,0,0,0,0\r\n\r\nOK\r\n');
	let first = true;
	d.always("AT+FDT", (_l, _m, x) => {
		x.send(first ? "\r\n+FDCS:0,5,0,2,0,0,0,0\r\n\r\nCONNECT\r\n\x11" : "\r\nCONNECT\r\n\x11");
		first = false;
		x.expectData((data) => {
			pages.push(data);
			x.send("\r\nOK\r\n");
		});
	});
	d.always("AT+FET=0", "\r\n+FPTS:1\r\n\r\nOK\r\n");
	d.always("AT+FET=2", "\r\n+FPTS:1\r\n\r\n+FHNG:0\r\n\r\nOK\r\n");
	const m = await openFaxModem("/dev/ttyS0", { transport: d, clock: new SystemClock() });
	const events: string[] = [];
	const r = await m.send({ document: page(40), number: "18005551212", tsid: "+1 555 0001", onEvent: (e) => events.push(e.type) });
	await m.close();
	t.true(r.ok, r.error?.message);
	t.is(r.pagesConfirmed, 2);
	t.is(r.csid, "1 800 555 1212");
	t.deepEqual(r.params && [r.params.bitRate, r.params.resolution, r.params.coding], [14400, "standard", "mh"]);
	// the profile's commands (config/rc144ac) and the dialect's (SP-2388 names)
	for (const c of ["AT&K3", "AT&D3", "AT&C1", "AT+FCLASS=2", 'AT+FLID="+1 555 0001"', "AT+FBOR=0", "AT+FET=0", "AT+FET=2"]) t.true(d.commands.includes(c), c);
	t.is(pages.length, 2);
	// rockwell-class2 leaves RTC to the DCE (manual 7.3.3 note 2): the pages decode without it, 40 rows each
	for (const p of pages) {
		const dec = decodeToBitmap(p, { coding: "mh", width: 1728, bitOrder: "lsb" });
		t.is(dec.bitmap.height, 40);
		t.not(dec.endMarker, "rtc");
	}
	t.true(events.includes("connected"));
});

for (const [name, identity, classes, forced, quirk] of [
	["USRobotics Courier/Sportster (config/usr-2.0), --class 2.0", { "AT+FMI?": "USRobotics", "AT+FMM?": "Sportster 33600 Fax" }, "0,1,2.0", "2.0", "AT+FBU=0"],
	["Multi-Tech MT5634ZBA (config/lucent-mt-20)", { "AT+FMI?": "Multi-Tech Systems", "AT+FMM?": "MT5634ZBA" }, "0,2.0", undefined, "AT+FCQ=1,0"],
] as const) {
	test(`${name}: profile commands go out and the T.32 send dialogue completes with RTC from the host`, async (t) => {
		const d = dce(identity, classes);
		const pages: Uint8Array[] = [];
		d.always(/^ATDT/, '\r\n+FCO\r\n\r\n+FCI:"+49 30 1234"\r\n\r\n+FIS:1,5,0,2,1,0,0,0\r\n\r\nOK\r\n');
		let n = 0;
		d.always("AT+FDT", (_l, _m, x) => {
			x.send(n++ === 0 ? "\r\n+FCS:0,5,0,2,0,0,0,0\r\n\r\nCONNECT\r\n" : "\r\nCONNECT\r\n");
			// T.32 §8.3.3: the page ends with <DLE>, (MPS) or <DLE>. (EOP)
			x.expectData(
				(data, end) => {
					pages.push(data);
					x.send(end === 0x2c ? "\r\nOK\r\n" : "\r\n+FHS:00\r\n\r\nOK\r\n");
				},
				[0x2c, 0x2e],
			);
		});
		const m = await openFaxModem("/dev/ttyS0", { transport: d, clock: new ManualClock(), ...(forced ? { faxClass: forced } : {}) });
		const r = await m.send({ document: page(30), number: "5551234" });
		await m.close();
		t.true(r.ok, r.error?.message);
		t.is(r.pagesConfirmed, 2);
		t.true(d.commands.includes("AT+FCLASS=2.0"));
		t.true(d.commands.includes(quirk), quirk);
		t.is(pages.length, 2);
		for (const p of pages) t.is(decodeToBitmap(p, { coding: "mh", width: 1728, bitOrder: "lsb" }).endMarker, "rtc"); // Class2SendRTC yes
	});
}
