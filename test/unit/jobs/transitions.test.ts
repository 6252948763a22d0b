/**
 * Case tables for the pure status transitions of an outgoing job (src/jobs/transitions.ts), per
 * outgoing-job.md §2.1-§2.4 (status bits, AvailableOperations, actions), §9.3-§9.5 (failure rules, crash
 * recovery) and issue 14 (page confirmations, attempts, pages in doubt).
 */
import test from "ava";
import { isFaxError } from "../../../src/core/FaxError.js";
import type { SendEvent } from "../../../src/modem/FaxModem.js";
import { FaxJobExtendedStatus as X, FaxJobStatus as S, FaxScheduleType } from "../../../src/jobs/enums.js";
import type { FailureOutcome } from "../../../src/jobs/failureMap.js";
import type { CallEnd } from "../../../src/jobs/transitions.js";
import { cancelRequested, claimed, expired, leaving, noLine, pagesToSend, pauseRequested, progressed, recovered, restartRequested, resumeRequested, settled } from "../../../src/jobs/transitions.js";
import type { AttemptRecord, JobRecord } from "../../../src/jobs/types.js";
import { defaultQueueSettings } from "../../../src/jobs/types.js";

const NOW = 1_000_000_000_000;
const settings = { ...defaultQueueSettings(), retries: 2, retryDelay: 10 };

function job(p: Partial<JobRecord> = {}): JobRecord {
	return {
		id: "00000000000000aa", submissionId: "00000000000000bb", seq: 1, broadcastSize: 1, status: S.PENDING, extCode: X.NONE, extText: "", failure: null,
		priority: 0, scheduleType: FaxScheduleType.NOW, scheduledTime: NOW, originalScheduledTime: NOW, submissionTime: NOW, ageStart: NOW,
		transmissionStart: null, transmissionEnd: null, currentPage: 0, pages: 5, size: 1, deviceId: 0, csid: "", tsid: "", retries: 0,
		recipient: { faxNumber: "5550100", name: "" }, sender: {}, subject: "", documentName: "", receiptType: 0, receiptAddress: "",
		groupBroadcastReceipts: false, attachFaxToReceipt: false, hasCoverPage: false, docFile: "00000000000000aa.tif", removedAt: null, owner: "u",
		announced: true, confirmedPages: [], possiblyDuplicatedPages: [], attempts: [], ...p,
	};
}

const running = (pages: number[], more: Partial<AttemptRecord> = {}): AttemptRecord => ({ attempt: 1, deviceId: 1, startTime: NOW, endTime: null, pages, pagesDelivered: [], pageInDoubt: null, result: "inProgress", failure: null, ...more });
const retry: FailureOutcome = { kind: "retry", ext: X.BUSY, detail: { code: "DIAL_BUSY", text: "busy" }, minDelayMs: 0 };
const fatal: FailureOutcome = { kind: "fail", ext: X.FATAL_ERROR, detail: { code: "REMOTE_DCN", text: "dcn" } };
const line: FailureOutcome = { kind: "line", ext: X.LINE_UNAVAILABLE, detail: { code: "MODEM_NO_RESPONSE", text: "dead" } };
const status = (p: Partial<JobRecord> | null): string => (p === null ? "-" : p.status === undefined ? "same" : `0x${p.status.toString(16)}`);

