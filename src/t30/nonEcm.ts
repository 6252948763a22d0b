/**
 * The non-ECM page transfer (T.30 §5.3, Figures 5-2a and 5-2c; class1.md §2.5-§2.6): phase C sends the
 * page as T.4 data at the short-train modulation (node C:I), phase D sends the PPM and reads the reply
 * (D:MPS|EOM|EOP, D:II_Q), repeating on silence or CRP and ignoring an echo of our own PPM; the reply is
 * decided in decisions.ts afterPostPage. A PageTransfer (pageTransfer.ts). Layer: t30.
 */
import type { FaxPage } from "../core/bitmap.js";
import type { PageResult } from "../modem/FaxModem.js";
import { fitPage, minBitsPerRow, pageChunks } from "../page/pageData.js";
import { fatal, type CallState, type TransmitOptions } from "./callState.js";
import type { TxContext } from "./context.js";
import { afterPostPage } from "./decisions.js";
import { Fcf } from "./fcf.js";
import type { PageJob, PageOutcome, PageTransfer, Ppm } from "./pageTransfer.js";
import { kFactor, type SessionParams } from "./params.js";

export const nonEcm: PageTransfer = {
	name: "nonEcm",
	async transferPage(ctx: TxContext, st: CallState, job: PageJob, o: TransmitOptions): Promise<PageOutcome> {
		const pageNo = job.index + 1;
		const sent = await sendPage(ctx, job.page, st.params!, job.index, job.pages, o);
		st.pagesSent.add(pageNo);
		st.unconfirmed.add(pageNo);
		const ppm = await job.nextPpm();
		const d = await postPage(ctx, st, ppm, job.rtnResends, o, pageNo, sent);
		settlePage(ctx, st, pageNo, d.result, d.kind === "next" && d.confirmed, sent);
		return d;
	},
};

/** Phase C: one page at the short-train modulation (class1.md §2.5). */
async function sendPage(ctx: TxContext, page: FaxPage, p: SessionParams, i: number, n: number, o: TransmitOptions): Promise<{ bytes: number; ms: number }> {
	ctx.enter("C", "I");
	ctx.emit({ type: "pageStart", page: i + 1, pages: n });
	const fitted = fitPage(page, p.format);
	await ctx.turn("switching"); // after CFR / MCF: T.30 §5.3.2.4 pause before high speed
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


/** Phase D: PPM and its reply, repeated on silence/CRP, echo ignored (class1.md §2.6). */
async function postPage(ctx: TxContext, st: CallState, ppm: Ppm, rtnResends: number, o: TransmitOptions, pageNo: number, sent: { bytes: number; ms: number }): Promise<PageOutcome> {
	let noReplies = 0;
	let crps = 0;
	let transmit = true;
	let fromSending = true;
	for (let guard = 0; guard < 32; guard++) {
		if (transmit) {
			ctx.enter("D", ppm);
			await ctx.turn(fromSending ? (ppm === "EOP" ? "eop" : "ppm") : "switching");
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
				if (d.result) settlePage(ctx, st, pageNo, d.result, d.confirmed === true, sent);
				throw fatal(d.code, d.reason, { ppm, page: pageNo });
		}
	}
	throw fatal("PROTOCOL_ERROR", `no settled reply to ${ppm}`);
}

/** The far end's verdict on a page: the pageEnd event, and the page counted as confirmed when it is. */
function settlePage(ctx: TxContext, st: CallState, pageNo: number, result: PageResult, confirmed: boolean, sent: { bytes: number; ms: number }): void {
	ctx.emit({ type: "pageEnd", page: pageNo, result, confirmed, ...sent });
	if (!confirmed) return;
	st.pagesConfirmed++;
	st.unconfirmed.delete(pageNo);
}
