/**
 * Last line of defence against AT injection through a dial string (issue 3: "no AT injection
 * possible"). The caller (t30/dialString.ts) already sanitises; this refuses, never repairs, anything
 * outside V.250 §6.3.1 dial characters. Layer: modem (pure).
 */
import { FaxError } from "../core/FaxError.js";

/** Digits, DTMF A-D, * # +, modifiers , W P T ! @ (either case), and spaces. */
const SAFE = /^[0-9A-Da-d*#+,WwPpTt!@ ]+$/;

/** Returns the dial string unchanged or throws FaxError BAD_DIAL_STRING (disposition "fail"). */
export function assertSafeDialString(number: string): string {
	if (typeof number !== "string" || number.length === 0 || number.length > 80 || !SAFE.test(number) || !/[0-9]/.test(number)) {
		throw new FaxError("BAD_DIAL_STRING", "Refusing to dial: characters outside digits and dial modifiers", {
			context: { number: typeof number === "string" ? JSON.stringify(number) : typeof number },
			disposition: "fail",
		});
	}
	return number;
}
