/**
 * Data types of the outgoing queue: the persisted job record, queue settings (outgoing-job.md §5),
 * sender/recipient (§3). Times are epoch milliseconds (wall clock) in records, JS Dates on the facade.
 * Layer: jobs (pure).
 */
import type { BadRowPage } from "../tiff/index.js";
import type { AttachmentFormat } from "./faxAttachment.js";
import type { FailureDetail } from "./failureMap.js";
import type { FaxCoverPageType, FaxPriorityType, FaxReceiptType, FaxScheduleType } from "./enums.js";

/** Hour and minute of local time (the COM DATE's time part). */
export interface HourMinute {
	hour: number; // 0..23
	minute: number; // 0..59
}

/** FaxSender: the cover-page sender fields plus `tsid` (§3). All optional strings, default ''. */
export interface FaxSender {
	name?: string;
	faxNumber?: string;
	company?: string;
	department?: string;
	email?: string;
	homePhone?: string;
	officePhone?: string;
	officeLocation?: string;
	streetAddress?: string;
	title?: string;
	billingCode?: string;
	/** our id sent in TSI (≤ 20 printable ASCII) */
	tsid?: string;
}

/** FaxRecipient (§3). */
export interface FaxRecipient {
	faxNumber: string;
	name: string;
}

/** What a submission carries (FaxDocument's fields, outgoing-job.md §6, §8): read by submit.ts. */
export interface SubmissionSpec {
	body: string;
	moreBodies: readonly string[];
	sender: FaxSender;
	recipients: Iterable<FaxRecipient>;
	coverPageType: FaxCoverPageType;
	coverPage: string;
	subject: string;
	note: string;
	documentName: string;
	priority: FaxPriorityType;
	receiptType: FaxReceiptType;
	receiptAddress: string;
	attachFaxToReceipt: boolean;
	groupBroadcastReceipts: boolean;
	scheduleType: FaxScheduleType;
	scheduleTime: Date | null;
	/** [ours, issue 14] blocked numbers this submission dials explicitly (core/dialString.ts allowNumbers); optional */
	allowNumbers?: readonly string[];
	/** [ours, issue 14] told about pages of a submitted file with unreadable rows (below the queue's maxBadRowShare) */
	onBadRows?: (file: string, pages: readonly BadRowPage[]) => void;
}

/** Outgoing queue + server settings (§5, §6 recipient cap, §8 allowed receipts). */
export interface QueueSettings {
	/** reject new submissions with QUEUE_BLOCKED; default false */
	blocked: boolean;
	/** start no new attempts; default false */
	paused: boolean;
	/** max retransmissions after a failed first attempt, 0..99; default 3 */
	retries: number;
	/** minutes between a failed attempt and the next; default 10 */
	retryDelay: number;
	/** days an undelivered job stays queued, 0 = forever; default 0 */
	ageLimit: number;
	/** discount window, local time; start == end means all day; default 20:00-07:00 */
	discountRateStart: HourMinute;
	discountRateEnd: HourMinute;
	/** draw a banner line on each sent page; default false */
	branding: boolean;
	/** send the device's TSID instead of the sender's; default false */
	useDeviceTsid: boolean;
	/** false => only SERVER cover pages accepted; default true */
	allowPersonalCoverPages: boolean;
	/** server cap on recipients per submission, 0 = unlimited; default 0 [ours: Windows server setting] */
	recipientsLimit: number;
	/** FaxReceiptType mask the server allows; default MAIL [ours] */
	allowedReceipts: number;
	/**
	 * [ours, issue 14] submissions with a page whose share of unreadable rows in the source exceeds this are
	 * refused (IMAGE_BAD_ROWS); 0..1, 1 = never; default 0.1 (tiff/pinned.ts)
	 */
	maxBadRowShare: number;
	/**
	 * a retry that resumes after pages the far end confirmed starts with a continuation cover page naming
	 * the pages that follow (HylaFAX's continuation cover); default false [ours]
	 */
	continuationCover: boolean;
	/** a receipt with the fax attached (attachFaxToReceipt) carries it as a PDF (lossless G4) or the TIFF; default "pdf" [ours, issue 12] */
	receiptAttachment: AttachmentFormat;
}

