/**
 * The T.30 transmitter as scripts that read like the flow charts (T.30 §5, Figure 5-2a..c; class1.md §2.1
 * for the Class 1 sequence): phase A dial, phase B DIS wait / DCS+TCF training with fallback and
 * renegotiation, phase C page data, phase D post-page exchange, phase E DCN + hang-up — also after a
 * failure or a cancel (outgoing-job.md §9.4). Branches are decided in decisions.ts; counters live here.
 * State names on the trace: A:dial, B:T (waiting for DIS), B:D (DCS sent), B:D_TCF, B:D_POST_TCF,
 * C:I (image), D:MPS|EOM|EOP, D:II_Q (waiting for the post-page reply), E:DCN, E:hangup (SpanDSP names).
 * Layer: t30.
 */
import type { FaxPage, FaxPageSource } from "../core/bitmap.js";
import { withTimeout } from "../core/Clock.js";
import { FaxError, isFaxError, type FaxErrorCode } from "../core/FaxError.js";
import { buildFrame, hex, parseFrame } from "../hdlc/frame.js";
import type { SendResult } from "../modem/FaxModem.js";
import type { DialOutcome } from "./Class1Link.js";
import { describeFrame, type T30Context } from "./context.js";
import { afterPostPage, afterTraining, checkDis, type PostPageDecision, type RtnPolicy } from "./decisions.js";
import { sanitizeDialString } from "./dialString.js";
import { buildDis, decodeId, describeDis, encodeId, parseDis, type DisFields, type Rate } from "./dis.js";
import { Fcf, fcfName, withX } from "./fcf.js";
import { minBitsPerRow, pageChunks, fitPage, type RowEncoderFactory } from "./pageData.js";
import { dcsFields, kFactor, negotiated, nextSlower, pageFormat, rateLadder, sameFormat, sessionParams, type LocalCaps, type SessionParams } from "./params.js";

export interface TransmitOptions {
	/** our identity for TSI (≤ 20 printable characters); no TSI frame when empty */
	tsid?: string;
	rtnPolicy: RtnPolicy;
	/** resends allowed after RTN for the retransmit policies */
	maxRtnResends: number;
	local: LocalCaps;
	/** numbers never dialled */
	blockList?: readonly string[];
	encoderFactory: RowEncoderFactory;
}

export interface TransmitRequest {
	document: FaxPageSource;
	number: string;
}

interface CallState {
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
	params?: SessionParams;
	lastNegotiated: string;
	pagesConfirmed: number;
	pagesSent: Set<number>;
	unconfirmed: Set<number>;
}

/** Run one call. Never throws for a call failure: the error is in the result. */
export async function transmit(ctx: T30Context, req: TransmitRequest, o: TransmitOptions): Promise<SendResult> {
	const st: CallState = {
		dialed: false,
		connected: false,
		remoteDcn: false,
		lineDead: false,
		finished: false,
		csid: "",
		ladder: [],
		rateIdx: 0,
		disAfterDcs: 0,
		lastNegotiated: "",
		pagesConfirmed: 0,
		pagesSent: new Set(),
		unconfirmed: new Set(),
	};
	let error: FaxError | undefined;
	try {
		const number = sanitizeDialString(req.number, { blockList: o.blockList ?? [] });
		if (!(req.document.pageCount >= 1)) throw new FaxError("INVALID_ARG", "document has no pages", { disposition: "fail" });
		const first = await req.document.page(0); // a bad document fails before the line is seized
		await phaseA(ctx, st, number);
		await phasesBtoD(ctx, st, req.document, first, o);
	} catch (e) {
		error = toFaxError(e, ctx.signal);
		if (error.code === "REMOTE_DCN") st.remoteDcn = true;
		if (error.code === "CARRIER_LOST" || error.code === "PORT_CLOSED" || error.code === "PORT_WRITE_FAILED") st.lineDead = true;
		ctx.tracer.trace("error", "-", `${error.code}: ${error.message}`, error.context);
	}
	if (error && error.code === "CALL_ABORTED" && st.finished) error = undefined; // MCF to EOP was already in (§9.4)
	await phaseE(ctx, st);
	const result: SendResult = {
		ok: error === undefined,
		pagesConfirmed: st.pagesConfirmed,
		pagesSent: st.pagesSent.size,
		unconfirmedPages: [...st.unconfirmed].sort((a, b) => a - b),
		csid: st.csid,
	};
	if (st.params) result.params = negotiated(st.params);
	if (error) result.error = error;
	return result;
}

function toFaxError(e: unknown, signal: AbortSignal): FaxError {
	if (signal.aborted) return isFaxError(e, "CALL_ABORTED") ? e : new FaxError("CALL_ABORTED", "Call aborted", { cause: e });
	if (e instanceof FaxError) return e;
	return new FaxError("PROTOCOL_ERROR", `internal error: ${e instanceof Error ? e.message : String(e)}`, { cause: e });
}