test("settled: how a call ends, by state and retries left", (t) => {
	const cases: Array<[string, Partial<JobRecord>, CallEnd, string, number | undefined]> = [
		// name, job before, call end, status after, retries after
		["completed", { status: S.INPROGRESS }, { kind: "completed", csid: "FAR" }, "0x100", undefined],
		["CANCELING but last MCF in: completed", { status: S.CANCELING }, { kind: "completed", csid: "" }, "0x100", undefined],
		["canceled by the user", { status: S.CANCELING }, { kind: "canceled" }, "0x200", undefined],
		["retryable, retries left", { status: S.INPROGRESS, retries: 1 }, { kind: "failed", outcome: retry, prevBase: S.RETRYING }, "0x40", 2],
		["retryable, none left", { status: S.INPROGRESS, retries: 2 }, { kind: "failed", outcome: retry, prevBase: S.RETRYING }, "0x80", undefined],
		["never retried", { status: S.INPROGRESS }, { kind: "failed", outcome: fatal, prevBase: S.PENDING }, "0x80", undefined],
		["line failure from PENDING", { status: S.INPROGRESS }, { kind: "failed", outcome: line, prevBase: S.PENDING }, "0x1", undefined],
		["line failure from RETRYING keeps RETRYING", { status: S.INPROGRESS, retries: 1 }, { kind: "failed", outcome: line, prevBase: S.RETRYING }, "0x40", undefined],
		["canceled before ATD: already final", { status: S.CANCELED }, { kind: "failed", outcome: retry, prevBase: S.PENDING }, "-", undefined],
		["archived meanwhile", { status: S.INPROGRESS, removedAt: NOW }, { kind: "completed", csid: "" }, "-", undefined],
	];
	for (const [name, before, end, want, retries] of cases) {
		const p = settled(job({ ...before, attempts: [running([1, 2, 3, 4, 5])] }), end, settings, NOW);
		t.is(status(p), want, name);
		if (retries !== undefined) t.is(p?.retries, retries, `${name}: retries`);
		if (p) t.is(p.attempts?.at(-1)?.result, end.kind === "completed" ? "completed" : end.kind === "canceled" ? "canceled" : "failed", `${name}: attempt result`);
	}
	const r = settled(job({ status: S.INPROGRESS, attempts: [running([1])] }), { kind: "failed", outcome: { ...retry, minDelayMs: 30 * 60_000 }, prevBase: S.PENDING }, settings, NOW)!;
	t.is(r.scheduledTime, NOW + 30 * 60_000, "the failure's minimum delay beats retryDelay");
	t.deepEqual(r.failure, retry.detail);
	t.is(r.transmissionStart, null);
});

test("recovered: rows left by a dead daemon", (t) => {
	const cases: Array<[string, Partial<JobRecord>, string, number | null]> = [
		// name, job, status after, page in doubt
		["mid-call on page 3 (1, 2 confirmed)", { status: S.INPROGRESS, currentPage: 3, confirmedPages: [1, 2] }, "0x40", 3],
		["after page 3's MCF was committed", { status: S.INPROGRESS, currentPage: 3, confirmedPages: [1, 2, 3] }, "0x40", null],
		["before the first page", { status: S.INPROGRESS, currentPage: 0 }, "0x40", null],
		["no retries left", { status: S.INPROGRESS, retries: 2, currentPage: 1 }, "0x80", 1],
		["CANCELING", { status: S.CANCELING }, "0x200", null],
		["stale NOLINE", { status: S.PENDING | S.NOLINE }, "0x1", null],
		["waiting: untouched", { status: S.RETRYING }, "-", null],
		["PAUSED: untouched", { status: S.PENDING | S.PAUSED }, "-", null],
	];
	for (const [name, before, want, doubt] of cases) {
		const p = recovered(job({ ...before, attempts: [running([1, 2, 3, 4, 5])] }), settings, NOW);
		t.is(status(p), want, name);
		if (p?.attempts) t.is(p.attempts.at(-1)!.pageInDoubt, doubt, `${name}: page in doubt`);
		if (p?.attempts) t.is(p.attempts.at(-1)!.result, "interrupted", `${name}: attempt interrupted`);
	}
	t.deepEqual(recovered(job({ status: S.INPROGRESS }), settings, NOW)?.failure, { code: "CARRIER_LOST", text: "interrupted by daemon restart" });
});

