/**
 * A simulated fax line for the daemon's test/benchmark modems (`fake:` paths, enabled only by the
 * config's `testModems: true` or FAXLINE_TEST_MODEMS=1): it reads every page of the document like a real
 * session does (so decode cost is real), raises the §9.1 SendEvents with configurable timing on the
 * system clock, and can fail with any FaxError code. Path syntax:
 * `fake:NAME?dialMs=300&pageMs=500&postMs=100&csid=REMOTE&fail=DIAL_BUSY&failFirst=2&at=dial|phaseB|page|phaseD&failPage=2`
 * (`failFirst` = only the first N calls fail; default all). Layer: jobs.
 */
import type { Clock } from "../core/Clock.js";
import type { FaxErrorCode } from "../core/FaxError.js";
import { FaxError, FaxErrorCodes } from "../core/FaxError.js";
import type { FaxModem, ReceiveRequest, ReceiveResult, SendRequest, SendResult } from "../modem/FaxModem.js";

export interface LineModemOptions {
	dialMs: number;
	pageMs: number;
	postMs: number;
	csid: string;
	fail?: FaxErrorCode;
	failFirst: number;
	at: "dial" | "phaseB" | "page" | "phaseD";
	failPage: number;
	/** open fails (MODEM_NO_RESPONSE) */
	dead: boolean;
}

/** Parse a `fake:` path. */
export function parseLinePath(path: string): LineModemOptions {
	const u = new URL(path.replace(/^fake:/, "fake://"));
	const q = u.searchParams;
	const num = (k: string, d: number) => {
		const v = q.get(k);
		if (v === null) return d;
		const n = Number(v);
		if (!Number.isFinite(n) || n < 0) throw new FaxError("CONFIG_INVALID", `${path}: ${k} must be a number ≥ 0`);
		return n;
	};
	const fail = q.get("fail") ?? undefined;
	if (fail !== undefined && !(fail in FaxErrorCodes)) throw new FaxError("CONFIG_INVALID", `${path}: unknown error code ${fail}`);
	const at = (q.get("at") ?? "dial") as LineModemOptions["at"];
	if (!["dial", "phaseB", "page", "phaseD"].includes(at)) throw new FaxError("CONFIG_INVALID", `${path}: bad stage ${at}`);
	return {
		dialMs: num("dialMs", 300),
		pageMs: num("pageMs", 500),
		postMs: num("postMs", 100),
		csid: q.get("csid") ?? "FAKE REMOTE",
		fail: fail as FaxErrorCode | undefined,
		failFirst: num("failFirst", Infinity),
		at,
		failPage: num("failPage", 1),
		dead: q.get("dead") === "1",
	};
}

export class LineModem implements FaxModem {
	private busy = false;
	private calls = 0;
	constructor(
		readonly id: string,
		private readonly o: LineModemOptions,
		private readonly clock: Clock,
	) {}

	async send(req: SendRequest): Promise<SendResult> {
		if (this.busy) throw new FaxError("AT_BUSY_CHANNEL", `${this.id} is busy`);
		this.busy = true;
		const o = this.o;
		const failing = o.fail !== undefined && this.calls++ < o.failFirst;
		const res: SendResult = { ok: false, pagesConfirmed: 0, pagesSent: 0, unconfirmedPages: [], csid: "" };
		const ev = req.onEvent ?? (() => undefined);
		const wait = (ms: number) => this.clock.sleep(ms, req.signal);
		const fail = (code: FaxErrorCode) => {
			res.error = new FaxError(code, `simulated ${code}`);
			return res;
		};
		try {
			ev({ type: "dialing", number: req.number });
			await wait(o.dialMs);
			if (failing && o.at === "dial") return fail(o.fail!);
			ev({ type: "connected" });
			res.csid = o.csid;
			ev({ type: "remoteId", csid: o.csid });
			if (failing && o.at === "phaseB") return fail(o.fail!);
			const n = req.document.pageCount;
			for (let p = 1; p <= n; p++) {
				ev({ type: "pageStart", page: p, pages: n });
				await req.document.page(p - 1);
				await wait(o.pageMs);
				res.pagesSent = p;
				if (failing && o.at === "page" && o.failPage === p) return fail(o.fail!);
				if (p < n) {
					res.pagesConfirmed = p;
					ev({ type: "pageEnd", page: p, result: "MCF", confirmed: true, bytes: 0, ms: o.pageMs });
				}
			}
			await wait(o.postMs);
			if (failing && o.at === "phaseD") return fail(o.fail!);
			res.pagesConfirmed = n;
			ev({ type: "pageEnd", page: n, result: "MCF", confirmed: true, bytes: 0, ms: o.pageMs });
			res.ok = true;
			return res;
		} catch {
			return fail("CALL_ABORTED");
		} finally {
			ev({ type: "hangup" });
			this.busy = false;
		}
	}

	/** A simulated line has no incoming calls yet (issue 10 adds them). */
	async receive(_req: ReceiveRequest): Promise<ReceiveResult> {
		throw new FaxError("NOT_IMPLEMENTED", `${this.id}: simulated lines do not receive yet`);
	}

	async close(): Promise<void> {}
}
