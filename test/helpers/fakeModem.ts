/**
 * An in-process scripted FaxModem for job-layer tests (test double of src/modem/FaxModem.ts): each call
 * follows the next script — dial delay, CSID, per-page time, a FaxError at a chosen stage — on an
 * injected Clock, raising the SendEvents a Class 1 session would and honouring the AbortSignal the way
 * outgoing-job.md §9.4 says (an abort after the final MCF is too late: the call completes).
 */
import type { Clock } from "../../src/core/Clock.js";
import type { FaxErrorCode } from "../../src/core/FaxError.js";
import { FaxError } from "../../src/core/FaxError.js";
import type { FaxModem, ReceiveRequest, ReceiveResult, SendEvent, SendRequest, SendResult } from "../../src/modem/FaxModem.js";
import type { ModemConfig, ModemFactory } from "../../src/jobs/ModemPool.js";

export type FailStage = "init" | "dial" | "phaseB" | "page" | "phaseD";

/** How one call goes. */
export interface CallScript {
	/** fail with this code... */
	fail?: FaxErrorCode;
	/** ...at this stage (default "init" for MODEM_/AT_/PORT_ codes, else "dial"); "page" fails while sending page `failPage` */
	at?: FailStage;
	failPage?: number;
	/** FaxError context (e.g. { seconds } for DIAL_DELAYED) */
	context?: Record<string, unknown>;
	/** remote CSI, default "REMOTE 1" */
	csid?: string;
	/** ms from ATD to CONNECT (default 1000) */
	dialMs?: number;
	/** ms per page on the wire (default 2000) */
	pageMs?: number;
	/** ms of phase D after the last page, waiting for MCF (default 500) */
	postMs?: number;
	/** ms of init (ATZ...) before ATD (default 100) */
	initMs?: number;
}

/** One call as the fake saw it. */
export interface CallRecord {
	number: string;
	tsid: string | undefined;
	/** page bitmaps exactly as the document gave them (branding visible here) */
	pages: Array<Awaited<ReturnType<SendRequest["document"]["page"]>>>;
	result: SendResult;
}

export class FakeModem implements FaxModem {
	readonly calls: CallRecord[] = [];
	readonly scripts: CallScript[] = [];
	/** script used when `scripts` is empty */
	defaultScript: CallScript = {};
	busy = false;
	closed = false;
	/** keep page bitmaps in `calls` (memory) */
	keepPages = true;

	constructor(
		readonly id: string,
		private readonly clock: Clock,
	) {}

	/** Queue scripts for the next calls. */
	script(...s: CallScript[]): this {
		this.scripts.push(...s);
		return this;
	}

	async send(req: SendRequest): Promise<SendResult> {
		if (this.closed) throw new FaxError("PORT_CLOSED", `${this.id} is closed`);
		if (this.busy) throw new FaxError("AT_BUSY_CHANNEL", `${this.id} is busy`);
		this.busy = true;
		const s = this.scripts.shift() ?? this.defaultScript;
		const stage: FailStage | undefined = s.fail ? (s.at ?? (isInitError(s.fail) ? "init" : "dial")) : undefined;
		const rec: CallRecord = { number: req.number, tsid: req.tsid, pages: [], result: { ok: false, pagesConfirmed: 0, pagesSent: 0, unconfirmedPages: [], csid: "" } };
		const ev = (e: SendEvent) => req.onEvent?.(e);
		const res = rec.result;
		const fail = (code: FaxErrorCode, text: string = code) => {
			res.ok = false;
			res.error = new FaxError(code, text, s.context ? { context: s.context } : {});
		};
		const wait = (ms: number) => this.clock.sleep(ms, req.signal);
		try {
			await wait(s.initMs ?? 100);
			if (s.fail && stage === "init") {
				fail(s.fail);
				return res;
			}
			ev({ type: "dialing", number: req.number });
			await wait(s.dialMs ?? 1000);
			if (s.fail && stage === "dial") {
				fail(s.fail);
				return res;
			}
			ev({ type: "connected" });
			res.csid = s.csid ?? "REMOTE 1";
			ev({ type: "remoteId", csid: res.csid });
			if (s.fail && stage === "phaseB") {
				await wait(500);
				fail(s.fail);
				return res;
			}
			const n = req.document.pageCount;
			for (let p = 1; p <= n; p++) {
				ev({ type: "pageStart", page: p, pages: n });
				const page = await req.document.page(p - 1);
				if (this.keepPages) rec.pages.push(page);
				await wait(s.pageMs ?? 2000);
				res.pagesSent = p;
				if (s.fail && stage === "page" && (s.failPage ?? 1) === p) {
					fail(s.fail);
					return res;
				}
				if (p < n) {
					res.pagesConfirmed = p;
					ev({ type: "pageEnd", page: p, result: "MCF", confirmed: true, bytes: 1000, ms: s.pageMs ?? 2000 });
				}
			}
			// phase D: EOP sent, waiting for MCF
			await wait(s.postMs ?? 500);
			if (s.fail && stage === "phaseD") {
				fail(s.fail);
				return res;
			}
			res.pagesConfirmed = n;
			ev({ type: "pageEnd", page: n, result: "MCF", confirmed: true, bytes: 1000, ms: s.pageMs ?? 2000 });
			res.ok = true;
			return res;
		} catch (e) {
			// the AbortSignal fired (§9.4: DCN, ATH)
			fail("CALL_ABORTED", e instanceof Error ? e.message : "aborted");
			return res;
		} finally {
			ev({ type: "hangup" });
			this.calls.push(rec);
			this.busy = false;
		}
	}

	/** The scripted fake does not receive (issue 10 adds incoming calls). */
	async receive(_req: ReceiveRequest): Promise<ReceiveResult> {
		throw new FaxError("NOT_IMPLEMENTED", "FakeModem does not receive");
	}

	async close(): Promise<void> {
		this.closed = true;
	}
}

const isInitError = (c: FaxErrorCode): boolean => c.startsWith("MODEM_") || c.startsWith("AT_") || c.startsWith("PORT_");

/** A factory over named fakes: `fake:<name>`; `failOpen` names refuse to open (MODEM_NO_RESPONSE). */
export class FakeModemBank {
	readonly modems = new Map<string, FakeModem>();
	readonly failOpen = new Set<string>();
	opens = 0;
	constructor(private readonly clock: Clock) {}
	get(path: string): FakeModem {
		let m = this.modems.get(path);
		if (!m) {
			m = new FakeModem(path, this.clock);
			this.modems.set(path, m);
		}
		return m;
	}
	factory: ModemFactory = async (cfg: ModemConfig) => {
		this.opens++;
		if (this.failOpen.has(cfg.path)) throw new FaxError("MODEM_NO_RESPONSE", `${cfg.path} does not answer ATZ`);
		const m = this.get(cfg.path);
		m.closed = false;
		return m;
	};
}
