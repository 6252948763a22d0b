/**
 * FaxModem: the session seam between the job layer and a modem (architecture.md "Session seam").
 * `jobs/` sees only this. Class 1 (t30/Class1Session) and later Class 2 implement it.
 * Events map to job fields per outgoing-job.md §9. Layer: modem (interface only).
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

export interface FaxModem {
	/** Stable identity of the device (a path or a configured name). */
	readonly id: string;
	/** One call at a time: rejects with AT_BUSY_CHANNEL if a call is in progress. Never throws for a call failure: see SendResult.error. */
	send(req: SendRequest): Promise<SendResult>;
	/** Release the port. */
	close(): Promise<void>;
}
