/**
 * What the modem simulator records per call (`sim.calls[i]`), for tests and the `faxline sim` report:
 * dial string, TSI, DCS, TCF judgement, turnaround gaps, frames both ways, pages with their decoded
 * pixels and scan-line statistics. Times are line ms (see lineTime.ts LineClock). Layer: hw-mocks.
 */
import type { Bitmap } from "../src/core/bitmap.js";
import type { DisFields } from "../src/t30/dis.js";
import type { EcmPageRecord } from "./EcmReceiver.js";

export interface DialRecord {
	/** the text after ATD, as sent */
	raw: string;
	/** digits and * # A-D only */
	digits: string;
	/** T (tone), P (pulse) or "" */
	method: "T" | "P" | "";
	/** dialling modifiers in order: "," "W" "@" "!" ";" "T" "P" */
	modifiers: string[];
	/** characters a modem ignores (anything else) */
	ignored: string;
}

export interface FrameRecord {
	/** line ms when the frame ended on the line */
	at: number;
	dir: "host" | "far";
	/** T.30 name (X bit ignored) or "FCF 0x.." */
	name: string;
	/** frame without FCS, as on the DTE link */
	bytes: Uint8Array;
	/** far-end frames only: delivered with a corrupted FCS */
	badFcs?: boolean;
}

export interface DcsRecord {
	at: number;
	fields: DisFields;
	bitRate: number;
	modulation: string;
	/** +FTM code the TCF must use (long train) */
	tcfCode: number;
	/** +FTM codes acceptable for page data (short train first) */
	pageCodes: number[];
	resolution: "standard" | "fine" | "superfine";
	width: number;
	coding: "mh" | "mr" | "mmr";
	/** DCS bits 21-23 in ms (before halving rules) */
	minScanMs: number;
}

export interface TcfRecord {
	at: number;
	/** +FTM code the host used */
	code: number;
	/** code the DCS asked for */
	expectedCode: number;
	bytes: number;
	/** bytes at the DCS rate, in ms */
	durationMs: number;
	/** longest run of zero octets, in ms */
	zeroRunMs: number;
	/** fraction of non-zero octets */
	nonZeroFraction: number;
	/** data lost because it arrived before the modem was ready (CONNECT-before-ready fault) */
	lostBytes: number;
	verdict: "CFR" | "FTT" | "DIS" | "DCN" | "none";
}

export interface GapRecord {
	/** line ms when the host's transmission began (carrier on) */
	at: number;
	/** silence before it, ms: from the end of the previous transmission on the line (either side) */
	ms: number;
	/** what the host started: V.21 frames or high-speed data (+FTM code) */
	start: "v21" | number;
	/** who transmitted last and what (frame name, "data", "TCF", "page") */
	after: { who: "host" | "far"; what: string };
}

export interface PageRecord {
	/** 1-based page number (resends keep the number) */
	page: number;
	/** 1 for the first attempt at this page */
	attempt: number;
	/** as the DCS announced it */
	resolution: "standard" | "fine" | "superfine";
	width: number;
	at: number;
	code: number;
	/** the +FTM code matched the DCS rate (short or long train) */
	modulationOk: boolean;
	bytes: number;
	durationMs: number;
	/** underrun: ms the modem had nothing to send before DLE ETX */
	underrunMs: number;
	lostBytes: number;
	bitmap?: Bitmap;
	rows: number;
	badLines: number;
	decodeError?: string;
	/** shortest coded scan line incl. its EOL, in bits (rows with data only) */
	minRowBits: number;
	/** the same at the DCS rate, ms */
	minRowMs: number;
	/** rows shorter than the DCS scan-line time */
	shortRows: number;
	/** scan-line time the receiver required (DCS bits 21-23 with fine halving), ms */
	requiredScanMs: number;
	rtc: boolean;
	/** the post-page message that followed and our answer */
	ppm?: string;
	response?: string;
	/** true once the far end kept it (MCF/RTP/PIP) */
	accepted: boolean;
	/** page data arrived without the retraining that RTN/PIN/RTP required */
	noRetrain?: boolean;
	/** the page came under ECM (T.30 Annex A): blocks, PPRs, CTCs, EOR */
	ecm?: EcmPageRecord;
}

export type DialOutcomeName = "connected" | "busy" | "noAnswer" | "noDialtone" | "noCarrier" | "aborted";
export type CallEnd = "dialFailed" | "dcn" | "hostHangup" | "farDcn" | "farHangup" | "portClosed" | "reset" | "silent";

export interface CallRecord {
	/** 1-based */
	index: number;
	dial: DialRecord;
	/** "in" for a call the simulated far end made to the host (sim --call); absent for the host's ATD */
	direction?: "in";
	/** incoming calls: the caller id the line reported with RING, and the RINGs before the answer */
	callerId?: { number: string; name: string };
	rings?: number;
	startedAt: number;
	outcome?: DialOutcomeName;
	endedAt?: number;
	end?: CallEnd;
	tsi?: string;
	dcs: DcsRecord[];
	tcf: TcfRecord[];
	pages: PageRecord[];
	frames: FrameRecord[];
	gaps: GapRecord[];
	/** the host started transmitting while the far end was still transmitting */
	collisions: number;
	/**
	 * Each receive that got a CONNECT: when the host started listening (+FRH=3 or ATD) against when the
	 * far end's carrier began; `ms` = carrierAt - at, negative when the host listened late (the DCE
	 * buffers; a real one might have missed the frame). `firstFrame` false = re-issued within a carrier.
	 */
	listens: { at: number; carrierAt: number; ms: number; firstFrame: boolean; dial: boolean }[];
	/** post-page messages heard from the host, in order, with our answer ("" = none) */
	ppms: { at: number; name: string; page: number; response: string }[];
	/** where the received pages were written (TIFF Class F) */
	tiffPath?: string;
	/** the far end's notes on anything odd (unexpected frames, data in the wrong phase) */
	notes: string[];
}

/** One entry of the byte-level transcript. */
export interface TranscriptEntry {
	/** line ms */
	t: number;
	/** "host" = bytes from the host to the modem, "modem" = bytes to the host */
	dir: "host" | "modem";
	data: Buffer;
	/**
	 * High-speed data from the host (one entry per +FTM block): bytes left out between the block's first
	 * and last TRANSCRIPT_DATA_KEEP octets kept in `data`, so a long call's transcript stays small.
	 */
	elided?: number;
}

/** What waitForCallEnd listens on: a simulator's "callEnd" events. */
interface CallEndSource {
	on(event: "callEnd", fn: (c: CallRecord) => void): unknown;
	off(event: "callEnd", fn: (c: CallRecord) => void): unknown;
}

/**
 * Resolve with the record of call `index` (1-based) once it has ended (after its TIFF is written, when
 * `finishing` holds that work); reject after `ms` real ms. Shared by the Class 1 and Class 2 simulators.
 */
export function waitForCallEnd(src: CallEndSource, calls: readonly CallRecord[], finishing: ReadonlyMap<CallRecord, Promise<CallRecord>>, index: number, ms: number): Promise<CallRecord> {
	const done = calls[index - 1];
	if (done?.end !== undefined) return finishing.get(done) ?? Promise.resolve(done);
	return new Promise((resolve, reject) => {
		const t = setTimeout(() => {
			src.off("callEnd", on);
			reject(new Error(`call ${index} did not end within ${ms} ms`));
		}, ms);
		const on = (c: CallRecord) => {
			if (c.index !== index) return;
			clearTimeout(t);
			src.off("callEnd", on);
			resolve(c);
		};
		src.on("callEnd", on);
	});
}
