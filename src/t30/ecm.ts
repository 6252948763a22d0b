/**
 * The ECM page transfer of the transmitter (T.30 Annex A, T.4 Annex A; class1.md §2.7): phases C and D
 * for one page in error correction mode, as the `ecm` PageTransfer (pageTransfer.ts; chosen by
 * choosePageTransfer.ts when DCS agreed ECM). The page is coded (MMR when negotiated, else MH/MR with no
 * minimum scan-line time), cut into blocks of up to 256 FCD frames (ecmBlocks.ts) and each block sent as
 * software-framed HDLC under +FTM (src/hdlc/framer.ts: 200 ms of flags, FCD frames, 3 × RCP), then
 * PPS-NULL/MPS/EOM/EOP. PPR -> resend exactly the named frames; the 4th PPR -> CTC down the rate ladder
 * (long train next) or EOR (ecmDecisions.ts afterPprLimit); RNR -> RR every T4 until T5; silence -> PPS
 * repeated (T4, 3 tries); CRP -> repeat; DCN at any point ends the call; DIS (the receiver lost the burst
 * and went back to phase B) -> DCS + TCF again and the block again. Nodes traced: C:IV, D:IV_PPS_NULL,
 * D:IV_PPS_Q, D:IV_PPS_RNR, D:IV_CTC, D:IV_EOR, D:IV_EOR_RNR. Every PPS/PPR goes on the `page` channel
 * with the frame numbers resent. Layer: t30.
 */
import { rowOf, type FaxPage } from "../core/bitmap.js";
import { flagsFor } from "../hdlc/framer.js";
import type { PageResult } from "../modem/FaxModem.js";
import { fitPage } from "../page/pageData.js";
import { T4Encoder } from "../t4/index.js";
import { fatal, type CallState, type EcmSettings, type TransmitOptions } from "./callState.js";
import type { TxContext } from "./context.js";
import type { Reply } from "./decisions.js";
import { buildDis, parseDis } from "./dis.js";
import {
	blockStream,
	ctcFif,
	ECM_PREAMBLE_MS,
	eorFif,
	frameRanges,
	framesOf,
	FRAMES_PER_BLOCK,
	parsePprMap,
	ppsFif,
	type EcmBlock,
	type EcmCallState,
	type EcmFrameSize,
	type EcmPpm,
	type UndeliveredBlock,
} from "./ecmBlocks.js";
import { afterCtc, afterEor, afterPprLimit, afterPps, afterRr, ppsName, type EcmNode, type EcmRetryPolicy, type PpsDecision } from "./ecmDecisions.js";
import { Fcf, isFcf } from "./fcf.js";
import type { PageJob, PageOutcome, PageTransfer, Ppm } from "./pageTransfer.js";
import { dcsFields, kFactor, negotiated, nextSlower, type SessionParams } from "./params.js";
import { acceptDis, train } from "./phaseB.js";

/** ECM behaviour of the transmitter: the profile's knobs (Class1PersistentECM) and the retry policy. */
export interface EcmOptions {
	/** after the 4th PPR: "ctc" (default: CTC down the ladder, HylaFAX) or "eor" (give the block up) */
	policy?: EcmRetryPolicy;
	/** keep correcting at the lowest rate while frames get through (default true, HylaFAX Class1PersistentECM) */
	persistent?: boolean;
}

