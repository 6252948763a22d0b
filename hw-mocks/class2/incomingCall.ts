/**
 * An incoming call for the Class 2 / 2.0 simulator: a simulated calling fax machine with pages to send,
 * and the receive half of the modem's firmware facing the DTE (T.32 §8.3.4; SP-2388 example session,
 * Rockwell RC144AC Table 7-7 in mgetty doc/class2doc): RING, ATA -> +FCO/+FCON, +FTI/+FTSI, +FCS/+FDCS,
 * OK; each AT+FDR -> CONNECT, the DTE's start character (T.32 DC1, SP-2388 DC2), the page as T.4 data
 * in the +FBO/+FBOR bit order, DLE-doubled, <DLE><ETX>, then +FPS/+FPTS:<ppr>,<lc>, +FET:<ppm>, OK; the
 * next AT+FDR answers the caller with the DTE's verdict (+FPS=2/+FPTS=2 before it = RTN: the caller sends
 * the page again) and, after EOP, DCN and +FHS:00/+FHNG:0 with OK. The T.30 exchange with the caller is
 * modelled at message level (DCS, pages, PPMs) with line time; faults: `dcn` after a page (line drop ->
 * +FHS:A0-range code), a silent caller after ATA (T2 -> +FHS:73). Layer: hw-mocks.
 */
import type { Bitmap, FaxResolution } from "../../src/core/bitmap.js";
import { reverseBits } from "../../src/hdlc/bitOrder.js";
import { encodeBitmap } from "../../src/t4/index.js";
import { dleStuff } from "../dle.js";

export interface IncomingCallOptions {
	/** the caller's TSI */
	tsi?: string;
	pages: Bitmap[];
	resolution?: FaxResolution;
	coding?: "mh" | "mr";
	/** bit rate the caller trains at (default 14400) */
	bitRate?: number;
	/** RINGs before the caller gives up (default 10) */
	maxRings?: number;
	/** fault: the line drops after this page's data (the caller hangs up instead of sending its PPM) */
	dropAfterPage?: number;
	/** fault: the caller never gets to phase C (T2 expires at the first +FDR) */
	silent?: boolean;
	/** fault: the first transmission of this page (1-based) is damaged on the line (the DTE should answer RTN) */
	damageOnce?: number;
}

export const RING_INTERVAL_MS = 6000;

/** The caller's pages as the line would carry them (LSB first), with the DCS parameters. */
export function callerPage(o: IncomingCallOptions, index: number, fbo: number): Uint8Array {
	const bm = o.pages[index]!;
	const coded = encodeBitmap(bm, { coding: o.coding ?? "mh", rtc: true, bitOrder: "lsb", k: (o.resolution ?? "fine") === "standard" ? 2 : 4 });
	// a sending machine's trailing fill after RTC (HylaFAX sends 20 zero octets "to push it out"); the DCE
	// passes what the line carried up to the carrier drop, and efax needs bytes past RTC to see it
	const data = new Uint8Array(coded.length + 20);
	data.set(coded);
	// +FBO/+FBOR bit 0: phase C reversed on the DTE link
	return dleStuff(fbo & 1 ? reverseBits(data) : data);
}

/** T.32 session values for the caller's DCS. */
export function callerSession(o: IncomingCallOptions): string {
	const res = o.resolution ?? "fine";
	const vr = res === "superfine" ? 2 : res === "fine" ? 1 : 0;
	const br = [2400, 4800, 7200, 9600, 12000, 14400].indexOf(o.bitRate ?? 14400);
	const wd = [1728, 2048, 2432].indexOf(o.pages[0]?.width ?? 1728);
	return [vr, Math.max(0, br), Math.max(0, wd), 2, o.coding === "mr" ? 1 : 0, 0, 0, 0].join(",");
}

/** What the incoming call needs of the simulated DCE (Class2Simulator implements it). */
export interface IncomingHost {
	readonly dialect: import("./dialect.js").SimDialect;
	readonly params: Record<string, string>;
	pageStatus: number;
	hangupStatus: number;
	mode: import("../AtDce.js").DceMode;
	info(text: string): void;
	result(code: string): void;
	report(name: string, value: string): void;
	writeData(bytes: Uint8Array): void;
	sleep(lineMs: number): Promise<void>;
	lineTimer(lineMs: number, fn: () => void): { cancel(): void };
	holdInput(): void;
	releaseInput(): void;
	/** the call is over (answered and finished, or the caller gave up ringing) */
	incomingDone(): void;
}

type Ppm = 0 | 1 | 2;

/** One incoming call's state on the modem's side. */
export class IncomingCall {
	state: "ringing" | "answered" | "done" = "ringing";
	rings = 0;
	/** every page data block the DCE handed to the DTE: page index and the verdict it got */
	readonly log: { page: number; verdict?: number }[] = [];
	/** deviations from T.32 / SP-2388 the DTE made that a modem tolerates */
	readonly notes: string[] = [];
	private next = 0;
	private awaiting: { page: number; ppm: Ppm } | undefined;
	private waitingStart: (() => void) | undefined;
	private ringTimer: { cancel(): void } | undefined;
	private damaged = false;
	private reportedDamage = false;

	constructor(
		private readonly host: IncomingHost,
		readonly o: IncomingCallOptions,
	) {
		this.ring();
	}

	private ring(): void {
		if (this.state !== "ringing") return;
		if (this.rings >= (this.o.maxRings ?? 10)) {
			this.state = "done";
			this.host.incomingDone();
			return;
		}
		this.rings++;
		this.host.info("RING");
		this.ringTimer = this.host.lineTimer(RING_INTERVAL_MS, () => this.ring());
	}

