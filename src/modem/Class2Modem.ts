/**
 * Class2Modem: FaxModem for a modem whose firmware runs T.30 (Class 2, EIA/TIA SP-2388; Class 2.0,
 * ITU-T T.32), driven from the dialect rows in class2Dialects.ts (architecture.md "Session seam":
 * Class2Modem implements FaxModem directly, hang-up codes through hangupCodes.ts).
 *
 * Send (T.32 §8.3.2-8.3.3; SP-2388 example session, Rockwell RC144AC Table 7-6): +FLI/+FLID, +FBO/+FBOR,
 * +FIS/+FDIS for the first page, ATD -> +FCO/+FCON, +FCI/+FCSI, +FIS/+FDIS, OK; per page AT+FDT ->
 * +FCS/+FDCS (the session: the page is re-encoded to it), CONNECT (+XON in Class 2), page data,
 * <DLE>+MPS/EOM/EOP (2.0) or <DLE><ETX> then AT+FET=n (Class 2); the result: 2.0 OK = MCF, ERROR ->
 * AT+FPS? (T.32 §8.5.2.?); Class 2 +FPTS:n. RTN: the page is sent again (the modem retrains) up to
 * `maxRtnResends`, then left unconfirmed (Class 1's default "retransmit-ignore", class1.md §2.6).
 * Any +FHS/+FHNG other than 0 ends the call with the FaxError of hangupCodes.ts. SendEvents carry the
 * same semantics as the Class 1 engine's (modem/FaxModem.ts). Layer: modem.
 */
import type { FaxPage } from "../core/bitmap.js";
import { SystemClock, type Clock } from "../core/Clock.js";
import { FaxError, isFaxError } from "../core/FaxError.js";
import { nullTracer, teeTracer, type Tracer } from "../core/trace.js";
import type { Class2Knobs } from "../../drivers/_schema.js";
import type { AtChannel, AtResult } from "../at/AtChannel.js";
import type { FlowControl } from "../transport/Transport.js";
import { DLE, ETX } from "../at/dle.js";
import { chooseWidth, faxResolutionOf } from "../tiff/normalize.js";
import { checkDialString, type DialPolicy } from "../core/dialString.js";
import type { FaxModem, NegotiatedParams, PageResult, ReceiveRequest, ReceiveResult, SendEvent, SendRequest, SendResult } from "./FaxModem.js";
import { CLASS2_DIALECTS, PAGE_STATUS, PPM_CHAR, PPM_FET, type Class2Dialect, type Class2DialectName, type PostPage } from "./class2Dialects.js";
import { formatClass2Params, negotiatedFrom, parseClass2Params, sessionFor } from "./class2Params.js";
import { armXonWatch, writePageData } from "./class2Page.js";
import { hangupError, hangupRow } from "./hangupCodes.js";
import { idOf, reportValue, unexpected } from "./class2Reports.js";
import { Class2Receiver } from "./class2Receive.js";

/** The profile's Class 2 knobs (drivers/_schema.ts Class2Knobs); every one optional here. */
export type Class2ModemKnobs = Partial<Class2Knobs>;

export interface Class2ModemOptions {
	dialect: Class2DialectName;
	id?: string;
	clock?: Clock;
	tracer?: Tracer;
	tracerForCall?: (req: SendRequest) => Tracer;
	afterCall?: (result: SendResult, tracer: Tracer) => void | Promise<void>;
	/** default TSI */
	tsid?: string;
	/** highest bit rate asked for in +FIS, bit/s (default 14400) */
	maxRate?: number;
	/** lowest bit rate (+FMS/+FMINSP), bit/s (default 2400) */
	minRate?: number;
	/** allow T.4 2-D (MR) in +FIS (default true) */
	allowMr?: boolean;
	/** RTN resends per page (default 2, Class 1's "retransmit-ignore") */
	maxRtnResends?: number;
	/** dial prefix (default "ATDT") and timeout for ATD up to the remote's DIS, ms (default 90000) */
	dialPrefix?: string;
	dialTimeoutMs?: number;
	/** how long +FDT may take to CONNECT (training with fallbacks), ms (default 60000) */
	fdtTimeoutMs?: number;
	/** the dial rule's policy (core/dialString.ts: emergency numbers, block list, allowed numbers) */
	dialPolicy?: DialPolicy;
	knobs?: Class2ModemKnobs;
	/** host flow control in use (the opener's); XON/XOFF lets the DCE pace page data (SP-2388 7.1.2). Default "none". */
	flowControl?: FlowControl;
	/** called by close() (e.g. close the transport) */
	onClose?: () => Promise<void>;
}