const fatal = (code: FaxErrorCode, reason: string, context?: Record<string, unknown>): FaxError => new FaxError(code, reason, context ? { context } : {});

// ---- phase A ----

/** Dial results -> FaxError codes (outgoing-job.md §9.2). */
export function dialError(o: Exclude<DialOutcome, { kind: "connect" }>): FaxError {
	switch (o.kind) {
		case "busy":
			return fatal("DIAL_BUSY", "Busy");
		case "noAnswer":
			return fatal("DIAL_NO_ANSWER", "No answer");
		case "noDialtone":
			return fatal("DIAL_NO_DIALTONE", "No dial tone");
		case "noCarrier":
			return fatal("DIAL_NO_CARRIER", "No carrier (no fax answered)");
		case "blacklisted":
			return new FaxError("BLACKLISTED", `Modem refused the number: ${o.line}`, { context: { line: o.line }, disposition: "fail" });
		case "delayed":
			return new FaxError("DIAL_DELAYED", `Modem delays dialling for ${o.seconds} s`, { context: { line: o.line, seconds: o.seconds }, disposition: "retry" });
		case "error":
			return fatal("DIAL_ERROR", `Dial failed: ${o.line}`, { line: o.line });
	}
}

async function phaseA(ctx: T30Context, st: CallState, number: string): Promise<void> {
	ctx.enter("A", "dial");
	ctx.emit({ type: "dialing", number });
	st.dialed = true;
	const o = await ctx.link.dial(number, ctx.signal);
	ctx.tracer.trace("info", "-", `dial -> ${o.kind}`);
	if (o.kind !== "connect") throw dialError(o);
	st.connected = true;
	ctx.emit({ type: "connected" });
}

// ---- phase B ----

interface HeardDis {
	fcf: number;
	dis: DisFields;
}

/**
 * Receive NSF/CSI/DIS until a final frame completes a DIS, within `windowMs` in total, re-issuing the
 * receive after timeouts, bad frames and +FCERROR (class1.md §2.1 "No DIS at all → wait up to T1").
 * Returns undefined when the window ends.
 */
async function waitForDis(ctx: T30Context, st: CallState, windowMs: number, timer: string): Promise<HeardDis | undefined> {
	ctx.enter("B", "T");
	const deadline = ctx.clock.now() + windowMs;
	ctx.tracer.trace("timer", "-", `${timer} start ${windowMs} ms`);
	let pending: HeardDis | undefined;
	let noCarrier = 0;
	for (let spins = 0; spins < 500; spins++) {
		const left = deadline - ctx.clock.now();
		if (left <= 0) break;
		const r = await ctx.link.receiveFrame(left, ctx.signal);
		if (r.kind === "timeout") continue;
		if (r.kind === "noCarrier") {
			// an immediate NO CARRIER can be the end of the last carrier (class1.md §2.8): re-issue, but not forever
			ctx.tracer.trace("hdlc", "rx", "<- NO CARRIER");
			if (++noCarrier >= 3) throw fatal("CARRIER_LOST", `NO CARRIER waiting for DIS`);
			continue;
		}
		if (r.kind === "fcError") {
			ctx.tracer.trace("hdlc", "rx", "<- +FCERROR");
			await ctx.clock.sleep(ctx.timers.fcErrorPauseMs, ctx.signal);
			continue;
		}
		if (!r.fcsOk) {
			ctx.tracer.trace("hdlc", "rx", "<- frame with bad FCS (ignored)", hex(r.frame));
			continue;
		}
		let f;
		try {
			f = parseFrame(r.frame);
			ctx.tracer.trace("hdlc", "rx", `<- ${describeFrame(f)}${f.final ? "" : " (more)"}`, hex(r.frame));
		} catch {
			ctx.tracer.trace("hdlc", "rx", "<- malformed frame (ignored)", hex(r.frame));
			continue;
		}
		const name = fcfName(f.fcf);
		if (name === "CSI") noteCsid(ctx, st, decodeId(f.fif));
		else if (name === "DIS" || name === "DTC") pending = { fcf: f.fcf, dis: parseDis(f.fif) };
		else if (name === "DCN") throw fatal("REMOTE_DCN", "DCN while waiting for DIS");
		if (f.final && pending) return pending;
	}
	ctx.tracer.trace("timer", "-", `${timer} expired`);
	return undefined;
}

function noteCsid(ctx: T30Context, st: CallState, csid: string): void {
	if (csid === st.csid) return;
	st.csid = csid;
	ctx.emit({ type: "remoteId", csid });
}

