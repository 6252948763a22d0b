/**
 * Receiving with a Class 2 / 2.0 modem (T.32 §8.3.4; SP-2388 example session, Rockwell RC144AC Table
 * 7-7 in mgetty doc/class2doc): +FLI/+FLID (our CSI), +FCR=1, +FBO/+FBOR, +FIS/+FDIS (what we accept),
 * wait for RING, ATA -> +FCO/+FCON, +FTI/+FTSI, +FCS/+FDCS, OK; per page AT+FDR -> CONNECT, the start
 * character (T.32 DC1, SP-2388 DC2; profile Class2RecvDataTrigger), the page's T.4 data up to
 * <DLE><ETX>, +FPS/+FPTS:<ppr>,<lc>..., +FET:<ppm>, OK. We judge the page ourselves (rows that fail to
 * decode, > 10 % = RTN, as the Class 1 simulator's receiver and HylaFAX's copy quality check), tell the
 * modem with AT+FPS=2 / AT+FPTS=2 before the next +FDR, and stream the data to the ReceiveSink in line
 * order (LSB first). The +FDR after EOP ends with +FHS:00 / +FHNG:0 and OK. Layer: modem.
 */
import { FaxError } from "../core/FaxError.js";
import type { Tracer } from "../core/trace.js";
import type { Clock } from "../core/Clock.js";
import type { AtChannel, AtResult } from "../at/AtChannel.js";
import { reverseBits } from "../hdlc/bitOrder.js";
import { decodeToBitmap } from "../t4/index.js";
import type { Class2Knobs } from "../../drivers/_schema.js";
import type { Class2Dialect } from "./class2Dialects.js";
import { formatClass2Params, negotiatedFrom, parseClass2Params } from "./class2Params.js";
import type { NegotiatedParams, PageResult, ReceiveEvent, ReceiveRequest } from "./FaxModem.js";
import { hangupError, hangupRow } from "./hangupCodes.js";
import { idOf, reportValue, unexpected } from "./class2Reports.js";

export interface ReceiveState {
	tsid: string;
	params?: NegotiatedParams;
	pagesReceived: number;
	hungUp: boolean;
	answered: boolean;
}

/** Copy quality limit: more bad rows than this fraction -> RTN (the simulators' and HylaFAX's 10 %). */
const MAX_BAD_ROWS = 0.1;

export class Class2Receiver {
	readonly st: ReceiveState = { tsid: "", pagesReceived: 0, hungUp: false, answered: false };
	private readonly emit: (e: ReceiveEvent) => void;

	constructor(
		private readonly ch: AtChannel,
		private readonly d: Class2Dialect,
		private readonly knobs: Partial<Class2Knobs>,
		private readonly clock: Clock,
		private readonly tracer: Tracer,
		private readonly req: ReceiveRequest,
	) {
		this.emit = req.onEvent ?? (() => {});
	}

	async run(csid: string | undefined): Promise<void> {
		const d = this.d;
		const signal = this.req.signal;
		await this.ok(`AT+FCLASS=${d.fclass}`);
		for (const cmd of d.cmd.init) await this.ok(cmd);
		if (csid !== undefined) await this.ok(`AT${d.cmd.localId}="${csid.replace(/"/g, "'")}"`);
		await this.ok("AT+FCR=1");
		await this.ok(`AT${d.cmd.bitOrder}=${this.knobs.bitOrder ?? 0}`);
		// what we accept: fine (and superfine in 2.0), 14400, every width, any length, MH and MR, no ECM
		await this.ok(`AT${d.cmd.session}=${formatClass2Params({ vr: d.name === "2.0" ? 3 : 1, br: 5, wd: 2, ln: 2, df: 1, ec: 0, bf: 0, st: 0 })}`);
		await this.waitRings(this.req.rings ?? 1, signal);
		this.emit({ type: "answering" });
		const off = this.ch.onUnsolicited((l) => this.report(l)); // SP-2388 +FCON comes as an unsolicited line
		let ata: AtResult;
		try {
			ata = await this.ch.command("ATA", { timeoutMs: 60_000, ...(signal ? { signal } : {}) });
		} finally {
			off();
		}
		this.st.answered = true;
		for (const l of ata.info) this.report(l);
		if (ata.code !== "OK") throw unexpected(ata, "OK to ATA");
		for (let page = 1; ; ) {
			const fdr = await this.ch.command("AT+FDR", { timeoutMs: 60_000, dataAfterConnect: true, ...(signal ? { signal } : {}) });
			for (const l of fdr.info) this.report(l);
			if (fdr.code === "OK" && this.st.hungUp) return; // after EOP: the modem sent MCF, got DCN, hung up (+FHS:00)
			if (fdr.code !== "CONNECT") throw unexpected(fdr, "CONNECT to AT+FDR");
			if (!this.st.params) throw new FaxError("RX_PROTOCOL_ERROR", `no ${d.report.dcs} before the page`, { context: { info: fdr.info } });
			const params = this.st.params;
			this.emit({ type: "pageReceiving", page });
			const t0 = this.clock.now();
			const trigger = this.knobs.recvDataTrigger === "DC1" ? 0x11 : this.knobs.recvDataTrigger === "DC2" ? 0x12 : d.receiveStart;
			await this.ch.writeRaw(Uint8Array.of(trigger));
			const block = await this.ch.readDleBlock(120_000, signal);
			if (block.final) throw new FaxError("CARRIER_LOST", `the page ended with ${block.final.line}`, { context: { line: block.final.line } });
			const fin = await this.ch.waitFinal({ timeoutMs: 30_000 });
			// +FBO 0: the first bit on the line is each byte's LSB; some Rockwell firmware reverses anyway
			const reversed = ((this.knobs.bitOrder ?? 0) === 1) !== ((this.knobs.recvBitReversed ?? false) && d.name === "2");
			const data = reversed ? reverseBits(block.data) : block.data;
			let ppm = -1;
			let dcePpr = 1;
			try {
				for (const l of fin.info) {
					const m = /^\+FET\s*:\s*(\d)/i.exec(l.trim());
					const q = new RegExp(`^\\${d.report.pageStatus}\\s*:\\s*(\\d)`, "i").exec(l.trim());
					if (m) ppm = Number(m[1]);
					else if (q) dcePpr = Number(q[1]); // the modem's own copy quality check (T.32 +FCQ)
					else this.report(l);
				}
				if (fin.code !== "OK") throw unexpected(fin, "OK after the page");
			} catch (e) {
				// the call ended before the post-page message: the page was never confirmed to the caller
				const w = await this.req.sink.beginPage({ page, params });
				await w.write(data);
				await w.abort(e instanceof Error ? e : new Error(String(e)));
				throw e;
			}
			const verdict = await this.judgeAndStore(page, params, data, dcePpr === 1 || dcePpr === 3);
			this.emit({ type: "pageReceived", page, result: verdict.result, confirmed: verdict.confirmed, rows: verdict.rows, badRows: verdict.badRows, bytes: data.length, ms: this.clock.now() - t0 });
			if (!verdict.confirmed) await this.ok(`AT${d.cmd.pageStatus}=2`); // RTN: the caller sends the page again
			else {
				this.st.pagesReceived++;
				page++;
			}
			this.tracer.trace("page", "-", `received page: ${verdict.result} (${verdict.rows} rows, ${verdict.badRows} bad), post-page ${ppm}`);
			if (ppm < 0) throw new FaxError("RX_PROTOCOL_ERROR", "no +FET after the page", { context: { info: fin.info } });
		}
	}