/** The ECM PageTransfer: one page, settled (pageEnd, counters), with a block given up by EOR recorded as undelivered. */
export const ecm: PageTransfer = {
	name: "ecm",
	async transferPage(ctx: TxContext, st: CallState, job: PageJob, o: TransmitOptions): Promise<PageOutcome> {
		const pageNo = job.index + 1;
		ctx.emit({ type: "pageStart", page: pageNo, pages: job.pages });
		st.pagesSent.add(pageNo);
		st.unconfirmed.add(pageNo);
		st.inEcmPage = pageNo;
		let ppm: Promise<Ppm> | undefined;
		const settings: EcmSettings | undefined = o.ecm;
		const e = await sendPageEcm(ctx, st, st.ecm, job.page, pageNo, { policy: o.ecmRetryPolicy ?? "ctc", persistent: settings?.persistent ?? true }, {
			nextPpm: () => (ppm ??= job.nextPpm()),
			renegotiate: async (dis) => {
				acceptDis(st, { fcf: dis.fcf, dis: parseDis(dis.fif) }, o.local, st.params!.rate.bitRate);
				await train(ctx, st, job.page, o);
			},
		});
		st.inEcmPage = undefined;
		st.undelivered.push(...e.undelivered);
		ctx.emit({ type: "pageEnd", page: pageNo, result: e.result, confirmed: e.confirmed, ...e.sent });
		if (e.confirmed) {
			st.pagesConfirmed++;
			st.unconfirmed.delete(pageNo);
		}
		// no RTN under ECM: a page is never resent whole; a CTC already moved the rate for the pages after
		return { kind: "next", result: e.result, confirmed: e.confirmed, retrain: false };
	},
};

/** How one ECM page went. */
export interface EcmPageOutcome {
	result: PageResult;
	confirmed: boolean;
	/** coded bytes of the page (first transmissions) and the time from the first burst to the last answer */
	sent: { bytes: number; ms: number };
	/** frames sent again after PPRs */
	resentFrames: number;
	undelivered: UndeliveredBlock[];
}

/** What the page transfer needs from the call around it. */
export interface EcmHooks {
	/** the page's PPM (MPS/EOM/EOP), asked once its last block's data has gone (PageJob.nextPpm) */
	nextPpm(): Promise<Ppm>;
	/** the receiver went back to phase B (DIS in reply): accept this DIS and train again (DCS + TCF until CFR) */
	renegotiate(dis: { fcf: number; fif: Uint8Array }): Promise<void>;
}

/** The page's coded bytes for ECM, in line order: no minimum scan-line time, no trailing zeros. */
export async function* ecmPageData(page: FaxPage, p: SessionParams, rowsPerChunk = 64): AsyncGenerator<Uint8Array> {
	const fitted = fitPage(page, p.format);
	const mmr = p.coding === "mmr";
	const enc = new T4Encoder({
		coding: p.coding,
		width: p.format.width,
		k: kFactor(p.format.resolution),
		eol: !mmr,
		leadingEol: !mmr,
		rtc: true, // RTC for MH/MR, EOFB for MMR (T.6 §2.4.4)
		bitOrder: "lsb",
	});
	const bm = fitted.bitmap;
	for (let y = 0; y < bm.height; y++) {
		enc.encodeRow(rowOf(bm, y));
		if ((y + 1) % rowsPerChunk === 0) {
			const b = enc.take();
			if (b.length) yield b;
		}
	}
	yield enc.finish();
}

/** Blocks of at most 256 frames pulled from the coded data as it comes (never the whole page in memory twice). */
export async function* ecmBlocks(data: AsyncIterable<Uint8Array>, frameSize: EcmFrameSize): AsyncGenerator<EcmBlock> {
	const blockBytes = frameSize * FRAMES_PER_BLOCK;
	let buf = new Uint8Array(blockBytes * 2);
	let len = 0;
	let block = 0;
	const cut = (n: number, last: boolean): EcmBlock => {
		const frames = framesOf(buf.slice(0, n), frameSize);
		buf.copyWithin(0, n, len);
		len -= n;
		return { block: block++, frames, lastOfPage: last };
	};
	for await (const chunk of data) {
		if (len + chunk.length > buf.length) {
			const next = new Uint8Array(Math.max(buf.length * 2, len + chunk.length));
			next.set(buf.subarray(0, len));
			buf = next;
		}
		buf.set(chunk, len);
		len += chunk.length;
		while (len > blockBytes) yield cut(blockBytes, false); // strictly more: the last block is never empty
	}
	yield cut(len, true);
}

