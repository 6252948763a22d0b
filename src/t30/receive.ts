/**
 * The T.30 answerer (called terminal receiving a document, non-ECM) as a script that reads like the flow
 * charts (T.30 §5, Figure 5-2a..c receiver side; node names after SpanDSP t30.c): after the answer
 * (phase A, done by the session) phase B sends NSF/CSI/DIS (node R) and repeats the DIS every T4 while
 * no command comes, up to T1; TSI/DCS are checked against our DIS (answerDis.ts) and the TCF is judged
 * (tcfCheck.ts) -> CFR / FTT (nodes F_TCF, F_CFR, F_FTT); phase C receives each page's data with RTC
 * detection (receivePage.ts, node F_DOC_NON_ECM) into the sink; phase D judges copy quality
 * (copyQuality.ts) and answers MPS/EOM/EOP with MCF/RTP/RTN (receiveDecisions.ts, node F_POST_DOC_NON_ECM),
 * re-sends its last answer to a repeated command or CRP, sends CRP to a garbled command; phase E ends on
 * DCN or a dropped line. T2 bounds every wait for a command or page carrier. Layer: t30.
 */
import { FaxError, isFaxError } from "../core/FaxError.js";
import type { HdlcFrame } from "../hdlc/frame.js";
import type { Class1Link, ModulationCode } from "../modem/Class1Link.js";
import type { NegotiatedParams, PageResult, ReceiveResult, ReceiveSink, ReceivedPageWriter } from "../modem/FaxModem.js";
import { answerDis, checkDcs, type ReceiveCaps } from "./answerDis.js";
import type { OutFrame, RxContext } from "./context.js";
import { judgeCopyQuality, type CopyQualityLimits } from "./copyQuality.js";
import { buildDis, decodeId, describeDis, encodeId, parseDis, type DisFields } from "./dis.js";
import { Fcf, fcfLabel, fcfName, type FcfName } from "./fcf.js";
import { afterPostPage, postPageCommand, type PostPageCommand } from "./receiveDecisions.js";
import { receivePageData, type PageIntake } from "./receivePage.js";
import { receiveEcmPage } from "./receiveEcm.js";
import { TcfJudge, type TcfLimits } from "./tcfCheck.js";
import { MAX_COMMAND_TRIES } from "./timers.js";

export interface ReceiveOptions {
	/** our id in CSI (≤ 20 printable characters) */
	csid?: string;
	/** NSF FIF sent before CSI (none by default) */
	nsf?: Uint8Array;
	/** what we accept (rates from AT+FRM=?, resolutions, widths, lengths, MR) */
	caps: ReceiveCaps;
	/** TCF judgement limits (tcfCheck.ts) */
	tcf?: TcfLimits;
	/** copy-quality limits (copyQuality.ts) */
	quality?: CopyQualityLimits;
}

/** One received page as the call log / incoming job sees it. */
interface CallState {
	tsid: string;
	params?: NegotiatedParams;
	format?: { coding: "mh" | "mr" | "mmr"; width: number; resolution: NegotiatedParams["resolution"]; mod: number; ecm: boolean };
	pagesConfirmed: number;
	pageNo: number;
	/** our last answer (re-sent to CRP or a repeated command) */
	last?: FcfName;
	lastFrames?: OutFrame[];
	/** where the call goes once our last answer is through (a CRP makes us repeat it and go on there) */
	resume: "command" | "page";
	/** the caller hung up / sent DCN: no DCN from us */
	done: boolean;
	/** EOP was answered MCF/RTP: the document is complete */
	finished: boolean;
	lineDead: boolean;
	dis: DisFields;
}

type Heard = { kind: "frames"; frames: HdlcFrame[] } | { kind: "timeout" } | { kind: "bad" } | { kind: "noCarrier" } | { kind: "fcError" };

/** Run one answered call. Never throws for a call failure: the error is in the result. */
export async function receive(ctx: RxContext, link: Class1Link, sink: ReceiveSink, o: ReceiveOptions): Promise<ReceiveResult> {
	const st: CallState = { tsid: "", pagesConfirmed: 0, pageNo: 0, done: false, finished: false, lineDead: false, resume: "command", dis: answerDis(o.caps) };
	let error: FaxError | undefined;
	try {
		await phaseBtoD(ctx, link, sink, st, o);
	} catch (e) {
		error = toFaxError(e, ctx.signal);
		if (error.code === "CARRIER_LOST" || error.code === "PORT_CLOSED" || error.code === "PORT_WRITE_FAILED") st.lineDead = true;
		ctx.tracer.trace("error", "-", `${error.code}: ${error.message}`, error.context);
	}
	await phaseE(ctx, link, st, error);
	const result: ReceiveResult = { ok: error === undefined, pagesReceived: st.pagesConfirmed, tsid: st.tsid };
	if (st.params) result.params = st.params;
	if (error) result.error = error;
	return result;
}

