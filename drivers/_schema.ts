/**
 * The typed modem quirk profile (docs/architecture.md "drivers/"): what HylaFAX keeps in config/<modem>
 * files, as data, in three sections: the common settings (top level: identity match, class preference,
 * reset/init, flow control, dialling, T.30 timers), `class1` (HylaFAX Class1* knobs, class1.md §2.9) and
 * `class2` (HylaFAX Class2* knobs, class2-notes.md). defineProfile.ts deep-merges a vendor spec over the
 * generic bases (common + class1: generic-class1.ts; class2: generic-class2.ts), so a vendor file states
 * only what differs, each flag with the symptom/chip/firmware it exists for. Defaults are HylaFAX's
 * (faxd/ModemConfig.c++, config/class1, config/class2.0). Layer: drivers (types and checks; imports only
 * transport and modem vocabulary types).
 */
import type { FaxClass } from "../src/modem/faxClass.js";
import type { FlowControl } from "../src/transport/Transport.js";

/** What a modem says about itself (probe.ts collects it). Missing replies are undefined. */
export interface ModemIdentity {
	/** ATI (multi-line replies joined by "\n") */
	ati?: string;
	/** AT+FMI? manufacturer */
	fmi?: string;
	/** AT+FMM? model */
	fmm?: string;
	/** AT+FMR? revision / firmware */
	fmr?: string;
}

/** Regexes over the identity replies; all given must match. */
export interface ProfileMatch {
	ati?: RegExp;
	fmi?: RegExp;
	fmm?: RegExp;
	fmr?: RegExp;
	/** Extra condition on the whole identity (e.g. a firmware range), like zwave-js `$if`. */
	firmware?: (id: ModemIdentity) => boolean;
}

/** HylaFAX-style Class 1 knobs (class1.md §2.9). Commands may be "" (none) or "<delay:n>" (host sleep n×10 ms). */
export interface Class1Knobs {
	/** Silence before talking after receiving (Class1SwitchingCmd). Default "AT+FRS=7" (70 ms, T.31 App. II.1). */
	switchingCmd: string;
	/** Stop and wait before TCF (Class1TCFWaitCmd). Default "AT+FTS=7" (75±20 ms, T.30 ch. 5 note 3). */
	tcfWaitCmd: string;
	/** Stop and wait before a PPM (Class1PPMWaitCmd). Default "AT+FTS=7". */
	ppmWaitCmd: string;
	/** Stop and wait before EOP (Class1EOPWaitCmd). Default "AT+FTS=9": some machines need more before EOP. */
	eopWaitCmd: string;
	/** Extra wait after TCF before listening for CFR (Class1ResponseWaitCmd). Default "" (none). */
	responseWaitCmd: string;
	/** Pause after +FTM's CONNECT before sending data, ms (Class1TMConnectDelay, T.31 §8.3.3). Default 0. */
	tmConnectDelayMs: number;
	/** Bytes of overhead in received HDLC frames: address, control and the FCS (Class1FrameOverhead). Default 4. */
	frameOverhead: number;
	/** Wait for OK after aborting a receive, ms; 0 = modem never says OK (Class1RecvAbortOK). Default 200. */
	recvAbortOkMs: number;
	/** CONNECT on +FRH=3 for a non-V.21 carrier, then NO CARRIER (Class1HasRHConnectBug). Default false. */
	hasRhConnectBug: boolean;
	/** DLEs in received frames not doubled (Class1ModemHasDLEBug). Default false. */
	hasDleBug: boolean;
	/** Check received frames' FCS in the host too (Class1ValidateV21Frames). Default false. */
	validateV21Frames: boolean;
	/**
	 * ECM allowed with this modem (Class1ECMSupport). Default true. Read by the Class 1 session factory
	 * into Class1SessionOptions.ecm (src/session/class1.ts), where the ECM page transfer (issue 9) reads it.
	 */
	ecmSupport: boolean;
	/** ECM frame size, 64 or 256 octets (Class1ECMFrameSize; T.30 Annex A.3.1). Default 256. Same path as ecmSupport. */
	ecmFrameSize: 64 | 256;
	/** Keep going with ECM while each block makes progress (Class1PersistentECM). Default true. Same path as ecmSupport. */
	persistentEcm: boolean;
	/**
	 * Flow-control commands to repeat after AT+FCLASS=1, for modems that change flow control on entering
	 * Class 1 (Class1NFLOCmd / Class1HFLOCmd / Class1SFLOCmd). Default: none.
	 */
	flowControlCmds: Readonly<Partial<Record<FlowControl, string>>>;
	/** Adaptive receive (Class1AdaptRecvCmd), e.g. "AT+FAR=1". Default "". */
	adaptRecvCmd: string;
	/** Transmit rate query (Class1TMQueryCmd); "!24,48,72,96" overrides the modem's answer. Default "AT+FTM=?". */
	tmQueryCmd: string;
	/** Receive rate query (Class1RMQueryCmd). Default "AT+FRM=?". */
	rmQueryCmd: string;
	/** DCE must say CONNECT within this after +FTH/+FTM, ms (T.31 §8.3.5: 5 s). Default 5000. */
	connectTimeoutMs: number;
	/** Time allowed per HDLC frame sent, ms (a frame is 3 s ±15%; HylaFAX allows 7550). Default 7550. */
	frameSendTimeoutMs: number;
	/** Pause before re-issuing +FRH after +FCERROR, ms (class1.md §2.8). Default 200. */
	fcErrorDelayMs: number;
	/** +FCERROR replies to ignore while dialling (adaptive-answer modems, class1.md §2.1). Default 3. */
	dialFcErrorsIgnored: number;
	/** Margin added to the computed end of transmission when waiting for OK after data, ms. Default 5000. */
	dataOkMarginMs: number;
}