/** +FDT up to CONNECT: DCS, TCF, fallbacks, up to 3 DCS tries per rate (efax allows 45 s); `fdtTimeoutMs` overrides. */
const FDT_TIMEOUT_MS = 60_000;
/** post-page exchange: PPM + answer, 3 tries of T4 (efax TO_C2PP 20 s). */
const PPM_TIMEOUT_MS = 30_000;

interface Call {
	tracer: Tracer;
	emit: (e: SendEvent) => void;
	csid: string;
	params?: NegotiatedParams;
	/** the modem reported its hang-up: the line is down */
	hungUp: boolean;
	connected: boolean;
	pagesConfirmed: number;
	sent: Set<number>;
	unconfirmed: Set<number>;
	session?: string;
}

export class Class2Modem implements FaxModem {
	readonly id: string;
	readonly dialect: Class2Dialect;
	private busy = false;
	private closed = false;
	private readonly clock: Clock;

	constructor(
		readonly channel: AtChannel,
		private readonly o: Class2ModemOptions,
	) {
		this.dialect = CLASS2_DIALECTS[o.dialect];
		this.id = o.id ?? `class${o.dialect}`;
		this.clock = o.clock ?? new SystemClock();
	}

	async send(req: SendRequest): Promise<SendResult> {
		if (this.closed) throw new FaxError("PORT_CLOSED", "modem is closed");
		if (this.busy) throw new FaxError("AT_BUSY_CHANNEL", "a call is already in progress on this modem");
		this.busy = true;
		const perCall = this.o.tracerForCall?.(req);
		const tracer = perCall ? teeTracer(this.o.tracer ?? nullTracer, perCall) : (this.o.tracer ?? nullTracer);
		const call: Call = { tracer, emit: req.onEvent ?? (() => {}), csid: "", hungUp: false, connected: false, pagesConfirmed: 0, sent: new Set(), unconfirmed: new Set() };
		let error: FaxError | undefined;
		try {
			await this.run(req, call);
		} catch (e) {
			error = req.signal?.aborted ? (isFaxError(e, "CALL_ABORTED") ? e : new FaxError("CALL_ABORTED", "Call aborted", { cause: e })) : e instanceof FaxError ? e : new FaxError("PROTOCOL_ERROR", `internal error: ${e instanceof Error ? e.message : String(e)}`, { cause: e });
			tracer.trace("error", "-", `${error.code}: ${error.message}`, error.context);
		} finally {
			await this.endCall(call, error).catch((e: unknown) => tracer.trace("info", "-", `hang-up: ${(e as Error).message}`));
			this.busy = false;
		}
		if (!error && call.unconfirmed.size > 0) {
			const pages = [...call.unconfirmed].sort((a, b) => a - b);
			error = new FaxError("PAGE_REJECTED", `page(s) ${pages.join(", ")} not confirmed by the far end (RTN)`, { context: { unconfirmedPages: pages } });
		}
		call.emit({ type: "hangup" });
		const result: SendResult = { ok: !error, pagesConfirmed: call.pagesConfirmed, pagesSent: call.sent.size, unconfirmedPages: [...call.unconfirmed].sort((a, b) => a - b), csid: call.csid };
		if (call.params) result.params = call.params;
		if (error) result.error = error;
		if (this.o.afterCall) await this.o.afterCall(result, perCall ?? tracer);
		return result;
	}

