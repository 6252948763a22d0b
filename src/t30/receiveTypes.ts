/**
 * INTERIM copy of the receive seam types the seams issue adds to modem/FaxModem.ts (ReceiveSink,
 * ReceivedPageWriter, ReceiveRequest/Result, ReceiveEvent), so the answerer can be built before that
 * branch lands; removed at the merge (imports then point at modem/FaxModem.ts). Layer: modem-level types.
 */
import type { FaxError } from "../core/FaxError.js";
import type { NegotiatedParams, PageResult } from "../modem/FaxModem.js";

export type ReceiveEvent =
	| { type: "ring"; count: number }
	| { type: "answering" } // ATA sent (phase A)
	| { type: "connected" } // fax answer tone done, phase B begins (we send CSI/DIS)
	| { type: "remoteTsi"; tsid: string } // the caller's TSI
	| { type: "negotiated"; params: NegotiatedParams } // DCS accepted
	| { type: "training"; bitRate: number; result: "CFR" | "FTT" | "none" } // our verdict on the TCF
	| { type: "pageReceiving"; page: number } // 1-based; phase C begins
	| {
			type: "pageReceived";
			page: number;
			/** what we answered the post-page message with */
			result: PageResult;
			/** true when we confirmed the page (MCF / PIP after a good page) */
			confirmed: boolean;
			rows: number;
			badRows: number;
			bytes: number;
			ms: number;
	  }
	| { type: "retrain"; reason: string }
	| { type: "hangup" };

/** What the receiver knows when a page begins (phase C). */
export interface ReceivedPageInfo {
	/** 1-based */
	page: number;
	/** as agreed in DCS (Class 1) or +FCS / +FDCS (Class 2); coding and width say how to decode the data */
	params: NegotiatedParams;
}

/** Receiver's verdict on a page (T.30 §5.3.6.2.? copy quality: MCF / RTP / RTN), passed to the page sink. */
export interface ReceivedPageResult {
	result: PageResult;
	confirmed: boolean;
	/** rows decoded, and rows that failed to decode (replaced by the previous row) */
	rows: number;
	badRows: number;
}

/** Where one page's data goes while it arrives: streaming, so a page never needs to sit whole in memory. */
export interface ReceivedPageWriter {
	/** T.4 / T.6 data in line order (LSB first, as T.4 §2 sends it), DLE-decoded; called in order. */
	write(data: Uint8Array): void | Promise<void>;
	/** The page is complete and judged; the writer may commit it (e.g. a TIFF Class F IFD). */
	end(result: ReceivedPageResult): void | Promise<void>;
	/** The call ended inside the page (carrier lost, cancel): drop or keep what arrived, never commit it as good. */
	abort(reason: Error): void | Promise<void>;
}

/** Receives the pages of an incoming call (a spool file, a TIFF writer, a test recorder). */
export interface ReceiveSink {
	beginPage(info: ReceivedPageInfo): ReceivedPageWriter | Promise<ReceivedPageWriter>;
}

export interface ReceiveRequest {
	sink: ReceiveSink;
	/** Cancel: before the answer the wait for a call ends; during a call it ends with DCN like a send. */
	signal?: AbortSignal;
	onEvent?: (e: ReceiveEvent) => void;
	/** Our id sent in CSI (≤ 20 printable ASCII); default the session's tsid option. */
	csid?: string;
	/** Answer after this many RINGs (default 1); 0 = answer at once (the line is already ringing / manual answer). */
	rings?: number;
	/** The caller's label for this call (e.g. incoming job id); names per-call trace files. */
	callId?: string;
}

export interface ReceiveResult {
	ok: boolean;
	/** pages we confirmed (MCF) and wrote to the sink with a good verdict */
	pagesReceived: number;
	/** the caller's TSI */
	tsid: string;
	params?: NegotiatedParams;
	/** set when ok is false */
	error?: FaxError;
}