/** Send one page under ECM. Throws FaxError for failures that end the call (DCN, silence, T5...). */
export async function sendPageEcm(ctx: TxContext, st: CallState, ecm: EcmCallState, page: FaxPage, pageNo: number, o: EcmOptions, hooks: EcmHooks): Promise<EcmPageOutcome> {
	const t0 = ctx.clock.now();
	let bytes = 0;
	let resentFrames = 0;
	const undelivered: UndeliveredBlock[] = [];
	const p0 = st.params!;
	const frameSize: EcmFrameSize = p0.ecm?.frameSize ?? 256;
	const counted = (async function* () {
		for await (const c of ecmPageData(page, p0)) {
			bytes += c.length;
			yield c;
		}
	})();
	let result: PageResult = "MCF";
	ctx.tracer.trace("page", "tx", `page ${pageNo}: ${p0.format.width} px ${p0.format.resolution} ${p0.coding.toUpperCase()} under ECM, ${frameSize}-octet frames, at ${p0.rate.modulation} ${p0.rate.bitRate}`);
	for await (const b of ecmBlocks(counted, frameSize)) {
		const r = await sendBlock(ctx, st, ecm, b, o, hooks);
		resentFrames += r.resent;
		if (r.undelivered) undelivered.push({ page: pageNo, block: b.block, frames: r.undelivered });
		if (r.result) result = r.result;
	}
	ecm.pageCounter++;
	const ms = ctx.clock.now() - t0;
	ctx.tracer.trace("page", "tx", `page ${pageNo} sent under ECM: ${bytes} bytes, ${resentFrames} frames resent, ${undelivered.length ? `blocks ${undelivered.map((u) => u.block).join(",")} NOT delivered (EOR)` : "every block confirmed"}, ${Math.round(ms)} ms`);
	const confirmed = undelivered.length === 0;
	return { result: confirmed ? result : "ERR", confirmed, sent: { bytes, ms }, resentFrames, undelivered };
}

type Pending = { cmd: "PPS" } | { cmd: "RR"; after: "PPS" | "EOR" } | { cmd: "CTC"; fif: Uint8Array } | { cmd: "EOR" };

