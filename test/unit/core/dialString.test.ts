/** The dial-string rule (src/core/dialString.ts): allowed modifiers, separators, injection attempts, block list, emergency numbers. */
import test from "ava";
import { fc, testProp } from "@fast-check/ava";
import { isFaxError } from "../../../src/core/FaxError.js";
import { checkDialString, EMERGENCY_NUMBERS, findBlocked, MAX_DIAL_LENGTH, parseDialString, sanitizeDialString } from "../../../src/core/dialString.js";

test("keeps digits and modifiers, strips separators", (t) => {
	t.is(sanitizeDialString("+1 (555) 010-0199"), "+15550100199");
	t.is(sanitizeDialString("9,,555.0100"), "9,,5550100");
	t.is(sanitizeDialString("9w5550100#"), "9W5550100#");
	t.is(sanitizeDialString("*70,555 0100"), "*70,5550100");
	t.is(sanitizeDialString("P0049/30/1234!"), "P0049301234!");
	t.is(sanitizeDialString("t5550100@"), "T5550100@");
});

test("rejects anything that could reach the AT parser as a command", (t) => {
	for (const bad of ["5551234;ATZ", "555\r1234", "555\n", "555\t1", "5551234&F", "555=1", "555?", "ATD5551234", "555;", "5\u00001", "5551234 ; ATH", "５５５", "555ABC", "", "  ", "---", "W,,"]) {
		const e = t.throws(() => sanitizeDialString(bad), undefined, JSON.stringify(bad));
		t.true(isFaxError(e, "BAD_DIAL_STRING"), JSON.stringify(bad));
	}
	t.true(isFaxError(t.throws(() => sanitizeDialString("1".repeat(MAX_DIAL_LENGTH + 1))), "BAD_DIAL_STRING"));
	t.true(isFaxError(t.throws(() => sanitizeDialString(42 as unknown as string)), "BAD_DIAL_STRING"));
});

test("block list matches the whole number or a part after a pause", (t) => {
	const blockList = ["911", "112"];
	for (const n of ["911", "9-1-1", "9,911", "9W911", "112"]) {
		const e = t.throws(() => sanitizeDialString(n, { blockList }), undefined, n);
		t.true(isFaxError(e, "BLACKLISTED"), n);
		t.is((e as unknown as { disposition: string }).disposition, "fail");
	}
	for (const n of ["9115550100", "5550911", "+1 911 555 0100"]) t.notThrows(() => sanitizeDialString(n, { blockList }), n);
});

testProp("output only ever holds dial characters", [fc.string({ maxLength: 80 })], (t, s) => {
	try {
		t.regex(sanitizeDialString(s), /^[0-9*#+,WPT!@]+$/);
	} catch (e) {
		t.true(isFaxError(e, "BAD_DIAL_STRING"));
	}
});

// ---- issue 14: one rule for every path, emergency numbers blocked by default in every dialled form ----

/** [dial string as typed, emergency entry it reaches] — each must be BLACKLISTED with no option given. */
const BLOCKED: [string, string][] = [
	["911", "911"],
	["112", "112"],
	["999", "999"],
	["000", "000"],
	["110", "110"],
	["119", "119"],
	["911#", "911"], // terminator
	["9911", "911"], // outside-line prefix 9, no pause
	["8112", "112"], // outside-line prefix 8
	["0000", "000"], // outside-line prefix 0
	["9T911", "911"], // tone modifier between prefix and number
	["P911", "911"], // pulse modifier
	["*911", "911"], // star code
	["*67911", "911"], // vertical service code *67 (caller-id block) then the number
	["*67,911", "911"],
	["#31#112", "112"],
	["9,911", "911"], // outside line, pause, number
	["9W911", "911"], // outside line, wait for dial tone, number
	["9,,911#", "911"],
	["+911", "911"], // international prefix sign
	["+112", "112"],
	["9,1,1", "911"], // digits separated only by pauses are still dialled as one number
	["9-1-1", "911"], // separators
	["(911)", "911"],
	["911,5551234", "911"], // a pause after 911: 911 was dialled as a whole
	["5551234,911", "911"], // conservative: an extension equal to an emergency number after a pause
];

/** Ordinary numbers that merely contain those digits: never blocked. */
const ALLOWED: string[] = [
	"5550911",
	"9115550100",
	"+1 911 555 0100",
	"0112345678", // 0 prefix + 112345678 (not 112)
	"+44 20 7946 0999",
	"9,5550911",
	"9W1 800 555 0112",
	"*70,5550100",
	"1911", // 1 is not an outside-line prefix by default
	"99112",
	"0049 911 123456", // Nuremberg, Germany (area code 911)
	"9,0049911123456",
];

test("emergency numbers are blocked by default in every dialled form (case table)", (t) => {
	for (const [dial, entry] of BLOCKED) {
		const e = t.throws(() => checkDialString(dial), undefined, dial);
		t.true(isFaxError(e, "BLACKLISTED"), dial);
		t.is((e as unknown as { disposition: string }).disposition, "fail", dial);
		t.is((e as unknown as { context: { entry: string } }).context.entry, entry, dial);
	}
});

test("ordinary numbers that contain emergency digits are not blocked (case table)", (t) => {
	for (const dial of ALLOWED) t.is(checkDialString(dial), parseDialString(dial), dial);
});

test("allowNumbers lifts the block: an entry unblocks every form, a whole number only itself", (t) => {
	t.is(checkDialString("9,911", { allowNumbers: ["911"] }), "9,911");
	t.is(checkDialString("*911", { allowNumbers: ["911"] }), "*911");
	t.is(checkDialString("9911", { allowNumbers: ["9911"] }), "9911");
	t.true(isFaxError(t.throws(() => checkDialString("911", { allowNumbers: ["9911"] })), "BLACKLISTED"));
	t.true(isFaxError(t.throws(() => checkDialString("112", { allowNumbers: ["911"] })), "BLACKLISTED"));
});

test("configurable lists: extra block list entries get the same forms; the emergency list can be replaced; prefixes too", (t) => {
	for (const dial of ["19005550100", "9,19005550100", "*6719005550100"]) {
		const e = t.throws(() => checkDialString(dial, { blockList: ["1 900 555 0100"] }), undefined, dial);
		t.true(isFaxError(e, "BLACKLISTED"), dial);
		t.is((e as unknown as { context: { list: string } }).context.list, "blockList", dial);
	}
	t.true(isFaxError(t.throws(() => checkDialString("911", { emergencyNumbers: ["911"] })), "BLACKLISTED"));
	t.is(checkDialString("112", { emergencyNumbers: ["911"] }), "112");
	t.is(checkDialString("7911"), "7911");
	t.true(isFaxError(t.throws(() => checkDialString("7911", { outsideLinePrefixes: ["7"] })), "BLACKLISTED"));
	t.deepEqual([...EMERGENCY_NUMBERS].sort(), ["000", "110", "112", "119", "911", "999"]);
	t.is(findBlocked("9,911", []), undefined);
});

test("the rule still refuses AT injection first (syntax before policy)", (t) => {
	for (const bad of ["911;ATZ", "9,911\rATH", "*911&F"]) t.true(isFaxError(t.throws(() => checkDialString(bad)), "BAD_DIAL_STRING"), bad);
});