	/** Wait for a call, answer it and receive the pages into `req.sink` (class2Receive.ts). */
	async receive(req: ReceiveRequest): Promise<ReceiveResult> {
		if (this.closed) throw new FaxError("PORT_CLOSED", "modem is closed");
		if (this.busy) throw new FaxError("AT_BUSY_CHANNEL", "a call is already in progress on this modem");
		this.busy = true;
		const tracer = this.o.tracer ?? nullTracer;
		const rx = new Class2Receiver(this.channel, this.dialect, this.o.knobs ?? {}, this.clock, tracer, req);
		let error: FaxError | undefined;
		// received page data is binary both ways of 0x11/0x13: host XON/XOFF would stop our output on a DC3 in
		// the data (HylaFAX turns flow control off for Class 2 receive the same way); restored after the call
		const flow = this.o.flowControl ?? "none";
		try {
			if (flow === "xonxoff") await this.channel.transport.setFlowControl("none");
			await rx.run(req.csid ?? this.o.tsid);
		} catch (e) {
			error = req.signal?.aborted ? (isFaxError(e, "CALL_ABORTED") ? e : new FaxError("CALL_ABORTED", "Receive cancelled", { cause: e })) : e instanceof FaxError ? e : new FaxError("RX_PROTOCOL_ERROR", `internal error: ${e instanceof Error ? e.message : String(e)}`, { cause: e });
			tracer.trace("error", "-", `${error.code}: ${error.message}`, error.context);
		} finally {
			if (this.channel.isBusy) await this.channel.idle(10_000);
			if (rx.st.answered && !rx.st.hungUp && error?.code !== "PORT_CLOSED") await this.channel.command(`AT${this.dialect.cmd.abort}`, { timeoutMs: 20_000 }).catch(() => undefined);
			if (error?.code !== "PORT_CLOSED") await this.channel.command("ATH0", { timeoutMs: 5000 }).catch(() => undefined);
			if (flow === "xonxoff" && error?.code !== "PORT_CLOSED") await this.channel.transport.setFlowControl("xonxoff").catch(() => undefined);
			this.busy = false;
		}
		req.onEvent?.({ type: "hangup" });
		const result: ReceiveResult = { ok: !error, pagesReceived: rx.st.pagesReceived, tsid: rx.st.tsid };
		if (rx.st.params) result.params = rx.st.params;
		if (error) result.error = error;
		return result;
	}

	// ------------------------------------------------------------------ the call

