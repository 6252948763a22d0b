/** Case tables for the pure decisions of the transmitter (decisions.ts), per class1.md §2.1/§2.4/§2.6 and T.30 Fig. 5-2. */
import test from "ava";
import { afterPostPage, afterTraining, checkDis, defaultRtnResends, type PostPageState, type Reply, type RtnPolicy } from "../../../src/t30/decisions.js";
import { Fcf } from "../../../src/t30/fcf.js";

const heard = (fcf: number): Reply => ({ kind: "frames", frames: [{ final: true, fcf, fif: new Uint8Array(0) }], final: { final: true, fcf, fif: new Uint8Array(0) } });
const X = (name: keyof typeof Fcf) => heard(Fcf[name] | 1);
const kindOf = (d: { kind: string; code?: string; reason?: string }) => (d.kind === "fail" ? `fail:${d.code}` : d.kind === "repeat" ? `repeat` : d.kind);

test("checkDis", (t) => {
	t.is(checkDis(Fcf.DIS, { t4Receiver: true }).kind, "ok");
	t.like(checkDis(Fcf.DIS, { t4Receiver: false }), { kind: "fail", code: "REMOTE_CANNOT_RECEIVE" });
	t.like(checkDis(Fcf.DTC, { t4Receiver: true }), { kind: "fail", code: "PROTOCOL_ERROR" });
});

test("afterTraining case table", (t) => {
	const cases: [Reply, number, number, string][] = [
		// reply, noReplies so far, DIS-after-DCS so far, expected
		[X("CFR"), 0, 0, "trained"],
		[heard(Fcf.CFR), 0, 0, "trained"], // X bit either way
		[X("FTT"), 0, 0, "fallback"],
		[heard(Fcf.DIS), 0, 0, "renegotiate"],
		[heard(Fcf.DIS), 0, 1, "renegotiate"],
		[heard(Fcf.DIS), 0, 2, "fail:DIS_AFTER_DCS_LIMIT"],
		[X("DCN"), 0, 0, "fail:REMOTE_DCN"],
		[{ kind: "timeout" }, 0, 0, "repeat"],
		[{ kind: "timeout" }, 1, 0, "repeat"],
		[{ kind: "timeout" }, 2, 0, "fail:NO_RESPONSE_DCS"],
		[{ kind: "badFrame" }, 0, 0, "repeat"],
		[{ kind: "badFrame" }, 2, 0, "fail:NO_RESPONSE_DCS"],
		[{ kind: "fcError" }, 0, 0, "repeat"],
		[X("CRP"), 0, 0, "repeat"],
		[X("CRP"), 2, 0, "fail:NO_RESPONSE_DCS"],
		[{ kind: "noCarrier" }, 0, 0, "fail:CARRIER_LOST"],
		[heard(Fcf.DTC), 0, 0, "fail:PROTOCOL_ERROR"],
		[X("MCF"), 0, 0, "fail:PROTOCOL_ERROR"],
		[heard(0x5a), 0, 0, "fail:PROTOCOL_ERROR"],
	];
	for (const [r, n, d, want] of cases) t.is(kindOf(afterTraining(r, n, d)), want, `${JSON.stringify(r.kind === "frames" ? r.final.fcf.toString(16) : r.kind)} ${n} ${d}`);
});

const st = (o: Partial<PostPageState> = {}): PostPageState => ({ ppm: "MPS", noReplies: 0, crps: 0, rtnResends: 0, policy: "retransmit-ignore", maxRtnResends: 2, ...o });

test("afterPostPage case table", (t) => {
	const cases: [Reply, Partial<PostPageState>, string, Record<string, unknown>?][] = [
		[X("MCF"), {}, "next", { result: "MCF", confirmed: true, retrain: false }],
		[X("MCF"), { ppm: "EOP" }, "next", { result: "MCF", confirmed: true }],
		[X("RTP"), {}, "next", { result: "RTP", confirmed: true, retrain: true }],
		[X("PIP"), { ppm: "EOP" }, "next", { result: "PIP", confirmed: true }],
		[X("PIP"), { ppm: "MPS" }, "fail:PAGE_REJECTED", { result: "PIP", confirmed: true }],
		[X("PIP"), { ppm: "EOM" }, "fail:PAGE_REJECTED"],
		[X("PIN"), {}, "fail:PAGE_REJECTED", { result: "PIN", confirmed: false }],
		[X("PIN"), { ppm: "EOP" }, "fail:PAGE_REJECTED"],
		[X("CRP"), {}, "repeat", { reason: "crp" }],
		[X("CRP"), { crps: 1 }, "repeat"],
		[X("CRP"), { crps: 2 }, "fail:CRP_LIMIT"],
		[X("DCN"), {}, "fail:REMOTE_DCN"],
		[X("DCN"), { ppm: "EOP" }, "fail:REMOTE_DCN"],
		[{ kind: "timeout" }, {}, "repeat", { reason: "noReply" }],
		[{ kind: "timeout" }, { noReplies: 2 }, "fail:NO_RESPONSE_POST_PAGE"],
		[{ kind: "badFrame" }, { noReplies: 1 }, "repeat"],
		[{ kind: "fcError" }, { noReplies: 2 }, "fail:NO_RESPONSE_POST_PAGE"],
		[{ kind: "noCarrier" }, {}, "fail:CARRIER_LOST"],
		[X("MPS"), { ppm: "MPS" }, "listenAgain"], // our own PPM echoed
		[heard(Fcf.MPS), { ppm: "MPS" }, "listenAgain"],
		[X("EOP"), { ppm: "EOP" }, "listenAgain"],
		[X("EOP"), { ppm: "MPS" }, "fail:PROTOCOL_ERROR"],
		[heard(Fcf.DIS), {}, "fail:PROTOCOL_ERROR"],
		[X("CFR"), {}, "fail:PROTOCOL_ERROR"],
	];
	for (const [r, s, want, like] of cases) {
		const d = afterPostPage(r, st(s));
		const label = `${r.kind === "frames" ? r.final.fcf.toString(16) : r.kind} ${JSON.stringify(s)}`;
		t.is(kindOf(d), want, label);
		if (like) t.like(d, like, label);
	}
});

test("RTN per policy", (t) => {
	const cases: [RtnPolicy, number, number, string, boolean?][] = [
		// policy, resends done, max, expected, confirmed (for next)
		["retransmit", 0, 3, "resend"],
		["retransmit", 2, 3, "resend"],
		["retransmit", 3, 3, "fail:PAGE_REJECTED"],
		["retransmit-ignore", 0, 2, "resend"],
		["retransmit-ignore", 1, 2, "resend"],
		["retransmit-ignore", 2, 2, "next", false],
		["ignore", 0, 0, "next", false],
		["giveup", 0, 0, "fail:PAGE_REJECTED"],
	];
	for (const [policy, rtnResends, maxRtnResends, want, confirmed] of cases) {
		const d = afterPostPage(X("RTN"), st({ policy, rtnResends, maxRtnResends }));
		t.is(kindOf(d), want, `${policy} ${rtnResends}`);
		if (d.kind === "next") t.like(d, { result: "RTN", confirmed, retrain: true });
		if (d.kind === "fail") t.like(d, { result: "RTN", confirmed: false });
	}
	t.is(defaultRtnResends("retransmit"), 3);
	t.is(defaultRtnResends("retransmit-ignore"), 2);
	t.is(defaultRtnResends("ignore"), 0);
});
