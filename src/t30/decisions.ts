/**
 * Pure decisions of the T.30 transmitter (architecture.md "Pure decisions"): each branch on what was heard
 * after a command is a function returning a discriminated union, case-table tested. Counters come in as
 * arguments; the scripts in transmit.ts keep them. Sources: T.30 flow charts (Figure 5-2), class1.md §2.1,
 * §2.4, §2.6 (HylaFAX Class1Send, SpanDSP t30.c). Layer: t30 (pure).
 */
import type { FaxErrorCode } from "../core/FaxError.js";
import type { HdlcFrame } from "../hdlc/frame.js";
import type { PageResult } from "../modem/FaxModem.js";
import { baseFcf, Fcf, isFcf } from "./fcf.js";
import { MAX_COMMAND_TRIES } from "./timers.js";

/** What one receive (+FRH=3 up to the final frame) produced. */
export type Reply =
	| { kind: "frames"; frames: HdlcFrame[]; final: HdlcFrame } // good FCS, last one with control 0x13
	| { kind: "timeout" } // nothing within the timer
	| { kind: "badFrame" } // bad FCS (modem ERROR) or garbage
	| { kind: "noCarrier" } // NO CARRIER: the call is gone
	| { kind: "fcError" }; // +FCERROR: a high-speed carrier instead of V.21

type Fail = { kind: "fail"; code: FaxErrorCode; reason: string };
const fail = (code: FaxErrorCode, reason: string): Fail => ({ kind: "fail", code, reason });

/** Replies that carry no answer, by why they count as none (T.30 §5.3.2: the command is repeated). */
const NO_ANSWER = { timeout: "timeout", badFrame: "bad frame", fcError: "+FCERROR" } as const;

/** Repeat an unanswered command (`again`), or fail with `code` once it went unanswered MAX_COMMAND_TRIES times. */
function missed<R>(noReplies: number, code: FaxErrorCode, command: string, why: string, again: R): R | Fail {
	return noReplies + 1 >= MAX_COMMAND_TRIES ? fail(code, `no response to ${command} after ${MAX_COMMAND_TRIES} tries (${why})`) : again;
}

// ---- DIS check (class1.md §2.1 "Check the DIS") ----

export type DisCheck = { kind: "ok" } | Fail;

/** Is this DIS usable for sending? (T.4 receiver bit 10; a DTC is a polling request we do not serve.) */
export function checkDis(fcf: number, dis: { t4Receiver: boolean }): DisCheck {
	if (isFcf(fcf, "DTC")) return fail("PROTOCOL_ERROR", "far end sent DTC (polling request): unsupported");
	if (!dis.t4Receiver) return fail("REMOTE_CANNOT_RECEIVE", "DIS without the T.4 receiver bit");
	return { kind: "ok" };
}

// ---- after DCS + TCF (T.30 Figure 5-2a, HylaFAX sendTraining) ----

export type TrainingDecision =
	| { kind: "trained" } // CFR
	| { kind: "fallback" } // FTT: next slower rate
	| { kind: "renegotiate" } // DIS again: the far end rejected the DCS
	| { kind: "repeat"; reason: string } // no / bad reply: send DCS + TCF again
	| Fail;

/**
 * @param noReplies replies already missed for this DCS (0 on the first try)
 * @param disAfterDcs DIS frames already received in reply to DCS in this call
 */
export function afterTraining(reply: Reply, noReplies: number, disAfterDcs: number): TrainingDecision {
	const repeat = (why: string): TrainingDecision => missed(noReplies, "NO_RESPONSE_DCS", "DCS/TCF", why, { kind: "repeat", reason: why });
	if (reply.kind === "noCarrier") return fail("CARRIER_LOST", "NO CARRIER waiting for CFR");
	if (reply.kind !== "frames") return repeat(NO_ANSWER[reply.kind]);
	const f = baseFcf(reply.final.fcf);
	if (f === Fcf.CFR) return { kind: "trained" };
	if (f === Fcf.FTT) return { kind: "fallback" };
	if (f === Fcf.DIS) return disAfterDcs + 1 >= MAX_COMMAND_TRIES ? fail("DIS_AFTER_DCS_LIMIT", `DIS received ${MAX_COMMAND_TRIES} times in reply to DCS`) : { kind: "renegotiate" };
	if (f === Fcf.DCN) return fail("REMOTE_DCN", "DCN in reply to DCS");
	if (f === Fcf.CRP) return repeat("CRP");
	if (f === Fcf.DTC) return fail("PROTOCOL_ERROR", "DTC in reply to DCS: polling unsupported");
	return fail("PROTOCOL_ERROR", `unexpected frame 0x${reply.final.fcf.toString(16)} in reply to DCS`);
}

