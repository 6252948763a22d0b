/**
 * FaxOutgoingJob (IFaxOutgoingJob + IFaxOutgoingJob2, outgoing-job.md §2-§3): a snapshot of one
 * recipient's job with cancel/pause/resume/restart/refresh/copyTiff. Properties do not self-update
 * (refresh() reloads them) [MS]; actions check AvailableOperations on the live job. Also the
 * FaxJobStatus payload of the Changed event (§3) and the FaxOutgoingJobs collection (§5). Layer: jobs.
 */
import { FaxError } from "../core/FaxError.js";
import type { FaxPriorityType, FaxReceiptType, FaxScheduleType } from "./enums.js";
import { FaxJobType, availableOperations } from "./enums.js";
import type { FailureDetail } from "./failureMap.js";
import type { AttemptRecord, AttemptResult, FaxRecipient, FaxSender, JobRecord } from "./types.js";

/** [ours] One attempt (call) of a job as `attempts` and `job --json` show it (issue 14; docs/job-json.md). */
export interface FaxJobAttempt {
	/** 1-based, across the job's life (restarts included) */
	attempt: number;
	deviceId: number;
	/** when the modem was claimed for it */
	startTime: Date;
	/** when it was settled; null while running, or when the daemon died during it */
	endTime: Date | null;
	/** document pages (1-based) it set out to send: a retry sends only the pages not confirmed before */
	pages: number[];
	/** a continuation cover page went before them (queue setting continuationCover) */
	continuationCover: boolean;
	/** document pages the far end confirmed during it */
	pagesDelivered: number[];
	/** the page on the wire when the daemon died (its confirmation may have been lost), else null */
	pageInDoubt: number | null;
	/** inProgress, completed, failed, canceled, or interrupted (the daemon died or stopped during it) */
	result: AttemptResult;
	/** why it failed, if it did */
	failureDetail: FailureDetail | null;
}

const attemptOf = (a: AttemptRecord): FaxJobAttempt => ({
	attempt: a.attempt,
	deviceId: a.deviceId,
	startTime: new Date(a.startTime),
	endTime: date(a.endTime),
	pages: [...a.pages],
	continuationCover: a.continuationCover ?? false,
	pagesDelivered: [...a.pagesDelivered],
	pageInDoubt: a.pageInDoubt,
	result: a.result,
	failureDetail: a.failure ? { ...a.failure } : null,
});

/** What a job needs from its server (daemon: engine; client: requests through the store). */
export interface JobBackend {
	/** The live queued record, or throws MESSAGE_NOT_FOUND / ACCESS_DENIED (query right). */
	liveRecord(id: string): JobRecord;
	cancel(id: string): Promise<void>;
	pause(id: string): Promise<void>;
	resume(id: string): Promise<void>;
	restart(id: string): Promise<void>;
	copyTiff(id: string, path: string): Promise<void>;
}

const date = (t: number | null): Date | null => (t === null ? null : new Date(t));

/**
 * The `FaxJobStatus` object of `onOutgoingJobChanged` (§3). Named `FaxJobStatusInfo` here because the TS
 * enum of status values is `FaxJobStatus` (§4 naming).
 */
export interface FaxJobStatusInfo {
	status: number;
	pages: number;
	size: number;
	currentPage: number;
	deviceId: number;
	csid: string;
	tsid: string;
	extendedStatusCode: number;
	extendedStatus: string;
	availableOperations: number;
	retries: number;
	jobType: FaxJobType;
	scheduledTime: Date;
	transmissionStart: Date | null;
	transmissionEnd: Date | null;
	callerId: string;
	routingInformation: string;
	/** [ours] T.30 detail of the last failure */
	failureDetail?: FailureDetail;
}

