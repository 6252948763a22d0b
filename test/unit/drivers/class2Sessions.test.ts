/**
 * Class 2 / 2.0 profiles against scripted DCEs (test/unit/at/scriptedDce.ts) speaking the documented
 * replies: the identity strings select the profile (HylaFAX config CONFIG lines; the Rockwell RC144AC
 * Class 2 manual's +FMFR?/+FMDL?/+FREV? defaults), the session opener picks the class, the profile's
 * quirk commands go out, and the documented dialogues complete: Rockwell Tables 7-6 "Send two pages" and
 * 7-7 "Receive two pages" (mgetty doc/class2doc) verbatim, Multi-Tech's "Send two pages" / "Receive two pages, 1-D data,
 * no errors (Class 2.0)" (SocketModem MT5634SMIxx Reference Guide S000263C pp. 96-97), ZyXEL's Omni 56K
 * Plus identity table, and T.32's 2.0 sequence for the HylaFAX identities.
 */
import test from "ava";
import { selectProfile } from "../../../drivers/index.js";
import { ManualClock, SystemClock } from "../../../src/core/Clock.js";
import type { FaxPageSource } from "../../../src/core/bitmap.js";
import { createBitmap } from "../../../src/core/bitmap.js";
import { openFaxModem } from "../../../src/session/openFaxModem.js";
import type { ReceivedPageResult, ReceiveSink } from "../../../src/modem/FaxModem.js";
import { decodeToBitmap, encodeBitmap, reverseBits } from "../../../src/t4/index.js";
import { ScriptedDce } from "../at/scriptedDce.js";

