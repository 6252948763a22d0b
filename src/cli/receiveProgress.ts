/**
 * Per-page progress of `faxline receive`: one line per event of the answered call (rings with caller
 * id, answer, the caller's TSI, the agreed parameters, the TCF verdict, each page with its quality and
 * our answer). Fed by the receive events of modem/FaxModem. Layer: cli.
 */
import type { ReceiveEvent } from "../modem/FaxModem.js";
import type { CliIO } from "./io.js";

export class ReceiveProgress {
	constructor(
		private readonly io: CliIO,
		private readonly quiet = false,
	) {}

	onEvent = (e: ReceiveEvent): void => {
		switch (e.type) {
			case "ring":
				return this.line(`RING ${e.count}`);
			case "answering":
				return this.line("answering");
			case "connected":
				return this.line("answered: sending our identity and capabilities (CSI/DIS)");
			case "remoteTsi":
				return this.line(`caller's station id (TSI): ${e.tsid || "(none)"}`);
			case "negotiated": {
				const p = e.params;
				return this.line(`negotiated: ${p.modulation} ${p.bitRate} bit/s, ${p.resolution}, ${p.width} px, ${p.coding.toUpperCase()}${p.ecm ? ", ECM" : ""}`);
			}
			case "training":
				return this.line(`training at ${e.bitRate} bit/s: ${e.result === "CFR" ? "good (CFR)" : "too poor (FTT)"}`);
			case "pageReceiving":
				return this.line(`page ${e.page}: receiving`);
			case "pageReceived":
				return this.line(`page ${e.page}: ${e.rows} rows, ${e.badRows} bad, ${(e.bytes / 1024).toFixed(1)} KiB in ${(e.ms / 1000).toFixed(1)} s -> ${e.result}${e.confirmed ? "" : " (not confirmed: the caller should resend)"}`);
			case "retrain":
				return this.line(`asked the caller to retrain: ${e.reason}`);
			case "hangup":
				return this.line("hung up");
		}
	};

	private line(s: string): void {
		if (!this.quiet) this.io.out(s);
	}
}