export const defaultQueueSettings = (): QueueSettings => ({
	blocked: false,
	paused: false,
	retries: 3,
	retryDelay: 10,
	ageLimit: 0,
	discountRateStart: { hour: 20, minute: 0 },
	discountRateEnd: { hour: 7, minute: 0 },
	branding: false,
	useDeviceTsid: false,
	allowPersonalCoverPages: true,
	recipientsLimit: 0,
	allowedReceipts: 0x1,
	maxBadRowShare: 0.1,
	continuationCover: false,
	receiptAttachment: "pdf",
});

/** How an attempt (one call) ended; "inProgress" while it runs. */
export type AttemptResult = "inProgress" | "completed" | "failed" | "canceled" | "interrupted";

/**
 * One attempt of a job as the job's record lists it (issue 14 "retries resume"): which document pages it
 * set out to send and which of them the far end confirmed, committed page by page as the MCF arrives.
 */
export interface AttemptRecord {
	/** 1-based attempt number across the job's life (restarts included) */
	attempt: number;
	deviceId: number;
	/** when the modem was claimed (epoch ms) */
	startTime: number;
	/** when the call was settled, null while running or when the daemon died during it */
	endTime: number | null;
	/** document pages (1-based) this attempt set out to send, in order */
	pages: number[];
	/** a continuation cover page went first (QueueSettings.continuationCover); not a document page */
	continuationCover: boolean;
	/** document pages the far end confirmed during this attempt (MCF, RTP, PIP) */
	pagesDelivered: number[];
	/** the page on the wire when the daemon died: its confirmation may have been lost; null otherwise */
	pageInDoubt: number | null;
	result: AttemptResult;
	/** the attempt's failure, if it failed */
	failure: FailureDetail | null;
}

/** One job as persisted in the store (one row). */
export interface JobRecord {
	id: string; // 16 hex digits
	submissionId: string;
	/** insertion order across the store (ties in §5 ordering) */
	seq: number;
	/** jobs in this submission (1 = not a broadcast) */
	broadcastSize: number;
	status: number;
	extCode: number;
	extText: string;
	failure: FailureDetail | null;
	priority: FaxPriorityType;
	scheduleType: FaxScheduleType;
	scheduledTime: number;
	originalScheduledTime: number;
	submissionTime: number;
	/** start of the AgeLimit clock (submission, or the last restart) */
	ageStart: number;
	transmissionStart: number | null;
	transmissionEnd: number | null;
	currentPage: number;
	pages: number;
	size: number;
	deviceId: number;
	csid: string;
	tsid: string;
	retries: number;
	/** [ours] this job's own retry limit (faxline alter --retries); absent = the queue's `retries` */
	maxRetries?: number;
	recipient: FaxRecipient;
	sender: FaxSender;
	subject: string;
	documentName: string;
	receiptType: FaxReceiptType;
	receiptAddress: string;
	groupBroadcastReceipts: boolean;
	attachFaxToReceipt: boolean;
	hasCoverPage: boolean;
	/** spool file name of the job's TIFF (relative to the spool's doc dir) */
	docFile: string;
	/** time it left the queue (archived), null while queued */
	removedAt: number | null;
	/** user name of the submitter (rights: own jobs vs. other users' jobs, §2.4) */
	owner: string;
	/** Added already raised by the daemon (jobs submitted by another process start false) */
	announced: boolean;
	/** [ours, issue 14] blocked numbers this job may dial explicitly (FaxDocument.allowNumbers) */
	allowNumbers?: string[];
	/** document pages (1-based, ascending) the far end confirmed over all attempts: never sent again */
	confirmedPages: number[];
	/** pages confirmed again after their first confirmation may have been lost in a crash (possibly printed twice) */
	possiblyDuplicatedPages: number[];
	/** every attempt, oldest first */
	attempts: AttemptRecord[];
}

/** Fill the fields a record written before they existed lacks (store read path). */
export function upgradeJobRecord(r: JobRecord): JobRecord {
	r.confirmedPages ??= [];
	r.possiblyDuplicatedPages ??= [];
	r.attempts ??= [];
	return r;
}
