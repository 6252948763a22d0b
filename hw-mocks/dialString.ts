/**
 * Dial strings as a V.250 DCE reads them after ATD (V.250 §6.3.1): digits 0-9 * # A-D, the modifiers
 * T P , W @ ! ; and the characters a modem skips (spaces, dashes, parentheses); anything else is kept
 * as "ignored" so tests can see what a driver let through. Layer: hw-mocks (pure).
 */
import type { DialRecord } from "./records.js";

export function parseDialString(raw: string): DialRecord {
	let digits = "";
	let method: DialRecord["method"] = "";
	const modifiers: string[] = [];
	let ignored = "";
	for (const ch of raw) {
		const c = ch.toUpperCase();
		if (/[0-9*#ABCD]/.test(c)) digits += c;
		else if (c === "T" || c === "P") {
			if (!digits && !method) method = c;
			modifiers.push(c);
		} else if (",W@!;".includes(c)) modifiers.push(c);
		else if (c !== " " && c !== "-" && c !== "(" && c !== ")") ignored += ch;
	}
	return { raw, digits, method, modifiers, ignored };
}
