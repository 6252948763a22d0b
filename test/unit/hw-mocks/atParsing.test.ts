/**
 * AT command-line parsing (V.250 §5.2-5.4) and dial strings (§6.3.1) as the simulator reads them,
 * plus fault-set bookkeeping and CLI fault specs.
 */
import test from "ava";
import { parseCommandLine } from "../../../hw-mocks/atCommands.js";
import { FaultSet, parseFaultSpec } from "../../../hw-mocks/faults.js";
import { parseDialString } from "../../../hw-mocks/ModemSimulator.js";

const brief = (s: string) => parseCommandLine(s).map((c) => `${c.name}|${c.op}|${c.arg}`);

test("command lines: basic, extended, S-registers, dial consumes the rest", (t) => {
	t.deepEqual(brief("E0V1Q0"), ["E|exec|0", "V|exec|1", "Q|exec|0"]);
	t.deepEqual(brief("+FCLASS=1;+FTM=?"), ["+FCLASS|set|1", "+FTM|test|"]);
	t.deepEqual(brief("+FCLASS?"), ["+FCLASS|query|"]);
	t.deepEqual(brief("&FE0&K3"), ["&F|exec|", "E|exec|0", "&K|exec|3"]);
	t.deepEqual(brief("S7=60S0?"), ["S7|set|60", "S0|query|"]);
	t.deepEqual(brief("I3"), ["I|exec|3"]);
	t.deepEqual(brief("X4DT555,1234;"), ["X|exec|4", "D|exec|T555,1234;"]);
	t.deepEqual(brief("+fth=3"), ["+FTH|set|3"], "case-insensitive names");
	t.deepEqual(brief(""), []);
	t.throws(() => parseCommandLine("E0$"));
});

test("dial strings: digits, method, modifiers, ignored characters", (t) => {
	t.deepEqual(parseDialString("T 555-0100"), { raw: "T 555-0100", digits: "5550100", method: "T", modifiers: ["T"], ignored: "" });
	const d = parseDialString("P9W,,+1(555)0100@");
	t.is(d.digits, "915550100");
	t.is(d.method, "P");
	t.deepEqual(d.modifiers, ["P", "W", ",", ",", "@"]);
	t.is(d.ignored, "+");
	t.is(parseDialString("*70#123").digits, "*70#123");
	t.is(parseDialString("5551234;").modifiers.at(-1), ";");
});

test("fault sets: times, call filters, limitless kinds", (t) => {
	const f = new FaultSet([
		{ kind: "postPage", page: 2, response: "RTN", times: 2 },
		{ kind: "busy", call: 1 },
		{ kind: "fttAbove", bitRate: 9600 },
	]);
	t.truthy(f.take("postPage", 1, (x) => x.page === 2));
	t.truthy(f.take("postPage", 1, (x) => x.page === 2));
	t.falsy(f.take("postPage", 1, (x) => x.page === 2), "used up after 2");
	t.truthy(f.take("busy", 1));
	t.truthy(f.take("busy", 1), "busy has no default limit");
	t.falsy(f.take("busy", 2), "only call 1");
	t.truthy(f.has("fttAbove", 5));
	t.falsy(f.take("noReply", 1));
});

test("CLI fault specs", (t) => {
	t.deepEqual(parseFaultSpec("busy"), { kind: "busy" });
	t.deepEqual(parseFaultSpec("fttAbove:bitRate=9600"), { kind: "fttAbove", bitRate: 9600 });
	t.deepEqual(parseFaultSpec("postPage:page=2,response=RTN,times=1"), { kind: "postPage", page: 2, response: "RTN", times: 1 });
	t.throws(() => parseFaultSpec("explode"), { message: /unknown fault/ });
	t.throws(() => parseFaultSpec("noReply:to"), { message: /key=value/ });
});

test("transcript formatting: text lines, binary blocks as size and hex", async (t) => {
	const { formatTranscript } = await import("../../../hw-mocks/transcript.js");
	const s = formatTranscript([
		{ t: 1, dir: "host", data: Buffer.from("AT+FTH=3\r") },
		{ t: 2.25, dir: "modem", data: Buffer.from("\r\nCONNECT\r\n") },
		{ t: 3, dir: "host", data: Buffer.from([0xff, 0x13, 0x83, 0x10, 0x10, 0x10, 0x03]) },
	]);
	t.is(s, ["      1.0 host  AT+FTH=3", "      2.3 modem CONNECT", "      3.0 host  [7 B] ff 13 83 10 10 10 03"].join("\n"));
	t.is(formatTranscript([{ t: 0, dir: "host", data: Buffer.from("AT\rATZ\r") }], { last: 1 }), "      0.0 host  ATZ");
	const echoed = formatTranscript([
		{ t: 1, dir: "modem", data: Buffer.from("A") },
		{ t: 1.1, dir: "modem", data: Buffer.from("T") },
		{ t: 1.2, dir: "modem", data: Buffer.from("Z\r") },
		{ t: 1.5, dir: "modem", data: Buffer.from("\r\nOK\r\n") },
	]);
	t.is(echoed, "      1.0 modem ATZ\n      1.5 modem OK", "echo byte by byte joins into one line");
});
