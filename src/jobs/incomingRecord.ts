/**
 * The stored record of one incoming fax call (issue 10 "The incoming model"), after Windows Fax Service:
 * while the call runs it is a FaxIncomingJob (IFaxIncomingJob: Status INPROGRESS, ExtendedStatus
 * ANSWERED/RECEIVING, CurrentPage...), once the call ended with at least one page it is a
 * FaxIncomingMessage in the inbox (IFaxIncomingMessage: Pages, Size, TSID, CallerId, Transmission
 * Start/End, RoutingInformation). One row per call in the `incoming` table of the job store (SQLite,
 * WAL); the TIFF lives in `<spool>/incoming/`. Layer: jobs (pure types and the table declaration).
 */
import { FaxJobExtendedStatus as X, FaxJobOperations as O, FaxJobStatus as S } from "./enums.js";
import type { StoredJob, TableSpec } from "./recordTable.js";

/** One page's quality as the receiver judged it. */
export interface ReceivedPageQuality {
	page: number;
	/** our answer: MCF / RTP / RTN */
	result: string;
	confirmed: boolean;
	rows: number;
	badRows: number;
	consecutiveBadRows: number;
	/** in the TIFF */
	kept: boolean;
}

/** One routing action's outcome. */
export interface RouteOutcome {
	action: string;
	ok: boolean;
	detail: string;
}

export interface IncomingRecord extends StoredJob {
	/** FaxJobStatus: INPROGRESS during the call, ROUTING while routed, COMPLETED / FAILED after */
	status: number;
	extendedStatusCode: number;
	extendedStatus: string;
	/** our CSID (what we sent in CSI) */
	csid: string;
	/** the caller's TSID */
	tsid: string;
	/** caller id number and name from the ring ("" when none) */
	callerId: string;
	callerName: string;
	/** the called number (DID/MSN) when the line reports it */
	calledNumber: string;
	/** where the fax went ("folder:/x; email:a@b; command:/usr/bin/x"), after routing */
	routingInformation: string;
	routes: RouteOutcome[];
	/** pages in the TIFF so far / in the end */
	pages: number;
	/** the page being received (1-based), 0 before the first */
	currentPage: number;
	/** TIFF size, bytes */
	size: number;
	deviceId: number;
	deviceName: string;
	/** epoch ms */
	transmissionStart: number;
	transmissionEnd: number | null;
	retries: number;
	/** the whole document arrived (EOP confirmed) */
	complete: boolean;
	quality: ReceivedPageQuality[];
	/** FaxError code of a failed or cut call */
	errorCode: string | null;
}

export const INCOMING_TABLE: TableSpec<IncomingRecord> = {
	name: "incoming",
	columns: [{ name: "device_id", type: "INTEGER NOT NULL DEFAULT 0", value: (r) => r.deviceId, indexed: true }],
};

/** Final statuses of an incoming record. */
export const isIncomingFinal = (status: number): boolean => status === S.COMPLETED || status === S.FAILED || status === S.CANCELED;

/** AvailableOperations of an incoming job (IFaxIncomingJob: VIEW while running, DELETE = cancel). */
export const incomingOperations = (status: number): number => (status === S.INPROGRESS ? O.VIEW | O.DELETE : O.VIEW);

/** Extended status of a finished call from its outcome (FAX_JOB_EXTENDED_STATUS_ENUM). */
export function finalStatusOf(o: { complete: boolean; pages: number; errorCode: string | null; canceled: boolean }): { status: number; code: number; text: string } {
	if (o.complete) return { status: S.COMPLETED, code: X.CALL_COMPLETED, text: "received" };
	if (o.pages > 0) return { status: S.COMPLETED, code: X.PARTIALLY_RECEIVED, text: `incomplete: ${o.pages} page(s) received${o.errorCode ? ` (${o.errorCode})` : ""}` };
	if (o.canceled) return { status: S.CANCELED, code: X.CALL_ABORTED, text: "canceled" };
	if (o.errorCode === "T1_TIMEOUT") return { status: S.FAILED, code: X.NOT_FAX_CALL, text: "no fax handshake from the caller (T1)" };
	return { status: S.FAILED, code: X.FATAL_ERROR, text: `nothing received${o.errorCode ? ` (${o.errorCode})` : ""}` };
}
