/**
 * The one dial-string rule of faxline (issue 8 "one dial-string rule", issue 14 "emergency numbers";
 * outgoing-job.md §9.2 "invalid dial string"; V.250 §6.3.1 dial modifiers). Every path that dials — `faxline
 * send`, the queue and daemon (jobs/attempt.ts), the library (t30/transmit.ts via Class1Session) — calls
 * `checkDialString`; the modem's last line of defence (`assertSafeDialString`, Class1Modem.dial) lives here too.
 *
 * 1. Syntax (`parseDialString`): digits, `* # +`, and the modifiers `, W P T ! @` are kept; visual
 *    separators (space - ( ) . /) are dropped; anything else (";", CR, letters, DTMF A-D) is refused with
 *    BAD_DIAL_STRING, so nothing typed can end the ATD command or start another (no AT injection).
 * 2. Numbers never dialled (`findBlocked`): emergency numbers (EMERGENCY_NUMBERS, replaceable) and a
 *    configurable block list, refused with BLACKLISTED (disposition "fail") unless explicitly allowed. The
 *    match is by *equality of a dialled unit*, never "contains", so ordinary numbers that merely hold the
 *    digits (5550911, 9115550100, +1 911 555 0100) pass. How the units are found:
 *    - the string is cut into tokens at pauses / waits / flash (`, W @ !`) and at `*` `#` (service codes,
 *      terminators); tone/pulse modifiers `T` `P` and the international `+` are dropped (`9T911` = `9911`,
 *      `+911` = `911`);
 *    - every run of consecutive tokens is a unit, their digits joined: digits separated only by pauses
 *      are still dialled as one number (`9,1,1` dials 911; `9,911` holds the units `911` and `9911`);
 *    - a unit blocks when it equals an entry, or an outside-line prefix (OUTSIDE_LINE_PREFIXES: 9, 8, 0)
 *      followed by the entry (`9911`, `0112`, `9,911`);
 *    - a token right after `*` or `#` may start with a 2-digit vertical service code (`*67`): the unit
 *      without those two digits is checked too (`*67911`, `*911`, `911#`).
 *    What this blocks that a human might not mean: a 4-digit extension equal to prefix+entry (9911, 8112),
 *    or an extension equal to an entry dialled after a pause (`5551234,911`). `allowNumbers` lifts the block:
 *    an allowed entry (e.g. "911" on a test line) unblocks every form of it; an allowed whole number (its
 *    digits, e.g. "9911") unblocks exactly that number.
 * Layer: core (pure, no I/O).
 */
import { FaxError } from "./FaxError.js";

