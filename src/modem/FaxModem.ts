/**
 * FaxModem: the session seam between the job layer and a modem (architecture.md "Session seam"), for both
 * directions. `jobs/` and the CLI see only this (opened by src/session openFaxModem). Class 1
 * (t30/Class1Session) implements it with the host T.30 engine; Class 2 / 2.0 will implement it in the
 * modem layer. Send events map to job fields per outgoing-job.md §9; receive events to the incoming job
 * of issue 10. `FaxEvent` is the one event union of both directions (the T.30 engine emits it).
 * Layer: modem (interface only).
 */
import type { FaxPageSource, FaxResolution } from "../core/bitmap.js";
import type { FaxError } from "../core/FaxError.js";

export type Coding = "mh" | "mr" | "mmr";

/** Parameters agreed in DCS (or +FCS/+FDCS for Class 2). */
export interface NegotiatedParams {
	bitRate: number; // 2400..14400
	modulation: string; // "V.27ter" | "V.29" | "V.17"
	resolution: FaxResolution;
	width: number; // pixels: 1728 | 2048 | 2432
	coding: Coding;
	ecm: boolean;
	/** minimum scan-line time in ms actually applied to pages (0 = none) */
	minScanLineMs: number;
}

/** How the far end answered a page's post-page message. */
/** ERR: under ECM a block of the page was given up (EOR answered ERR): the page is not confirmed. */
export type PageResult = "MCF" | "RTP" | "RTN" | "PIP" | "PIN" | "ERR";

export type SendEvent =
	| { type: "dialing"; number: string }
	| { type: "connected" } // fax flags heard (phase B begins)
	| { type: "remoteId"; csid: string }
	| { type: "negotiated"; params: NegotiatedParams }
	| { type: "training"; bitRate: number; result: "CFR" | "FTT" | "none" }
	| { type: "pageStart"; page: number; pages: number } // 1-based
	/**
	 * Phase C data handed to the modem so far (each chunk the modem took; it reaches the line at
	 * `bitRate`). `bytesTotal` is the page's coded size, projected from the rows coded so far until the
	 * last chunk, then exact. For live progress (the CLI's bar); not traced.
	 */
	| { type: "pageProgress"; page: number; pages: number; bytesSent: number; bytesTotal: number; bitRate: number }
	| {
			type: "pageEnd";
			page: number;
			result: PageResult;
			/** true only when the far end confirmed the page (MCF, RTP, PIP-after-MCF semantics) */
			confirmed: boolean;
			bytes: number;
			ms: number;
	  }
	| { type: "retrain"; reason: string }
	| { type: "hangup" };

/**
 * Events of a received call (issue 10), named for the T.30 receiver flow (Figure 5-2b): the shared
 * "connected", "negotiated", "training", "retrain" and "hangup" members are the send ones.
 */
export type ReceiveEvent =
	| { type: "ring"; count: number; callerId?: { number: string; name: string } }
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

/** One event union for both directions: what T30Context.emit takes. */
export type FaxEvent = SendEvent | ReceiveEvent;

export interface SendRequest {
	document: FaxPageSource;
	/** Dial string as the user gave it; sanitised by the session (digits, * # + , W P T and spaces only). */
	number: string;
	/** Our id sent in TSI (≤ 20 printable ASCII). */
	tsid?: string;
	signal?: AbortSignal;
	onEvent?: (e: SendEvent) => void;
	/** The caller's label for this call (e.g. job id and attempt); names per-call trace files. */
	callId?: string;
	/**
	 * Numbers this call may dial although the dial-string rule blocks them (core/dialString.ts
	 * DialPolicy.allowNumbers), added to the session's own; `faxline send/submit --allow-number` (issue 14).
	 */
	allowNumbers?: readonly string[];
}

export interface SendResult {
	ok: boolean;
	/** pages the far end confirmed (MCF / RTP / PIP) */
	pagesConfirmed: number;
	pagesSent: number;
	/** 1-based page numbers sent but not confirmed (RTN accepted by policy, a block ended by EOR, etc.) */
	unconfirmedPages: number[];
	/** ECM: blocks given up with EOR/ERR (page 1-based, block 0-based, the frames still missing); absent when none */
	undeliveredBlocks?: { page: number; block: number; frames: number[] }[];
	csid: string;
	params?: NegotiatedParams;
	/** set when ok is false */
	error?: FaxError;
}

/** What the receiver knows when a page begins (phase C). */
export interface ReceivedPageInfo {
	/** 1-based */
	page: number;
	/** as agreed in DCS (Class 1) or +FCS / +FDCS (Class 2); coding and width say how to decode the data */
	params: NegotiatedParams;
}

/** The receiver's verdict on a page (T.30 post-message responses, Fig. 5-2b: MCF / RTP / RTN), passed to the page sink. */
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
	/** Let the modem answer by itself after `rings` RINGs (auto-answer, ATS0=n) instead of ATA; default false. */
	autoAnswer?: boolean;
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
	/** caller id reported with the RINGs (number "" when none) */
	callerId?: { number: string; name: string; calledNumber?: string };
	/** RINGs counted before the answer */
	rings?: number;
}

export interface FaxModem {
	/** Stable identity of the device (a path or a configured name). */
	readonly id: string;
	/** One call at a time: rejects with AT_BUSY_CHANNEL if a call is in progress. Never throws for a call failure: see SendResult.error. */
	send(req: SendRequest): Promise<SendResult>;
	/**
	 * Wait for a call, answer it and receive the document into `req.sink` (issue 10). One call at a time,
	 * as `send`. Never throws for a call failure (see ReceiveResult.error); rejects with NOT_IMPLEMENTED
	 * where this session type does not receive yet, AT_BUSY_CHANNEL when a call is in progress.
	 */
	receive(req: ReceiveRequest): Promise<ReceiveResult>;
	/** Release the port. */
	close(): Promise<void>;
}
