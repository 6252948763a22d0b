/**
 * The result of one received call as `faxline receive --json` prints it: the fields of the incoming
 * message (after Windows Fax Service FaxIncomingMessage: TSID, CallerId, Pages, Size, TransmissionStart/End)
 * plus the per-page quality and the final status. Layer: cli.
 */
import { statSync } from "node:fs";
import type { TiffReceiveSink } from "../receive/TiffReceiveSink.js";
import type { ReceiveResult } from "../modem/FaxModem.js";

export interface ReceiveReport {
	/** the document arrived whole: EOP confirmed, no error */
	complete: boolean;
	status: "completed" | "incomplete" | "failed";
	error?: { code: string; message: string };
	tiff: string | null;
	pages: number;
	size: number;
	tsid: string;
	callerId: string;
	callerName: string;
	rings: number;
	deviceName: string;
	transmissionStart: string;
	transmissionEnd: string;
	params?: ReceiveResult["params"];
	pageDetails: { page: number; result: string; confirmed: boolean; rows: number; badRows: number; consecutiveBadRows: number; kept: boolean }[];
}

export function receiveReport(r: ReceiveResult, sink: TiffReceiveSink, o: { path: string; device: string; start: Date; end: Date }): ReceiveReport {
	const stored = sink.pagesStored;
	const complete = r.ok;
	const rep: ReceiveReport = {
		complete,
		status: complete ? "completed" : stored > 0 ? "incomplete" : "failed",
		tiff: stored > 0 ? o.path : null,
		pages: stored,
		size: stored > 0 ? statSync(o.path).size : 0,
		tsid: r.tsid,
		callerId: r.callerId?.number ?? "",
		callerName: r.callerId?.name ?? "",
		rings: r.rings ?? 0,
		deviceName: o.device,
		transmissionStart: o.start.toISOString(),
		transmissionEnd: o.end.toISOString(),
		pageDetails: sink.pages.map((p) => ({ page: p.page, result: p.result, confirmed: p.confirmed, rows: p.rows, badRows: p.badRows, consecutiveBadRows: p.consecutiveBadRows, kept: p.kept })),
	};
	if (r.params) rep.params = r.params;
	if (r.error) rep.error = { code: r.error.code, message: r.error.message };
	return rep;
}