/** Characters kept: digits, * #, + (international), and the modifiers , W P T ! @ (V.250 §6.3.1). DTMF A-D are refused. */
const ALLOWED = /^[0-9*#+,WPT!@]$/;
/** Separators people write in numbers, silently removed. */
const SEPARATORS = /[ \-().\/]/g;
/** Longest dial string accepted (V.250 leaves it to the DCE; real modems take ~40-60). */
export const MAX_DIAL_LENGTH = 60;

/**
 * Emergency numbers never dialled by default (issue 14): 911 (North America), 112 (EU/GSM), 999 (UK),
 * 000 (Australia), 110 (police: DE, JP, CN), 119 (fire/ambulance: JP, KR, CN).
 */
export const EMERGENCY_NUMBERS: readonly string[] = Object.freeze(["911", "112", "999", "000", "110", "119"]);

/** Outside-line prefixes a PBX consumes before the public number (`9911` = line 9, then 911). */
export const OUTSIDE_LINE_PREFIXES: readonly string[] = Object.freeze(["9", "8", "0"]);

/** The policy half of the rule; every field optional. */
export interface DialPolicy {
	/** Numbers never dialled besides the emergency numbers (digits; same matching forms). Default none. */
	blockList?: readonly string[];
	/** The emergency list; default EMERGENCY_NUMBERS. `[]` turns the emergency block off (not advised). */
	emergencyNumbers?: readonly string[];
	/**
	 * Numbers explicitly allowed although they match (the CLI's `--allow-number`, the daemon config's
	 * `allowNumbers`, Class1SessionOptions.allowNumbers): an entry ("911") or a whole dial string ("9911").
	 */
	allowNumbers?: readonly string[];
	/** Outside-line prefixes considered in front of a blocked entry; default OUTSIDE_LINE_PREFIXES. */
	outsideLinePrefixes?: readonly string[];
}

/** @deprecated options of sanitizeDialString: the block list only (no emergency default). */
export interface DialStringOptions {
	/** Numbers never dialled (digits only, e.g. ["911", "112"]), matched in every form `checkDialString` knows. */
	blockList?: readonly string[];
}

/**
 * The syntax half: returns the dial string the modem may receive (separators dropped, modifiers upper
 * case), or throws FaxError BAD_DIAL_STRING (invalid characters, no digits, too long).
 */
export function parseDialString(input: string): string {
	if (typeof input !== "string") throw new FaxError("BAD_DIAL_STRING", "Dial string is not a string");
	const stripped = input.replace(SEPARATORS, "").toUpperCase();
	for (const ch of stripped) {
		if (!ALLOWED.test(ch)) {
			const shown = JSON.stringify(ch);
			throw new FaxError("BAD_DIAL_STRING", `Invalid character ${shown} in dial string`, { context: { number: input } });
		}
	}
	if (!/[0-9]/.test(stripped)) throw new FaxError("BAD_DIAL_STRING", "Dial string has no digits", { context: { number: input } });
	if (stripped.length > MAX_DIAL_LENGTH) throw new FaxError("BAD_DIAL_STRING", `Dial string longer than ${MAX_DIAL_LENGTH}`, { context: { number: input } });
	return stripped;
}

/**
 * The rule every dialling path applies: syntax, then emergency numbers and the block list unless allowed.
 * Returns the dial string for the modem; throws BAD_DIAL_STRING or BLACKLISTED (disposition "fail").
 */
export function checkDialString(input: string, policy: DialPolicy = {}): string {
	const dial = parseDialString(input);
	const prefixes = policy.outsideLinePrefixes ?? OUTSIDE_LINE_PREFIXES;
	const allowed = new Set((policy.allowNumbers ?? []).map(dialDigits).filter((d) => d !== ""));
	if (allowed.has(dialDigits(dial))) return dial;
	const lists: [readonly string[], "emergency" | "blockList"][] = [
		[policy.emergencyNumbers ?? EMERGENCY_NUMBERS, "emergency"],
		[policy.blockList ?? [], "blockList"],
	];
	for (const [list, kind] of lists) {
		const hit = findBlocked(dial, list.filter((e) => !allowed.has(dialDigits(e))), prefixes);
		if (hit === undefined) continue;
		const why = kind === "emergency" ? `dials the emergency number ${hit}` : `dials ${hit}, which is on the block list`;
		throw new FaxError("BLACKLISTED", `Number ${JSON.stringify(input)} ${why}: refused (allow it explicitly with allowNumbers / --allow-number)`, {
			context: { number: input, entry: hit, list: kind },
			disposition: "fail",
		});
	}
	return dial;
}

/**
 * Syntax plus an explicit block list (no emergency default): the pre-issue-14 API, kept for callers that
 * manage their own list. New code calls `checkDialString`.
 */
export function sanitizeDialString(input: string, opts: DialStringOptions = {}): string {
	return checkDialString(input, { blockList: opts.blockList ?? [], emergencyNumbers: [] });
}

/** The digits of a dial string (0-9 * #): separators, "+" and dial modifiers dropped. */
export const dialDigits = (s: string): string => s.replace(/[^0-9*#]/g, "");

/** Tokens of a parsed dial string (see the file comment): digits, and whether a `*`/`#` code precedes it. */
function tokens(dial: string): { digits: string; afterCode: boolean }[] {
	const out: { digits: string; afterCode: boolean }[] = [];
	let cur = "";
	let afterCode = false;
	const cut = () => {
		if (cur !== "") out.push({ digits: cur, afterCode });
		cur = "";
	};
	for (const ch of dial.replace(/[TP+]/g, "")) {
		if (ch >= "0" && ch <= "9") cur += ch;
		else {
			cut();
			afterCode = ch === "*" || ch === "#";
		}
	}
	cut();
	return out;
}

/**
 * The first entry of `list` that `dial` (a parsed dial string) reaches in any form of the file comment,
 * or undefined. Pure; exported for the case-table test and for callers that only want to know.
 */
export function findBlocked(dial: string, list: readonly string[], prefixes: readonly string[] = OUTSIDE_LINE_PREFIXES): string | undefined {
	const entries = list.map((e) => ({ entry: e, digits: dialDigits(e).replace(/[*#]/g, "") })).filter((e) => e.digits !== "");
	if (entries.length === 0) return undefined;
	const toks = tokens(dial);
	const units = new Set<string>();
	for (let i = 0; i < toks.length; i++) {
		let run = "";
		for (let j = i; j < toks.length; j++) {
			run += toks[j]!.digits;
			units.add(run);
			if (j === i && toks[i]!.afterCode && run.length > 2) units.add(run.slice(2)); // *67 911
		}
	}
	for (const u of units) {
		for (const e of entries) {
			if (u === e.digits || prefixes.some((p) => u === p + e.digits)) return e.entry;
		}
	}
	return undefined;
}

/** Digits, DTMF A-D, * # +, modifiers , W P T ! @ (either case), and spaces. */
const SAFE = /^[0-9A-Da-d*#+,WwPpTt!@ ]+$/;

/**
 * Last line of defence against AT injection (issue 3), used by the modem right before ATD: refuses, never
 * repairs, anything outside V.250 §6.3.1 dial characters. Returns the dial string unchanged or throws
 * FaxError BAD_DIAL_STRING (disposition "fail").
 */
export function assertSafeDialString(number: string): string {
	if (typeof number !== "string" || number.length === 0 || number.length > 80 || !SAFE.test(number) || !/[0-9]/.test(number)) {
		throw new FaxError("BAD_DIAL_STRING", "Refusing to dial: characters outside digits and dial modifiers", {
			context: { number: typeof number === "string" ? JSON.stringify(number) : typeof number },
			disposition: "fail",
		});
	}
	return number;
}
