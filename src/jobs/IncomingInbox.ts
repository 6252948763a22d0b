/**
 * Incoming faxes in the job store (issue 10 "The incoming model", after Windows Fax Service
 * IFaxIncomingJob / IFaxIncomingMessage): `beginCall` creates the record of an answered call
 * (FaxIncomingJob, Status INPROGRESS) and a ReceiveSink that commits every page to the call's TIFF in
 * `<spool>/incoming/` (crash-safe, src/receive) and its progress to the store; `endCall` records the
 * outcome and routes the fax (routing.ts), after which it is a FaxIncomingMessage in the inbox.
 * `recover()` (daemon start) finishes calls a killed daemon left INPROGRESS: the TIFF keeps the pages
 * committed before the crash (its unlinked tail cut), and the record says truthfully that the call was
 * interrupted (PARTIALLY_RECEIVED, or FAILED with no page). Every change goes through one JobLedger
 * (Added/Changed/Removed events). Layer: jobs.
 */
import { copyFileSync, existsSync, mkdirSync, rmSync, statSync } from "node:fs";
import { join } from "node:path";
import { FaxError } from "../core/FaxError.js";
import type { ReceiveEvent, ReceiveResult } from "../modem/FaxModem.js";
import { TiffReceiveSink } from "../receive/TiffReceiveSink.js";
import { inspectReceivedFax, recoverReceivedFax } from "../tiff/ReceivedFaxWriter.js";
import { FaxJobExtendedStatus as X, FaxJobStatus as S, FaxJobType } from "./enums.js";
import { finalStatusOf, incomingOperations, INCOMING_TABLE, isIncomingFinal, type IncomingRecord } from "./incomingRecord.js";
import { JobLedger, type JobEvent } from "./jobLedger.js";
import type { JobStore } from "./JobStore.js";
import { matchRule, route, routingInformation, type RouteDeps, type RouteRule } from "./routing.js";
import { newId } from "./submit.js";

export type IncomingEvent = JobEvent<"incoming", IncomingRecord>;

export interface InboxOptions {
	/** routing rules (first match wins) */
	rules?: readonly RouteRule[];
	routeDeps?: RouteDeps;
	/** job events (Added/Changed/Removed) */
	onEvent?: (e: IncomingEvent) => void;
	/** epoch-ms clock (tests) */
	now?: () => number;
}

/** A call in progress: its sink for the FaxModem and the hooks that keep the record current. */
export interface IncomingCall {
	readonly id: string;
	readonly sink: TiffReceiveSink;
	readonly signal: AbortSignal;
	/** feed the receive events (ring/TSI/page progress) */
	onEvent(e: ReceiveEvent): void;
}

export class IncomingInbox {
	readonly ledger: JobLedger<"incoming", IncomingRecord>;
	readonly dir: string;
	private readonly now: () => number;
	private readonly running = new Map<string, { ctrl: AbortController; sink: TiffReceiveSink }>();

	constructor(
		readonly store: JobStore,
		spoolDir: string,
		private readonly o: InboxOptions = {},
	) {
		this.dir = join(spoolDir, "incoming");
		mkdirSync(this.dir, { recursive: true });
		this.now = o.now ?? Date.now;
		this.ledger = new JobLedger({ kind: "incoming", table: store.table(INCOMING_TABLE), emit: (e) => o.onEvent?.(e), isFinal: isIncomingFinal });
	}

	/** The TIFF path of a record. */
	tiffPath(r: Pick<IncomingRecord, "docFile">): string {
		return join(this.dir, r.docFile);
	}

	/** A call was answered on `device`: create its incoming job and the sink its pages go to. */
	beginCall(device: { deviceId: number; name: string; csid: string }, caller?: { number: string; name: string; calledNumber?: string }): IncomingCall {
		const id = newId();
		const docFile = `${id}.tif`;
		const start = this.now();
		this.ledger.insert(
			[
				{
					id,
					status: S.INPROGRESS,
					removedAt: null,
					announced: true,
					docFile,
					extendedStatusCode: X.ANSWERED,
					extendedStatus: "answered",
					csid: device.csid,
					tsid: "",
					callerId: caller?.number ?? "",
					callerName: caller?.name ?? "",
					calledNumber: caller?.calledNumber ?? "",
					routingInformation: "",
					routes: [],
					pages: 0,
					currentPage: 0,
					size: 0,
					deviceId: device.deviceId,
					deviceName: device.name,
					transmissionStart: start,
					transmissionEnd: null,
					retries: 0,
					complete: false,
					quality: [],
					errorCode: null,
				},
			],
			true,
		);
		const ctrl = new AbortController();
		const sink = new TiffReceiveSink(this.tiffPath({ docFile }), {
			tsid: () => this.ledger.get(id)?.tsid ?? "",
			onPageStored: (p, bytes) =>
				this.ledger.commit(id, (cur) => ({ pages: cur.pages + 1, size: bytes, quality: [...cur.quality, quality(p)] })),
		});
		this.running.set(id, { ctrl, sink });
		return {
			id,
			sink,
			signal: ctrl.signal,
			onEvent: (e) => this.onCallEvent(id, e),
		};
	}

