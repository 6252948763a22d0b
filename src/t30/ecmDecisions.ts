/**
 * Pure decisions of the ECM transmitter (T.30 Annex A, Figure A.x flow charts; T.30 §5.3.6.1.7; class1.md
 * §2.7; SpanDSP t30.c process_state_iv_*, HylaFAX Class1Send sendClass1ECMData): what to do with the reply
 * to PPS, to CTC, to EOR and to RR, and what to do when a block has drawn its 4th PPR. Each returns a
 * discriminated union and is case-table tested (test/unit/t30/ecmDecisions.test.ts). Counters come in as
 * arguments; the strategy (ecm.ts) keeps them. Node names are SpanDSP's T.30 states: IV (ECM data),
 * IV_PPS_NULL / IV_PPS_Q (PPS sent, waiting), IV_PPS_RNR (RR after RNR), IV_CTC, IV_EOR, IV_EOR_RNR.
 * Layer: t30 (pure).
 */
import type { FaxErrorCode } from "../core/FaxError.js";
import type { Reply } from "./decisions.js";
import type { EcmPpm } from "./ecmBlocks.js";
import { baseFcf, Fcf } from "./fcf.js";
import { MAX_COMMAND_TRIES } from "./timers.js";

/** ECM nodes of the transmitter flow chart, as traced ("D:IV_PPS_Q"). */
export const ECM_NODES = ["IV", "IV_PPS_NULL", "IV_PPS_Q", "IV_PPS_RNR", "IV_CTC", "IV_EOR", "IV_EOR_RNR"] as const;
export type EcmNode = (typeof ECM_NODES)[number];

/** PPRs for one block before CTC or EOR (T.30 A.4.2: "after the fourth PPR"; SpanDSP PPR_LIMIT_BEFORE_CTC_OR_EOR). */
export const PPR_LIMIT = 4;

type Fail = { kind: "fail"; code: FaxErrorCode; reason: string };
const fail = (code: FaxErrorCode, reason: string): Fail => ({ kind: "fail", code, reason });

/** Replies that carry no answer (T.30 §5.3.2: the command is repeated, T4 each, 3 tries). */
const NO_ANSWER = { timeout: "timeout", badFrame: "bad frame", fcError: "+FCERROR" } as const;

/** Counters of the command being answered. */
export interface CommandTries {
	/** times this command already went unanswered */
	noReplies: number;
	/** CRPs already received for it */
	crps: number;
	/** times the receiver already went back to phase B (DIS) during this page (default 0) */
	disResets?: number;
}

/**
 * A DIS in reply to an ECM command: the receiver lost the burst (its T2 ran out in phase C, e.g. a missed
 * training) and went back to phase B (SpanDSP start_receiving_document). Renegotiate (DCS + TCF) and send
 * the block again; after MAX_COMMAND_TRIES such resets in a page the call fails.
 */
function phaseBAgain(s: CommandTries, command: string): { kind: "renegotiate" } | Fail {
	return (s.disResets ?? 0) + 1 >= MAX_COMMAND_TRIES ? fail("DIS_AFTER_DCS_LIMIT", `DIS in reply to ${command} ${MAX_COMMAND_TRIES} times`) : { kind: "renegotiate" };
}

function repeatOr<R>(s: CommandTries, command: string, why: string, again: R): R | Fail {
	return s.noReplies + 1 >= MAX_COMMAND_TRIES ? fail("NO_RESPONSE_POST_PAGE", `no response to ${command} after ${MAX_COMMAND_TRIES} tries (${why})`) : again;
}

function crpOr<R>(s: CommandTries, command: string, again: R): R | Fail {
	return s.crps + 1 >= MAX_COMMAND_TRIES ? fail("CRP_LIMIT", `CRP received ${MAX_COMMAND_TRIES} times for ${command}`) : again;
}

/** "PPS-MPS", "PPS-NULL": the command as named in traces and errors. */
export const ppsName = (ppm: EcmPpm): string => `PPS-${ppm}`;

// ---- after PPS (nodes IV_PPS_NULL / IV_PPS_Q) ----

export interface PpsState extends CommandTries {
	ppm: EcmPpm;
	/** FCD frames in the block */
	frames: number;
	/** PPRs already received for this block since the last CTC (or the block's start) */
	pprs: number;
}