/** Check a DIS and set up the rate ladder; with `atMost`, start at the fastest rate not above it. */
function acceptDis(st: CallState, heard: HeardDis, local: LocalCaps, atMost?: number): void {
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
async function train(ctx: T30Context, st: CallState, page: FaxPage, o: TransmitOptions): Promise<void> {
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
		await ctx.receiveSilence(ctx.timers.switchingMs); // T.30 §5.3.2.4: ≥ 75 ms after the far end's carrier
		const frames = o.tsid ? [{ fcf: Fcf.TSI, fif: encodeId(o.tsid) }] : [];
		await ctx.send([...frames, { fcf: Fcf.DCS, fif: buildDis(dcsFields(params)) }]);
		ctx.enter("B", "D_TCF");
		await ctx.transmitSilence(ctx.timers.turnaroundMs); // AT+FTS=7 before TCF (class1.md §2.1)
		const tcfBytes = Math.round((rate.bitRate * ctx.timers.tcfMs) / 8000); // 1.5 s of zeros, long train
		ctx.tracer.trace("page", "tx", `TCF ${tcfBytes} bytes at ${rate.modulation} ${rate.bitRate} (+FTM=${rate.longTrain})`);
		await ctx.link.sendData(rate.longTrain, new Uint8Array(tcfBytes), ctx.signal);
		ctx.enter("B", "D_POST_TCF");
		const reply = await ctx.receive(ctx.timers.T4, "T4");
		if (reply.kind === "frames") for (const f of reply.frames) if (fcfName(f.fcf) === "CSI") noteCsid(ctx, st, decodeId(f.fif));
		const d = afterTraining(reply, noReplies, st.disAfterDcs);
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
				throw fatal(d.code, d.reason, { bitRate: rate.bitRate });
		}
	}
	throw fatal("PROTOCOL_ERROR", "training did not settle");
}


// ---- phases B to D ----

async function phasesBtoD(ctx: T30Context, st: CallState, doc: FaxPageSource, first: FaxPage, o: TransmitOptions): Promise<void> {
	const heard = await waitForDis(ctx, st, ctx.timers.T1, "T1");
	if (!heard) throw fatal("T1_TIMEOUT", "No DIS within T1");
	acceptDis(st, heard, o.local);
	const n = doc.pageCount;
	let page = first;
	let needTraining = true;
	let rtnResends = 0;
	for (let i = 0; i < n; ) {
		if (needTraining) {
			await train(ctx, st, page, o);
			needTraining = false;
		}
		const p = st.params!;
		const sent = await sendPage(ctx, page, p, i, n, o);
		st.pagesSent.add(i + 1);
		st.unconfirmed.add(i + 1);
		const next = i + 1 < n ? await doc.page(i + 1) : undefined;
		const ppm = !next ? "EOP" : sameFormat(pageFormat(next, st.dis!), p.format) ? "MPS" : "EOM";
		const d = await postPage(ctx, st, ppm, rtnResends, o, i + 1, sent);
		ctx.emit({ type: "pageEnd", page: i + 1, result: d.result, confirmed: d.kind === "next" && d.confirmed, ...sent });
		if (d.kind === "resend") {
			rtnResends++;
			const slower = nextSlower(st.ladder, st.rateIdx);
			if (slower !== undefined) st.rateIdx = slower;
			ctx.emit({ type: "retrain", reason: `RTN on page ${i + 1}: resend ${rtnResends} at ${st.ladder[st.rateIdx]!.bitRate}` });
			needTraining = true;
			continue;
		}
		if (d.confirmed) {
			st.pagesConfirmed++;
			st.unconfirmed.delete(i + 1);
		}
		if (ppm === "EOP") {
			st.finished = true;
			return;
		}
		i++;
		page = next!;
		rtnResends = 0;
		if (ppm === "EOM") {
			// T.30 Fig. 5-2c: after MCF to EOM the call returns to phase B; the receiver normally sends DIS again
			ctx.emit({ type: "retrain", reason: "EOM: page format change" });
			const again = await waitForDis(ctx, st, ctx.timers.T2, "T2");
			if (again) acceptDis(st, again, o.local, p.rate.bitRate);
			needTraining = true;
		} else if (d.retrain) {
			ctx.emit({ type: "retrain", reason: `${d.result} on page ${i}` });
			needTraining = true;
		}
	}
}