// ---- after a post-page message (T.30 Figure 5-2c, class1.md §2.6) ----

/** What to do after RTN (HylaFAX RTNHandlingMethod; class1.md §2.6). */
export type RtnPolicy = "retransmit" | "giveup" | "ignore" | "retransmit-ignore";

export interface PostPageState {
	/** the PPM we sent: "MPS" | "EOM" | "EOP" */
	ppm: "MPS" | "EOM" | "EOP";
	/** times this PPM already went unanswered (timeout / bad frame) */
	noReplies: number;
	/** CRPs already received for this PPM */
	crps: number;
	/** RTN resends already done for this page */
	rtnResends: number;
	policy: RtnPolicy;
	/** resends allowed by "retransmit" / "retransmit-ignore" */
	maxRtnResends: number;
}

export type PostPageDecision =
	/** page done; go on (next page, EOM -> phase B, or end after EOP); `retrain` = DCS+TCF before the next page */
	| { kind: "next"; result: PageResult; confirmed: boolean; retrain: boolean }
	/** RTN: drop the rate, retrain, send the same page again */
	| { kind: "resend"; result: "RTN" }
	/** send the same PPM again (no reply, bad frame, CRP) */
	| { kind: "repeat"; reason: "noReply" | "crp" }
	/** we heard our own PPM (echo): receive again without resending */
	| { kind: "listenAgain" }
	| (Fail & { result?: PageResult; confirmed?: boolean });

export function afterPostPage(reply: Reply, s: PostPageState): PostPageDecision {
	if (reply.kind === "noCarrier") return fail("CARRIER_LOST", `NO CARRIER waiting for the reply to ${s.ppm}`);
	if (reply.kind !== "frames") return missed(s.noReplies, "NO_RESPONSE_POST_PAGE", s.ppm, NO_ANSWER[reply.kind], { kind: "repeat", reason: "noReply" } as const);
	const f = baseFcf(reply.final.fcf);
	const last = s.ppm === "EOP";
	switch (f) {
		case Fcf.MCF:
			return { kind: "next", result: "MCF", confirmed: true, retrain: false };
		case Fcf.RTP:
			return { kind: "next", result: "RTP", confirmed: true, retrain: true };
		case Fcf.PIP:
			// page received; the far end asks for an operator we do not have. Fine after EOP, fatal with more to send (HylaFAX E129)
			return last ? { kind: "next", result: "PIP", confirmed: true, retrain: false } : { ...fail("PAGE_REJECTED", `PIP in reply to ${s.ppm}: procedure interrupt with pages left`), result: "PIP", confirmed: true };
		case Fcf.PIN:
			return { ...fail("PAGE_REJECTED", `PIN in reply to ${s.ppm}: page rejected, procedure interrupt`), result: "PIN", confirmed: false };
		case Fcf.RTN:
			return afterRtn(s);
		case Fcf.CRP:
			return s.crps + 1 >= MAX_COMMAND_TRIES ? fail("CRP_LIMIT", `CRP received ${MAX_COMMAND_TRIES} times for ${s.ppm}`) : { kind: "repeat", reason: "crp" };
		case Fcf.DCN:
			return fail("REMOTE_DCN", `DCN in reply to ${s.ppm}`);
		case Fcf[s.ppm]:
			return { kind: "listenAgain" }; // our own PPM came back (echo): never answer it, listen again
		default:
			return fail("PROTOCOL_ERROR", `unexpected frame 0x${reply.final.fcf.toString(16)} in reply to ${s.ppm}`);
	}
}

function afterRtn(s: PostPageState): PostPageDecision {
	const unconfirmed: PostPageDecision = { kind: "next", result: "RTN", confirmed: false, retrain: true };
	const rejected = { ...fail("PAGE_REJECTED", `RTN (policy ${s.policy}, ${s.rtnResends} resends)`), result: "RTN" as const, confirmed: false };
	switch (s.policy) {
		case "giveup":
			return rejected;
		case "ignore":
			return unconfirmed;
		case "retransmit":
			return s.rtnResends < s.maxRtnResends ? { kind: "resend", result: "RTN" } : rejected;
		case "retransmit-ignore":
			return s.rtnResends < s.maxRtnResends ? { kind: "resend", result: "RTN" } : unconfirmed;
	}
}

/** Default resend limits per policy: "retransmit" 3 tries, "retransmit-ignore" 2 then move on (class1.md §2.6). */
export const defaultRtnResends = (p: RtnPolicy): number => (p === "retransmit" ? 3 : p === "retransmit-ignore" ? 2 : 0);
