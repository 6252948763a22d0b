/**
 * drivers/ in three sections (issue 8 "Profiles for both classes"): a spec's common, class1 and class2
 * parts are each deep-merged over their generic base (generic-class1 for common + class1, generic-class2
 * for class2); the generic-class2 profile prefers Class 2.0; bad Class 2 knobs are refused.
 */
import test from "ava";
import { defineProfile, genericClass1, genericClass2, profileByName, selectProfile } from "../../../drivers/index.js";
import genericClass2Base from "../../../drivers/generic-class2.js";

test("each section merges over its own base: overriding one knob keeps every other default", (t) => {
	const p = defineProfile({ name: "x-test", description: "test", class2: { receiveBitOrder: "msb" }, class1: { hasDleBug: true }, dialPrefix: "ATDP" });
	t.deepEqual(p.class2, { ...genericClass2Base.class2, receiveBitOrder: "msb" });
	t.deepEqual(p.class1, { ...genericClass1.class1, hasDleBug: true });
	t.is(p.dialPrefix, "ATDP");
	t.is(p.resetCmd, genericClass1.resetCmd);
	t.deepEqual(p.classPreference, ["1"]);
});

test("generic-class1 carries the Class 2 base too; generic-class2 differs only in its name and class preference", (t) => {
	t.deepEqual(genericClass1.class2, genericClass2Base.class2);
	t.deepEqual(genericClass2.classPreference, ["2.0", "2", "1", "1.0"]);
	t.deepEqual({ ...genericClass2, name: "", description: "", classPreference: [] }, { ...genericClass1, name: "", description: "", classPreference: [] });
	t.is(profileByName("generic-class2"), genericClass2);
	t.is(selectProfile({ ati: "anything" }).name, "generic-class1"); // never chosen by identity
	t.is(selectProfile({}, "generic-class2"), genericClass2);
});

test("Class 2 knobs are checked: bit-order and abort commands, page-done timeout", (t) => {
	t.throws(() => defineProfile({ name: "x-bad", description: "", class2: { bitOrderCmd: "AT+FCLASS=0" } }), { instanceOf: TypeError, message: /class2\.bitOrderCmd/ });
	t.throws(() => defineProfile({ name: "x-bad", description: "", class2: { abortCmd: "ATH" } }), { instanceOf: TypeError, message: /class2\.abortCmd/ });
	t.throws(() => defineProfile({ name: "x-bad", description: "", class2: { pageDoneTimeoutMs: 0 } }), { instanceOf: TypeError, message: /pageDoneTimeoutMs/ });
	t.notThrows(() => defineProfile({ name: "x-ok", description: "", class2: { bitOrderCmd: "AT+FBOR=0", abortCmd: "AT+FK" } }));
});
