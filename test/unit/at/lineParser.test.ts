/** src/at/lineParser.ts and src/at/resultCodes.ts. */
import test from "ava";
import { LineParser } from "../../../src/at/lineParser.js";
import { delayedSeconds, finalCodeOf, isUnsolicited, numericFinalCodeOf } from "../../../src/at/resultCodes.js";

const enc = (s: string) => new Uint8Array(Buffer.from(s, "latin1"));

test("lines split on CR LF, empty lines skipped, CR LF split across chunks counted once", (t) => {
	const p = new LineParser();
	p.push(enc("\r\nRING\r"));
	t.is(p.nextLine(), "RING");
	t.is(p.nextLine(), undefined);
	p.push(enc("\n\r\nOK\r\n"));
	t.is(p.nextLine(), "OK");
	t.is(p.nextLine(), undefined);
});

test("takeRest returns the bytes after a line and drops the LF of its CR LF", (t) => {
	const p = new LineParser();
	p.push(Uint8Array.of(...enc("\r\nCONNECT\r\n"), 0xff, 0x13, 0x80, 0x0d));
	t.is(p.nextLine(), "CONNECT");
	t.deepEqual([...p.takeRest()], [0xff, 0x13, 0x80, 0x0d]);
	const q = new LineParser();
	q.push(enc("CONNECT\r"));
	t.is(q.nextLine(), "CONNECT");
	t.true(q.pendingLf);
});

test("binary noise in command mode is bounded", (t) => {
	const p = new LineParser(16);
	p.push(new Uint8Array(100).fill(0x41));
	const l = p.nextLine();
	t.is(l?.length, 16);
});

test("final result codes, verbose and numeric", (t) => {
	const table: [string, string | undefined][] = [
		["OK", "OK"],
		["CONNECT", "CONNECT"],
		["CONNECT 9600", "CONNECT"],
		["NO CARRIER", "NO CARRIER"],
		["ERROR", "ERROR"],
		["BUSY", "BUSY"],
		["NO DIALTONE", "NO DIALTONE"],
		["NO DIAL TONE", "NO DIALTONE"],
		["NO ANSWER", "NO ANSWER"],
		["+FCERROR", "+FCERROR"],
		["BLACKLISTED", "BLACKLISTED"],
		["DELAYED 00:10:00", "DELAYED"],
		["DIALING DISABLED", "DIALING DISABLED"],
		["RING", undefined],
		["+FRH:3", undefined],
		["56000", undefined],
		["OKAY", undefined],
	];
	for (const [line, code] of table) t.is(finalCodeOf(line) as string | undefined, code, line);
	t.is(numericFinalCodeOf("0"), "OK");
	t.is(numericFinalCodeOf("4"), "ERROR");
	t.is(numericFinalCodeOf("1.0"), undefined);
	t.true(isUnsolicited("RING"));
	t.true(isUnsolicited("NMBR = 5551234"));
	t.false(isUnsolicited("OK"));
	t.is(delayedSeconds("DELAYED 01:02:03"), 3723);
	t.is(delayedSeconds("DELAYED 10"), 10);
});
