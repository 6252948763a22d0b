/**
 * drivers/: every profile validates; identity strings from HylaFAX's config/ CONFIG lines select the
 * right profile; deep merge keeps generic defaults; bad specs are refused.
 */
import test from "ava";
import { defineProfile, deepMerge, genericClass1, profiles, selectProfile } from "../../../drivers/index.js";
import { validateProfile } from "../../../drivers/_schema.js";
import { FaxError } from "../../../src/core/FaxError.js";

test("every profile is valid, uniquely named, and keeps generic defaults it does not override", (t) => {
	const names = new Set<string>();
	for (const p of profiles) {
		t.notThrows(() => validateProfile(p), p.name);
		t.false(names.has(p.name));
		names.add(p.name);
		t.is(p.class1.frameOverhead, 4, p.name);
		t.is(p.class1.recvAbortOkMs, 200, p.name);
	}
	t.is(profiles.at(-1), genericClass1);
});

test("identity replies select the profile HylaFAX's config/ would", (t) => {
	const table: [Record<string, string>, string][] = [
		[{ ati: "56000" }, "conexant"],
		[{ fmi: "CONEXANT", fmm: "CX93001-EIS_V0.2002-V92" }, "conexant"],
		[{ ati: "MT5656ZDX" }, "conexant"],
		[{ ati: "LT V.92 Data+Fax Modem Version 8.30" }, "lucent-agere"],
		[{ ati: "LT V.92 1.0 MT5634ZBA Voice Modem" }, "multitech"],
		[{ fmi: "Agere Systems" }, "lucent-agere"],
		[{ ati: "5601" }, "usrobotics"],
		[{ ati: "3366\nsecond line" }, "usrobotics"],
		[{ ati: "spandsp", fmm: "spandsp" }, "iaxmodem"],
		[{ ati: "Some Modem 1.0" }, "generic-class1"],
		[{}, "generic-class1"],
	];
	for (const [id, name] of table) t.is(selectProfile(id).name, name, JSON.stringify(id));
});

test("a named profile wins; an unknown name is CONFIG_INVALID", (t) => {
	t.is(selectProfile({ ati: "56000" }, "usrobotics").name, "usrobotics");
	const e = t.throws(() => selectProfile({}, "nope"));
	t.true(e instanceof FaxError && e.code === "CONFIG_INVALID");
});

test("defineProfile deep-merges over generic-class1 and validates", (t) => {
	const p = defineProfile({ name: "x", description: "x", class1: { tmConnectDelayMs: 400 } });
	t.is(p.class1.tmConnectDelayMs, 400);
	t.is(p.class1.switchingCmd, "AT+FRS=7");
	t.is(p.resetCmd, "ATZ");
	t.throws(() => defineProfile({ name: "Bad Name", description: "x" }), { instanceOf: TypeError });
	t.throws(() => defineProfile({ name: "x", description: "x", class1: { frameOverhead: 9 } }), { instanceOf: TypeError });
	t.throws(() => defineProfile({ name: "x", description: "x", class1: { tcfWaitCmd: "rm -rf" } }), { instanceOf: TypeError });
	t.throws(() => defineProfile({ name: "x", description: "x", class1: { tmQueryCmd: "ATZ" } }), { instanceOf: TypeError });
	t.deepEqual(deepMerge({ a: { b: 1, c: [1, 2] } }, { a: { c: [3] } }), { a: { b: 1, c: [3] } });
});

test("quirk flags carry the values their HylaFAX config files give", (t) => {
	const by = (n: string) => profiles.find((p) => p.name === n)!;
	t.is(by("lucent-agere").class1.tmConnectDelayMs, 400);
	t.true(by("lucent-agere").class1.hasRhConnectBug);
	t.is(by("iaxmodem").class1.tmConnectDelayMs, 400);
	t.is(by("iaxmodem").class1.adaptRecvCmd, "AT+FAR=1");
	t.is(by("conexant").flowControlCmds.rtscts, "AT&K3");
	t.is(by("usrobotics").class1.switchingCmd, "<delay:7>");
	t.is(by("usrobotics").class1.responseWaitCmd, "AT+FRS=1");
	t.true(by("multitech").class1.hasRhConnectBug);
	t.false(genericClass1.class1.hasRhConnectBug);
});