/** Bit order of phase C data on the DTE link: "lsb" = direct (first bit on the line = LSB; TIFF FillOrder 2). */
export type BitOrder = "lsb" | "msb";

/**
 * HylaFAX-style Class 2 / 2.0 knobs (config/class2, config/class2.0; class2-notes.md). "auto" means the
 * dialect's rule (Class 2 = SP-2388, Class 2.0 = T.32), which a modem that breaks it overrides here.
 * Read by the Class 2 session (issue 11).
 */
export interface Class2Knobs {
	/** Sets the phase C bit order (Class2BORCmd): "AT+FBO=0" (2.0, T.32 §8.5.1.2) / "AT+FBOR=0" (Class 2); "" = modem default. Default "auto" = by dialect. */
	bitOrderCmd: string;
	/** Bit order the modem expects in +FDT data after bitOrderCmd. Default "lsb" (direct). */
	sendBitOrder: BitOrder;
	/** Bit order the modem really delivers in +FDR data: many Rockwell-era Class 2 modems reverse it (class2-notes.md "efax"). Default "lsb". */
	receiveBitOrder: BitOrder;
	/** The host appends RTC to each page (Class2SendRTC). Default false: the modem appends it (HylaFAX; class2-notes.md). */
	sendRtc: boolean;
	/** How status codes (+FHS, +FPS, +FHNG) are written (Class2UseHex): "auto" = hex in 2.0 ("+FHS:A0"), decimal in 2. */
	statusCodes: "auto" | "hex" | "decimal";
	/** Where the end-of-call code comes from: "auto" = +FHS (2.0) / +FHNG (2); a modem that mixes them says so here. */
	hangupCodeSource: "auto" | "+FHS" | "+FHNG";
	/** Byte the DTE sends after +FDR's CONNECT (Class2RecvDataTrigger): "auto" = DC1 (2.0) / DC2 (2). */
	recvDataTrigger: "auto" | "DC1" | "DC2";
	/** Wait for XON after +FDT's CONNECT before data (Class2XmitWaitForXON): "auto" = yes in Class 2, no in 2.0. */
	xmitWaitForXon: "auto" | boolean;
	/** Wait for the page result after the data (+FPTS / OK / ERROR), ms (HylaFAX PageDoneTimeout 3 min). Default 180000. */
	pageDoneTimeoutMs: number;
	/** Abort command (Class2AbortCmd): "auto" = AT+FKS (2.0) / AT+FK (2). */
	abortCmd: string;
}

/** T.30 timer overrides (ms); defaults live in src/t30/timers.ts. */
export type TimerOverrides = Partial<Record<"T0" | "T1" | "T2" | "T3" | "T4" | "T5", number>>;

/** The common section (top level of a profile): what every class uses. */
export interface ModemProfile {
	/** Unique id, also the file name, e.g. "conexant". */
	name: string;
	/** One line for humans (probe output). */
	description: string;
	/** When this profile applies (any one alternative matching is enough); generic-class1 has none. */
	match?: ProfileMatch | readonly ProfileMatch[];
	/**
	 * Fax classes in order of preference (src/session pickClass tries these first, then any other class
	 * the modem offers that faxline drives). Default ["1"] (generic-class1), ["2.0", "2"] (generic-class2).
	 * "1.0" adds the T.31 Amd.1 DLE codes.
	 */
	classPreference: readonly FaxClass[];
	/** Reset command (ModemResetCmds). Default "ATZ". */
	resetCmd: string;
	/** Pause after the reset before talking again, ms (ModemResetDelay). Default 0. */
	resetDelayMs: number;
	/** Commands after reset and echo-off, before +FCLASS (e.g. DTR/DCD setup). */
	initCommands: readonly string[];
	/** Host and modem flow control (ModemFlowControl). Default "none" (ptys, soft modems). */
	flowControl: FlowControl;
	/** Commands that put the modem in each flow-control mode (ModemNoFlowCmd / HardFlowCmd / SoftFlowCmd). */
	flowControlCmds: Readonly<Record<FlowControl, string>>;
	/** DTE-DCE speed, bit/s (ModemRate). Default 115200. */
	baudRate: number;
	/** Dial command prefix; the number is appended (ModemDialCmd). Default "ATDT". */
	dialPrefix: string;
	/** How long to wait for the dial result, ms (T0, 60 s; class1.md §2.2). Default 60000. */
	dialTimeoutMs: number;
	/** T.30 timer overrides for this modem (any class). */
	timers: TimerOverrides;
	class1: Class1Knobs;
	class2: Class2Knobs;
}

