/**
 * Phase B of the transmitter (T.30 §5.2, Figure 5-2a; class1.md §2.1, §2.4): collect NSF/CSI/DIS within
 * T1 (re-issuing the receive), check the DIS, then DCS (+TSI) and TCF until CFR, walking down the rate
 * ladder on FTT, renegotiating on a DIS in reply and repeating on silence. Layer: t30.
 */
import type { FaxPage } from "../core/bitmap.js";
import { FaxError } from "../core/FaxError.js";
import { fatal, type CallState, type TransmitOptions } from "./callState.js";
import type { TxContext } from "./context.js";
import { afterTraining, checkDis, type Reply, type TrainingDecision } from "./decisions.js";
import { noteV17Training } from "./destinations.js";
import { buildDis, decodeId, describeDis, encodeId, parseDis, type DisFields } from "./dis.js";
import { Fcf, fcfName } from "./fcf.js";
import { dcsFields, negotiated, nextSlower, pageFormat, rateLadder, sessionParams, type LocalCaps } from "./params.js";

export interface HeardDis {
	fcf: number;
	dis: DisFields;
}

/**
 * Receive NSF/CSI/DIS until a final frame completes a DIS, within `windowMs` in total, re-issuing the
 * receive after timeouts, bad frames and +FCERROR (class1.md §2.1 "No DIS at all → wait up to T1").
 * Returns undefined when the window ends.
 */
export async function waitForDis(ctx: TxContext, st: CallState, windowMs: number, timer: string): Promise<HeardDis | undefined> {
	ctx.enter("B", "T");
	const deadline = ctx.clock.now() + windowMs;
	ctx.tracer.trace("timer", "-", `${timer} start ${windowMs} ms`);
	let pending: HeardDis | undefined;
	let noCarrier = 0;
	for (let spins = 0; spins < 500; spins++) {
		const left = deadline - ctx.clock.now();
		if (left <= 0) break;
		const h = ctx.hear(await ctx.link.receiveFrame(left, ctx.signal));
		if (h.kind === "timeout" || h.kind === "badFrame") continue;
		if (h.kind === "noCarrier") {
			// an immediate NO CARRIER can be the end of the last carrier (class1.md §2.8): re-issue, but not forever
			if (++noCarrier >= 3) throw fatal("CARRIER_LOST", `NO CARRIER waiting for DIS`);
			continue;
		}
		if (h.kind === "fcError") {
			await ctx.clock.sleep(ctx.timers.fcErrorPauseMs, ctx.signal);
			continue;
		}
		const f = h.frame;
		const name = fcfName(f.fcf);
		if (name === "CSI") noteCsid(ctx, st, decodeId(f.fif));
		else if (name === "DIS" || name === "DTC") {
			pending = { fcf: f.fcf, dis: parseDis(f.fif) };
			ctx.role.disReceived = true; // T.30 §5.3.6.1: from now on our frames carry X = 1
		}
		else if (name === "DCN") throw fatal("REMOTE_DCN", "DCN while waiting for DIS");
		if (f.final && pending) return pending;
	}
	ctx.tracer.trace("timer", "-", `${timer} expired`);
	return undefined;
}

function noteCsid(ctx: TxContext, st: CallState, csid: string): void {
	if (csid === st.csid) return;
	st.csid = csid;
	ctx.emit({ type: "remoteId", csid });
}

/** Check a DIS and set up the rate ladder; with `atMost`, start at the fastest rate not above it. */
export function acceptDis(st: CallState, heard: HeardDis, local: LocalCaps, atMost?: number): void {
	const c = checkDis(heard.fcf, heard.dis);
	if (c.kind === "fail") throw fatal(c.code, c.reason);
	const ladder = rateLadder(heard.dis, local);
	if (ladder.length === 0) throw new FaxError("INCOMPATIBLE", `no common modulation (DIS: ${describeDis(heard.dis)})`, { disposition: "fail" });
	st.dis = heard.dis;
	st.ladder = ladder;
	const i = atMost === undefined ? 0 : ladder.findIndex((r) => r.bitRate <= atMost);
	st.rateIdx = i < 0 ? ladder.length - 1 : i;
}