	private onCallEvent(id: string, e: ReceiveEvent): void {
		// progress is committed without fsync (WAL keeps it across a killed process); pages are durable
		switch (e.type) {
			case "remoteTsi":
				this.ledger.commit(id, { tsid: e.tsid }, { durable: false });
				break;
			case "pageReceiving":
				this.ledger.commit(id, { currentPage: e.page, extendedStatusCode: X.RECEIVING, extendedStatus: `receiving page ${e.page}` }, { durable: false });
				break;
			case "pageReceived":
				if (!e.confirmed) this.ledger.commit(id, (cur) => ({ quality: [...cur.quality.filter((q) => q.page !== e.page), { page: e.page, result: e.result, confirmed: false, rows: e.rows, badRows: e.badRows, consecutiveBadRows: 0, kept: false }] }), { durable: false });
				break;
			default:
				break;
		}
	}

	/**
	 * The call ended: finish the TIFF, record the outcome (COMPLETED / PARTIALLY_RECEIVED / FAILED), then
	 * route it. Returns the final record.
	 */
	async endCall(call: IncomingCall, r: ReceiveResult | undefined, thrown?: unknown): Promise<IncomingRecord> {
		const run = this.running.get(call.id);
		this.running.delete(call.id);
		const pages = await call.sink.finish();
		const tiff = this.tiffPath({ docFile: `${call.id}.tif` });
		const size = pages > 0 && existsSync(tiff) ? statSync(tiff).size : 0;
		const errorCode = r?.error?.code ?? (thrown instanceof FaxError ? thrown.code : thrown ? "PROTOCOL_ERROR" : null);
		const f = finalStatusOf({ complete: !!r?.ok, pages, errorCode, canceled: !!run?.ctrl.signal.aborted });
		const base = {
			pages,
			size,
			complete: !!r?.ok,
			errorCode,
			transmissionEnd: this.now(),
			...(r?.tsid ? { tsid: r.tsid } : {}),
			...(r?.callerId ? { callerId: r.callerId.number, callerName: r.callerId.name, calledNumber: r.callerId.calledNumber ?? "" } : {}),
		};
		if (pages === 0) return this.ledger.commit(call.id, { ...base, status: f.status, extendedStatusCode: f.code, extendedStatus: f.text, removedAt: this.now() });
		const routed = this.ledger.commit(call.id, { ...base, status: S.ROUTING, extendedStatusCode: f.code, extendedStatus: f.text });
		return this.routeAndFinish(routed, f.status);
	}

	private async routeAndFinish(r: IncomingRecord, status: number): Promise<IncomingRecord> {
		const rule = matchRule(this.o.rules ?? [], r);
		const routes = rule ? await route(rule, r, this.tiffPath(r), this.o.routeDeps ?? {}) : [];
		return this.ledger.commit(r.id, { status, routes, routingInformation: routingInformation(routes) });
	}

	/** Cancel a call in progress (IFaxIncomingJob.Cancel): the receiver sends DCN and hangs up. */
	cancel(id: string): void {
		const run = this.running.get(id);
		if (!run) throw new FaxError("INVALID_OPERATION", `incoming job ${id} is not in progress in this process`);
		run.ctrl.abort(new FaxError("CALL_ABORTED", "incoming job canceled"));
	}

