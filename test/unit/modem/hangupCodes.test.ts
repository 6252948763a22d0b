/**
 * The +FHS / +FHNG table (src/modem/hangupCodes.ts): both dialects' numberings land on the same row,
 * every T.32 Table 23 value has a FaxError code and disposition, unknown values fall back to their
 * phase, and the Class 2 simulator (hw-mocks/class2/dialect.ts, written separately) writes every
 * SP-2388 value the way the table reads it.
 */
import test from "ava";
import { FaxErrorCodes, type Disposition, type FaxErrorCode } from "../../../src/core/FaxError.js";
import { HANGUP_ROWS, hangupError, hangupRow, type HangupNumbering } from "../../../src/modem/hangupCodes.js";
import { SIM_DIALECTS, dialectHangupCode } from "../../../hw-mocks/class2/dialect.js";

const T32: HangupNumbering = { column: "t32", radix: 16 };
const SP2388: HangupNumbering = { column: "sp2388", radix: 10 };

test("every row: a known FaxError code (except normal end) and T.32 phase ranges", (t) => {
	for (const r of HANGUP_ROWS) {
		if (r.t32 === 0) t.is(r.code, undefined);
		else t.true(r.code !== undefined && r.code in FaxErrorCodes, `0x${r.t32.toString(16)}`);
	}
	t.is(new Set(HANGUP_ROWS.map((r) => r.t32)).size, HANGUP_ROWS.length);
	t.is(new Set(HANGUP_ROWS.filter((r) => r.sp2388 !== undefined).map((r) => r.sp2388)).size, HANGUP_ROWS.filter((r) => r.sp2388 !== undefined).length);
});

const cases: [string, string, FaxErrorCode | undefined, Disposition | ""][] = [
	// [2.0 value, Class 2 value, FaxError code, disposition]
	["00", "0", undefined, ""],
	["02", "2", "CALL_ABORTED", "fail"],
	["11", "11", "T1_TIMEOUT", "retry"],
	["21", "21", "REMOTE_CANNOT_RECEIVE", "fail"],
	["25", "25", "NO_RESPONSE_DCS", "retry"],
	["26", "26", "DIS_AFTER_DCS_LIMIT", "retry"],
	["27", "27", "TRAINING_FAILED", "retry"],
	["43", "43", "DATA_UNDERRUN", "retry"],
	["52", "52", "NO_RESPONSE_POST_PAGE", "retry"],
	["53", "53", "REMOTE_DCN", "retry"],
	["54", "54", "NO_RESPONSE_POST_PAGE", "retry"],
	["58", "58", "PAGE_REJECTED", "retry"],
	["73", "73", "RX_T2_TIMEOUT", "retry"],
	["92", "94", "RX_PAGE_ERROR", "retry"],
	["A0", "100", "RX_PROTOCOL_ERROR", "retry"],
	["a3", "103", "RX_PAGE_ERROR", "retry"],
];

for (const [hex, dec, code, disp] of cases) {
	test(`+FHS:${hex} and +FHNG:${dec} -> ${code ?? "normal end"}`, (t) => {
		const a = hangupError(T32, hex);
		const b = hangupError(SP2388, dec);
		t.is(a?.code, code);
		t.is(b?.code, code);
		if (a && b) {
			t.is(a.disposition as string, disp);
			t.is(b.disposition as string, disp);
			t.is(a.context?.hangup, hex);
			t.regex(a.message, /\+FHS:/);
			t.regex(b.message, /\+FHNG:/);
		}
		t.is(hangupRow(T32, hex), hangupRow(SP2388, dec));
	});
}

test("image errors only exist in 2.0 and ask for a reformat", (t) => {
	for (const v of ["41", "42", "44", "45", "46", "47"]) {
		const e = hangupError(T32, v);
		t.is(e?.code, "TX_IMAGE_REJECTED");
		t.is(e?.disposition, "reformat");
	}
	// SP-2388 has no 45: it reads as an unspecified transmit phase C error
	t.is(hangupRow(SP2388, "45").phase, "txC");
	t.is(hangupError(SP2388, "45")?.code, "PROTOCOL_ERROR");
});

test("unknown values fall back to their phase; garbage and reserved values are protocol errors", (t) => {
	t.is(hangupError(T32, "29")?.code, "PROTOCOL_ERROR");
	t.is(hangupRow(T32, "29").phase, "txB");
	t.is(hangupError(T32, "7F")?.code, "RX_PROTOCOL_ERROR");
	t.is(hangupError(SP2388, "92")?.code, "RX_PAGE_ERROR"); // "unused code" in SP-2388
	t.is(hangupRow(T32, "FF").phase, "reserved");
	t.is(hangupError(T32, "FF")?.code, "PROTOCOL_ERROR");
	t.is(hangupError(T32, "zz")?.code, "PROTOCOL_ERROR");
	t.is(hangupError(SP2388, "1000")?.code, "PROTOCOL_ERROR");
});

test("the Class 2 simulator writes every value as the table reads it, in both dialects", (t) => {
	for (const r of HANGUP_ROWS) {
		t.is(hangupRow(T32, dialectHangupCode(SIM_DIALECTS["2.0"], r.t32)), r);
		if (r.sp2388 !== undefined) t.is(hangupRow(SP2388, dialectHangupCode(SIM_DIALECTS["2"], r.t32)), r);
	}
});

test("the job layer maps every hang-up code without knowing Class 2 (jobs/failureMap.ts sees only FaxError codes)", async (t) => {
	const { mapFailure } = await import("../../../src/jobs/failureMap.js");
	const { FaxJobExtendedStatus: X } = await import("../../../src/jobs/enums.js");
	for (const r of HANGUP_ROWS) {
		const e = hangupError(T32, r.t32.toString(16));
		if (!e) continue;
		const o = mapFailure(e, true);
		t.true(["retry", "fail", "abort", "line"].includes(o.kind), `0x${r.t32.toString(16)}`);
		t.is(o.detail.code, r.code ?? "");
	}
	t.is(mapFailure(hangupError(T32, "11")!, true).ext, X.NO_ANSWER);
	t.is(mapFailure(hangupError(SP2388, "53")!, true).ext, X.DISCONNECTED);
	t.is(mapFailure(hangupError(T32, "02")!, true).kind, "abort");
	t.is(mapFailure(hangupError(T32, "27")!, true).kind, "retry");
});