type DeepPartial<T> = { [K in keyof T]?: T[K] extends RegExp | ((...a: never[]) => unknown) | readonly unknown[] ? T[K] : T[K] extends object ? DeepPartial<T[K]> : T[K] };

/** What a vendor file writes: a name, a description, and only the fields that differ from generic. */
export type ProfileSpec = { name: string; description: string } & DeepPartial<Omit<ModemProfile, "name" | "description">>;

const isPlainObject = (v: unknown): v is Record<string, unknown> =>
	typeof v === "object" && v !== null && !Array.isArray(v) && !(v instanceof RegExp) && Object.getPrototypeOf(v) === Object.prototype;

/** Deep merge of plain objects; arrays, regexes and functions in `over` replace those in `base`. */
export function deepMerge<T>(base: T, over: unknown): T {
	if (!isPlainObject(base) || !isPlainObject(over)) return (over === undefined ? base : over) as T;
	const out: Record<string, unknown> = { ...base };
	for (const [k, v] of Object.entries(over)) {
		if (v === undefined) continue;
		out[k] = isPlainObject(v) && isPlainObject(out[k]) ? deepMerge(out[k], v) : v;
	}
	return out as T;
}

/** Check the invariants a profile must keep; throws TypeError naming the profile and field. */
export function validateProfile(p: ModemProfile): ModemProfile {
	const bad = (field: string, why: string): never => {
		throw new TypeError(`drivers/${p.name}: ${field} ${why}`);
	};
	if (!/^[a-z0-9-]+$/.test(p.name)) bad("name", "must be lower-case kebab");
	if (p.classPreference.length === 0) bad("classPreference", "is empty");
	if (!["none", "xonxoff", "rtscts"].includes(p.flowControl)) bad("flowControl", "is not none|xonxoff|rtscts");
	const c = p.class1;
	if (c.frameOverhead < 2 || c.frameOverhead > 4) bad("class1.frameOverhead", "must be 2..4");
	if (c.ecmFrameSize !== 64 && c.ecmFrameSize !== 256) bad("class1.ecmFrameSize", "must be 64 or 256");
	for (const k of ["tmConnectDelayMs", "recvAbortOkMs", "connectTimeoutMs", "frameSendTimeoutMs", "fcErrorDelayMs", "dataOkMarginMs"] as const) {
		if (!(c[k] >= 0 && c[k] < 600000)) bad(`class1.${k}`, "must be 0..600000 ms");
	}
	for (const k of ["switchingCmd", "tcfWaitCmd", "ppmWaitCmd", "eopWaitCmd", "responseWaitCmd"] as const) {
		if (c[k] !== "" && !/^AT\S*$/i.test(c[k]) && !/^<delay:\d+>$/.test(c[k])) bad(`class1.${k}`, 'must be "", an AT command or "<delay:n>"');
	}
	for (const q of [c.tmQueryCmd, c.rmQueryCmd]) if (!/^(AT\+F[TR]M=\?|!\(?[\d,\s]+\)?)$/i.test(q)) bad("class1.tm/rmQueryCmd", `"${q}" is neither a query nor !<list>`);
	const c2 = p.class2;
	if (!["auto", ""].includes(c2.bitOrderCmd) && !/^AT\+FBOR?=[0-3]$/i.test(c2.bitOrderCmd)) bad("class2.bitOrderCmd", 'must be "auto", "" or AT+FBO=n / AT+FBOR=n');
	if (!["auto", ""].includes(c2.abortCmd) && !/^AT\+FKS?$/i.test(c2.abortCmd)) bad("class2.abortCmd", 'must be "auto", "" or AT+FK / AT+FKS');
	if (!(c2.pageDoneTimeoutMs > 0 && c2.pageDoneTimeoutMs <= 600000)) bad("class2.pageDoneTimeoutMs", "must be 1..600000 ms");
	return p;
}

/** How well `p` matches `id`: 0 = not at all, else the number of identity fields its best alternative checked. */
export function matchScore(p: ModemProfile, id: ModemIdentity): number {
	if (!p.match) return 0;
	const alts = Array.isArray(p.match) ? (p.match as readonly ProfileMatch[]) : [p.match as ProfileMatch];
	let best = 0;
	for (const m of alts) {
		let score = 0;
		let ok = true;
		for (const k of ["ati", "fmi", "fmm", "fmr"] as const) {
			const re = m[k];
			if (!re) continue;
			const v = id[k];
			if (v === undefined || !re.test(v)) {
				ok = false;
				break;
			}
			score++;
		}
		if (ok && m.firmware) ok = m.firmware(id);
		if (ok && score > 0) best = Math.max(best, score);
	}
	return best;
}