/** One block: bursts and post-message exchanges until MCF or ERR. */
async function sendBlock(ctx: TxContext, st: CallState, ecm: EcmCallState, b: EcmBlock, o: EcmOptions, hooks: EcmHooks): Promise<{ resent: number; undelivered?: number[]; result?: PageResult }> {
	const count = b.frames.length;
	let ppm: EcmPpm = "NULL";
	let pps: Uint8Array = new Uint8Array(0);
	let missing = Array.from({ length: count }, (_, i) => i);
	let toSend = missing;
	let resent = 0;
	let pprs = 0;
	let progress = false;
	let tries = { noReplies: 0, crps: 0 };
	let t5Deadline: number | undefined;
	let pending: Pending = { cmd: "PPS" };
	let afterBurst = false;
	let firstBurst = true;
	let disResets = 0;
	for (let guard = 0; guard < 2000; guard++) {
		if (toSend.length > 0) {
			await sendBurst(ctx, st, ecm, b, toSend, !firstBurst);
			if (!firstBurst) resent += toSend.length;
			firstBurst = false;
			toSend = [];
			afterBurst = true;
			if (pps.length === 0) {
				// the block's PPS: NULL inside the page; on its last block the PPM, known once the data has gone
				if (b.lastOfPage) ppm = await hooks.nextPpm();
				pps = ppsFif({ ppm, page: ecm.pageCounter, block: b.block, frames: count });
			}
		}
		// ---- the post-message command ----
		const node: EcmNode = pending.cmd === "PPS" ? (ppm === "NULL" ? "IV_PPS_NULL" : "IV_PPS_Q") : pending.cmd === "RR" ? (pending.after === "PPS" ? "IV_PPS_RNR" : "IV_EOR_RNR") : pending.cmd === "CTC" ? "IV_CTC" : "IV_EOR";
		ctx.enter("D", node);
		await ctx.turn(afterBurst ? (ppm === "EOP" ? "eop" : "ppm") : "switching");
		afterBurst = false;
		if (pending.cmd === "PPS") {
			ctx.tracer.trace("page", "tx", `${ppsName(ppm)} page ${ecm.pageCounter} block ${b.block}: ${count} frames`);
			await ctx.send([{ fcf: Fcf.PPS, fif: pps }]);
		} else if (pending.cmd === "RR") await ctx.send([{ fcf: Fcf.RR }]);
		else if (pending.cmd === "CTC") await ctx.send([{ fcf: Fcf.CTC, fif: pending.fif }]);
		else await ctx.send([{ fcf: Fcf.EOR, fif: eorFif(ppm) }]);
		let reply: Reply = await ctx.receive(ctx.timers.T4, "T4");
		for (;;) {
			// ---- what the reply means ----
			const cur: Pending = pending;
			const cmdTries = { ...tries, disResets };
			const ppsAnswer = (r: Reply): PpsDecision => afterPps(r, { ppm, frames: count, pprs, ...cmdTries }, pprMap(r));
			const d =
				cur.cmd === "PPS"
					? ppsAnswer(reply)
					: cur.cmd === "RR"
						? afterRr(reply, { ...cmdTries, t5Expired: t5Deadline !== undefined && ctx.clock.now() >= t5Deadline }, (r) => (cur.after === "PPS" ? ppsAnswer(r) : afterEor(r, { ...cmdTries, ppm })))
						: cur.cmd === "CTC"
							? afterCtc(reply, cmdTries)
							: afterEor(reply, { ...cmdTries, ppm });
			if (d.kind === "listenAgain") {
				ctx.tracer.trace("info", "-", `heard our own ${cur.cmd} (echo): listening again`);
				reply = await ctx.receive(ctx.timers.T4, "T4");
				continue;
			}
			switch (d.kind) {
				case "repeat":
					tries = d.reason === "crp" ? { ...tries, crps: tries.crps + 1 } : { ...tries, noReplies: tries.noReplies + 1 };
					break;
				case "fail":
					throw fatal(d.code, d.reason, { page: ecm.pageCounter + 1, block: b.block, command: cur.cmd });
				case "blockDone":
					return { resent, result: d.result };
				case "abandoned":
					ctx.tracer.trace("page", "tx", `ERR: block ${b.block} of page ${ecm.pageCounter + 1} given up, frames ${frameRanges(missing)} not delivered`);
					return { resent, undelivered: missing };
				case "receiverNotReady":
					if (t5Deadline === undefined) {
						t5Deadline = ctx.clock.now() + ctx.timers.T5;
						ctx.tracer.trace("timer", "-", `T5 start ${ctx.timers.T5} ms`);
					}
					pending = { cmd: "RR", after: rnrAfter(cur) };
					tries = { noReplies: 0, crps: 0 };
					break;
				case "renegotiate": {
					// the receiver lost the burst and went back to phase B: DCS + TCF again, then the whole block
					disResets++;
					const f = reply.kind === "frames" ? reply.final : undefined;
					ctx.tracer.trace("page", "rx", `DIS in reply to ${cur.cmd}: the receiver went back to phase B; training again, then block ${b.block} again`);
					await hooks.renegotiate({ fcf: f!.fcf, fif: f!.fif });
					missing = Array.from({ length: count }, (_, i) => i);
					toSend = missing;
					pprs = 0;
					progress = false;
					t5Deadline = undefined;
					ecm.longTrain = false;
					pending = { cmd: "PPS" };
					tries = { noReplies: 0, crps: 0 };
					break;
				}
				case "continue": // CTR
					ctx.tracer.trace("page", "rx", `CTR: correcting on at ${st.params!.rate.modulation} ${st.params!.rate.bitRate}, long train`);
					ecm.longTrain = true;
					toSend = missing;
					pprs = 0;
					progress = false;
					pending = { cmd: "PPS" };
					tries = { noReplies: 0, crps: 0 };
					break;
				case "resend":
				case "pprLimit": {
					// receivers such as SpanDSP also set the bits of every frame number past the block (count..255): not worth a word
					const beyondOnly = d.ignored.length === FRAMES_PER_BLOCK - count && d.ignored[0] === count;
					const ignored = d.ignored.length && !beyondOnly ? `; frames ${frameRanges(d.ignored)} never sent: ignored` : "";
					ctx.tracer.trace("page", "rx", `PPR ${pprs + 1} for page ${ecm.pageCounter + 1} block ${b.block}: resend frames ${d.frames.length ? frameRanges(d.frames) : "(none)"}${ignored}`);
					if (d.frames.length < missing.length) progress = true;
					missing = d.frames;
					pprs++;
					tries = { noReplies: 0, crps: 0 };
					t5Deadline = undefined;
					if (d.kind === "resend") {
						toSend = missing;
						pending = { cmd: "PPS" };
						break;
					}
					const next = nextSlower(st.ladder, st.rateIdx);
					const limit = afterPprLimit({ policy: o.policy ?? "ctc", canStepDown: next !== undefined, progress, persistent: o.persistent ?? true });
					if (limit.kind === "eor") {
						ctx.tracer.trace("page", "tx", `${pprs} PPRs for block ${b.block}: EOR-${ppm} (frames ${frameRanges(missing)} missing)`);
						pending = { cmd: "EOR" };
						break;
					}
					if (limit.stepDown && next !== undefined) {
						st.rateIdx = next;
						st.params = { ...st.params!, rate: st.ladder[next]! };
						ctx.emit({ type: "negotiated", params: negotiated(st.params) });
					}
					ctx.tracer.trace("page", "tx", `${pprs} PPRs for block ${b.block}: CTC at ${st.params!.rate.modulation} ${st.params!.rate.bitRate}`);
					ctx.emit({ type: "retrain", reason: `CTC after ${pprs} PPRs on page ${ecm.pageCounter + 1}: ${st.params!.rate.bitRate}` });
					pending = { cmd: "CTC", fif: ctcFif(buildDis(dcsFields(st.params!))) };
					break;
				}
			}
			break;
		}
	}
	throw fatal("PROTOCOL_ERROR", `ECM block ${b.block} did not settle`);
}

