/**
 * Shared state of one outgoing call for the transmitter scripts (transmit.ts, phaseB.ts): counters and
 * what was negotiated, plus the options of the call. Layer: t30.
 */
import type { DialPolicy } from "../core/dialString.js";
import { FaxError, type FaxErrorCode } from "../core/FaxError.js";
import type { RtnPolicy } from "./decisions.js";
import type { V17Tally } from "./destinations.js";
import type { EcmCallState, UndeliveredBlock } from "./ecmBlocks.js";
import type { EcmRetryPolicy } from "./ecmDecisions.js";
import type { DisFields, Rate } from "./dis.js";
import type { RowEncoderFactory } from "../page/pageData.js";
import type { LocalCaps, SessionParams } from "./params.js";

/**
 * ECM as this modem may use it: from the profile (drivers class1.ecmSupport / ecmFrameSize / persistentEcm,
 * filled in by src/session/class1.ts), turned off by the caller (`--no-ecm`) or the destination memory. The
 * ECM page transfer (ecm.ts) reads it from TransmitOptions.ecm; LocalCaps.ecm carries `enabled` into DCS.
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
	/** ECM limits of the modem (ecm.ts reads them); absent = defaults (256-octet frames, persistent) */
	ecm?: EcmSettings;
	/** after the 4th PPR of a block: "ctc" (default, HylaFAX) or "eor" (ecmDecisions.ts afterPprLimit) */
	ecmRetryPolicy?: EcmRetryPolicy;
	/** told when this call shows the destination has V.17 trouble (destinations.ts), with the reason */
	onV17Trouble?: (reason: string) => void;
	/** told when this call shows ECM or MMR trouble with the destination (destinations.ts noteEcmFailure) */
	onEcmTrouble?: (kind: "ecm" | "mmr", reason: string) => void;
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
	/** ECM page counter and long-train flag (ecm.ts) */
	ecm: EcmCallState;
	/** ECM blocks given up with EOR/ERR */
	undelivered: UndeliveredBlock[];
	/** the ECM page being transferred (1-based), while it is */
	inEcmPage?: number;
}

export const fatal = (code: FaxErrorCode, reason: string, context?: Record<string, unknown>): FaxError => new FaxError(code, reason, context ? { context } : {});

