/**
 * Progress of a call for `faxline send` and the demo (issue 13), always on stderr (so stdout keeps only the
 * outcome or the --json document) and shown beside --json too:
 * - on a terminal, a live bar redrawn several times a second while a page is on the line: bytes sent
 *   against the page's size at the negotiated line rate, the rate, elapsed and remaining time. The
 *   engine's `pageProgress` events say how much of the page the modem took and the page's (projected)
 *   size; the line carries it at the line rate, so the bytes shown are the elapsed line time at that
 *   rate, never more than the modem took (an engine without those events: the line-rate estimate alone);
 * - otherwise plain lines: one per call event, one when a page starts and ends, and one every
 *   PLAIN_EVERY_MS during a long page.
 * Fed by the engine's SendEvents (src/modem/FaxModem.ts). Layer: cli.
 */
import type { SendEvent } from "../modem/FaxModem.js";
import type { CliIO } from "./io.js";
import { clockTime, paint } from "./output.js";

export type ProgressEvent = SendEvent;

const BAR = 24;
/** Redraw period of the live bar (at least once a second, issue 13). */
export const REDRAW_MS = 250;
/** A plain progress line during a page at most this often (logs, pipes). */
export const PLAIN_EVERY_MS = 10_000;

const kib = (n: number): string => (n / 1024).toFixed(1);

export class SendProgress {
	private pages = 0;
	private page = 0;
	private bitRate = 0;
	private pageStartMs = 0;
	private sent = 0;
	private total = 0;
	/** last engine report: bytes and when */
	private reportedAt = 0;
	private lastPlain = 0;
	private barOpen = false;
	private timer: NodeJS.Timeout | undefined;

	constructor(
		private readonly io: CliIO,
		private readonly quiet = false,
		private readonly now: () => number = Date.now,
	) {}

	onEvent = (e: ProgressEvent): void => {
		switch (e.type) {
			case "dialing":
				return this.line(`dialing ${e.number}`);
			case "connected":
				return this.line("connected: fax answer tone and flags heard");
			case "remoteId":
				return this.line(`remote station id (CSI): ${e.csid || "(none)"}`);
			case "negotiated": {
				const p = e.params;
				this.bitRate = p.bitRate;
				return this.line(`negotiated: ${p.modulation} ${p.bitRate} bit/s, ${p.resolution}, ${p.width} px, ${p.coding.toUpperCase()}${p.ecm ? ", ECM" : ""}, scan line ${p.minScanLineMs} ms`);
			}
			case "training":
				if (e.result === "CFR") this.bitRate = e.bitRate;
				return this.line(`training at ${e.bitRate} bit/s: ${e.result === "CFR" ? "accepted (CFR)" : e.result === "FTT" ? "failed (FTT), falling back" : "no answer"}`);
			case "pageStart":
				this.pages = e.pages;
				this.page = e.page;
				this.pageStartMs = this.now();
				this.lastPlain = this.pageStartMs;
				this.sent = 0;
				this.total = 0;
				this.reportedAt = 0;
				this.line(`page ${e.page}/${e.pages}: sending`);
				return this.startTicker();
			case "pageProgress":
				if (e.page !== this.page) return;
				this.sent = e.bytesSent;
				this.total = e.bytesTotal;
				if (e.bitRate) this.bitRate = e.bitRate;
				this.reportedAt = this.now();
				return this.tick();
			case "pageEnd": {
				this.stopTicker();
				const what = e.confirmed ? `confirmed (${e.result})` : `NOT confirmed (${e.result})`;
				return this.line(`page ${e.page}/${this.pages}: ${e.confirmed ? what : paint(this.io, "red", what)}, ${kib(e.bytes)} KiB in ${(e.ms / 1000).toFixed(1)} s`);
			}
			case "retrain":
				return this.line(`retraining: ${e.reason}`);
			case "hangup":
				this.stopTicker();
				return this.line("hung up");
		}
	};

	/** Stop redrawing (the call is over or failed). */
	stop(): void {
		this.stopTicker();
		this.closeBar();
	}

	/** Bytes on the line so far: elapsed time at the line rate, at most what the modem took and the page size. */
	private bytesNow(t: number): number {
		let b = ((t - this.pageStartMs) * this.bitRate) / 8000;
		if (this.reportedAt) b = Math.min(b, this.sent);
		return this.total ? Math.min(this.total, b) : b;
	}

	/** The progress text of the current page. */
	describe(t = this.now()): { text: string; fraction: number | undefined } {
		const elapsed = (t - this.pageStartMs) / 1000;
		const bytes = this.bytesNow(t);
		const rate = this.bitRate ? `${this.bitRate} bit/s` : "rate ?";
		if (!this.total) return { text: `page ${this.page}/${this.pages} ~${kib(bytes)} KiB sent, ${rate}, ${clockTime(elapsed)} elapsed`, fraction: undefined };
		const fraction = Math.min(1, bytes / this.total);
		const left = this.bitRate ? ((this.total - bytes) * 8) / this.bitRate : 0;
		return { text: `page ${this.page}/${this.pages} ${Math.floor(fraction * 100)}% ${kib(bytes)}/${kib(this.total)} KiB, ${rate}, ${clockTime(elapsed)} elapsed, ~${clockTime(left)} left`, fraction };
	}

	private tick(): void {
		if (this.quiet || this.page === 0) return;
		const t = this.now();
		const d = this.describe(t);
		if (!this.io.isTTY) {
			if (t - this.lastPlain < PLAIN_EVERY_MS) return;
			this.lastPlain = t;
			return this.emit(d.text);
		}
		const f = d.fraction ?? 0;
		const fill = Math.round(f * BAR);
		const bar = d.fraction === undefined ? "" : `[${paint(this.io, "green", "#".repeat(fill))}${"-".repeat(BAR - fill)}] `;
		this.io.write(`\r\x1b[K${bar}${d.text}`);
		this.barOpen = true;
	}

	private startTicker(): void {
		this.stopTicker();
		if (this.quiet) return;
		this.tick();
		this.timer = setInterval(() => this.tick(), this.io.isTTY ? REDRAW_MS : 1000);
		this.timer.unref();
	}

	private stopTicker(): void {
		if (this.timer) clearInterval(this.timer);
		this.timer = undefined;
	}

	private closeBar(): void {
		if (!this.barOpen) return;
		this.io.write("\r\x1b[K");
		this.barOpen = false;
	}

	private line(s: string): void {
		if (this.quiet) return;
		this.closeBar();
		this.emit(s);
	}

	private emit(s: string): void {
		if (this.io.progress) this.io.progress(s);
		else this.io.err(s);
	}
}