	/**
	 * Finish what a killed daemon left: calls still INPROGRESS/ROUTING get their TIFF repaired (unlinked
	 * tail cut, totals patched) and a truthful status — "interrupted" with the pages that were committed.
	 */
	async recover(): Promise<IncomingRecord[]> {
		const out: IncomingRecord[] = [];
		for (const r of this.ledger.table.select({ removed_at: null })) {
			if (r.status !== S.INPROGRESS && r.status !== S.ROUTING) continue;
			if (this.running.has(r.id)) continue;
			const tiff = this.tiffPath(r);
			let pages = 0;
			if (existsSync(tiff)) {
				try {
					pages = (await recoverReceivedFax(tiff)).pages;
				} catch {
					pages = 0; // unreadable: nothing of it can be trusted
				}
			}
			const text = pages > 0 ? `interrupted: the daemon stopped during the call; ${pages} page(s) received` : "interrupted: the daemon stopped during the call; nothing received";
			const patch = {
				pages,
				size: pages > 0 ? statSync(tiff).size : 0,
				quality: r.quality.filter((q) => !q.kept || q.page <= pages),
				transmissionEnd: r.transmissionEnd ?? this.now(),
				errorCode: r.errorCode ?? "INTERRUPTED",
			};
			if (pages === 0) {
				if (existsSync(tiff)) rmSync(tiff, { force: true });
				out.push(this.ledger.commit(r.id, { ...patch, status: S.FAILED, extendedStatusCode: X.FATAL_ERROR, extendedStatus: text, removedAt: this.now() }));
				continue;
			}
			const rec = this.ledger.commit(r.id, { ...patch, status: S.ROUTING, complete: false, extendedStatusCode: X.PARTIALLY_RECEIVED, extendedStatus: text });
			out.push(await this.routeAndFinish(rec, S.COMPLETED));
		}
		return out;
	}

	/** Calls in progress (IFaxIncomingQueue.GetJobs). */
	jobs(): FaxIncomingJob[] {
		return this.ledger.table
			.select({ removed_at: null })
			.filter((r) => r.status === S.INPROGRESS || r.status === S.ROUTING)
			.map((r) => new FaxIncomingJob(this, r));
	}

	/** The inbox (IFaxIncomingArchive.GetMessages): received faxes, oldest first. */
	messages(): FaxIncomingMessage[] {
		return this.ledger.table
			.select({ removed_at: null })
			.filter((r) => r.status === S.COMPLETED && r.pages > 0)
			.map((r) => new FaxIncomingMessage(this, r));
	}

	/** One message or job by id (queued or archived). */
	get(id: string): IncomingRecord | undefined {
		return this.ledger.get(id);
	}

	/** @internal FaxIncomingMessage.Delete */
	deleteMessage(id: string): void {
		const r = this.ledger.get(id);
		if (!r || r.removedAt !== null) throw new FaxError("MESSAGE_NOT_FOUND", `no message ${id} in the inbox`);
		if (!isIncomingFinal(r.status)) throw new FaxError("INVALID_OPERATION", `fax ${id} is still being received`);
		this.ledger.commit(id, { removedAt: this.now() }, { event: "removed" });
		rmSync(this.tiffPath(r), { force: true });
	}
}

const quality = (p: { page: number; result: string; confirmed: boolean; rows: number; badRows: number; consecutiveBadRows: number; kept: boolean }) => ({
	page: p.page,
	result: p.result,
	confirmed: p.confirmed,
	rows: p.rows,
	badRows: p.badRows,
	consecutiveBadRows: p.consecutiveBadRows,
	kept: p.kept,
});

/** IFaxIncomingJob: a call being received. Properties are a snapshot; Refresh() re-reads the store. */
export class FaxIncomingJob {
	constructor(
		private readonly inbox: IncomingInbox,
		private r: IncomingRecord,
	) {}
	get Id(): string { return this.r.id; } // prettier-ignore
	get Size(): number { return this.r.size; } // prettier-ignore
	get CSID(): string { return this.r.csid; } // prettier-ignore
	get TSID(): string { return this.r.tsid; } // prettier-ignore
	get CallerId(): string { return this.r.callerId; } // prettier-ignore
	get RoutingInformation(): string { return this.r.routingInformation; } // prettier-ignore
	get Status(): number { return this.r.status; } // prettier-ignore
	get ExtendedStatus(): string { return this.r.extendedStatus; } // prettier-ignore
	get ExtendedStatusCode(): number { return this.r.extendedStatusCode; } // prettier-ignore
	get CurrentPage(): number { return this.r.currentPage; } // prettier-ignore
	get DeviceId(): number { return this.r.deviceId; } // prettier-ignore
	get TransmissionStart(): Date { return new Date(this.r.transmissionStart); } // prettier-ignore
	get TransmissionEnd(): Date | null { return this.r.transmissionEnd === null ? null : new Date(this.r.transmissionEnd); } // prettier-ignore
	get Retries(): number { return this.r.retries; } // prettier-ignore
	get JobType(): FaxJobType { return FaxJobType.RECEIVE; } // prettier-ignore
	get AvailableOperations(): number { return incomingOperations(this.r.status); } // prettier-ignore
	/** Cancel the reception (DCN, hang-up); only in the process running the call. */
	Cancel(): void {
		this.inbox.cancel(this.r.id);
	}
	Refresh(): void {
		const r = this.inbox.get(this.r.id);
		if (!r) throw new FaxError("MESSAGE_NOT_FOUND", `incoming job ${this.r.id} is gone`);
		this.r = r;
	}
	/** Copy the pages received so far (a valid TIFF at every moment) to `path`. */
	CopyTiff(path: string): void {
		const src = this.inbox.tiffPath(this.r);
		if (!existsSync(src)) throw new FaxError("INVALID_OPERATION", "no page received yet");
		copyFileSync(src, path);
	}
	/** The record as stored (JSON output). */
	toJSON(): Record<string, unknown> {
		return incomingJobJson(this.r);
	}
}