test("documented identity replies select the Class 2 profiles", (t) => {
	const table: [Record<string, string>, string][] = [
		[{ fmi: "ROCKWELL", fmm: "V.32AC", fmr: "V0.200 TR14-JXXX-001" }, "rockwell-class2"], // RC144AC manual 7.2.1-7.2.3
		[{ fmi: "Multi-Tech Systems", fmm: "MT5634ZBA" }, "multitech"], // config/lucent-mt-2, lucent-mt-20
		[{ fmi: "Mainpine Venus V.92" }, "lucent-agere"], // config/agere-mp-2
		[{ fmi: "USRobotics", fmm: "Sportster 33600 Fax" }, "usrobotics"], // config/usr-2.0 *USRobotics*
		[{ fmi: "Multi-Tech" }, "multitech"], // SocketModem MT5600SMI/MT5656SMI Reference Guide S000306B p. 72: +FMI? "Typical Response: Multi-Tech"
		[{ fmi: "ZyXEL", fmm: "Omni 56K Plus", fmr: "Vx.x" }, "zyxel"], // Omni 56K Plus Series User's Guide Table 4-11
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

/** `rows` rows of a short black run, MH with RTC in line order (LSB first, +FBO(R)=0), and that data DLE-stuffed. */
function t4Page(rows: number): { t4: Uint8Array; stuffed: Uint8Array } {
	const bm = createBitmap(1728, rows);
	for (let y = 0; y < rows; y++) bm.data[y * bm.stride + 3] = 0x3c;
	const t4 = encodeBitmap(bm, { coding: "mh", rtc: true, bitOrder: "lsb" });
	const stuffed: number[] = [];
	for (const b of t4) stuffed.push(...(b === 0x10 ? [0x10, 0x10] : [b]));
	return { t4, stuffed: Uint8Array.from(stuffed) };
}

/** A sink recording each page's number, byte count and verdict. */
function recordingSink(): { sink: ReceiveSink; got: { page: number; bytes: number; result?: ReceivedPageResult }[] } {
	const got: { page: number; bytes: number; result?: ReceivedPageResult }[] = [];
	const sink: ReceiveSink = {
		beginPage: (info) => {
			const rec: (typeof got)[number] = { page: info.page, bytes: 0 };
			got.push(rec);
			return { write: (b) => void (rec.bytes += b.length), end: (res) => void (rec.result = res), abort: () => undefined };
		},
	};
	return { sink, got };
}

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

/*
 * Multi-Tech Systems, "SocketModem MT5634SMIxx Reference Guide" (S000263C), chapter 3 "Fax Class 2
 * Commands" (https://www.manualshelf.com/manual/multi-tech-systems/mt5634smi-v-92/modem-user-manual/page-96.html
 * and http://office.manualsonline.com/manuals/mfg/multitech_systems/mt5634smi_v92.html?p=97). Identity:
 * the SocketModem MT5600SMI/MT5656SMI Reference Guide (S000306B) p. 72, "+FMI? ... Typical Response:
 * Multi-Tech / OK". The manual's tables give placeholders (<csi>, <dis codes>, <codes>, <lc>); the values
 * filled in are the ones its own one-page example (p. 49) shows: +FCI:"555 1212", +FIS:0,5,0,2,0,0,0,0,
 * +FCS:0,5,0,2,0,0,0,0, +FTI:"666 6676" (printed there in lower case as its typographic convention).
 * The +FCLASS=? reply is ours (the manual does not print one); the manual's sessions start AT+FCLASS=2.0.
 */
const MT_IDENTITY = { "AT+FMI?": "Multi-Tech" };

test("Multi-Tech S000263C p. 96 'Send two pages, 1-D data, no errors (Class 2.0)': probe picks multitech and the dialogue completes", async (t) => {
	const d = dce(MT_IDENTITY, "0,1,2.0");
	// "ATD<dial string>  +FCO [+FNF:<nsf>] [+FCI:"<csi>"] {+FIS:<dis codes>} OK"
	d.always(/^ATDT/, '\r\n+FCO\r\n\r\n+FCI:"555 1212"\r\n\r\n+FIS:0,5,0,2,0,0,0,0\r\n\r\nOK\r\n');
	const pages: { data: Uint8Array; end: number }[] = [];
	let n = 0;
	// "AT+FDT {+FCS:<codes>} CONNECT <1st page data> <RTC pattern> <DLE><mps> OK";
	// "AT+FDT CONNECT <2nd page data> <RTC pattern> <DLE><eop> +FHS:00 OK"
	d.always("AT+FDT", (_l, _m, x) => {
		x.send(n++ === 0 ? "\r\n+FCS:0,5,0,2,0,0,0,0\r\n\r\nCONNECT\r\n" : "\r\nCONNECT\r\n");
		x.expectData(
			(data, end) => {
				pages.push({ data, end });
				x.send(end === 0x2c ? "\r\nOK\r\n" : "\r\n+FHS:00\r\n\r\nOK\r\n");
			},
			[0x2c, 0x2e],
		);
	});
	const m = await openFaxModem("/dev/ttyS0", { transport: d, clock: new ManualClock(), faxClass: "2.0" });
	const r = await m.send({ document: page(30), number: "5551212", tsid: "666 6676" });
	await m.close();
	t.true(r.ok, r.error?.message);
	t.is(r.pagesConfirmed, 2);
	t.is(r.csid, "555 1212");
	t.deepEqual(r.params && [r.params.bitRate, r.params.resolution, r.params.coding, r.params.width], [14400, "standard", "mh", 1728]);
	// the probe chose multitech (its class2 init went out) and the manual's host commands were sent in order
	for (const c of ["AT+FBU=0", "AT+FCQ=1,0"]) t.true(d.commands.includes(c), c);
	const seq = ["AT+FCLASS=2.0", 'AT+FLI="666 6676"', "ATDT5551212", "AT+FDT", "AT+FDT"];
	let at = 0;
	for (const c of d.commands) if (c === seq[at]) at++;
	t.is(at, seq.length, `host commands in the manual's order: ${d.commands.join(" | ")}`);
	// "<RTC pattern> <DLE><mps>" then "<RTC pattern> <DLE><eop>": multitech sends RTC itself
	t.deepEqual(pages.map((p) => p.end), [0x2c, 0x2e]);
	for (const p of pages) {
		const dec = decodeToBitmap(p.data, { coding: "mh", width: 1728, bitOrder: "lsb" });
		t.is(dec.endMarker, "rtc");
		t.is(dec.bitmap.height, 30);
	}
});

test("Multi-Tech S000263C p. 97 'Receive two pages, 1-D data, no errors (Class 2.0)': DC2 starts each page and both are confirmed", async (t) => {
	const d = dce(MT_IDENTITY, "0,1,2.0");
	const rows = 25;
	const { t4, stuffed } = t4Page(rows);
	// "ATA  +FCO +FNS:<nss string> +FPW:<pwd string> +FSA:<sub string> +FTI:"<tsi ID>" {+FCS:<dcs codes>} OK"
	// (the NSS/PWD/SUB strings are ours: the manual leaves them as placeholders)
	d.always("ATA", '\r\n+FCO\r\n\r\n+FNS:"00 00 AD"\r\n\r\n+FPW:"1234"\r\n\r\n+FSA:"77"\r\n\r\n+FTI:"666 6676"\r\n\r\n+FCS:0,5,0,2,0,0,0,0\r\n\r\nOK\r\n');
	const triggers: number[] = [];
	let fdr = 0;
	// "AT+FDR [+FCS:<dcs codes>] CONNECT <DC2> <page data> <RTC pattern> <DLE><ETX> +FPS:1,<lc>,0,0,0 +FET:0 OK",
	// the second page the same with "+FET:2", then "AT+FDR +FHS:00 OK"
	d.always("AT+FDR", (_l, _m, x) => {
		if (fdr++ === 2) return x.send("\r\n+FHS:00\r\n\r\nOK\r\n");
		const fet = fdr === 1 ? 0 : 2;
		x.send("\r\nCONNECT\r\n");
		x.expectByte((b) => {
			triggers.push(b);
			if (b !== 0x12) return x.send("\r\nNO CARRIER\r\n"); // not the manual's <DC2>: no page
			x.send(Uint8Array.from([...stuffed, 0x10, 0x03]));
			x.send(`\r\n+FPS:1,${rows},0,0,0\r\n\r\n+FET:${fet}\r\n\r\nOK\r\n`);
		});
	});
	const { sink, got } = recordingSink();
	const m = await openFaxModem("/dev/ttyS0", { transport: d, clock: new ManualClock(), faxClass: "2.0" });
	const r = await m.receive({ sink, rings: 0 });
	await m.close();
	t.true(r.ok, r.error?.message);
	t.is(r.pagesReceived, 2);
	t.is(r.tsid, "666 6676");
	t.deepEqual(r.params && [r.params.bitRate, r.params.resolution, r.params.coding], [14400, "standard", "mh"]);
	t.true(d.commands.includes("AT+FCR=1"), "AT+FCR=1 (Enable Reception)");
	t.deepEqual(triggers, [0x12, 0x12], "the host starts each page with the manual's <DC2> (multitech recvDataTrigger)");
	t.deepEqual(got.map((g) => [g.page, g.bytes, g.result?.result, g.result?.rows]), [
		[1, t4.length, "MCF", rows],
		[2, t4.length, "MCF", rows],
	]);
});

test("Rockwell RC144AC Class 2 Table 7-7 'Receive two pages, 1-D data, no errors': RING, ATA, +FCFR, DC2 and +FPTS:1,<lc> complete", async (t) => {
	const d = dce({ "AT+FMFR?": "ROCKWELL", "AT+FMDL?": "V.32AC", "AT+FREV?": "V0.200 TR14-JXXX-001" }, "0,1,2");
	const rows = 20;
	const { t4 } = t4Page(rows);
	// rockwell-class2 recvBitReversed (HylaFAX config/rc144ac ModemRecvFillOrder MSB2LSB): this firmware
	// delivers received data bit-reversed whatever +FBOR says, so the scripted DCE does too
	const wire: number[] = [];
	for (const b of reverseBits(t4)) wire.push(...(b === 0x10 ? [0x10, 0x10] : [b]));
	// Table 7-7: "AT+FLID=<local id> OK", then "RING" as the caller dials (repeated until ATA, as a line rings)
	let answered = false;
	d.always(/^AT\+FLID=/, (_l, _m, x) => {
		x.send("\r\nOK\r\n");
		let n = 0;
		const ring = (): void => {
			if (answered || n++ >= 20) return;
			x.send("\r\nRING\r\n");
			setTimeout(ring, 5);
		};
		ring();
	});
	// "ATA  +FCON [+FTSI:"<tsi>"] +FDCS:<codes> OK" (codes: the RC144AC +FDCC/+FDIS default 0,5,0,2,0,0,0,0, manual 7.5.1)
	d.always("ATA", (_l, _m, x) => {
		answered = true;
		x.send('\r\n+FCON\r\n\r\n+FTSI:" 1 800 555 1212"\r\n\r\n+FDCS:0,5,0,2,0,0,0,0\r\n\r\nOK\r\n');
	});
	const triggers: number[] = [];
	let fdr = 0;
	// "AT+FDR  +FCFR [+FDCS:<codes>] CONNECT; <DC2>; <page data stream> <DLE><ETX> +FPTS:1,<lc> +FET:0 OK";
	// the second "AT+FDR  CONNECT ... +FET:2 OK"; the last "AT+FDR  +FHNG:0 OK"
	d.always("AT+FDR", (_l, _m, x) => {
		if (fdr++ === 2) return x.send("\r\n+FHNG:0\r\n\r\nOK\r\n");
		const fet = fdr === 1 ? 0 : 2;
		x.send(fdr === 1 ? "\r\n+FCFR\r\n\r\n+FDCS:0,5,0,2,0,0,0,0\r\n\r\nCONNECT\r\n" : "\r\nCONNECT\r\n");
		x.expectByte((b) => {
			triggers.push(b);
			if (b !== 0x12) return x.send("\r\nNO CARRIER\r\n"); // not the table's <DC2>: no page
			x.send(Uint8Array.from([...wire, 0x10, 0x03]));
			x.send(`\r\n+FPTS:1,${rows}\r\n\r\n+FET:${fet}\r\n\r\nOK\r\n`);
		});
	});
	const { sink, got } = recordingSink();
	const m = await openFaxModem("/dev/ttyS0", { transport: d, clock: new SystemClock() });
	const events: string[] = [];
	const r = await m.receive({ sink, rings: 1, csid: "+1 555 0001", onEvent: (e) => events.push(e.type) });
	await m.close();
	t.true(r.ok, r.error?.message);
	t.is(r.pagesReceived, 2);
	t.is(r.tsid, "1 800 555 1212");
	t.deepEqual(r.params && [r.params.bitRate, r.params.resolution, r.params.coding], [14400, "standard", "mh"]);
	for (const c of ["AT+FCLASS=2", "AT+FCR=1", 'AT+FLID="+1 555 0001"', "ATA"]) t.true(d.commands.includes(c), c);
	t.deepEqual(triggers, [0x12, 0x12], "<DC2> starts each page (SP-2388 dialect)");
	// the pages reach the sink in line order again (the profile undoes the firmware's reversal) and decode whole
	t.deepEqual(got.map((g) => [g.page, g.bytes, g.result?.result, g.result?.rows]), [
		[1, t4.length, "MCF", rows],
		[2, t4.length, "MCF", rows],
	]);
	t.true(events.includes("ring"));
});

/*
 * ZyXEL, "Omni 56K Plus Series User's Guide" 4.2.3, Table 4-11 "Service Class 2.0 Commands"
 * (https://www.manualshelf.com/manual/zyxel-communications/56k-plus-series/network-device-users-guide-omni-56k-plus-series/page-41.html):
 * "+FMI? Identify DCE Manufacturer ZyXEL", "+FMM? Identify DCE Omni 56K Plus", "+FMR? Identify DCE
 * Revision Vx.x", "+FCLASS=n ... n=0,1,2.0,8". ZyXEL's manuals (this one, the U-1496, U-336 and 2864
 * guides, CLASS20.TXT) list commands and responses only: no example session to replay.
 */
test("ZyXEL Omni 56K Plus Table 4-11: the documented identity picks zyxel, which takes Class 2.0 and its commands go out", async (t) => {
	const d = dce({ "AT+FMI?": "ZyXEL", "AT+FMM?": "Omni 56K Plus", "AT+FMR?": "Vx.x" }, "0,1,2.0,8");
	const m = await openFaxModem("/dev/ttyS0", { transport: d, clock: new ManualClock() });
	await m.close();
	t.true(d.commands.includes("AT+FCLASS=2.0"));
	t.false(d.commands.includes("AT+FCLASS=1"));
	for (const c of ["AT&H3", "AT&D2", "AT&C1"]) t.true(d.commands.includes(c), c); // config/zyxel-1496e-2.0
});