	private async run(req: SendRequest, c: Call): Promise<void> {
		const d = this.dialect;
		const signal = req.signal;
		const number = checkDialString(req.number, this.o.dialPolicy ?? {});
		const doc = req.document;
		if (!(doc.pageCount >= 1)) throw new FaxError("INVALID_ARG", "document has no pages", { disposition: "fail" });
		let page = await doc.page(0); // a bad document fails before the line is seized
		const tsid = req.tsid ?? this.o.tsid;
		const k = this.o.knobs ?? {};
		await this.ok(`AT+FCLASS=${d.fclass}`, c); // a modem reset between calls (ATZ by another program) is back in class
		for (const cmd of d.cmd.init) await this.ok(cmd, c);
		if (tsid !== undefined) await this.ok(`AT${d.cmd.localId}="${tsid.replace(/"/g, "'")}"`, c);
		await this.ok(`AT${d.cmd.bitOrder}=${k.bitOrder ?? 0}`, c);
		const minBr = Math.max(0, [2400, 4800, 7200, 9600, 12000, 14400].indexOf(this.o.minRate ?? 2400));
		await this.ok(`AT${d.cmd.minSpeed}=${minBr}`, c, true);
		let wanted = await this.setSession(page, c);

		c.tracer.trace("state", "-", "A:dial"); // T.30 phase A; phases B-D run in the modem, named by the command that drives them
		c.emit({ type: "dialing", number });
		const off = this.channel.onUnsolicited((line) => this.report(line, c, "connect"));
		let r: AtResult;
		try {
			r = await this.channel.command(`${this.o.dialPrefix ?? "ATDT"}${number}`, { timeoutMs: this.o.dialTimeoutMs ?? 90_000, ...(signal ? { signal } : {}) });
		} finally {
			off();
		}
		for (const line of r.info) this.report(line, c, "dial");
		if (r.code !== "OK") throw dialError(r);
		if (!c.connected) this.report(d.report.connect, c, "connect");

		const n = doc.pageCount;
		let resends = 0;
		for (let i = 0; i < n; ) {
			const next = i + 1 < n ? await doc.page(i + 1) : undefined;
			const ppm: PostPage = next === undefined ? "EOP" : formatKey(next) !== formatKey(page) ? "EOM" : "MPS";
			const result = await this.sendPage(page, i, n, ppm, c, signal);
			if (result === "MCF" || result === "RTP" || result === "PIP") {
				c.pagesConfirmed++;
				c.unconfirmed.delete(i + 1);
				resends = 0;
			} else if (resends < (this.o.maxRtnResends ?? 2) && !c.hungUp) {
				resends++;
				c.emit({ type: "retrain", reason: `${result} on page ${i + 1}: sending it again` });
				continue;
			} else resends = 0;
			if (c.hungUp) break;
			i++;
			if (next) {
				page = next;
				if (formatKey(page) !== wanted) wanted = await this.setSession(page, c);
			}
		}
		if (!c.hungUp && c.unconfirmed.size > 0) await this.abort(c); // the last page was refused: end the session (DCN)
	}

	/** AT+FIS / AT+FDIS for `page`; returns its format key. */
	private async setSession(page: FaxPage, c: Call): Promise<string> {
		const p = sessionFor({ resolution: faxResolutionOf(page.yRes) ?? "fine", width: chooseWidth(page), maxRate: this.o.maxRate ?? 14400, allowMr: this.o.allowMr ?? true, dialect: this.dialect.name });
		await this.ok(`AT${this.dialect.cmd.session}=${formatClass2Params(p)}`, c);
		return formatKey(page);
	}