async function phaseBtoD(ctx: RxContext, link: Class1Link, sink: ReceiveSink, st: CallState, o: ReceiveOptions): Promise<void> {
	const t = ctx.timers;
	let step: "dis" | "command" | "page" = "dis";
	let disSentAt = ctx.clock.now();
	let answeredAt = disSentAt;
	let waitingFirst = true; // no command yet since the last DIS: DIS is repeated every T4 up to T1
	let tries = 0;
	let first = true; // right after ATA's CONNECT the modem already waits for our frames: no turnaround
	for (;;) {
		if (step === "dis") {
			ctx.enter("B", "R");
			const frames: OutFrame[] = [];
			if (o.nsf) frames.push({ fcf: Fcf.NSF, fif: o.nsf });
			if (o.csid) frames.push({ fcf: Fcf.CSI, fif: encodeId(o.csid) });
			frames.push({ fcf: Fcf.DIS, fif: buildDis(st.dis) });
			await sendFrames(ctx, link, frames, !first);
			first = false;
			st.lastFrames = frames;
			disSentAt = ctx.clock.now();
			if (!waitingFirst) answeredAt = disSentAt;
			waitingFirst = true;
			step = "command";
			continue;
		}
		if (step === "command") {
			const wait = waitingFirst ? t.T4 : t.T2;
			const heard = await hearCommand(ctx, link, wait, waitingFirst ? "T4" : "T2");
			if (heard.kind === "noCarrier") throw new FaxError("CARRIER_LOST", "NO CARRIER waiting for a command", { context: { tsid: st.tsid } });
			if (heard.kind === "timeout" || heard.kind === "fcError") {
				if (waitingFirst) {
					if (ctx.clock.now() - answeredAt >= t.T1) throw new FaxError("T1_TIMEOUT", `no DCS within T1 (${t.T1} ms) after our DIS`, { context: { timer: "T1" } });
					step = "dis"; // T.30 §5.3.2.1: repeat DIS
					continue;
				}
				if (++tries >= MAX_COMMAND_TRIES) throw new FaxError("RX_T2_TIMEOUT", `no command from the caller (${MAX_COMMAND_TRIES} × T2)`, { context: { timer: "T2", last: st.last } });
				continue;
			}
			if (heard.kind === "bad") {
				// T.30 §5.3.6.1.9: a command received with errors is answered CRP (at most 3 times)
				if (++tries >= MAX_COMMAND_TRIES) throw new FaxError("PROTOCOL_ERROR", "garbled commands from the caller", { context: { last: st.last } });
				await respond(ctx, link, st, "CRP", false);
				continue;
			}
			tries = 0;
			const next = await onCommand(ctx, link, st, o, heard.frames);
			if (next === "end") return;
			if (next === "dis") waitingFirst = false;
			if (next === "command") waitingFirst = false;
			step = next;
			continue;
		}
		// step === "page": phase C straight after CFR or after MCF to MPS
		const r = await pageAndPostPage(ctx, link, sink, st, o);
		if (r === "end") return;
		waitingFirst = false;
		step = r;
	}
}

