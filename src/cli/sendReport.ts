/**
 * The outcome of a direct `faxline send`, expressed as the final job fields under outgoing-job.md's
 * names (§3, §9): a one-attempt job with no queue retries. Shares the failure mapping with the queue
 * (jobs/failureMap.ts) so the CLI and the daemon never disagree. Layer: cli.
 */
import type { SendResult } from "../modem/FaxModem.js";
import { FaxJobExtendedStatus, FaxJobStatus } from "../jobs/enums.js";
import { mapFailure } from "../jobs/failureMap.js";

export interface SendReport {
	Status: number;
	StatusName: string;
	ExtendedStatusCode: number;
	ExtendedStatusName: string;
	ExtendedStatus: string;
	failureDetail?: { code: string; text: string };
	Pages: number;
	CurrentPage: number;
	PagesConfirmed: number;
	UnconfirmedPages: number[];
	Retries: number;
	DeviceId: string;
	CSID: string;
	TSID: string;
	Recipient: string;
	TransmissionStart: string | null;
	TransmissionEnd: string | null;
	Parameters?: SendResult["params"];
}

export interface AttemptFacts {
	pages: number;
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
	let detail: { code: string; text: string } | undefined;
	if (!ok) {
		if (r.error) {
			const m = mapFailure(r.error, f.dialed);
			ext = m.ext;
			detail = m.detail;
		} else {
			ext = FaxJobExtendedStatus.FATAL_ERROR;
			detail = { code: "PAGE_REJECTED", text: `pages not confirmed by the far end: ${r.unconfirmedPages.join(", ")}` };
		}
	}
	const status = ok ? FaxJobStatus.COMPLETED : ext === FaxJobExtendedStatus.CALL_ABORTED ? FaxJobStatus.CANCELED : FaxJobStatus.RETRIES_EXCEEDED;
	const rep: SendReport = {
		Status: status,
		StatusName: FaxJobStatus[status] ?? String(status),
		ExtendedStatusCode: ext,
		ExtendedStatusName: FaxJobExtendedStatus[ext] ?? String(ext),
		ExtendedStatus: "",
		Pages: f.pages,
		CurrentPage: f.currentPage,
		PagesConfirmed: r.pagesConfirmed,
		UnconfirmedPages: r.unconfirmedPages,
		Retries: 0,
		DeviceId: f.device,
		CSID: r.csid,
		TSID: f.tsid,
		Recipient: f.recipient,
		// spec §9.5: TransmissionStart cleared on failure, TransmissionEnd only after success
		TransmissionStart: ok && f.start ? f.start.toISOString() : null,
		TransmissionEnd: ok ? f.end.toISOString() : null,
	};
	if (detail) rep.failureDetail = detail;
	if (r.params) rep.Parameters = r.params;
	return rep;
}