export type PpsDecision =
	/** the block is received: next block, next page (MPS), phase B (EOM) or the end (EOP) */
	| { kind: "blockDone"; result: "MCF" | "PIP" }
	/** resend the frames the PPR names (those of this block; `ignored` named frames never sent); then PPS again */
	| { kind: "resend"; frames: number[]; ignored: number[] }
	/** the 4th PPR: CTC or EOR (afterPprLimit); `frames` still missing */
	| { kind: "pprLimit"; frames: number[]; ignored: number[] }
	/** RNR: poll with RR until T5 */
	| { kind: "receiverNotReady" }
	/** send the same PPS again (no reply / bad frame / CRP) */
	| { kind: "repeat"; reason: "noReply" | "crp" }
	/** we heard our own PPS (echo): listen again */
	| { kind: "listenAgain" }
	/** DIS: the receiver went back to phase B; retrain and send the whole block again */
	| { kind: "renegotiate" }
	| (Fail & { result?: "PIN" | "PIP" });

/** Split a PPR map into frames of the block (to resend) and frames it never had (ignored). */
export function framesToResend(requested: readonly number[], frames: number): { frames: number[]; ignored: number[] } {
	return { frames: requested.filter((n) => n < frames), ignored: requested.filter((n) => n >= frames) };
}

/**
 * The reply to PPS. `pprFrames` is the parsed PPR map when the reply is PPR (the caller parses the FIF with
 * ecmBlocks.parsePprMap, so a malformed map can fail as a protocol error there).
 */
export function afterPps(reply: Reply, s: PpsState, pprFrames: readonly number[] = []): PpsDecision {
	const cmd = ppsName(s.ppm);
	if (reply.kind === "noCarrier") return fail("CARRIER_LOST", `NO CARRIER waiting for the reply to ${cmd}`);
	if (reply.kind !== "frames") return repeatOr(s, cmd, NO_ANSWER[reply.kind], { kind: "repeat", reason: "noReply" } as const);
	const f = baseFcf(reply.final.fcf);
	switch (f) {
		case Fcf.MCF:
			return { kind: "blockDone", result: "MCF" };
		case Fcf.PPR: {
			const r = framesToResend(pprFrames, s.frames);
			return s.pprs + 1 >= PPR_LIMIT ? { kind: "pprLimit", ...r } : { kind: "resend", ...r };
		}
		case Fcf.RNR:
			return { kind: "receiverNotReady" };
		case Fcf.CRP:
			return crpOr(s, cmd, { kind: "repeat", reason: "crp" } as const);
		case Fcf.PIP:
			// the block is in; the far end wants an operator we do not have: fine at the very end only
			return s.ppm === "EOP" ? { kind: "blockDone", result: "PIP" } : { ...fail("PAGE_REJECTED", `PIP in reply to ${cmd}: procedure interrupt`), result: "PIP" };
		case Fcf.PIN:
			return { ...fail("PAGE_REJECTED", `PIN in reply to ${cmd}: procedure interrupt`), result: "PIN" };
		case Fcf.DCN:
			return fail("REMOTE_DCN", `DCN in reply to ${cmd}`);
		case Fcf.PPS:
			return { kind: "listenAgain" };
		case Fcf.DIS:
			return phaseBAgain(s, cmd);
		default:
			return fail("PROTOCOL_ERROR", `unexpected frame 0x${reply.final.fcf.toString(16)} in reply to ${cmd}`);
	}
}

// ---- the 4th PPR (T.30 A.4.3; HylaFAX Class1PersistentECM) ----

/**
 * What to do when a block has drawn PPR_LIMIT PPRs: "ctc" (default, HylaFAX): CTC down the rate ladder
 * and keep correcting; at the bottom of the ladder keep going while the last round made progress
 * (`persistent`), else EOR. "eor": give the block up at once (EOR).
 */
export type EcmRetryPolicy = "ctc" | "eor";

export interface PprLimitState {
	policy: EcmRetryPolicy;
	/** a slower rate is left on the ladder */
	canStepDown: boolean;
	/** frames got through since the last CTC (or the block's start) */
	progress: boolean;
	/** keep correcting at the lowest rate while progress is made (HylaFAX Class1PersistentECM, default true) */
	persistent: boolean;
}

export type PprLimitDecision = { kind: "ctc"; stepDown: boolean } | { kind: "eor" };

export function afterPprLimit(s: PprLimitState): PprLimitDecision {
	if (s.policy === "eor") return { kind: "eor" };
	if (s.canStepDown) return { kind: "ctc", stepDown: true };
	return s.persistent && s.progress ? { kind: "ctc", stepDown: false } : { kind: "eor" };
}

// ---- after CTC (node IV_CTC) ----

