/**
 * The T.30 transmitter as scripts that read like the flow charts (T.30 §5, Figure 5-2a..c; class1.md §2.1
 * for the Class 1 sequence): phase A dial, phase B DIS wait / DCS+TCF training with fallback and
 * renegotiation, phase C page data, phase D post-page exchange, phase E DCN + hang-up — also after a
 * failure or a cancel (outgoing-job.md §9.4). Branches are decided in decisions.ts; phase B lives in phaseB.ts;
 * phases C/D of each page are the page-transfer strategy of pageTransfer.ts (nonEcm.ts today).
 * State names on the trace: A:dial, B:T (waiting for DIS), B:D (DCS sent), B:D_TCF, B:D_POST_TCF,
 * C:I (image), D:MPS|EOM|EOP, D:II_Q (waiting for the post-page reply), E:DCN, E:hangup (SpanDSP names).
 * Layer: t30.
 */
import type { FaxPage, FaxPageSource } from "../core/bitmap.js";
import { withTimeout } from "../core/Clock.js";
import { FaxError, isFaxError } from "../core/FaxError.js";
import { checkDialString } from "../core/dialString.js";
import type { DialOutcome } from "../modem/Class1Link.js";
import type { SendResult } from "../modem/FaxModem.js";
import { fatal, type CallState, type TransmitOptions } from "./callState.js";
import type { TxContext } from "./context.js";
import { Fcf } from "./fcf.js";
import { pageTransferFor } from "./choosePageTransfer.js";
import type { Ppm } from "./pageTransfer.js";
import { negotiated, nextSlower, pageFormat, sameFormat } from "./params.js";
import { acceptDis, train, waitForDis } from "./phaseB.js";

export type { TransmitOptions } from "./callState.js";

export interface TransmitRequest {
	document: FaxPageSource;
	number: string;
}

/** Run one call. Never throws for a call failure: the error is in the result. */
export async function transmit(ctx: TxContext, req: TransmitRequest, o: TransmitOptions): Promise<SendResult> {
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
		v17: { tcfs: 0, ftts: 0 },
		lastNegotiated: "",
		pagesConfirmed: 0,
		pagesSent: new Set(),
		unconfirmed: new Set(),
	};
	let error: FaxError | undefined;
	try {
		const number = checkDialString(req.number, o.dialPolicy ?? {});
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
	if (!error && st.unconfirmed.size > 0) {
		// the call ran to the end but the far end did not confirm every page (RTN moved past by policy):
		// never reported as a success (outgoing-job.md §9.3 "RTN/PIN/PIP past the resend limit")
		const pages = [...st.unconfirmed].sort((a, b) => a - b);
		error = new FaxError("PAGE_REJECTED", `page(s) ${pages.join(", ")} not confirmed by the far end (RTN)`, { context: { unconfirmedPages: pages } });
		ctx.tracer.trace("error", "-", `${error.code}: ${error.message}`, error.context);
	}
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

// ---- phase A ----

/** Dial results -> FaxError codes (outgoing-job.md §9.2). */
function dialError(o: Exclude<DialOutcome, { kind: "connect" }>): FaxError {
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

async function phaseA(ctx: TxContext, st: CallState, number: string): Promise<void> {
	ctx.enter("A", "dial");
	ctx.emit({ type: "dialing", number });
	st.dialed = true;
	const o = await ctx.link.dial(number, ctx.signal);
	ctx.tracer.trace("info", "-", `dial -> ${o.kind}`);
	if (o.kind !== "connect") throw dialError(o);
	st.connected = true;
	ctx.emit({ type: "connected" });
}

// ---- phases B to D ----

async function phasesBtoD(ctx: TxContext, st: CallState, doc: FaxPageSource, first: FaxPage, o: TransmitOptions): Promise<void> {
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
		let next: FaxPage | undefined;
		let ppm: Ppm = "EOP";
		// after phase C the next page is read: its format chooses the PPM (MPS, or EOM for a format change)
		const nextPpm = async (): Promise<Ppm> => {
			next = i + 1 < n ? await doc.page(i + 1) : undefined;
			ppm = !next ? "EOP" : sameFormat(pageFormat(next, st.dis!), p.format) ? "MPS" : "EOM";
			return ppm;
		};
		const d = await pageTransferFor(p).transferPage(ctx, st, { page, index: i, pages: n, nextPpm, rtnResends }, o);
		if (d.kind === "resend") {
			rtnResends++;
			const slower = nextSlower(st.ladder, st.rateIdx);
			if (slower !== undefined) st.rateIdx = slower;
			ctx.emit({ type: "retrain", reason: `RTN on page ${i + 1}: resend ${rtnResends} at ${st.ladder[st.rateIdx]!.bitRate}` });
			needTraining = true;
			continue;
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

// ---- phase E ----

/** DCN (unless the far end already disconnected or the line is gone) and hang-up, bounded and never throwing. */
async function phaseE(ctx: TxContext, st: CallState): Promise<void> {
	if (!st.dialed) return;
	const bounded = <T>(p: Promise<T>, what: string) =>
		withTimeout(p, ctx.timers.cleanupMs, { clock: ctx.clock, onTimeout: () => new FaxError("AT_TIMEOUT", `${what} did not finish`) });
	if (st.connected && !st.remoteDcn && !st.lineDead) {
		ctx.enter("E", "DCN");
		try {
			await bounded(ctx.turn("switching", true), "silence before DCN");
			await bounded(ctx.send([{ fcf: Fcf.DCN }], true), "DCN");
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
