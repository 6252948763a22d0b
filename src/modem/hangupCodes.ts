/**
 * Class 2 / 2.0 hang-up status (+FHNG / +FHS) to FaxError, one table for both dialects so the job layer
 * never sees a Class 2 code. Rows follow ITU-T T.32 Table 23 (2.0, two hex digits) with the SP-2388
 * value beside it (Class 2, decimal: the same phase numbering written in decimal, receive phase D at
 * 100-103, bad ECM frame at 94; values SP-2388 lacks are absent). Sources for SP-2388: the Rockwell
 * RC144AC Class 2 manual table reprinted in mgetty's doc/class2doc, and mgetty's faxhng.c / efax's
 * c2msg table, which agree. A value not in the table falls back to its phase's "unspecified" row.
 * Dispositions follow HylaFAX FaxSendStatus: "retry" for line/protocol trouble, "fail" when retrying
 * cannot help (remote cannot receive, local abort), "reformat" when the modem refused the image data.
 * Layer: modem (pure data and lookups; no I/O).
 */
import { FaxError, type Disposition, type FaxErrorCode } from "../core/FaxError.js";

export type HangupPhase = "call" | "A" | "txB" | "txC" | "txD" | "rxB" | "rxC" | "rxD" | "reserved";

export interface HangupRow {
	/** T.32 Table 23 value (+FHS, written as two hex digits) */
	t32: number;
	/** SP-2388 +FHNG value (decimal), where the pre-standard defines it */
	sp2388?: number;
	phase: HangupPhase;
	/** the spec's wording */
	text: string;
	/** undefined only for 0 (normal end) */
	code?: FaxErrorCode;
	disposition: Disposition;
}

const row = (t32: number, sp2388: number | undefined, phase: HangupPhase, text: string, code: FaxErrorCode | undefined, disposition: Disposition = "retry"): HangupRow => ({
	t32,
	...(sp2388 !== undefined ? { sp2388 } : {}),
	phase,
	text,
	...(code ? { code } : {}),
	disposition,
});

/** Every T.32 Table 23 value, with its SP-2388 twin. */
export const HANGUP_ROWS: readonly HangupRow[] = [
	// call placement and termination (00-0F)
	row(0x00, 0, "call", "Normal and proper end of connection", undefined),
	row(0x01, 1, "call", "Ring detect without successful handshake", "DIAL_NO_CARRIER"),
	row(0x02, 2, "call", "Call aborted, from +FK/+FKS or <CAN>", "CALL_ABORTED", "fail"),
	row(0x03, 3, "call", "No loop current", "DIAL_NO_DIALTONE"),
	row(0x04, undefined, "call", "Ringback detected, no answer (timeout)", "DIAL_NO_ANSWER"),
	row(0x05, undefined, "call", "Ringback detected, answer without CED", "DIAL_NO_CARRIER"),
	// transmit phase A and miscellaneous (10-1F)
	row(0x10, 10, "A", "Unspecified phase A error", "DIAL_ERROR"),
	row(0x11, 11, "A", "No answer (T.30 T1 timeout)", "T1_TIMEOUT"),
	// transmit phase B (20-3F)
	row(0x20, 20, "txB", "Unspecified transmit phase B error", "PROTOCOL_ERROR"),
	row(0x21, 21, "txB", "Remote cannot receive or send", "REMOTE_CANNOT_RECEIVE", "fail"),
	row(0x22, 22, "txB", "COMREC error in transmit phase B", "PROTOCOL_ERROR"),
	row(0x23, 23, "txB", "COMREC invalid command received", "PROTOCOL_ERROR"),
	row(0x24, 24, "txB", "RSPREC error", "PROTOCOL_ERROR"),
	row(0x25, 25, "txB", "DCS sent three times without response", "NO_RESPONSE_DCS"),
	row(0x26, 26, "txB", "DIS/DTC received 3 times; DCS not recognized", "DIS_AFTER_DCS_LIMIT"),
	row(0x27, 27, "txB", "Failure to train at 2400 bit/s or +FMS value", "TRAINING_FAILED"),
	row(0x28, 28, "txB", "RSPREC invalid response received", "PROTOCOL_ERROR"),
	// transmit phase C (40-4F)
	row(0x40, 40, "txC", "Unspecified transmit phase C error", "PROTOCOL_ERROR"),
	row(0x41, undefined, "txC", "Unspecified image format error", "TX_IMAGE_REJECTED", "reformat"),
	row(0x42, undefined, "txC", "Image conversion error", "TX_IMAGE_REJECTED", "reformat"),
	row(0x43, 43, "txC", "DTE to DCE data underflow", "DATA_UNDERRUN"),
	row(0x44, undefined, "txC", "Unrecognized transparent data command", "TX_IMAGE_REJECTED", "reformat"),
	row(0x45, undefined, "txC", "Image error, line length wrong", "TX_IMAGE_REJECTED", "reformat"),
	row(0x46, undefined, "txC", "Image error, page length wrong", "TX_IMAGE_REJECTED", "reformat"),
	row(0x47, undefined, "txC", "Image error, wrong compression code", "TX_IMAGE_REJECTED", "reformat"),
	// transmit phase D (50-6F)
	row(0x50, 50, "txD", "Unspecified transmit phase D error", "PROTOCOL_ERROR"),
	row(0x51, 51, "txD", "RSPREC error", "PROTOCOL_ERROR"),
	row(0x52, 52, "txD", "No response to MPS repeated 3 times", "NO_RESPONSE_POST_PAGE"),
	row(0x53, 53, "txD", "Invalid response to MPS", "REMOTE_DCN"),
	row(0x54, 54, "txD", "No response to EOP repeated 3 times", "NO_RESPONSE_POST_PAGE"),
	row(0x55, 55, "txD", "Invalid response to EOP", "REMOTE_DCN"),
	row(0x56, 56, "txD", "No response to EOM repeated 3 times", "NO_RESPONSE_POST_PAGE"),
	row(0x57, 57, "txD", "Invalid response to EOM", "REMOTE_DCN"),
	row(0x58, 58, "txD", "Unable to continue after PIN or PIP", "PAGE_REJECTED"),
	// receive phase B (70-8F)
	row(0x70, 70, "rxB", "Unspecified receive phase B error", "RX_PROTOCOL_ERROR"),
	row(0x71, 71, "rxB", "RSPREC error", "RX_PROTOCOL_ERROR"),
	row(0x72, 72, "rxB", "COMREC error", "RX_PROTOCOL_ERROR"),
	row(0x73, 73, "rxB", "T.30 T2 timeout, expected page not received", "RX_T2_TIMEOUT"),
	row(0x74, 74, "rxB", "T.30 T1 timeout after EOM received", "RX_T1_TIMEOUT"),
	// receive phase C (90-9F)
	row(0x90, 90, "rxC", "Unspecified receive phase C error", "RX_PAGE_ERROR"),
	row(0x91, 91, "rxC", "Missing EOL after 5 seconds", "RX_PAGE_ERROR"),
	row(0x92, 94, "rxC", "Bad CRC or frame (ECM mode)", "RX_PAGE_ERROR"),
	row(0x93, 93, "rxC", "DCE to DTE buffer overflow", "RX_OVERFLOW"),
	// receive phase D (A0-BF)
	row(0xa0, 100, "rxD", "Unspecified receive phase D error", "RX_PROTOCOL_ERROR"),
	row(0xa1, 101, "rxD", "RSPREC invalid response received", "RX_PROTOCOL_ERROR"),
	row(0xa2, 102, "rxD", "COMREC invalid response received", "RX_PROTOCOL_ERROR"),
	row(0xa3, 103, "rxD", "Unable to continue after PIN or PIP", "RX_PAGE_ERROR"),
];