export type CtcDecision = { kind: "continue" } | { kind: "repeat"; reason: "noReply" | "crp" } | { kind: "renegotiate" } | Fail;

/** CTR: go on correcting at the CTC's rate (long train first, T.30 §5 note 5). */
export function afterCtc(reply: Reply, s: CommandTries): CtcDecision {
	if (reply.kind === "noCarrier") return fail("CARRIER_LOST", "NO CARRIER waiting for CTR");
	if (reply.kind !== "frames") return repeatOr(s, "CTC", NO_ANSWER[reply.kind], { kind: "repeat", reason: "noReply" } as const);
	switch (baseFcf(reply.final.fcf)) {
		case Fcf.CTR:
			return { kind: "continue" };
		case Fcf.CRP:
			return crpOr(s, "CTC", { kind: "repeat", reason: "crp" } as const);
		case Fcf.DCN:
			return fail("REMOTE_DCN", "DCN in reply to CTC");
		case Fcf.DIS:
			return phaseBAgain(s, "CTC");
		default:
			return fail("PROTOCOL_ERROR", `unexpected frame 0x${reply.final.fcf.toString(16)} in reply to CTC`);
	}
}

// ---- after EOR (node IV_EOR) ----

export type EorDecision =
	/** ERR: the block is abandoned; go on as after MCF, the page unconfirmed */
	| { kind: "abandoned" }
	| { kind: "receiverNotReady" }
	| { kind: "repeat"; reason: "noReply" | "crp" }
	| { kind: "renegotiate" }
	| (Fail & { result?: "PIN" });

export function afterEor(reply: Reply, s: CommandTries & { ppm: EcmPpm }): EorDecision {
	const cmd = `EOR-${s.ppm}`;
	if (reply.kind === "noCarrier") return fail("CARRIER_LOST", `NO CARRIER waiting for the reply to ${cmd}`);
	if (reply.kind !== "frames") return repeatOr(s, cmd, NO_ANSWER[reply.kind], { kind: "repeat", reason: "noReply" } as const);
	switch (baseFcf(reply.final.fcf)) {
		case Fcf.ERR:
			return { kind: "abandoned" };
		case Fcf.RNR:
			return { kind: "receiverNotReady" };
		case Fcf.CRP:
			return crpOr(s, cmd, { kind: "repeat", reason: "crp" } as const);
		case Fcf.PIN:
			return { ...fail("PAGE_REJECTED", `PIN in reply to ${cmd}`), result: "PIN" };
		case Fcf.DCN:
			return fail("REMOTE_DCN", `DCN in reply to ${cmd}`);
		case Fcf.EOR:
			return fail("PROTOCOL_ERROR", `heard EOR in reply to ${cmd}`);
		case Fcf.DIS:
			return phaseBAgain(s, cmd);
		default:
			return fail("PROTOCOL_ERROR", `unexpected frame 0x${reply.final.fcf.toString(16)} in reply to ${cmd}`);
	}
}

// ---- after RR (nodes IV_PPS_RNR / IV_EOR_RNR) ----

export interface RrState extends CommandTries {
	/** T5 (started at the first RNR) has run out */
	t5Expired: boolean;
}

/**
 * The reply to RR: RNR again -> keep polling until T5, then fail ECM_RNR_TIMEOUT (HylaFAX E138/E139);
 * anything else is the late answer to the PPS or EOR and is decided by `answer` (afterPps / afterEor).
 * Silence repeats the RR (3 tries, T4 each).
 */
export function afterRr<D>(reply: Reply, s: RrState, answer: (r: Reply) => D): D | { kind: "receiverNotReady" } | { kind: "repeat"; reason: "noReply" | "crp" } | { kind: "listenAgain" } | Fail {
	if (reply.kind === "noCarrier") return fail("CARRIER_LOST", "NO CARRIER waiting for the reply to RR");
	if (reply.kind !== "frames") return repeatOr(s, "RR", NO_ANSWER[reply.kind], { kind: "repeat", reason: "noReply" } as const);
	const f = baseFcf(reply.final.fcf);
	if (f === Fcf.RNR) return s.t5Expired ? fail("ECM_RNR_TIMEOUT", "receiver not ready (RNR) beyond T5") : { kind: "receiverNotReady" };
	if (f === Fcf.CRP) return crpOr(s, "RR", { kind: "repeat", reason: "crp" } as const);
	if (f === Fcf.RR) return { kind: "listenAgain" }; // our own RR echoed
	return answer(reply);
}