	private async judgeAndStore(page: number, params: NegotiatedParams, data: Uint8Array, modemSaysGood: boolean): Promise<{ result: PageResult; confirmed: boolean; rows: number; badRows: number }> {
		let rows = 0;
		let badRows = 0;
		try {
			const r = decodeToBitmap(data, { coding: params.coding, width: params.width, bitOrder: "lsb" });
			rows = r.bitmap.height;
			badRows = r.badLines;
		} catch (e) {
			this.tracer.trace("error", "-", `page ${page}: ${(e as Error).message}`);
		}
		const confirmed = modemSaysGood && rows > 0 && badRows / rows <= MAX_BAD_ROWS;
		const verdict = { result: (confirmed ? "MCF" : "RTN") as PageResult, confirmed, rows, badRows };
		const w = await this.req.sink.beginPage({ page, params });
		try {
			await w.write(data);
			await w.end(verdict);
		} catch (e) {
			await w.abort(e instanceof Error ? e : new Error(String(e)));
			throw e;
		}
		return verdict;
	}

	private async waitRings(n: number, signal: AbortSignal | undefined): Promise<void> {
		if (n <= 0) return;
		let count = 0;
		await new Promise<void>((resolve, reject) => {
			const off = this.ch.onUnsolicited((line) => {
				if (!/^RING\b/i.test(line.trim())) return;
				this.emit({ type: "ring", count: ++count });
				if (count >= n) done();
			});
			const onAbort = (): void => {
				off();
				reject(signal?.reason instanceof Error ? signal.reason : new FaxError("CALL_ABORTED", "receive cancelled while waiting for a call"));
			};
			const done = (): void => {
				off();
				signal?.removeEventListener("abort", onAbort);
				resolve();
			};
			if (signal?.aborted) return onAbort();
			signal?.addEventListener("abort", onAbort, { once: true });
		});
	}

	private report(line: string): void {
		const r = this.d.report;
		const s = line.trim();
		const value = (name: string): string | undefined => reportValue(s, name);
		let v: string | undefined;
		if (s.toUpperCase() === r.connect) this.emit({ type: "connected" });
		else if ((v = value(r.tsi)) !== undefined) {
			this.st.tsid = idOf(v);
			this.emit({ type: "remoteTsi", tsid: this.st.tsid });
		} else if ((v = value(r.dcs)) !== undefined) {
			const p = negotiatedFrom(parseClass2Params(v));
			this.st.params = p;
			this.emit({ type: "training", bitRate: p.bitRate, result: "CFR" });
			this.emit({ type: "negotiated", params: p });
		} else if ((v = value(r.hangup)) !== undefined) {
			this.st.hungUp = true;
			this.tracer.trace("info", "-", `${r.hangup}:${v} ${hangupRow(this.d.hangup, v).text}`);
			const err = hangupError(this.d.hangup, v, { where: "receive" });
			if (err) throw err;
		}
	}

	private async ok(cmd: string): Promise<void> {
		const r = await this.ch.command(cmd, { timeoutMs: 5000 });
		if (r.code !== "OK") throw new FaxError("MODEM_INIT_FAILED", `Modem answered ${r.line} to ${cmd}`, { context: { cmd, line: r.line } });
	}
}
