/**
 * The far end's V.21 transmissions as they sit on the simulated line (line ms): each begins with 1 s
 * of flags (T.30 §5.3.1), every frame ends at a computed time (zero-bit insertion counted, FCS
 * included) and the last one with its closing flag, when the carrier drops. The DCE delivers frames
 * from here at those times and asks when the line was last busy, to measure turnaround gaps.
 * Layer: hw-mocks.
 */
import { appendFcs } from "../src/hdlc/fcs.js";
import { fcfLabel } from "../src/t30/fcf.js";
import { V21_CLOSING_FLAG_MS, V21_PREAMBLE_MS, v21FrameMs } from "./lineTime.js";

export interface FarFrame {
	/** frame without FCS */
	bytes: Uint8Array;
	name: string;
	/** line ms when the frame (with its FCS and flag) is complete */
	endAt: number;
	badFcs: boolean;
	delivered: boolean;
}

/** One V.21 transmission of the far end. */
export interface FarTx {
	startAt: number;
	/** carrier off */
	endAt: number;
	frames: FarFrame[];
	hangupAfter: boolean;
}

export interface LineActivity {
	end: number;
	who: "host" | "far";
	what: string;
}

export class FarLine {
	private txs: FarTx[] = [];

	/** Queue a transmission starting at `startAt`; `badFcs(name)` says whether a frame goes out corrupted. */
	add(frames: Uint8Array[], startAt: number, hangupAfter: boolean, badFcs: (name: string) => boolean): FarTx {
		let t = startAt + V21_PREAMBLE_MS;
		const fs = frames.map((bytes): FarFrame => {
			const name = fcfLabel(bytes[2] ?? 0);
			t += v21FrameMs(appendFcs(bytes));
			return { bytes, name, endAt: t, badFcs: badFcs(name), delivered: false };
		});
		const tx: FarTx = { startAt, endAt: t + V21_CLOSING_FLAG_MS, frames: fs, hangupAfter };
		// the last frame is complete when its closing flag has been heard; then the carrier drops
		if (fs.length) fs[fs.length - 1]!.endAt = tx.endAt;
		this.txs.push(tx);
		return tx;
	}

	clear(): void {
		this.txs = [];
	}

	/** The transmission on the line at line time `t`, if any. */
	carrierAt(t: number): FarTx | undefined {
		return this.txs.find((tx) => tx.startAt <= t && t < tx.endAt);
	}

	/** The first transmission with frames not yet delivered to the host. */
	pending(): FarTx | undefined {
		return this.txs.find((t) => t.frames.some((f) => !f.delivered));
	}

	/** The next frame not yet delivered. */
	nextFrame(): FarFrame | undefined {
		return this.pending()?.frames.find((f) => !f.delivered);
	}

	/** A transmission starting in (from, to), if any. */
	startingWithin(from: number, to: number): FarTx | undefined {
		return this.txs.find((tx) => tx.startAt > from && tx.startAt < to);
	}

	/** The end of the last transmission on the line before `now`, ours or the host's. */
	lastActivity(now: number, host: { end: number; what: string } | undefined): LineActivity | undefined {
		let best: LineActivity | undefined = host ? { ...host, who: "host" } : undefined;
		for (const tx of this.txs) {
			if (tx.endAt <= now && (!best || tx.endAt > best.end)) best = { end: tx.endAt, who: "far", what: tx.frames.at(-1)?.name ?? "?" };
		}
		return best;
	}
}