	private async sendPage(page: FaxPage, i: number, n: number, ppm: PostPage, c: Call, signal: AbortSignal | undefined): Promise<PageResult> {
		const d = this.dialect;
		c.tracer.trace("state", "-", "B:FDT");
		c.emit({ type: "pageStart", page: i + 1, pages: n });
		const xonWaitMs = d.xonAfterConnect ? (this.o.knobs?.xonWaitMs ?? 10_000) : 0; // T.32 modems send no XON
		// host XON/XOFF would swallow the modem's XON: off until it came (HylaFAX Class2Modem does the same)
		const flow = this.o.flowControl ?? "none";
		if (xonWaitMs > 0 && flow === "xonxoff") await this.channel.transport.setFlowControl("none");
		const xon = xonWaitMs > 0 ? armXonWatch(this.channel, this.clock, c.tracer) : undefined;
		let r: AtResult;
		try {
			r = await this.channel.command("AT+FDT", { timeoutMs: this.o.fdtTimeoutMs ?? FDT_TIMEOUT_MS, ...(signal ? { signal } : {}) });
		} catch (e) {
			xon?.cancel();
			throw e;
		}
		for (const line of r.info) this.report(line, c, "fdt");
		if (r.code !== "CONNECT") {
			xon?.cancel();
			throw unexpected(r, "CONNECT to AT+FDT");
		}
		if (xon) await xon.wait(xonWaitMs);
		if (xon && flow === "xonxoff") await this.channel.transport.setFlowControl("xonxoff");
		const params = c.params;
		if (!params) throw new FaxError("PROTOCOL_ERROR", `no ${d.report.dcs} report before CONNECT`, { context: { info: r.info } });
		const t0 = this.clock.now();
		c.sent.add(i + 1);
		c.unconfirmed.add(i + 1);
		c.tracer.trace("state", "-", "C:I");
		let bytes: number;
		try {
			bytes = await writePageData(this.channel, page, params, { bitOrder: this.o.knobs?.bitOrder ?? 0, sendRtc: this.o.knobs?.sendRtc ?? true }, signal);
		} catch (e) {
			// cancelled (or the write failed) inside the page: close the data so the modem is back in command
			// state for AT+FKS (SP-2388 7.1.2: <DLE><ETX> ends the stream; the modem answers OK or ERROR)
			await this.channel.sendAndWait(Uint8Array.of(DLE, ETX), { timeoutMs: 30_000 }).catch(() => undefined);
			throw e;
		}
		c.tracer.trace("state", "-", `D:${ppm}`);
		const lineMs = (bytes * 8000) / params.bitRate;
		let result: PageResult;
		if (d.pageEnd === "dleChar") {
			const end = ppm === "EOP" && this.o.knobs?.etxForEop ? ETX : PPM_CHAR[ppm];
			const fin = await this.channel.sendAndWait(Uint8Array.of(DLE, end), { timeoutMs: lineMs + PPM_TIMEOUT_MS });
			for (const line of fin.info) this.report(line, c, "page");
			result = fin.code === "OK" ? "MCF" : await this.readPageStatus(fin, c);
		} else {
			const fin = await this.channel.sendAndWait(Uint8Array.of(DLE, ETX), { timeoutMs: lineMs + 10_000 });
			for (const line of fin.info) this.report(line, c, "page");
			if (fin.code !== "OK") throw unexpected(fin, "OK after the page data");
			const fet = await this.channel.command(`AT+FET=${PPM_FET[ppm]}`, { timeoutMs: PPM_TIMEOUT_MS });
			let status: number | undefined;
			for (const line of fet.info) {
				const m = new RegExp(`^\\${d.report.pageStatus}\\s*:\\s*(\\d)`).exec(line.trim());
				if (m) status = Number(m[1]);
				else this.report(line, c, "page");
			}
			if (status === undefined) throw unexpected(fet, `${d.report.pageStatus} to AT+FET`);
			result = PAGE_STATUS[status] ?? "RTN";
		}
		const confirmed = result === "MCF" || result === "RTP" || result === "PIP";
		c.emit({ type: "pageEnd", page: i + 1, result, confirmed, bytes, ms: this.clock.now() - t0 });
		c.tracer.trace("page", "-", `page ${i + 1}: ${ppm} -> ${result}`);
		return result;
	}

	/** Class 2.0: the page was not confirmed (final ERROR): AT+FPS? says how (T.32 §8.5.2.?). */
	private async readPageStatus(fin: AtResult, c: Call): Promise<PageResult> {
		if (fin.code !== "ERROR") throw unexpected(fin, "OK or ERROR after the page");
		const q = await this.channel.command(`AT${this.dialect.cmd.pageStatus}?`, { timeoutMs: 3000 });
		const m = /(\d)\s*$/.exec(q.info.find((l) => l.includes(":") || /^\d/.test(l.trim())) ?? "");
		const status = m ? Number(m[1]) : 2;
		c.tracer.trace("info", "-", `page status ${status} (${PAGE_STATUS[status] ?? "?"})`);
		return PAGE_STATUS[status] ?? "RTN";
	}