/** Which command an RNR answered (PPS or EOR), through any RR polls. */
const rnrAfter = (p: Pending): "PPS" | "EOR" => (p.cmd === "RR" ? p.after : p.cmd === "EOR" ? "EOR" : "PPS");

/** The PPR map of a reply that is a PPR (a malformed map fails the call as a protocol error). */
function pprMap(r: Reply): number[] {
	return r.kind === "frames" && isFcf(r.final.fcf, "PPR") ? parsePprMap(r.final.fif) : [];
}

/** Phase C of ECM: one burst with the listed frames of the block (C:IV). */
async function sendBurst(ctx: TxContext, st: CallState, ecm: EcmCallState, b: EcmBlock, frames: readonly number[], isResend: boolean): Promise<void> {
	ctx.enter("C", "IV");
	const rate = st.params!.rate;
	const mod = ecm.longTrain ? rate.longTrain : rate.shortTrain;
	ecm.longTrain = false;
	const map = new Map<number, Uint8Array>();
	for (const n of frames) map.set(n, b.frames[n]!);
	// HylaFAX: a lone resent frame 0 goes twice (some receivers miss the first frame after training)
	const twice = isResend && frames.length === 1 && frames[0] === 0 ? new Set([0]) : new Set<number>();
	const stream = blockStream(map, flagsFor(ECM_PREAMBLE_MS, rate.bitRate), twice);
	await ctx.turn("switching"); // after CFR / MCF / PPR / CTR: T.30 §5.3.2.4 pause before high speed
	ctx.tracer.trace(
		"page",
		"tx",
		`${isResend ? "resend" : "block"} ${b.block}: frames ${frameRanges(frames)} (${stream.length} bytes HDLC) at ${rate.modulation} ${rate.bitRate} (+FTM=${mod})`,
	);
	await ctx.link.sendData(mod, stream, ctx.signal, { preambleMs: ECM_PREAMBLE_MS });
}
