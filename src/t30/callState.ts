/**
 * Shared state of one outgoing call for the transmitter scripts (transmit.ts, phaseB.ts): counters and
 * what was negotiated, plus the options of the call. Layer: t30.
 */
import type { DialPolicy } from "../core/dialString.js";
import { FaxError, type FaxErrorCode } from "../core/FaxError.js";
import type { RtnPolicy } from "./decisions.js";
import type { V17Tally } from "./destinations.js";
import type { DisFields, Rate } from "./dis.js";
import type { RowEncoderFactory } from "../page/pageData.js";
import type { LocalCaps, SessionParams } from "./params.js";

/**
 * ECM as this modem may use it: from the profile (drivers class1.ecmSupport / ecmFrameSize / persistentEcm,
 * filled in by src/session/class1.ts). The ECM page transfer (issue 9) reads it from TransmitOptions.ecm;
 * until then ECM is never offered (DCS bit 27 stays 0).
 */
export interface EcmSettings {
	enabled: boolean;
	/** octets per ECM frame (T.30 Annex A.3.1) */
	frameSize: 64 | 256;
	/** keep going with ECM while each block makes progress (HylaFAX Class1PersistentECM) */
	persistent: boolean;
}

export interface TransmitOptions {
	/** our identity for TSI (≤ 20 printable characters); no TSI frame when empty */
	tsid?: string;
	rtnPolicy: RtnPolicy;
	/** resends allowed after RTN for the retransmit policies */
	maxRtnResends: number;
	local: LocalCaps;
	/** the dial-string policy (core/dialString.ts): emergency numbers blocked by default, block list, allowed numbers */
	dialPolicy?: DialPolicy;
	encoderFactory: RowEncoderFactory;
	/** ECM limits of the modem (issue 9 reads them); absent = no ECM */
	ecm?: EcmSettings;
	/** told when this call shows the destination has V.17 trouble (destinations.ts), with the reason */
	onV17Trouble?: (reason: string) => void;
}

export interface CallState {
	dialed: boolean;
	connected: boolean;
	remoteDcn: boolean;
	lineDead: boolean;
	/** the reply to EOP is in (abort after this point still counts as success) */
	finished: boolean;
	dis?: DisFields;
	csid: string;
	ladder: Rate[];
	rateIdx: number;
	disAfterDcs: number;
	/** V.17 trainings so far (destinations.ts noteV17Training) */
	v17: V17Tally;
	params?: SessionParams;
	lastNegotiated: string;
	pagesConfirmed: number;
	pagesSent: Set<number>;
	unconfirmed: Set<number>;
}

export const fatal = (code: FaxErrorCode, reason: string, context?: Record<string, unknown>): FaxError => new FaxError(code, reason, context ? { context } : {});

