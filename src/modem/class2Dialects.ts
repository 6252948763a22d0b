/**
 * The Class 2 dialects as data rows (architecture.md "Dialects ... are rows in modem/dialects.ts"): the
 * pre-standard Class 2 (EIA/TIA SP-2388 as Rockwell/USR/ZyXEL firmware shipped it; command set in the
 * Rockwell RC144AC Class 2 manual, mgetty doc/class2doc) and Class 2.0 (ITU-T T.32 / EIA-592). One
 * Class2Modem drives both from these rows; nothing subclasses by dialect. Differences:
 * command and report names, hang-up numbering (T.32 Table 23 hex vs SP-2388 decimal), how a page ends
 * (T.32 §8.3.3 <DLE> + post-page character vs SP-2388 <DLE><ETX> then AT+FET=n), how the page result
 * comes back (SP-2388 +FPTS:n report; T.32 final OK/ERROR with +FPS readable), XON after +FDT's
 * CONNECT (SP-2388 only) and the character that starts +FDR data (T.32 DC1, SP-2388 DC2).
 * Layer: modem (pure data).
 */
import type { HangupNumbering } from "./hangupCodes.js";

export type Class2DialectName = "2" | "2.0";

export interface Class2Dialect {
	name: Class2DialectName;
	/** AT+FCLASS value */
	fclass: string;
	cmd: {
		/** DCE capabilities (+FCC / +FDCC) */
		caps: string;
		/** session parameters wanted (+FIS / +FDIS) */
		session: string;
		/** local id (+FLI / +FLID) */
		localId: string;
		/** phase C bit order (+FBO / +FBOR) */
		bitOrder: string;
		/** minimum phase C speed (+FMS / +FMINSP) */
		minSpeed: string;
		/** session abort (+FKS / +FK) */
		abort: string;
		/** page transfer status parameter (+FPS / +FPTS) */
		pageStatus: string;
		/** identity queries */
		identity: readonly [string, string, string];
		/** commands every session starts with (reporting on: T.32 §8.5.1.12 +FNR defaults to all off) */
		init: readonly string[];
	};
	report: {
		connect: string;
		/** the called station's id (CSI) */
		csi: string;
		/** the calling station's id (TSI), on receive */
		tsi: string;
		/** remote capabilities (DIS) */
		dis: string;
		/** session (DCS) */
		dcs: string;
		hangup: string;
		pageStatus: string;
		/** post-page message reported on receive */
		postPage: string;
	};
	hangup: HangupNumbering;
	pageEnd: "dleChar" | "fet";
	/** the modem sends XON (DC1) after +FDT's CONNECT when it is ready for data */
	xonAfterConnect: boolean;
	pageResult: "finalCode" | "report";
	/** what the DTE sends after +FDR's CONNECT to start the data */
	receiveStart: number;
}

export const CLASS2_DIALECTS: Readonly<Record<Class2DialectName, Class2Dialect>> = {
	"2.0": {
		name: "2.0",
		fclass: "2.0",
		cmd: {
			caps: "+FCC",
			session: "+FIS",
			localId: "+FLI",
			bitOrder: "+FBO",
			minSpeed: "+FMS",
			abort: "+FKS",
			pageStatus: "+FPS",
			identity: ["+FMI?", "+FMM?", "+FMR?"],
			init: ["AT+FNR=1,1,1,0"], // report session, remote params, ids; no NSF
		},
		report: { connect: "+FCO", csi: "+FCI", tsi: "+FTI", dis: "+FIS", dcs: "+FCS", hangup: "+FHS", pageStatus: "+FPS", postPage: "+FET" },
		hangup: { column: "t32", radix: 16 },
		pageEnd: "dleChar",
		xonAfterConnect: false,
		pageResult: "finalCode",
		receiveStart: 0x11,
	},
	"2": {
		name: "2",
		fclass: "2",
		cmd: {
			caps: "+FDCC",
			session: "+FDIS",
			localId: "+FLID",
			bitOrder: "+FBOR",
			minSpeed: "+FMINSP",
			abort: "+FK",
			pageStatus: "+FPTS",
			identity: ["+FMFR?", "+FMDL?", "+FREV?"],
			init: [],
		},
		report: { connect: "+FCON", csi: "+FCSI", tsi: "+FTSI", dis: "+FDIS", dcs: "+FDCS", hangup: "+FHNG", pageStatus: "+FPTS", postPage: "+FET" },
		hangup: { column: "sp2388", radix: 10 },
		pageEnd: "fet",
		xonAfterConnect: true,
		pageResult: "report",
		receiveStart: 0x12,
	},
};

/** T.32 §8.3.3 post-page characters after <DLE>; SP-2388 +FET=n values. */
export const PPM_CHAR = { MPS: 0x2c, EOM: 0x3b, EOP: 0x2e } as const;
export const PPM_FET = { MPS: 0, EOM: 1, EOP: 2 } as const;
export type PostPage = keyof typeof PPM_CHAR;

/** Page transfer status values (+FPS / +FPTS) to T.30 responses (T.32 §8.5.2.?, SP-2388 7.5.6). */
export const PAGE_STATUS: Readonly<Record<number, "MCF" | "RTN" | "RTP" | "PIN" | "PIP">> = { 1: "MCF", 2: "RTN", 3: "RTP", 4: "PIN", 5: "PIP" };