test("user actions: allowed states (INVALID_OPERATION otherwise) and their effect", (t) => {
	const code = (f: () => unknown): string => {
		try {
			return status(f() as Partial<JobRecord>);
		} catch (e) {
			return isFaxError(e) ? e.code : String(e);
		}
	};
	const cases: Array<[number, string, string, string, string]> = [
		// status, pause, resume, restart, cancel (no call running)
		[S.PENDING, "0x11", "INVALID_OPERATION", "INVALID_OPERATION", "0x200"],
		[S.PENDING | S.NOLINE, "0x11", "INVALID_OPERATION", "INVALID_OPERATION", "0x200"],
		[S.PENDING | S.PAUSED, "INVALID_OPERATION", "0x1", "INVALID_OPERATION", "0x200"],
		[S.RETRYING, "0x50", "INVALID_OPERATION", "INVALID_OPERATION", "0x200"],
		[S.RETRYING | S.PAUSED, "INVALID_OPERATION", "0x40", "INVALID_OPERATION", "0x200"],
		[S.INPROGRESS, "INVALID_OPERATION", "INVALID_OPERATION", "INVALID_OPERATION", "0x200"],
		[S.RETRIES_EXCEEDED, "INVALID_OPERATION", "INVALID_OPERATION", "0x1", "0x200"],
		[S.COMPLETED, "INVALID_OPERATION", "INVALID_OPERATION", "INVALID_OPERATION", "INVALID_OPERATION"],
		[S.CANCELING, "INVALID_OPERATION", "INVALID_OPERATION", "INVALID_OPERATION", "INVALID_OPERATION"],
		[S.CANCELED, "INVALID_OPERATION", "INVALID_OPERATION", "INVALID_OPERATION", "INVALID_OPERATION"],
	];
	for (const [st, pause, resume, restart, cancel] of cases) {
		const j = job({ status: st });
		t.is(code(() => pauseRequested(j)), pause, `pause 0x${st.toString(16)}`);
		t.is(code(() => resumeRequested(j)), resume, `resume 0x${st.toString(16)}`);
		t.is(code(() => restartRequested(j, settings, NOW)), restart, `restart 0x${st.toString(16)}`);
		t.is(code(() => cancelRequested(j, undefined).patch), cancel, `cancel 0x${st.toString(16)}`);
	}
	// cancel of a running call: after ATD CANCELING (the call may still complete), before it CANCELED at once
	t.deepEqual(cancelRequested(job({ status: S.INPROGRESS }), { dialed: true }), { patch: { status: S.CANCELING }, abort: true });
	t.deepEqual(cancelRequested(job({ status: S.INPROGRESS }), { dialed: false }), { patch: { status: S.CANCELED, transmissionStart: null }, abort: true });
	// restart keeps what the far end already confirmed
	const r = restartRequested(job({ status: S.RETRIES_EXCEEDED, retries: 2, confirmedPages: [1, 2], ageStart: 0 }), settings, NOW);
	t.like(r, { status: S.PENDING, retries: 0, ageStart: NOW, currentPage: 0 });
	t.false("confirmedPages" in r);
});

