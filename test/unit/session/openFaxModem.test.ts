/**
 * src/session: the class-neutral opener picks the fax class from AT+FCLASS=?, the profile's preference
 * and a forced class; per-class factories plug in by table (a Class-2-only modem opens as a Class2Modem,
 * 2.0 before 2 (issue 11); a class without a factory, 2.1, is refused with a typed MODEM_CLASS_UNSUPPORTED;
 * a factory given in the table is used).
 */
import test from "ava";
import { ManualClock } from "../../../src/core/Clock.js";
import { FaxError, isFaxError } from "../../../src/core/FaxError.js";
import type { FaxClass } from "../../../src/modem/faxClass.js";
import type { FaxModem } from "../../../src/modem/FaxModem.js";
import { pickClass, SESSION_FACTORIES, type SessionFactory, type SessionFactoryInput } from "../../../src/session/classes.js";
import { openFaxModem } from "../../../src/session/openFaxModem.js";
import { Class1Session } from "../../../src/t30/Class1Session.js";
import { Class2Modem } from "../../../src/modem/Class2Modem.js";
import { ScriptedDce } from "../at/scriptedDce.js";

/** A modem answering the probe, offering `classes` and accepting any +FCLASS=n. */
function modem(classes: string): ScriptedDce {
	const dce = new ScriptedDce();
	dce.always("ATI", "\r\nTEST MODEM\r\n\r\nOK\r\n");
	dce.always(/^AT\+FM[IMR]\?$/, "\r\nERROR\r\n");
	dce.always("AT+FCLASS=?", `\r\n${classes}\r\n\r\nOK\r\n`);
	dce.always(/^AT\+FCLASS=[\d.]+$/, "\r\nOK\r\n");
	dce.always(/^AT\+F[TR]M=\?$/, "\r\n24,48,72,96\r\n\r\nOK\r\n");
	return dce;
}

const open = (dce: ScriptedDce, o: Parameters<typeof openFaxModem>[1] = {}) => openFaxModem("/dev/ttyFAKE0", { transport: dce, clock: new ManualClock(), ...o });

test("a Class 1 modem opens as a Class1Session: class entered, rates read, id = the path", async (t) => {
	const dce = modem("0,1,1.0");
	const m = await open(dce);
	t.true(m instanceof Class1Session);
	t.is(m.id, "/dev/ttyFAKE0");
	t.deepEqual(dce.commands.slice(dce.commands.indexOf("AT+FCLASS=?")), ["AT+FCLASS=?", "AT+FCLASS=1", "AT+FTM=?", "AT+FRM=?"]);
	await m.close();
});

test("a Class-2-only modem opens as a Class2Modem in Class 2.0 (T.32 before the pre-standard 2); a 2.1-only modem is refused", async (t) => {
	const dce = modem("0,2,2.0");
	dce.always("AT+FNR=1,1,1,0", "\r\nOK\r\n");
	const m = await open(dce);
	t.true(m instanceof Class2Modem);
	t.is((m as Class2Modem).dialect.name, "2.0");
	t.deepEqual(dce.commands.slice(dce.commands.indexOf("AT+FCLASS=?")), ["AT+FCLASS=?", "AT+FCLASS=2.0", "AT+FNR=1,1,1,0"]);
	await m.close();
	const only21 = modem("0,2.1");
	const e = await open(only21).catch((x: unknown) => x);
	t.true(isFaxError(e, "MODEM_CLASS_UNSUPPORTED"), String(e));
	t.regex((e as FaxError).message, /offers Class 2\.1 only/);
	t.is((e as FaxError).disposition, "fail");
	t.false(only21.commands.some((c) => /^AT\+FCLASS=\d/.test(c)));
	t.false(only21.isOpen);
});

test("no fax class at all: MODEM_NOT_FAX_CLASS1", async (t) => {
	const dce = modem("0,8");
	t.true(isFaxError(await open(dce).catch((x: unknown) => x), "MODEM_NOT_FAX_CLASS1"));
	t.false(dce.isOpen);
});

