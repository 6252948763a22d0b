/**
 * Dial-string sanitising (outgoing-job.md §9.2 "invalid dial string", issue 3 "no AT injection possible").
 * Keeps digits and the V.250 §6.3.1 dial modifiers, drops visual separators, rejects everything else, so
 * nothing a user types can end the ATD command or start another. Optional block list (e.g. 911/112).
 * Layer: t30 (pure).
 */
import { FaxError } from "./FaxError.js";

/** Characters kept: digits, * #, + (international), and the modifiers , W P T ! @ (V.250 §6.3.1). DTMF A-D are refused. */
const ALLOWED = /^[0-9*#+,WPT!@]$/;
/** Separators people write in numbers, silently removed. */
const SEPARATORS = /[ \-().\/]/g;
/** Longest dial string accepted (V.250 leaves it to the DCE; real modems take ~40-60). */
export const MAX_DIAL_LENGTH = 60;

export interface DialStringOptions {
	/** Numbers never dialled (digits only, e.g. ["911", "112"]); a match anywhere after a pause also counts. */
	blockList?: readonly string[];
}

/**
 * Returns the dial string the modem may receive, or throws FaxError BAD_DIAL_STRING (invalid characters,
 * no digits, too long) or BLACKLISTED (disposition "fail").
 */
export function sanitizeDialString(input: string, opts: DialStringOptions = {}): string {
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
	const blocked = opts.blockList?.find((b) => isBlocked(stripped, b));
	if (blocked !== undefined) throw new FaxError("BLACKLISTED", `Number ${blocked} is on the block list`, { context: { number: input }, disposition: "fail" });
	return stripped;
}

/** The digits of a dial string (0-9 * #): separators, "+" and dial modifiers dropped. */
export const dialDigits = (s: string): string => s.replace(/[^0-9*#]/g, "");

/** Whole number, or any part after a pause/wait modifier (an outside-line prefix "9,911"), equals `entry`. */
function isBlocked(dial: string, entry: string): boolean {
	const want = dialDigits(entry);
	if (want === "") return false;
	if (dialDigits(dial) === want) return true;
	return dial.split(/[,W@!]/).some((part) => dialDigits(part) === want);
}
