/**
 * Shared set-up for the Class1Modem unit tests that drive the scripted DCE on a ManualClock (abort,
 * data loss): the modem on an AtChannel with the generic Class 1 profile and V.17 rates, a promise
 * watcher and the error-code reader. Not a test file itself.
 */
import { genericClass1 } from "../../../drivers/index.js";
import { AtChannel } from "../../../src/at/AtChannel.js";
import { ManualClock } from "../../../src/core/Clock.js";
import { FaxError } from "../../../src/core/FaxError.js";
import { Class1Modem } from "../../../src/modem/Class1Modem.js";
import { ScriptedDce } from "../at/scriptedDce.js";

/** Class1Modem (generic profile, rates 24..96 plus V.17 145/146) over an AtChannel on a ScriptedDce. */
export function modemRig() {
	const clock = new ManualClock();
	const dce = new ScriptedDce();
	const ch = new AtChannel(dce, { clock });
	const modem = new Class1Modem(ch, { profile: genericClass1, clock, transmitRates: [24, 48, 72, 96, 145, 146] });
	return { clock, dce, ch, modem };
}

/** Watch a promise: `state()` is "pending" or the rejection (or "resolved"). */
export function watch(p: Promise<unknown>): () => unknown {
	let s: unknown = "pending";
	p.then(
		() => (s = "resolved"),
		(e: unknown) => (s = e),
	);
	return () => s;
}

/** The FaxError code of `e`, or `e` as a string. */
export const code = (e: unknown): string => (e instanceof FaxError ? e.code : String(e));
