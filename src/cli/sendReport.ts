/**
 * The outcome of a direct `faxline send`, expressed as the final job fields under outgoing-job.md's TS
 * names (§3, §9; the same names `faxline job --json` prints from FaxOutgoingJob.toJSON): a one-attempt job
 * on a one-modem pool (DeviceId 1), with no queue retries. Shares the failure mapping with the queue
 * (jobs/failureMap.ts) so the CLI and the daemon never disagree. Layer: cli.
 */
import type { SendResult } from "../modem/FaxModem.js";
import { FaxJobExtendedStatus, FaxJobStatus } from "../jobs/enums.js";
import { mapFailure } from "../jobs/failureMap.js";

export interface SendReport {
	status: number;
	statusName: string;
	extendedStatusCode: number;
	extendedStatusName: string;
	/** '' for enum codes (spec §4: text only for provider codes) */
	extendedStatus: string;
	failureDetail: { code: string; text: string } | null;
	recipient: { faxNumber: string; name: string };
	pages: number;
	/** bytes of the documents sent */
	size: number;
	currentPage: number;
	/** the one modem of a direct send */
	deviceId: number;
	/** [ours] the modem's path */
	device: string;
	retries: number;
	transmissionStart: string | null;
	transmissionEnd: string | null;
	csid: string;
	tsid: string;
	/** [ours] what the far end confirmed */
	pagesConfirmed: number;
	unconfirmedPages: number[];
	/** [ours] ECM blocks given up with EOR (page 1-based, block 0-based, the frames still missing); [] when none */
	undeliveredBlocks: { page: number; block: number; frames: number[] }[];
	/** [ours] the DCS parameters of the last page */
	parameters: SendResult["params"] | null;
}

export interface AttemptFacts {
	pages: number;
	size: number;
	currentPage: number;
	dialed: boolean;
	start: Date | null;
	end: Date;
	device: string;
	tsid: string;
	recipient: string;
}

/** true only when every page was confirmed by the far end */
export const fullyConfirmed = (r: SendResult, pages: number): boolean => r.ok && r.pagesConfirmed === pages && r.unconfirmedPages.length === 0;

export function sendReport(r: SendResult, f: AttemptFacts): SendReport {
	const ok = fullyConfirmed(r, f.pages);
	let ext: number = FaxJobExtendedStatus.CALL_COMPLETED;
	let detail: { code: string; text: string } | null = null;
	if (!ok) {
		if (r.error) {
			const m = mapFailure(r.error, f.dialed);
			ext = m.ext;
			detail = m.detail;
		} else {
			ext = FaxJobExtendedStatus.FATAL_ERROR;
			detail = { code: "PAGE_REJECTED", text: `page(s) ${r.unconfirmedPages.join(", ")} not confirmed by the far end` };
		}
	}
	const status = ok ? FaxJobStatus.COMPLETED : ext === FaxJobExtendedStatus.CALL_ABORTED ? FaxJobStatus.CANCELED : FaxJobStatus.RETRIES_EXCEEDED;
	return {
		status,
		statusName: FaxJobStatus[status] ?? String(status),
		extendedStatusCode: ext,
		extendedStatusName: FaxJobExtendedStatus[ext] ?? String(ext),
		extendedStatus: "",
		failureDetail: detail,
		recipient: { faxNumber: f.recipient, name: "" },
		pages: f.pages,
		size: f.size,
		currentPage: f.currentPage,
		deviceId: 1,
		device: f.device,
		retries: 0,
		// spec §9.5: transmissionStart cleared on failure, transmissionEnd only after success
		transmissionStart: ok && f.start ? f.start.toISOString() : null,
		transmissionEnd: ok ? f.end.toISOString() : null,
		csid: r.csid,
		tsid: f.tsid,
		pagesConfirmed: r.pagesConfirmed,
		unconfirmedPages: r.unconfirmedPages,
		undeliveredBlocks: r.undeliveredBlocks ?? [],
		parameters: r.params ?? null,
	};
}