	private code(t32: number): string {
		return (this.host.dialect.name === "2.0" ? t32.toString(16).toUpperCase().padStart(2, "0") : String(t32 >= 0xa0 ? 100 + (t32 & 0xf) : (t32 >> 4) * 10 + (t32 & 0xf)));
	}

	private hangup(t32: number, final: "OK" | "ERROR"): "online" {
		this.state = "done";
		this.host.hangupStatus = t32;
		this.host.report(this.host.dialect.hangupReport, this.code(t32));
		this.host.result(final);
		this.host.incomingDone();
		return "online";
	}

	/** ATA: CED, CSI/DIS from us, TSI/DCS from the caller, TCF, CFR (T.30 Figure 5-2a), then the reports. */
	async answer(): Promise<"online" | "error"> {
		if (this.state !== "ringing") return "error";
		this.ringTimer?.cancel();
		this.state = "answered";
		await this.host.sleep(3000 + 2500); // CED, our CSI/DIS, the caller's TSI/DCS
		const d = this.host.dialect;
		this.host.info(d.connectReport);
		if (this.o.silent) {
			this.host.result("OK");
			return "online";
		}
		const [rpr, , idr] = (this.host.params["+FNR"] ?? "0,0,0,0").split(",").map((s) => s.trim() === "1");
		if (idr && this.o.tsi !== undefined) this.host.report(d.tsiReport, `"${this.o.tsi}"`);
		if (rpr) this.host.report(d.dcs, callerSession(this.o));
		this.host.result("OK");
		return "online";
	}

	/** AT+FDR: answer the last page, then the next page's data, its status and the caller's PPM. */
	async receive(): Promise<"online" | "error"> {
		if (this.state !== "answered") return "error";
		const d = this.host.dialect;
		if (this.o.silent) {
			await this.host.sleep(6000); // T2: no page
			return this.hangup(0x73, "ERROR");
		}
		if (this.awaiting) {
			const { page, ppm } = this.awaiting;
			const verdict = this.host.pageStatus;
			this.log.push({ page, verdict });
			this.awaiting = undefined;
			await this.host.sleep(1500); // our MCF/RTN, the caller's next DCS or page carrier
			const good = verdict === 1 || verdict === 3;
			if (good && ppm === 2) {
				await this.host.sleep(1500); // the caller's DCN
				return this.hangup(0, "OK");
			}
			if (good) this.next = page + 1;
			if (!good) this.host.report(d.dcs, callerSession(this.o)); // RTN: the caller retrains (new DCS) and sends the page again
		}
		const page = this.next;
		if (page >= this.o.pages.length) return this.hangup(0xa0, "ERROR");
		this.host.result("CONNECT");
		this.host.mode = "imageTx"; // the DTE's start character arrives through dataByte
		const started = new Promise<void>((resolve) => (this.waitingStart = resolve));
		void started.then(() => this.sendPage(page));
		return "online"; // input flows again: the start character can come
	}

	/** After the start character: the page data, its status and the caller's PPM (the DTE's input held meanwhile). */
	private async sendPage(page: number): Promise<void> {
		const d = this.host.dialect;
		this.host.holdInput();
		let data = callerPage(this.o, page, Number(this.host.params[d.bitOrder] ?? "0"));
		if (this.o.damageOnce === page + 1 && !this.damaged) {
			// line noise over the middle of the page: every byte there garbled (DLEs kept out of it)
			this.damaged = true;
			const mid = (i: number): boolean => i > data.length / 4 && i < (3 * data.length) / 4;
			data = Uint8Array.from(data, (b, i) => (mid(i) && b !== 0x10 ? (b ^ 0x5a) === 0x10 ? 0x11 : b ^ 0x5a : b));
		}
		const damaged = this.damaged && this.o.damageOnce === page + 1 && !this.reportedDamage;
		if (damaged) this.reportedDamage = true;
		await this.host.sleep(200 + (data.length * 8000) / (this.o.bitRate ?? 14400)); // training and the page at the bit rate
		if (this.state !== "answered") return;
		this.host.writeData(Uint8Array.from([...data, 0x10, 0x03]));
		this.host.mode = "command";
		const rows = this.o.pages[page]!.height;
		if (this.o.dropAfterPage === page + 1) {
			this.hangup(0xa0, "ERROR");
			this.host.releaseInput();
			return;
		}
		const ppm: Ppm = page + 1 >= this.o.pages.length ? 2 : 0;
		// the DCE's copy quality verdict (T.32 +FCQ): 1 good, 2 bad (RTN); the DTE may overwrite it before the next +FDR
		const ppr = damaged ? 2 : 1;
		const bad = damaged ? Math.ceil(rows / 2) : 0;
		this.host.pageStatus = ppr;
		this.host.report(d.pageStatus, d.name === "2.0" ? `${ppr},${rows},${bad},0,0` : `${ppr},${rows}`);
		this.host.report("+FET", String(ppm));
		this.host.result("OK");
		this.awaiting = { page, ppm };
		this.host.releaseInput();
	}

	/** A byte from the DTE while CONNECT waits for the start character (T.32 DC1, SP-2388 DC2). */
	startByte(b: number): void {
		if (!this.waitingStart) return;
		if (b !== this.host.dialect.receiveStart) {
			// efax starts Class 2.0 receive with DC2 (class2-notes.md): T.32 §8.3.4 says DC1, but a real 2.0
			// modem takes either, so the simulator does too and notes it; anything else before it is ignored
			if (!(b === 0x12 && this.host.dialect.name === "2.0")) return;
			this.notes.push("the DTE started +FDR data with DC2; T.32 §8.3.4 asks for DC1 (tolerated)");
		}
		const go = this.waitingStart;
		this.waitingStart = undefined;
		go();
	}

	get waitingForStart(): boolean {
		return this.waitingStart !== undefined;
	}
}