/** IFaxIncomingMessage: a fax in the inbox. */
export class FaxIncomingMessage {
	constructor(
		private readonly inbox: IncomingInbox,
		private readonly r: IncomingRecord,
	) {}
	get Id(): string { return this.r.id; } // prettier-ignore
	get Pages(): number { return this.r.pages; } // prettier-ignore
	get Size(): number { return this.r.size; } // prettier-ignore
	get DeviceName(): string { return this.r.deviceName; } // prettier-ignore
	get CSID(): string { return this.r.csid; } // prettier-ignore
	get TSID(): string { return this.r.tsid; } // prettier-ignore
	get CallerId(): string { return this.r.callerId; } // prettier-ignore
	get RoutingInformation(): string { return this.r.routingInformation; } // prettier-ignore
	get TransmissionStart(): Date { return new Date(this.r.transmissionStart); } // prettier-ignore
	get TransmissionEnd(): Date | null { return this.r.transmissionEnd === null ? null : new Date(this.r.transmissionEnd); } // prettier-ignore
	/** Per-page quality (our answer, bad rows) — not in the Windows API, which has no equivalent. */
	get Quality(): readonly IncomingRecord["quality"][number][] { return this.r.quality; } // prettier-ignore
	/** The whole document arrived (EOP confirmed). */
	get Complete(): boolean { return this.r.complete; } // prettier-ignore
	get ExtendedStatus(): string { return this.r.extendedStatus; } // prettier-ignore
	CopyTiff(path: string): void {
		copyFileSync(this.inbox.tiffPath(this.r), path);
	}
	Delete(): void {
		this.inbox.deleteMessage(this.r.id);
	}
	toJSON(): Record<string, unknown> {
		return incomingMessageJson(this.r);
	}
}

export function incomingJobJson(r: IncomingRecord): Record<string, unknown> {
	return {
		Id: r.id,
		Size: r.size,
		CSID: r.csid,
		TSID: r.tsid,
		CallerId: r.callerId,
		RoutingInformation: r.routingInformation,
		Status: r.status,
		ExtendedStatus: r.extendedStatus,
		ExtendedStatusCode: r.extendedStatusCode,
		CurrentPage: r.currentPage,
		DeviceId: r.deviceId,
		TransmissionStart: new Date(r.transmissionStart).toISOString(),
		TransmissionEnd: r.transmissionEnd === null ? null : new Date(r.transmissionEnd).toISOString(),
		Retries: r.retries,
		JobType: FaxJobType.RECEIVE,
		AvailableOperations: incomingOperations(r.status),
	};
}

export function incomingMessageJson(r: IncomingRecord): Record<string, unknown> {
	return {
		Id: r.id,
		Pages: r.pages,
		Size: r.size,
		DeviceName: r.deviceName,
		CSID: r.csid,
		TSID: r.tsid,
		CallerId: r.callerId,
		CallerName: r.callerName,
		CalledNumber: r.calledNumber,
		RoutingInformation: r.routingInformation,
		TransmissionStart: new Date(r.transmissionStart).toISOString(),
		TransmissionEnd: r.transmissionEnd === null ? null : new Date(r.transmissionEnd).toISOString(),
		Complete: r.complete,
		ExtendedStatus: r.extendedStatus,
		ExtendedStatusCode: r.extendedStatusCode,
		Quality: r.quality,
		Routes: r.routes,
	};
}

/** Is the TIFF of a record finished (for diagnostics)? */
export async function tiffState(inbox: IncomingInbox, r: IncomingRecord) {
	return inspectReceivedFax(inbox.tiffPath(r));
}