/** The Changed payload for a record. */
export function statusInfo(r: JobRecord): FaxJobStatusInfo {
	const s: FaxJobStatusInfo = {
		status: r.status,
		pages: r.pages,
		size: r.size,
		currentPage: r.currentPage,
		deviceId: r.deviceId,
		csid: r.csid,
		tsid: r.tsid,
		extendedStatusCode: r.extCode,
		extendedStatus: r.extText,
		availableOperations: availableOperations(r.status),
		retries: r.retries,
		jobType: FaxJobType.SEND,
		scheduledTime: new Date(r.scheduledTime),
		transmissionStart: date(r.transmissionStart),
		transmissionEnd: date(r.transmissionEnd),
		callerId: "",
		routingInformation: "",
	};
	if (r.failure) s.failureDetail = { ...r.failure };
	return s;
}

export class FaxOutgoingJob {
	private r: JobRecord;

	/** @internal created by FaxOutgoingQueue */
	constructor(
		record: JobRecord,
		private readonly backend: JobBackend,
	) {
		this.r = record;
	}

	get subject(): string {
		return this.r.subject;
	}
	get documentName(): string {
		return this.r.documentName;
	}
	/** total pages including a cover page */
	get pages(): number {
		return this.r.pages;
	}
	/** bytes of the job's TIFF */
	get size(): number {
		return this.r.size;
	}
	get submissionId(): string {
		return this.r.submissionId;
	}
	/** 16 hex digits */
	get id(): string {
		return this.r.id;
	}
	get originalScheduledTime(): Date {
		return new Date(this.r.originalScheduledTime);
	}
	get submissionTime(): Date {
		return new Date(this.r.submissionTime);
	}
	get receiptType(): FaxReceiptType {
		return this.r.receiptType;
	}
	get priority(): FaxPriorityType {
		return this.r.priority;
	}
	/** needs SENDER_INFO in availableOperations */
	get sender(): FaxSender {
		return { ...this.r.sender };
	}
	/** needs RECIPIENT_INFO in availableOperations */
	get recipient(): FaxRecipient {
		return { ...this.r.recipient };
	}
	/** 1-based page of the document on the wire (a retry starts at its first unconfirmed page); 0 before an attempt's first page */
	get currentPage(): number {
		return this.r.currentPage;
	}
	/** modem of the current/last attempt; 0 = none yet */
	get deviceId(): number {
		return this.r.deviceId;
	}
	/** FaxJobStatus bits (§2.1) */
	get status(): number {
		return this.r.status;
	}
	/** FaxJobExtendedStatus, or a provider code ≥ 0x01000000 */
	get extendedStatusCode(): number {
		return this.r.extCode;
	}
	/** text only for provider codes, else '' [MS] */
	get extendedStatus(): string {
		return this.r.extText;
	}
	/** [ours, non-COM] the last failure's engine code and text */
	get failureDetail(): FailureDetail | undefined {
		return this.r.failure ? { ...this.r.failure } : undefined;
	}
	/** FaxJobOperations bits for the snapshot's status (§2.3) */
	get availableOperations(): number {
		return availableOperations(this.r.status);
	}
	get retries(): number {
		return this.r.retries;
	}
	get scheduledTime(): Date {
		return new Date(this.r.scheduledTime);
	}
	get transmissionStart(): Date | null {
		return date(this.r.transmissionStart);
	}
	get transmissionEnd(): Date | null {
		return date(this.r.transmissionEnd);
	}
	get csid(): string {
		return this.r.csid;
	}
	get tsid(): string {
		return this.r.tsid;
	}
	get groupBroadcastReceipts(): boolean {
		return this.r.groupBroadcastReceipts;
	}
	/** Job2 */
	get hasCoverPage(): boolean {
		return this.r.hasCoverPage;
	}
	/** Job2 */
	get receiptAddress(): string {
		return this.r.receiptAddress;
	}
	/** Job2 */
	get scheduleType(): FaxScheduleType {
		return this.r.scheduleType;
	}
	/** [ours] document pages (1-based, ascending) the far end confirmed, over all attempts: never sent again */
	get pagesDelivered(): number[] {
		return [...this.r.confirmedPages];
	}
	/**
	 * [ours] pages that may have been printed twice: a call confirmed them again after the daemon died while
	 * they were on the wire (their first confirmation, if any, was lost). Empty when no page is in doubt.
	 */
	get possiblyDuplicatedPages(): number[] {
		return [...this.r.possiblyDuplicatedPages];
	}
	/** [ours] every attempt (call) of the job, oldest first, with the pages it delivered */
	get attempts(): FaxJobAttempt[] {
		return this.r.attempts.map(attemptOf);
	}