	/** Act on a report line: ids, capabilities, session, hang-up. */
	private report(line: string, c: Call, where: string): void {
		const d = this.dialect.report;
		const s = line.trim();
		const value = (name: string): string | undefined => reportValue(s, name);
		if (s.toUpperCase() === d.connect) {
			if (!c.connected) c.emit({ type: "connected" });
			c.connected = true;
			return;
		}
		let v: string | undefined;
		if ((v = value(d.csi)) !== undefined) {
			c.csid = idOf(v);
			c.emit({ type: "remoteId", csid: c.csid });
		} else if ((v = value(d.dcs)) !== undefined) {
			const p = negotiatedFrom(parseClass2Params(v));
			c.emit({ type: "training", bitRate: p.bitRate, result: "CFR" }); // the modem trained (again) for this session
			if (v !== c.session) c.emit({ type: "negotiated", params: p });
			c.session = v;
			c.params = p;
		} else if ((v = value(d.hangup)) !== undefined) {
			c.hungUp = true;
			const row = hangupRow(this.dialect.hangup, v);
			c.tracer.trace("info", "-", `${d.hangup}:${v} ${row.text}`);
			const err = hangupError(this.dialect.hangup, v, { where });
			if (err) throw err;
		} else if (value(d.dis) !== undefined) c.tracer.trace("info", "-", `remote capabilities ${s}`);
	}

	private async ok(cmd: string, c: Call, optional = false): Promise<void> {
		const r = await this.channel.command(cmd, { timeoutMs: 5000 });
		if (r.code === "OK") return;
		if (optional) return void c.tracer.trace("info", "-", `${cmd}: ${r.line} (ignored)`);
		throw new FaxError("MODEM_INIT_FAILED", `Modem answered ${r.line} to ${cmd}`, { context: { cmd, line: r.line } });
	}

	/** AT+FKS / AT+FK: DCN and on-hook (T.32 §8.3.6); the hang-up report it brings is expected. */
	private async abort(c: Call): Promise<void> {
		const r = await this.channel.command(`AT${this.dialect.cmd.abort}`, { timeoutMs: 20_000 });
		c.hungUp = true;
		c.tracer.trace("info", "-", `AT${this.dialect.cmd.abort} -> ${[...r.info, r.line].join(" ")}`);
	}

	/** After the call: abort a session still up, then ATH (the modem may already be on-hook: harmless). */
	private async endCall(c: Call, error: FaxError | undefined): Promise<void> {
		c.tracer.trace("state", "-", "E:hangup");
		if (error?.code === "PORT_CLOSED") return;
		if (this.channel.isBusy) await this.channel.idle(10_000);
		// a modem that stopped answering gets no session abort to wait for, only the ATH below
		if (c.connected && !c.hungUp && error?.code !== "AT_TIMEOUT") await this.abort(c).catch(() => undefined);
		await this.channel.command("ATH0", { timeoutMs: 5000 }).catch(() => undefined);
	}

	async close(): Promise<void> {
		if (this.closed) return;
		this.closed = true;
		await this.o.onClose?.();
	}
}

/** Pages with the same format go in one T.30 document; a change needs EOM (T.30 §5.3.6.1.7). */
const formatKey = (p: FaxPage): string => `${faxResolutionOf(p.yRes) ?? "fine"}/${chooseWidth(p)}`;

function dialError(r: AtResult): FaxError {
	switch (r.code) {
		case "BUSY":
			return new FaxError("DIAL_BUSY", "Busy");
		case "NO ANSWER":
			return new FaxError("DIAL_NO_ANSWER", "No answer");
		case "NO DIALTONE":
			return new FaxError("DIAL_NO_DIALTONE", "No dial tone");
		case "NO CARRIER":
			return new FaxError("DIAL_NO_CARRIER", "No carrier (no fax answered)");
		case "BLACKLISTED":
			return new FaxError("BLACKLISTED", `Modem refused the number: ${r.line}`, { context: { line: r.line }, disposition: "fail" });
		default:
			return new FaxError("DIAL_ERROR", `Dial failed: ${r.line}`, { context: { line: r.line } });
	}
}
