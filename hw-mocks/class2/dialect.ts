/**
 * The two Class 2 dialects the simulated modem speaks, as data (one row each, no subclasses):
 * Class 2 (EIA/TIA SP-2388, the 1990 pre-standard that Rockwell/ZyXEL/USR firmware shipped) and
 * Class 2.0 (ITU-T T.32 / EIA-592). Differences recorded in shared/reference/class2-notes.md:
 * command and report names, hang-up code format (decimal vs two hex digits), how a page ends
 * (SP-2388: <DLE><ETX> then AT+FET=n; T.32 §8.3.3: <DLE> followed by the post-page character),
 * page results (SP-2388 +FPTS:n report; T.32 final OK/ERROR, +FPS readable), XON after +FDT CONNECT
 * (SP-2388: the DCE sends DC1 when ready for data; T.32 does not) and the character the DTE sends
 * to start +FDR data (SP-2388 DC2, T.32 §8.3.4 DC1). Layer: hw-mocks.
 */

export type Class2DialectName = "2" | "2.0";

export interface SimDialect {
	name: Class2DialectName;
	/** capability / remote capability / session parameter commands and reports */
	caps: string;
	dis: string;
	dcs: string;
	/** local id (TSI/CSI), polling id */
	localId: string;
	pollId: string;
	/** bit order, abort, page transfer status */
	bitOrder: string;
	abort: string;
	pageStatus: string;
	/** minimum phase C speed */
	minSpeed: string;
	/** reports after ATD/ATA: connection, remote CSI, remote TSI, hang-up */
	connectReport: string;
	csiReport: string;
	tsiReport: string;
	hangupReport: string;
	/** hang-up status text for a numeric code */
	hangupCode(code: number): string;
	/** page end: "fet" = <DLE><ETX> then AT+FET=n (SP-2388); "dleChar" = <DLE>,/;/. (T.32) */
	pageEnd: "fet" | "dleChar";
	/** the DCE sends XON (DC1) after +FDT's CONNECT */
	xonAfterConnect: boolean;
	/** page result after the post-page exchange: "+FPTS:n" report, or final code OK/ERROR (read +FPS?) */
	pageResult: "report" | "finalCode";
	/** +FDR: the character the DTE sends when ready for data */
	receiveStart: number;
	/** report +FCS/+FDCS with a space after the colon */
	reportSpace: boolean;
}

export const DC1 = 0x11;
export const DC2 = 0x12;

export const SIM_DIALECTS: Readonly<Record<Class2DialectName, SimDialect>> = {
	"2": {
		name: "2",
		caps: "+FDCC",
		dis: "+FDIS",
		dcs: "+FDCS",
		localId: "+FLID",
		pollId: "+FCIG",
		bitOrder: "+FBOR",
		abort: "+FK",
		pageStatus: "+FPTS",
		minSpeed: "+FMINSP",
		connectReport: "+FCON",
		csiReport: "+FCSI",
		tsiReport: "+FTSI",
		hangupReport: "+FHNG",
		hangupCode: (c) => String(c), // SP-2388: decimal, e.g. +FHNG:0, +FHNG:52
		pageEnd: "fet",
		xonAfterConnect: true,
		pageResult: "report",
		receiveStart: DC2,
		reportSpace: false,
	},
	"2.0": {
		name: "2.0",
		caps: "+FCC",
		dis: "+FIS",
		dcs: "+FCS",
		localId: "+FLI",
		pollId: "+FPI",
		bitOrder: "+FBO",
		abort: "+FKS",
		pageStatus: "+FPS",
		minSpeed: "+FMS",
		connectReport: "+FCO",
		csiReport: "+FCI",
		tsiReport: "+FTI",
		hangupReport: "+FHS",
		hangupCode: (c) => c.toString(16).toUpperCase().padStart(2, "0"), // T.32 Table 23: two hex digits
		pageEnd: "dleChar",
		xonAfterConnect: false,
		pageResult: "finalCode",
		receiveStart: DC1,
		reportSpace: false,
	},
};

/**
 * Hang-up causes the simulated firmware reports, with their T.32 Table 23 value. SP-2388 uses the same
 * numbers written in decimal for the phases it has (0-74, 90-94), and 100-103 for receive phase D
 * (T.32 0xA0-0xA3): `sp2388Code` converts.
 */
export const SIM_HANGUP = {
	normal: 0x00,
	aborted: 0x02,
	noAnswerT1: 0x11,
	phaseBUnspecified: 0x20,
	remoteCannotReceive: 0x21,
	invalidCommand: 0x23,
	dcsNoResponse: 0x25,
	disAfterDcs: 0x26,
	trainingFailed: 0x27,
	invalidResponse: 0x28,
	noResponseMps: 0x52,
	invalidResponseMps: 0x53,
	noResponseEop: 0x54,
	invalidResponseEop: 0x55,
	noResponseEom: 0x56,
	invalidResponseEom: 0x57,
	pinPip: 0x58,
	rxT2Timeout: 0x73,
	rxPhaseC: 0x90,
	rxPhaseD: 0xa0,
} as const;

/** A T.32 Table 23 value as the dialect writes it (SP-2388 decimal numbering, receive phase D 100-103). */
export function dialectHangupCode(d: SimDialect, t32: number): string {
	if (d.name === "2.0") return d.hangupCode(t32);
	const hi = t32 >> 4;
	const lo = t32 & 0xf;
	// SP-2388 numbers its codes in decimal by phase: 0x52 -> 52, 0xA0 -> 100, 0x92 (bad ECM frame) -> 94
	if (t32 === 0x92) return "94";
	return String(hi >= 10 ? 100 + lo : hi * 10 + lo);
}
