/**
 * The page-transfer seam of the transmitter (issue 8): phases C and D of one page as a strategy, so the
 * call script (transmit.ts: training, the page loop, EOM, phase E) never branches on how a page travels.
 * `nonEcm` (T.30 §5.3, Fig. 5-2a/c: T.4 data after +FTM, one PPM, MCF/RTP/RTN) is today's; ECM (T.30
 * Annex A: 64/256-octet HDLC frames in blocks, PPS/PPR/CTC/RR/EOR, nodes IV_*) adds `ecm.ts` with its own
 * decision functions, and choosePageTransfer.ts picks it when DCS agreed ECM. Layer: t30 (types only).
 */
import type { FaxPage } from "../core/bitmap.js";
import type { PageResult } from "../modem/FaxModem.js";
import type { CallState, TransmitOptions } from "./callState.js";
import type { TxContext } from "./context.js";

/** The post-page message the call script chose for this page (T.30 §5.3.6.1.6: more pages / format change / end). */
export type Ppm = "MPS" | "EOM" | "EOP";

/** One page to transfer. */
export interface PageJob {
	page: FaxPage;
	/** 0-based index in the document */
	index: number;
	pages: number;
	/**
	 * Call once phase C is done: reads the next page and returns the PPM for this one (MPS, EOM on a
	 * format change, EOP after the last page). Reading it only then keeps a bad next page from stopping
	 * this one before it is sent.
	 */
	nextPpm(): Promise<Ppm>;
	/** resends of this page after RTN so far (non-ECM policy) */
	rtnResends: number;
}

/** The typed outcome of one page transfer; a failure that ends the call is thrown as a FaxError instead. */
export type PageOutcome =
	/** the far end has answered for the page; go on (`retrain` = DCS+TCF before the next page) */
	| { kind: "next"; result: PageResult; confirmed: boolean; retrain: boolean }
	/** send the same page again after retraining at a lower rate (non-ECM RTN) */
	| { kind: "resend"; result: PageResult };

export interface PageTransfer {
	readonly name: "nonEcm" | "ecm";
	/**
	 * Phases C and D of one page, with the same params as the last training: sends it, runs the post-page
	 * exchange, settles the page (pageEnd event, CallState counters) and says what next. Throws FaxError
	 * when the call cannot go on.
	 */
	transferPage(ctx: TxContext, st: CallState, job: PageJob, o: TransmitOptions): Promise<PageOutcome>;
}