test("a forced class is used when offered (1.0), refused when not offered or without a driver", async (t) => {
	const dce = modem("0,1,1.0,2");
	const m = await open(dce, { faxClass: "1.0" });
	t.true(dce.commands.includes("AT+FCLASS=1.0"));
	t.false(dce.commands.includes("AT+FCLASS=1"));
	await m.close();
	const notOffered = await open(modem("0,1"), { faxClass: "2.0" }).catch((x: unknown) => x);
	t.true(isFaxError(notOffered, "MODEM_CLASS_UNSUPPORTED"));
	t.regex((notOffered as FaxError).message, /Class 2\.0 was asked for, but the modem offers Class 1/);
	const class2 = await open(modem("0,1,2"), { faxClass: "2" });
	t.true(class2 instanceof Class2Modem);
	await class2.close();
	const noDriver = await open(modem("0,1,2.1"), { faxClass: "2.1" }).catch((x: unknown) => x);
	t.regex((noDriver as FaxError).message, /Class 2\.1 support is not available yet/);
});

test("Class 2 plugs in by a factory in the table: the opener hands it the identified channel", async (t) => {
	const seen: SessionFactoryInput[] = [];
	const fake: FaxModem = { id: "class2", send: () => Promise.reject(new Error("unused")), receive: () => Promise.reject(new Error("unused")), close: async () => undefined };
	const class2: SessionFactory = async (input) => {
		seen.push(input);
		await input.channel.command("AT+FCLASS=2.0", { timeoutMs: 1000 });
		return fake;
	};
	const dce = modem("0,2,2.0");
	const m = await open(dce, { sessionFactories: { ...SESSION_FACTORIES, "2.0": class2 } });
	t.is(m, fake);
	t.is(seen.length, 1);
	t.is(seen[0]!.faxClass, "2.0");
	t.deepEqual(seen[0]!.found.classes, ["0", "2", "2.0"]);
	t.is(seen[0]!.path, "/dev/ttyFAKE0");
	t.true(dce.commands.includes("AT+FCLASS=2.0"));
});

test("pickClass case table: preference first, then the known order; only classes with a factory", (t) => {
	const f: SessionFactory = async () => {
		throw new Error("unused");
	};
	const c1 = { "1": f, "1.0": f };
	const c12 = { "1": f, "1.0": f, "2.0": f };
	const cases: [offered: string[], pref: FaxClass[], table: typeof c12 | typeof c1, forced: FaxClass | undefined, want: FaxClass][] = [
		[["0", "1", "1.0"], ["1"], c1, undefined, "1"],
		[["0", "1", "1.0"], ["1.0", "1"], c1, undefined, "1.0"],
		[["0", "1.0"], ["1"], c1, undefined, "1.0"], // preferred not offered: next known class with a factory
		[["0", "1", "2.0"], ["2.0", "1"], c12, undefined, "2.0"],
		[["0", "1", "2.0"], ["2.0", "1"], c1, undefined, "1"], // Class 2.0 preferred, but no factory yet
		[["0", "1", "2.0"], ["1"], c12, "2.0", "2.0"],
	];
	for (const [offered, pref, table, forced, want] of cases) t.is(pickClass(offered, pref, table, forced).faxClass, want, JSON.stringify([offered, pref, forced]));
});

// issue 10 changed this on purpose: Class1Session.receive used to be NOT_IMPLEMENTED; it now waits for a
// call (RINGs) and a cancel before any call ends the wait with the signal's reason, leaving the modem free.
test("Class1Session.receive waits for a call; cancelled before a RING it ends with the reason and frees the modem", async (t) => {
	const m = await open(modem("0,1"));
	const ac = new AbortController();
	const p = m.receive({ sink: { beginPage: () => Promise.reject(new Error("unused")) }, signal: ac.signal });
	ac.abort(new FaxError("CALL_ABORTED", "stop waiting"));
	const e = await p.catch((x: unknown) => x);
	t.true(isFaxError(e, "CALL_ABORTED"), String(e));
	const again = await m.receive({ sink: { beginPage: () => Promise.reject(new Error("unused")) }, signal: AbortSignal.abort(new FaxError("CALL_ABORTED", "x")) }).catch((x: unknown) => x);
	t.true(isFaxError(again, "CALL_ABORTED"), "not AT_BUSY_CHANNEL: the first wait released the modem");
	await m.close();
});