	/** Cancel (needs DELETE on the live job). Resolves when accepted. */
	cancel(): Promise<void> {
		return this.backend.cancel(this.r.id);
	}
	/** Pause a waiting job (needs PAUSE). */
	pause(): Promise<void> {
		return this.backend.pause(this.r.id);
	}
	/** Resume a paused job (needs RESUME). */
	resume(): Promise<void> {
		return this.backend.resume(this.r.id);
	}
	/** Re-queue a RETRIES_EXCEEDED job (needs RESTART). */
	restart(): Promise<void> {
		return this.backend.restart(this.r.id);
	}
	/** Reload every property; MESSAGE_NOT_FOUND once the job left the queue. */
	async refresh(): Promise<void> {
		this.r = this.backend.liveRecord(this.r.id);
	}
	/** Copy the job's TIFF Class F (no banner) to an absolute path (needs VIEW). */
	copyTiff(path: string): Promise<void> {
		return this.backend.copyTiff(this.r.id, path);
	}

	/** Plain JSON of every property (CLI `job --json`). */
	toJSON(): Record<string, unknown> {
		return {
			id: this.id,
			submissionId: this.submissionId,
			status: this.status,
			extendedStatusCode: this.extendedStatusCode,
			extendedStatus: this.extendedStatus,
			failureDetail: this.failureDetail ?? null,
			availableOperations: this.availableOperations,
			recipient: this.recipient,
			sender: this.sender,
			subject: this.subject,
			documentName: this.documentName,
			pages: this.pages,
			size: this.size,
			currentPage: this.currentPage,
			deviceId: this.deviceId,
			retries: this.retries,
			priority: this.priority,
			scheduleType: this.scheduleType,
			scheduledTime: this.scheduledTime.toISOString(),
			originalScheduledTime: this.originalScheduledTime.toISOString(),
			submissionTime: this.submissionTime.toISOString(),
			transmissionStart: this.transmissionStart?.toISOString() ?? null,
			transmissionEnd: this.transmissionEnd?.toISOString() ?? null,
			csid: this.csid,
			tsid: this.tsid,
			receiptType: this.receiptType,
			receiptAddress: this.receiptAddress,
			groupBroadcastReceipts: this.groupBroadcastReceipts,
			hasCoverPage: this.hasCoverPage,
			pagesDelivered: this.pagesDelivered,
			possiblyDuplicatedPages: this.possiblyDuplicatedPages,
			attempts: this.attempts.map((a) => ({ ...a, startTime: a.startTime.toISOString(), endTime: a.endTime?.toISOString() ?? null })),
		};
	}
}

/** FaxOutgoingJobs: a snapshot collection; `item(i)` is 1-based [MS] or takes an id [ours]. */
export class FaxOutgoingJobs implements Iterable<FaxOutgoingJob> {
	constructor(private readonly jobs: readonly FaxOutgoingJob[]) {}
	get count(): number {
		return this.jobs.length;
	}
	item(indexOrId: number | string): FaxOutgoingJob {
		if (typeof indexOrId === "string") {
			const j = this.jobs.find((x) => x.id === indexOrId);
			if (!j) throw new FaxError("MESSAGE_NOT_FOUND", `job ${indexOrId} is not in this collection`);
			return j;
		}
		if (!Number.isInteger(indexOrId) || indexOrId < 1 || indexOrId > this.jobs.length) throw new FaxError("INVALID_ARG", `index ${indexOrId} out of 1..${this.jobs.length}`);
		return this.jobs[indexOrId - 1]!;
	}
	[Symbol.iterator](): Iterator<FaxOutgoingJob> {
		return this.jobs[Symbol.iterator]();
	}
}