test("progress: SendEvents -> job fields, with page numbers of the document and confirmations", (t) => {
	// an attempt sending pages 3..5 of a 5-page document (pages 1, 2 confirmed by an earlier call)
	const base = job({ status: S.INPROGRESS, confirmedPages: [1, 2], attempts: [running([1, 2, 3], { result: "interrupted", pageInDoubt: 3, pagesDelivered: [1, 2] }), running([3, 4, 5], { attempt: 2 })] });
	const cases: Array<[string, SendEvent, Partial<JobRecord> | null]> = [
		["dialing", { type: "dialing", number: "1" }, { extCode: X.DIALING, transmissionStart: NOW }],
		["connected", { type: "connected" }, { extCode: X.TRANSMITTING }],
		["remote id (cut at 20)", { type: "remoteId", csid: "x".repeat(25) }, { csid: "x".repeat(20) }],
		["first page of the call is document page 3", { type: "pageStart", page: 1, pages: 3 }, { currentPage: 3 }],
		["training: nothing", { type: "training", bitRate: 9600, result: "CFR" }, null],
		["RTN: not confirmed", { type: "pageEnd", page: 1, result: "RTN", confirmed: false, bytes: 0, ms: 0 }, null],
	];
	for (const [name, ev, want] of cases) t.deepEqual(progressed(base, ev, NOW), want, name);
	t.is(progressed({ ...base, currentPage: 3 }, { type: "pageStart", page: 1, pages: 3 }, NOW), null, "same page again: no change");
	t.is(progressed({ ...base, status: S.CANCELED }, { type: "connected" }, NOW), null, "no longer in a call");
	// page 3 was in doubt after the crash: confirmed again -> possibly delivered twice
	const c3 = progressed(base, { type: "pageEnd", page: 1, result: "MCF", confirmed: true, bytes: 0, ms: 0 }, NOW)!;
	t.deepEqual(c3.confirmedPages, [1, 2, 3]);
	t.deepEqual(c3.possiblyDuplicatedPages, [3]);
	t.deepEqual(c3.attempts!.map((a) => a.pagesDelivered), [[1, 2], [3]]);
	const c4 = progressed({ ...base, ...c3 }, { type: "pageEnd", page: 2, result: "MCF", confirmed: true, bytes: 0, ms: 0 }, NOW)!;
	t.deepEqual(c4.confirmedPages, [1, 2, 3, 4]);
	t.false("possiblyDuplicatedPages" in c4, "page 4 was never in doubt");
});

test("claim, pages to send, NOLINE, AgeLimit, retention", (t) => {
	t.deepEqual(pagesToSend(job()), [1, 2, 3, 4, 5]);
	t.deepEqual(pagesToSend(job({ confirmedPages: [1, 2] })), [3, 4, 5]);
	t.deepEqual(pagesToSend(job({ confirmedPages: [1, 2, 4] })), [3, 5], "a page confirmed after an unconfirmed one is not sent again");
	const c = claimed(job({ attempts: [running([1, 2, 3, 4, 5], { result: "failed" })] }), { deviceId: 7, tsid: "T", now: NOW, pages: [3, 4, 5] });
	t.like(c, { status: S.INPROGRESS, extCode: X.INITIALIZING, deviceId: 7, currentPage: 0, tsid: "T" });
	t.like(c.attempts![1], { attempt: 2, deviceId: 7, pages: [3, 4, 5], result: "inProgress", startTime: NOW });
	t.deepEqual(noLine(job()), { status: S.PENDING | S.NOLINE });
	t.is(noLine(job({ status: S.PENDING | S.NOLINE })), null);
	const day = 86_400_000;
	t.false(expired(job({ ageStart: NOW - day }), 0, NOW), "no AgeLimit");
	t.false(expired(job({ ageStart: NOW - day + 1 }), 1, NOW));
	t.true(expired(job({ ageStart: NOW - day }), 1, NOW));
	t.false(expired(job({ ageStart: NOW - 9 * day, status: S.INPROGRESS }), 1, NOW), "never mid-call");
	const fin = (s: number) => s === S.COMPLETED || s === S.CANCELED || s === S.RETRIES_EXCEEDED;
	const ids = (js: JobRecord[]) => js.map((j) => j.status);
	t.deepEqual(ids(leaving([job({ status: S.COMPLETED })], fin)), [S.COMPLETED], "single job leaves when COMPLETED");
	t.deepEqual(ids(leaving([job({ status: S.RETRIES_EXCEEDED })], fin)), [], "a failed job stays (restartable)");
	const bc = (s: number) => job({ status: s, broadcastSize: 3 });
	t.deepEqual(ids(leaving([bc(S.COMPLETED), bc(S.PENDING), bc(S.CANCELED)], fin)), [], "broadcast: all stay until every member is final");
	t.deepEqual(ids(leaving([bc(S.COMPLETED), bc(S.RETRIES_EXCEEDED), bc(S.CANCELED)], fin)), [S.COMPLETED, S.CANCELED]);
});
