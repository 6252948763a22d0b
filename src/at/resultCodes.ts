/**
 * AT result codes (V.250 §5.7, T.31 §8, HylaFAX dialResponse): which lines end a command ("final"),
 * which arrive unasked ("unsolicited"), and the numeric forms of ATV0. Layer: at (pure).
 */

/** Final result codes, normalised. DELAYED carries a time, CONNECT may carry a rate ("CONNECT 9600"). */
export type FinalCode =
	| "OK"
	| "CONNECT"
	| "NO CARRIER"
	| "ERROR"
	| "BUSY"
	| "NO DIALTONE"
	| "NO ANSWER"
	| "+FCERROR"
	| "BLACKLISTED"
	| "DELAYED"
	| "DIALING DISABLED";

/** Classify a verbose (ATV1) response line; undefined when it is not a final result code. */
export function finalCodeOf(line: string): FinalCode | undefined {
	const s = line.trim().toUpperCase();
	switch (s) {
		case "OK":
		case "CONNECT":
		case "NO CARRIER":
		case "ERROR":
		case "BUSY":
		case "NO ANSWER":
		case "+FCERROR":
		case "BLACKLISTED":
		case "DIALING DISABLED":
			return s;
		case "NO DIALTONE":
		case "NO DIAL TONE": // some firmware spells it with a space (Hayes manuals)
			return "NO DIALTONE";
		case "+F4": // Class 1 +FCERROR as some older Rockwell firmware prints it (T.31 Table 9 short form)
			return "+FCERROR";
	}
	if (/^CONNECT\s+\S/.test(s)) return "CONNECT";
	if (/^DELAYED\b/.test(s)) return "DELAYED";
	if (/^BLACKLISTED\b/.test(s)) return "BLACKLISTED";
	return undefined;
}

/** V.250 Table 1 numeric result codes (ATV0), used only while we cannot yet rely on ATV1. */
const NUMERIC: Record<string, FinalCode> = {
	"0": "OK",
	"1": "CONNECT",
	"3": "NO CARRIER",
	"4": "ERROR",
	"6": "NO DIALTONE",
	"7": "BUSY",
	"8": "NO ANSWER",
};

/** Numeric form of a final code (ATV0), for commands sent before ATV1 took effect. */
export const numericFinalCodeOf = (line: string): FinalCode | undefined => NUMERIC[line.trim()];

/**
 * Lines a DCE sends without being asked: ring indications, caller id, class 2 connection reports,
 * data-mode reports. They are emitted as events and never end a command.
 */
export function isUnsolicited(line: string): boolean {
	const s = line.trim().toUpperCase();
	return (
		/^RING\b/.test(s) ||
		s === "2" || // numeric RING
		/^(DATE|TIME|NMBR|NAME|MESG|DDN_NMBR)\s*=/.test(s) ||
		/^CALLER\s+(NAME|NUMBER)\s*[:=]/.test(s) ||
		/^\+F(CON|CREC|DTMF)\b/.test(s) ||
		/^\+V[CR]ID\b/.test(s)
	);
}

/** Seconds in a "DELAYED hh:mm:ss" / "DELAYED mm:ss" / "DELAYED n" line (blacklisting, HylaFAX dialResponse). */
export function delayedSeconds(line: string): number {
	const m = /DELAYED\s*(\d+)(?::(\d+))?(?::(\d+))?/i.exec(line);
	if (!m) return 0;
	const parts = [m[1], m[2], m[3]].filter((x): x is string => x !== undefined).map(Number);
	return parts.reduce((acc, p) => acc * 60 + p, 0);
}