/** Phase C: one page at the short-train modulation (class1.md §2.5). */
async function sendPage(ctx: T30Context, page: FaxPage, p: SessionParams, i: number, n: number, o: TransmitOptions): Promise<{ bytes: number; ms: number }> {
	ctx.enter("C", "I");
	ctx.emit({ type: "pageStart", page: i + 1, pages: n });
	const fitted = fitPage(page, p.format);
	await ctx.receiveSilence(ctx.timers.switchingMs); // after CFR / MCF: T.30 §5.3.2.4 pause before high speed
	const t0 = ctx.clock.now();
	let bytes = 0;
	const enc = {
		coding: p.coding,
		width: p.format.width,
		k: kFactor(p.format.resolution),
		minBitsPerRow: minBitsPerRow(p.rate.bitRate, p.minScanMs),
	};
	ctx.tracer.trace("page", "tx", `page ${i + 1}/${n}: ${fitted.bitmap.width}x${fitted.bitmap.height} ${p.format.resolution} ${p.coding} at ${p.rate.modulation} ${p.rate.bitRate} (+FTM=${p.rate.shortTrain}), ${enc.minBitsPerRow} bits/row min`);
	await ctx.link.sendData(p.rate.shortTrain, pageChunks(fitted, enc, o.encoderFactory, (b) => (bytes = b)), ctx.signal);
	const ms = ctx.clock.now() - t0;
	ctx.tracer.trace("page", "tx", `page ${i + 1} sent: ${bytes} bytes in ${Math.round(ms)} ms`);
	return { bytes, ms };
}

type PageOutcome = Extract<PostPageDecision, { kind: "next" } | { kind: "resend" }>;

/** Phase D: PPM and its reply, repeated on silence/CRP, echo ignored (class1.md §2.6). */
async function postPage(ctx: T30Context, st: CallState, ppm: "MPS" | "EOM" | "EOP", rtnResends: number, o: TransmitOptions, pageNo: number, sent: { bytes: number; ms: number }): Promise<PageOutcome> {
	let noReplies = 0;
	let crps = 0;
	let transmit = true;
	let fromSending = true;
	for (let guard = 0; guard < 32; guard++) {
		if (transmit) {
			ctx.enter("D", ppm);
			if (fromSending) await ctx.transmitSilence(ppm === "EOP" ? ctx.timers.eopTurnaroundMs : ctx.timers.turnaroundMs);
			else await ctx.receiveSilence(ctx.timers.switchingMs);
			await ctx.send([{ fcf: Fcf[ppm] }]);
			fromSending = false;
		}
		ctx.enter("D", "II_Q");
		const reply = await ctx.receive(ctx.timers.T4, "T4");
		const d = afterPostPage(reply, { ppm, noReplies, crps, rtnResends, policy: o.rtnPolicy, maxRtnResends: o.maxRtnResends });
		switch (d.kind) {
			case "next":
			case "resend":
				return d;
			case "repeat":
				if (d.reason === "crp") crps++;
				else noReplies++;
				transmit = true;
				break;
			case "listenAgain":
				ctx.tracer.trace("info", "-", `heard our own ${ppm} (echo): listening again`);
				transmit = false;
				break;
			case "fail":
				if (d.result) {
					ctx.emit({ type: "pageEnd", page: pageNo, result: d.result, confirmed: d.confirmed === true, ...sent });
					if (d.confirmed) {
						st.pagesConfirmed++;
						st.unconfirmed.delete(pageNo);
					}
				}
				throw fatal(d.code, d.reason, { ppm, page: pageNo });
		}
	}
	throw fatal("PROTOCOL_ERROR", `no settled reply to ${ppm}`);
}

// ---- phase E ----

/** DCN (unless the far end already disconnected or the line is gone) and hang-up, bounded and never throwing. */
async function phaseE(ctx: T30Context, st: CallState): Promise<void> {
	if (!st.dialed) return;
	const bounded = <T>(p: Promise<T>, what: string) =>
		withTimeout(p, ctx.timers.cleanupMs, { clock: ctx.clock, onTimeout: () => new FaxError("AT_TIMEOUT", `${what} did not finish`) });
	if (st.connected && !st.remoteDcn && !st.lineDead) {
		ctx.enter("E", "DCN");
		try {
			await bounded(ctx.link.receiveSilence(ctx.timers.switchingMs), "silence before DCN");
			const dcn = buildFrame(withX(Fcf.DCN));
			ctx.tracer.trace("hdlc", "tx", "-> DCN", hex(dcn));
			await bounded(ctx.link.sendFrames([dcn]), "DCN");
		} catch (e) {
			ctx.tracer.trace("error", "-", `DCN failed: ${e instanceof Error ? e.message : String(e)}`);
		}
	}
	ctx.enter("E", "hangup");
	try {
		await bounded(ctx.link.hangup(), "hang-up");
	} catch (e) {
		ctx.tracer.trace("error", "-", `hang-up failed: ${e instanceof Error ? e.message : String(e)}`);
	}
	ctx.emit({ type: "hangup" });
}
