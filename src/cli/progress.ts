/**
 * Per-page progress for `faxline send` and the demo: a redrawn bar on a terminal, plain lines otherwise
 * (logs, pipes, CI: one line when a page starts and one when the far end answered it). Fed by the engine's SendEvents (src/modem/FaxModem.ts). Layer: cli.
 */
import type { SendEvent } from "../modem/FaxModem.js";
import type { CliIO } from "./io.js";

const BAR = 24;

export class SendProgress {
	private pages = 0;
	private page = 0;
	private confirmed = 0;
	private status = "";
	private lastDraw = "";

	constructor(private readonly io: CliIO, private readonly quiet = false) {}

	onEvent = (e: SendEvent): void => {
		switch (e.type) {
			case "dialing":
				return this.line(`dialing ${e.number}`);
			case "connected":
				return this.line("connected: fax answer tone and flags heard");
			case "remoteId":
				return this.line(`remote station id (CSI): ${e.csid || "(none)"}`);
			case "negotiated": {
				const p = e.params;
				return this.line(`negotiated: ${p.modulation} ${p.bitRate} bit/s, ${p.resolution}, ${p.width} px, ${p.coding.toUpperCase()}${p.ecm ? ", ECM" : ""}, scan line ${p.minScanLineMs} ms`);
			}
			case "training":
				return this.line(`training at ${e.bitRate} bit/s: ${e.result === "CFR" ? "accepted (CFR)" : e.result === "FTT" ? "failed (FTT), falling back" : "no answer"}`);
			case "pageStart":
				this.pages = e.pages;
				this.page = e.page;
				this.status = "sending";
				if (!this.io.isTTY) return this.line(`page ${e.page}/${e.pages}: sending`);
				return this.draw();
			case "pageEnd": {
				if (e.confirmed) this.confirmed++;
				const what = e.confirmed ? `confirmed (${e.result})` : `NOT confirmed (${e.result})`;
				this.status = what;
				this.draw(true);
				return this.line(`page ${e.page}/${this.pages}: ${what}, ${(e.bytes / 1024).toFixed(1)} KiB in ${(e.ms / 1000).toFixed(1)} s`);
			}
			case "retrain":
				return this.line(`retraining: ${e.reason}`);
			case "hangup":
				return this.line("hung up");
		}
	};

	private draw(final = false): void {
		if (this.quiet || !this.io.isTTY || this.pages === 0) return;
		const done = this.confirmed;
		const fill = Math.round((done / this.pages) * BAR);
		const s = `\r[${"#".repeat(fill)}${"-".repeat(BAR - fill)}] page ${this.page}/${this.pages} ${this.status}`;
		this.lastDraw = s;
		this.io.write(s.padEnd(70) + (final ? "\n" : ""));
		if (final) this.lastDraw = "";
	}

	private line(s: string): void {
		if (this.quiet) return;
		if (this.io.isTTY) {
			if (this.lastDraw) this.io.write("\n");
			this.lastDraw = "";
			if (/^page \d/.test(s)) return; // the bar already said it
		}
		this.io.out(s);
	}
}