/** Act on a command sequence (TSI/DCS, a post-page command, DCN, CRP). */
async function onCommand(ctx: RxContext, link: Class1Link, st: CallState, o: ReceiveOptions, frames: HdlcFrame[]): Promise<"dis" | "command" | "page" | "end"> {
	let dcs: DisFields | undefined;
	for (const f of frames) {
		const name = fcfName(f.fcf);
		if (name === "TSI") {
			st.tsid = decodeId(f.fif);
			ctx.emit({ type: "remoteTsi", tsid: st.tsid });
		} else if (name === "DCS") dcs = parseDis(f.fif);
		else if (name === "DCN") {
			st.done = true;
			ctx.enter("E", "CALL_FINISHED");
			if (st.finished) return "end";
			if (st.pageNo === 0) throw new FaxError("REMOTE_DCN", "the caller disconnected before sending a page");
			throw new FaxError("REMOTE_DCN", `the caller disconnected after page ${st.pageNo}, before the end of the document`, { context: { pages: st.pagesConfirmed } });
		} else if (name === "CRP") {
			if (st.lastFrames) await sendFrames(ctx, link, st.lastFrames);
			return st.resume;
		} else if (postPageCommand(name)) {
			// A post-page command with no page data since our last answer. Either the caller missed our
			// answer and repeats its command, or it sent a page we did not hear (carrier not detected) and
			// now asks for its confirmation. The two cannot be told apart; answering MCF again could lose a
			// page silently, so after MCF (a new page was due) we answer RTN: the caller retrains and resends
			// (at worst a duplicate). After RTN/RTP the same answer is repeated (T.30 §5.3.2.3).
			if (!st.last) return "command";
			const again = st.last === "MCF" ? "RTN" : st.last;
			if (again !== st.last) ctx.tracer.trace("info", "-", `${name} without page data since our ${st.last}: answered RTN (a page may have been missed)`);
			await respond(ctx, link, st, again, true);
			return "command";
		}
	}
	if (!dcs) return "command";
	return await trainingCheck(ctx, link, st, o, dcs);
}

/** DCS checked against our DIS, then the TCF judged: CFR -> phase C, FTT -> wait for a new DCS. */
async function trainingCheck(ctx: RxContext, link: Class1Link, st: CallState, o: ReceiveOptions, dcs: DisFields): Promise<"command" | "page" | "dis"> {
	ctx.enter("B", "F_TCF");
	const c = checkDcs(dcs, st.dis, o.caps);
	if (!c.ok) {
		// a DCS we cannot honour: T.30 lets the receiver re-send DIS (the caller then renegotiates)
		ctx.tracer.trace("info", "-", `DCS refused: ${c.reason}`);
		throw new FaxError("INCOMPATIBLE", `the caller's DCS asks for what we did not offer: ${c.reason}`, { context: { dcs: describeDis(dcs, "DCS") } });
	}
	st.params = { bitRate: c.rate.bitRate, modulation: c.rate.modulation, resolution: c.resolution, width: c.width, coding: c.coding, ecm: c.ecm, minScanLineMs: 0 };
	st.format = { coding: c.coding, width: c.width, resolution: c.resolution, mod: c.rate.shortTrain, ecm: c.ecm };
	ctx.emit({ type: "negotiated", params: st.params });
	const judge = new TcfJudge(c.rate.bitRate, o.tcf);
	const got = await link.receiveData(c.rate.longTrain, (chunk) => judge.push(chunk), ctx.timers.T2, ctx.signal);
	if (got.kind === "noCarrier") throw new FaxError("CARRIER_LOST", "NO CARRIER waiting for TCF");
	// No TCF carrier (+FCERROR, nothing trained in time): the training failed — FTT (HylaFAX Class1Recv
	// "failed to properly detect high-speed data carrier" answers FTT too); the caller then sends DCS again.
	if (got.kind !== "data") ctx.tracer.trace("info", "-", `no TCF carrier (${got.kind}): training failed`);
	const v = judge.verdict();
	ctx.tracer.trace("info", "rx", `TCF ${c.rate.modulation} ${c.rate.bitRate}: ${v.bytes} octets (${Math.round(v.durationMs)} ms), zero run ${Math.round(v.zeroRunMs)} ms, ${(v.nonZeroFraction * 100).toFixed(1)} % non-zero -> ${v.ok ? "CFR" : `FTT (${v.reason})`}`);
	ctx.emit({ type: "training", bitRate: c.rate.bitRate, result: v.ok ? "CFR" : "FTT" });
	if (!v.ok) {
		ctx.enter("B", "F_FTT");
		await respond(ctx, link, st, "FTT", false);
		st.resume = "command";
		return "command";
	}
	ctx.enter("B", "F_CFR");
	await respond(ctx, link, st, "CFR", false);
	st.resume = "page";
	return "page";
}