/** Phase ranges of each numbering, for values the table lacks (T.32 Table 23 headings; SP-2388 7.4). */
const RANGES: Record<"t32" | "sp2388", readonly [number, number, HangupPhase][]> = {
	t32: [
		[0x00, 0x0f, "call"],
		[0x10, 0x1f, "A"],
		[0x20, 0x3f, "txB"],
		[0x40, 0x4f, "txC"],
		[0x50, 0x6f, "txD"],
		[0x70, 0x8f, "rxB"],
		[0x90, 0x9f, "rxC"],
		[0xa0, 0xbf, "rxD"],
	],
	sp2388: [
		[0, 9, "call"],
		[10, 19, "A"],
		[20, 39, "txB"],
		[40, 49, "txC"],
		[50, 69, "txD"],
		[70, 89, "rxB"],
		[90, 99, "rxC"],
		[100, 119, "rxD"],
	],
};

/** How a dialect writes hang-up values: which column and radix (data, not subclasses). */
export interface HangupNumbering {
	column: "t32" | "sp2388";
	radix: 10 | 16;
}

/** The row for a reported value (`"A0"` in 2.0, `"100"` in Class 2); unknown values map to their phase's unspecified row. */
export function hangupRow(n: HangupNumbering, reported: string): HangupRow {
	const text = reported.trim();
	const value = n.radix === 16 ? (/^[0-9a-f]{1,2}$/i.test(text) ? parseInt(text, 16) : NaN) : /^\d{1,3}$/.test(text) ? Number(text) : NaN;
	const exact = HANGUP_ROWS.find((r) => (n.column === "t32" ? r.t32 : r.sp2388) === value);
	if (exact) return exact;
	const phase = RANGES[n.column].find(([lo, hi]) => value >= lo && value <= hi)?.[2] ?? "reserved";
	const unspecified = HANGUP_ROWS.find((r) => r.phase === phase && r.t32 !== 0 && (r.t32 & 0x0f) === 0);
	return { t32: Number.isNaN(value) ? -1 : value, phase, text: `Reserved or unknown hang-up code ${text}`, code: unspecified?.code ?? "PROTOCOL_ERROR", disposition: unspecified?.disposition ?? "retry" };
}

/** The FaxError for a reported hang-up value, or undefined for a normal end (0). */
export function hangupError(n: HangupNumbering, reported: string, context: Record<string, unknown> = {}): FaxError | undefined {
	const r = hangupRow(n, reported);
	if (!r.code) return undefined;
	return new FaxError(r.code, `modem hung up: ${r.text} (${n.column === "t32" ? "+FHS" : "+FHNG"}:${reported.trim()})`, { disposition: r.disposition, context: { hangup: reported.trim(), phase: r.phase, ...context } });
}
