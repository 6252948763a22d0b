/** Dial-string sanitiser: allowed modifiers, separators, injection attempts, block list. */
import test from "ava";
import { fc, testProp } from "@fast-check/ava";
import { isFaxError } from "../../../src/core/FaxError.js";
import { MAX_DIAL_LENGTH, sanitizeDialString } from "../../../src/core/dialString.js";

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