/** Phase C (one page) and phase D (its post-page command and our answer). */
async function pageAndPostPage(ctx: RxContext, link: Class1Link, sink: ReceiveSink, st: CallState, o: ReceiveOptions): Promise<"dis" | "command" | "page" | "end"> {
	const f = st.format!;
	const page = st.pageNo + 1;
	if (f.ecm) return ecmPage(ctx, link, sink, st, page);
	ctx.enter("C", "F_DOC_NON_ECM");
	let writer: ReceivedPageWriter | undefined;
	let intake: PageIntake;
	try {
		intake = await receivePageData(ctx, link, f.mod as ModulationCode, f, ctx.timers.T2, async (chunk) => {
			if (!writer) {
				ctx.emit({ type: "pageReceiving", page });
				writer = await sink.beginPage({ page, params: st.params! });
			}
			await writer.write(chunk);
		});
	} catch (e) {
		await writer?.abort(e instanceof Error ? e : new Error(String(e)));
		throw e;
	}
	if (intake.outcome.kind === "noCarrier") {
		await writer?.abort(new Error("carrier lost"));
		throw new FaxError("CARRIER_LOST", `NO CARRIER waiting for page ${page}`, { context: { page } });
	}
	if (intake.outcome.kind !== "data" || intake.bytes === 0) {
		await writer?.abort(new Error("no page data"));
		// +FCERROR / silence: the caller did not send a page (it may repeat DCS or a command)
		ctx.tracer.trace("info", "-", `no page carrier (${intake.outcome.kind}): listening for a command`);
		return "command";
	}
	st.pageNo = page;
	// phase D: the post-page command
	ctx.enter("D", "F_POST_DOC_NON_ECM");
	let ppm: PostPageCommand | undefined;
	for (let tries = 0; !ppm; ) {
		const heard = await hearCommand(ctx, link, ctx.timers.T2, "T2");
		if (heard.kind === "noCarrier" || (heard.kind === "frames" && heard.frames.some((x) => fcfName(x.fcf) === "DCN"))) {
			// the caller hung up after the data: the page never got its command, so it is not confirmed
			await writer?.abort(new FaxError("CARRIER_LOST", "no post-page command"));
			throw new FaxError(heard.kind === "noCarrier" ? "CARRIER_LOST" : "REMOTE_DCN", `the caller ended the call after page ${page}'s data, before its post-page command`, { context: { page } });
		}
		if (heard.kind === "frames") {
			ppm = postPageCommand(fcfName(heard.frames.at(-1)!.fcf));
			if (!ppm && heard.frames.some((x) => fcfName(x.fcf) === "CRP") && st.lastFrames) await sendFrames(ctx, link, st.lastFrames);
			else if (!ppm) ctx.tracer.trace("info", "-", `unexpected ${heard.frames.map((x) => fcfLabel(x.fcf)).join("/")} after page data`);
			if (ppm) break;
		} else if (heard.kind === "bad") await respond(ctx, link, st, "CRP", false);
		if (++tries >= MAX_COMMAND_TRIES) {
			await writer?.abort(new FaxError("RX_T2_TIMEOUT", "no post-page command"));
			throw new FaxError("RX_T2_TIMEOUT", `no post-page command after page ${page} (${MAX_COMMAND_TRIES} × T2)`, { context: { page, timer: "T2" } });
		}
	}
	const q = judgeCopyQuality(intake, f.resolution, o.quality);
	const d = afterPostPage(ppm, q.response);
	ctx.tracer.trace("info", "rx", `page ${page} ${ppm}: ${q.quality} (${q.reason}) -> ${d.response}`);
	const result: PageResult = d.response;
	if (writer) await writer.end({ result, confirmed: d.confirmed, rows: intake.rows, badRows: intake.badLines });
	if (d.confirmed) st.pagesConfirmed++;
	if (d.next === "disconnect") st.finished = true;
	ctx.emit({ type: "pageReceived", page, result, confirmed: d.confirmed, rows: intake.rows, badRows: intake.badLines, bytes: intake.bytes, ms: intake.ms });
	await respond(ctx, link, st, d.response, false);
	st.resume = d.next === "nextPage" ? "page" : "command";
	if (d.response !== "MCF") ctx.emit({ type: "retrain", reason: `${d.response}: ${q.reason}` });
	switch (d.next) {
		case "nextPage":
			return "page";
		case "retrain":
			return "command";
		case "phaseB":
			return "dis";
		case "disconnect":
			return await awaitDcn(ctx, link, st);
	}
}

