/**
 * FaxOutgoingQueue (outgoing-job.md §5): queue settings with save()/refresh() (unsaved edits are dropped
 * by refresh [MS]), getJobs()/getJob(id), and [ours] cancelSubmission(submissionId) (§6). Layer: jobs.
 */
import { parseBadRowShare } from "../tiff/index.js";
import { FaxError } from "../core/FaxError.js";
import { FaxAccessRight } from "./enums.js";
import type { AttachmentFormat } from "./faxAttachment.js";
import { ATTACHMENT_FORMATS } from "./faxAttachment.js";
import type { JobBackend } from "./FaxOutgoingJob.js";
import { FaxOutgoingJob, FaxOutgoingJobs } from "./FaxOutgoingJob.js";
import type { JobStore } from "./JobStore.js";
import type { HourMinute, JobRecord, QueueSettings } from "./types.js";

/** What the queue facade needs from its server (FaxServer passes it; the queue never sees the server). */
export interface QueueHost {
	readonly store: JobStore;
	readonly user: string;
	/** FaxAccessRight mask of the connected user */
	readonly rights: number;
	/** ACCESS_DENIED unless the user may act on `r` (own jobs: a submit right; others': `other`) */
	checkRight(r: JobRecord, other: FaxAccessRight): void;
	/** the settings were saved to the store: a daemon applies them at once */
	saved(s: QueueSettings): void;
	/** cancel a submission's jobs (daemon: at once; client: by request) */
	cancelSubmission(submissionId: string): Promise<void>;
}

const attachmentFormat = (v: unknown, what: string): AttachmentFormat => {
	if (!ATTACHMENT_FORMATS.includes(v as AttachmentFormat)) throw new FaxError("INVALID_ARG", `${what} must be one of ${ATTACHMENT_FORMATS.join(", ")}`);
	return v as AttachmentFormat;
};
const hm = (v: HourMinute, what: string): HourMinute => {
	if (!Number.isInteger(v?.hour) || !Number.isInteger(v?.minute) || v.hour < 0 || v.hour > 23 || v.minute < 0 || v.minute > 59) {
		throw new FaxError("INVALID_ARG", `${what} must be {hour 0-23, minute 0-59}`);
	}
	return { hour: v.hour, minute: v.minute };
};

export class FaxOutgoingQueue implements QueueSettings {
	blocked = false;
	paused = false;
	retries = 3;
	retryDelay = 10;
	ageLimit = 0;
	discountRateStart: HourMinute = { hour: 20, minute: 0 };
	discountRateEnd: HourMinute = { hour: 7, minute: 0 };
	branding = false;
	useDeviceTsid = false;
	allowPersonalCoverPages = true;
	recipientsLimit = 0;
	allowedReceipts = 1;
	maxBadRowShare = 0.1;
	continuationCover = false;
	receiptAttachment: AttachmentFormat = "pdf";

	/** @internal */
	constructor(
		private readonly server: QueueHost,
		private readonly backend: JobBackend,
	) {
		this.load();
	}

	private load(): void {
		Object.assign(this, this.server.store.getSettings());
	}

	/** Drop unsaved edits and reload the stored settings. */
	async refresh(): Promise<void> {
		this.load();
	}

	/** Validate and persist the settings (needs MANAGE_CONFIG); the daemon applies them at once. */
	async save(): Promise<void> {
		if (!(this.server.rights & FaxAccessRight.MANAGE_CONFIG)) throw new FaxError("ACCESS_DENIED", `user ${this.server.user} may not change the queue`);
		const int = (v: number, lo: number, hi: number, what: string): number => {
			if (!Number.isInteger(v) || v < lo || v > hi) throw new FaxError("INVALID_ARG", `${what} must be an integer ${lo}..${hi}`);
			return v;
		};
		const s: QueueSettings = {
			blocked: Boolean(this.blocked),
			paused: Boolean(this.paused),
			retries: int(this.retries, 0, 99, "retries"),
			retryDelay: int(this.retryDelay, 0, 0x7fffffff, "retryDelay"),
			ageLimit: int(this.ageLimit, 0, 0x7fffffff, "ageLimit"),
			discountRateStart: hm(this.discountRateStart, "discountRateStart"),
			discountRateEnd: hm(this.discountRateEnd, "discountRateEnd"),
			branding: Boolean(this.branding),
			useDeviceTsid: Boolean(this.useDeviceTsid),
			allowPersonalCoverPages: Boolean(this.allowPersonalCoverPages),
			recipientsLimit: int(this.recipientsLimit, 0, 0x7fffffff, "recipientsLimit"),
			allowedReceipts: int(this.allowedReceipts, 0, 5, "allowedReceipts"),
			maxBadRowShare: parseBadRowShare(this.maxBadRowShare, "maxBadRowShare"),
			continuationCover: Boolean(this.continuationCover),
			receiptAttachment: attachmentFormat(this.receiptAttachment, "receiptAttachment"),
		};
		this.server.store.putSettings(s);
		this.server.saved(s);
	}

	/** Snapshot of the queued jobs this user may see, in queue order. */
	getJobs(): FaxOutgoingJobs {
		const mayQuery = (this.server.rights & FaxAccessRight.QUERY_JOBS) !== 0;
		const recs = this.server.store.queuedJobs().filter((r) => mayQuery || r.owner === this.server.user);
		return new FaxOutgoingJobs(recs.map((r) => new FaxOutgoingJob(r, this.backend)));
	}

	/** One queued job; MESSAGE_NOT_FOUND when unknown or gone. */
	getJob(id: string): FaxOutgoingJob {
		return new FaxOutgoingJob(this.backend.liveRecord(id), this.backend);
	}

	/** [ours] Cancel every non-final job of a submission. */
	async cancelSubmission(submissionId: string): Promise<void> {
		const members = this.server.store.submissionJobs(submissionId).filter((r) => r.removedAt === null);
		if (members.length === 0) throw new FaxError("MESSAGE_NOT_FOUND", `submission ${submissionId} is not in the queue`);
		for (const m of members) this.server.checkRight(m, FaxAccessRight.MANAGE_JOBS);
		await this.server.cancelSubmission(submissionId);
	}
}