/** DCS (+TSI) and TCF until CFR: FTT walks down the ladder, DIS renegotiates, silence repeats (T.30 Fig. 5-2a). */
export async function train(ctx: TxContext, st: CallState, page: FaxPage, o: TransmitOptions): Promise<void> {
	let noReplies = 0;
	for (let guard = 0; guard < 64; guard++) {
		const rate = st.ladder[st.rateIdx]!;
		const params = sessionParams(st.dis!, rate, pageFormat(page, st.dis!), o.local);
		st.params = params;
		const key = JSON.stringify(negotiated(params));
		if (key !== st.lastNegotiated) {
			st.lastNegotiated = key;
			ctx.emit({ type: "negotiated", params: negotiated(params) });
		}
		ctx.enter("B", "D");
		await ctx.turn("switching"); // T.30 §5.3.2.4: ≥ 75 ms after the far end's carrier
		const frames = o.tsid ? [{ fcf: Fcf.TSI, fif: encodeId(o.tsid) }] : [];
		await ctx.send([...frames, { fcf: Fcf.DCS, fif: buildDis(dcsFields(params)) }]);
		ctx.enter("B", "D_TCF");
		await ctx.turn("tcf"); // AT+FTS=7 before TCF (class1.md §2.1)
		const tcfBytes = Math.round((rate.bitRate * ctx.timers.tcfMs) / 8000); // 1.5 s of zeros, long train
		ctx.tracer.trace("page", "tx", `TCF ${tcfBytes} bytes at ${rate.modulation} ${rate.bitRate} (+FTM=${rate.longTrain})`);
		await ctx.link.sendData(rate.longTrain, new Uint8Array(tcfBytes), ctx.signal);
		await ctx.turn("response"); // Class1ResponseWaitCmd: modems that say OK before the carrier is off
		ctx.enter("B", "D_POST_TCF");
		const reply = await ctx.receive(ctx.timers.T4, "T4");
		if (reply.kind === "frames") for (const f of reply.frames) if (fcfName(f.fcf) === "CSI") noteCsid(ctx, st, decodeId(f.fif));
		const d = afterTraining(reply, noReplies, st.disAfterDcs);
		const v17Trouble = noteV17Training(st.v17, rate, trainingOutcome(reply, d));
		if (v17Trouble) {
			ctx.tracer.trace("info", "-", `destination has V.17 trouble: ${v17Trouble}`);
			o.onV17Trouble?.(v17Trouble);
		}
		switch (d.kind) {
			case "trained":
				ctx.emit({ type: "training", bitRate: rate.bitRate, result: "CFR" });
				return;
			case "fallback": {
				ctx.emit({ type: "training", bitRate: rate.bitRate, result: "FTT" });
				const next = nextSlower(st.ladder, st.rateIdx);
				if (next === undefined) throw fatal("TRAINING_FAILED", `FTT at ${rate.modulation} ${rate.bitRate}, the lowest allowed rate`, { bitRate: rate.bitRate });
				st.rateIdx = next;
				noReplies = 0;
				break;
			}
			case "renegotiate": {
				ctx.emit({ type: "training", bitRate: rate.bitRate, result: "none" });
				st.disAfterDcs++;
				const f = reply.kind === "frames" ? reply.final : undefined;
				acceptDis(st, { fcf: f!.fcf, dis: parseDis(f!.fif) }, o.local, rate.bitRate);
				noReplies = 0;
				break;
			}
			case "repeat":
				ctx.emit({ type: "training", bitRate: rate.bitRate, result: "none" });
				ctx.tracer.trace("info", "-", `no usable reply to DCS (${d.reason}): sending DCS + TCF again`);
				noReplies++;
				break;
			case "fail":
				throw fatal(d.code, d.reason, { bitRate: rate.bitRate, ...(v17Trouble ? { v17Trouble } : {}) });
		}
	}
	throw fatal("PROTOCOL_ERROR", "training did not settle");
}

/** The far end's answer to DCS + TCF as the V.17 trouble rule sees it. */
function trainingOutcome(reply: Reply, d: TrainingDecision): "CFR" | "FTT" | "DCN" | "other" {
	if (d.kind === "trained") return "CFR";
	if (d.kind === "fallback") return "FTT";
	return reply.kind === "frames" && fcfName(reply.final.fcf) === "DCN" ? "DCN" : "other";
}