/** One ECM page (receiveEcm.ts); our MCF to its PPS-<PPM> is sent there. */
async function ecmPage(ctx: RxContext, link: Class1Link, sink: ReceiveSink, st: CallState, page: number): Promise<"dis" | "command" | "page" | "end"> {
	const r = await receiveEcmPage({
		ctx,
		link,
		sink,
		params: st.params!,
		mod: st.format!.mod as ModulationCode,
		page,
		respond: async (frames) => {
			await sendFrames(ctx, link, frames);
			const name = fcfName(frames[0]!.fcf);
			if (name && name !== "CRP") {
				st.last = name;
				st.lastFrames = frames;
			}
		},
		hear: (ms) => hearCommand(ctx, link, ms, "T2"),
	});
	st.pageNo = page;
	if (!r.incomplete) st.pagesConfirmed++;
	ctx.emit({ type: "pageReceived", page, result: r.incomplete ? "RTN" : "MCF", confirmed: !r.incomplete, rows: r.rows, badRows: r.badRows, bytes: r.bytes, ms: 0 });
	const d = afterPostPage(r.ppm, "MCF");
	if (d.next === "disconnect") {
		st.finished = true;
		return await awaitDcn(ctx, link, st);
	}
	st.resume = d.next === "nextPage" ? "page" : "command";
	return d.next === "nextPage" ? "page" : d.next === "phaseB" ? "dis" : "command";
}

/** After our answer to EOP: the caller sends DCN; a repeated EOP (it missed our answer) gets it again. */
async function awaitDcn(ctx: RxContext, link: Class1Link, st: CallState): Promise<"end" | "page" | "command"> {
	ctx.enter("D", "III_Q_MCF");
	for (let tries = 0; tries < MAX_COMMAND_TRIES; tries++) {
		const heard = await hearCommand(ctx, link, ctx.timers.T2, "T2");
		if (heard.kind === "noCarrier" || heard.kind === "timeout") break; // line gone after EOP/MCF: the document is complete
		if (heard.kind !== "frames") continue;
		const names = heard.frames.map((x) => fcfName(x.fcf));
		if (names.includes("DCN")) {
			st.done = true;
			return "end";
		}
		if (names.includes("CRP") || names.some((n) => postPageCommand(n) === "EOP")) {
			if (st.lastFrames) await sendFrames(ctx, link, st.lastFrames);
			continue;
		}
		if (names.includes("DCS")) return "command"; // a new document after all (T.30 allows EOM-like restarts)
	}
	st.done = true;
	return "end";
}

// ---------------------------------------------------------------- primitives

/** Receive a command sequence (frames up to the final one), with bad frames and +FCERROR reported. */
async function hearCommand(ctx: RxContext, link: Class1Link, timeoutMs: number, timer: string): Promise<Heard> {
	const r = await ctx.receive(timeoutMs, timer);
	if (r.kind === "frames") return { kind: "frames", frames: r.frames };
	if (r.kind === "badFrame") return { kind: "bad" };
	void link;
	return r;
}

/** Send our frames (X bit by role: 0, we sent the DIS; T.30 §5.3.6.1) after the switching pause. */
async function sendFrames(ctx: RxContext, link: Class1Link, frames: OutFrame[], turn = true): Promise<void> {
	if (turn) await ctx.turn("switching");
	void link;
	await ctx.send(frames);
}

/** Send one response frame and remember it for CRP / repeated commands. */
async function respond(ctx: RxContext, link: Class1Link, st: CallState, name: FcfName, again: boolean): Promise<void> {
	const frames: OutFrame[] = [{ fcf: Fcf[name] }];
	if (!again && (name === "MCF" || name === "RTP" || name === "RTN")) ctx.enter("D", `III_Q_${name}`);
	await sendFrames(ctx, link, frames);
	if (name !== "CRP") {
		st.last = name;
		st.lastFrames = frames;
	}
}

/** Phase E: DCN when we end the call ourselves (failure, cancel), then hang up. */
async function phaseE(ctx: RxContext, link: Class1Link, st: CallState, error: FaxError | undefined): Promise<void> {
	ctx.enter("E", "hangup");
	if (error && !st.lineDead && !st.done && error.code !== "REMOTE_DCN") {
		try {
			ctx.enter("E", "DCN");
			await ctx.turn("switching", true);
			await ctx.send([{ fcf: Fcf.DCN }], true);
		} catch {
			// the line may be gone: hanging up is what matters
		}
	}
	await link.hangup();
	ctx.emit({ type: "hangup" });
}

function toFaxError(e: unknown, signal: AbortSignal): FaxError {
	if (signal.aborted) return new FaxError("CALL_ABORTED", "reception cancelled", { cause: e });
	if (isFaxError(e)) return e;
	return new FaxError("PROTOCOL_ERROR", e instanceof Error ? e.message : String(e), { cause: e });
}
