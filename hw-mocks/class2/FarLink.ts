/**
 * The simulated Class 2 firmware's side of the phone line: V.21 frames and high-speed data to and from
 * the simulated far end (FarEndFax.ts), timed like the Class 1 simulator's line (lineTime.ts: 1 s of
 * flags, frames at 300 bit/s, training, data at the bit rate). The firmware awaits far-end
 * transmissions with a T.30 timeout; a frame the `badFcs` fault corrupts is dropped (a T.30 receiver
 * discards a frame with a bad FCS, T.30 §5.3.4). Layer: hw-mocks.
 */
import { appendFcs } from "../../src/hdlc/fcs.js";
import { fcfLabel, fcfName } from "../../src/t30/fcf.js";
import type { FarEndPort } from "../FarEndFax.js";
import type { FarFrameName, FaultSet } from "../faults.js";
import { MODULATIONS, V21_CLOSING_FLAG_MS, V21_PREAMBLE_MS, v21FrameMs, type LineClock, type LineTimer } from "../lineTime.js";
import type { CallRecord } from "../records.js";

/** line ms between the far end's DCN and the DCE noticing the line is gone */
const FAR_HANGUP_MS = 500;

export type FarEvent = { kind: "frames"; frames: Uint8Array[] } | { kind: "hangup" } | { kind: "timeout" };

export interface LinkHost {
	clock: LineClock;
	faults: FaultSet;
	/** line timer owned by the DCE (cancelled on detach) */
	after(ms: number, fn: () => void): LineTimer;
	/** the firmware is only listening (no host latency to magnify) */
	idle(): boolean;
}

export class FarLink {
	private inbox: FarEvent[] = [];
	private waiter: ((e: FarEvent) => void) | undefined;
	hungUp = false;
	private hostEnd = 0;

	constructor(
		private readonly host: LinkHost,
		private readonly call: CallRecord,
	) {}

	/** The port FarEndFax transmits through. */
	port(): FarEndPort {
		const h = this.host;
		return {
			now: () => h.clock.now(),
			timer: (ms, fn) => h.after(ms, fn),
			watchdog: (ms, fn) => h.clock.watchdog(ms, fn, () => h.idle()),
			transmit: (frames, delayMs, hangupAfter) => this.farTransmit(frames, delayMs, hangupAfter ?? false),
		};
	}

	private farTransmit(frames: Uint8Array[], delayMs: number, hangupAfter: boolean): number {
		const now = this.host.clock.now();
		const start = Math.max(now, this.hostEnd) + delayMs;
		let t = start + V21_PREAMBLE_MS;
		const ends = frames.map((f) => (t += v21FrameMs(appendFcs(f))));
		const end = t + V21_CLOSING_FLAG_MS;
		this.host.after(end - now, () => {
			const kept: Uint8Array[] = [];
			frames.forEach((f, i) => {
				const name = fcfName(f[2] ?? 0);
				const bad = this.host.faults.take("badFcs", this.call.index, (x) => x.frame === (name as FarFrameName)) !== undefined;
				this.call.frames.push({ at: ends[i]!, dir: "far", name: fcfLabel(f[2] ?? 0), bytes: f, ...(bad ? { badFcs: true } : {}) });
				if (!bad) kept.push(f);
			});
			if (kept.length) this.push({ kind: "frames", frames: kept });
			if (hangupAfter)
				this.host.after(FAR_HANGUP_MS, () => {
					this.hungUp = true;
					this.push({ kind: "hangup" });
				});
		});
		return end;
	}

	private push(e: FarEvent): void {
		const w = this.waiter;
		if (w) {
			this.waiter = undefined;
			w(e);
		} else this.inbox.push(e);
	}

	/** Forget far-end transmissions heard but not yet read (e.g. repeated DIS while the DTE was busy). */
	drain(): Uint8Array[][] {
		const out = this.inbox.filter((e): e is Extract<FarEvent, { kind: "frames" }> => e.kind === "frames").map((e) => e.frames);
		this.inbox = this.inbox.filter((e) => e.kind === "hangup");
		return out;
	}

	/** The next far-end transmission, the line dropping, or a timeout after `ms` line ms. */
	next(ms: number): Promise<FarEvent> {
		const e = this.inbox.shift();
		if (e) return Promise.resolve(e);
		if (this.hungUp) return Promise.resolve({ kind: "hangup" });
		return new Promise((resolve) => {
			const t = this.host.after(ms, () => {
				if (this.waiter !== done) return;
				this.waiter = undefined;
				resolve({ kind: "timeout" });
			});
			const done = (ev: FarEvent) => {
				t.cancel();
				resolve(ev);
			};
			this.waiter = done;
		});
	}

	/** Send V.21 frames (without FCS); resolves when they have gone out, after the far end heard them. */
	async sendFrames(frames: Uint8Array[], far: { hostCarrierOn(): void; hostFrames(f: Uint8Array[]): void }): Promise<void> {
		far.hostCarrierOn();
		const now = this.host.clock.now();
		let t = now + V21_PREAMBLE_MS;
		for (const f of frames) {
			t += v21FrameMs(appendFcs(f));
			this.call.frames.push({ at: t, dir: "host", name: fcfLabel(f[2] ?? 0), bytes: f });
		}
		t += V21_CLOSING_FLAG_MS;
		await this.sleep(t - now);
		this.hostEnd = this.host.clock.now();
		far.hostFrames(frames);
	}

	/** Training (TCF) of 1.5 s of zeros at a rate's long-train code, 75 ms after the DCS. */
	async sendTcf(code: number, far: { hostCarrierOn(): void; hostData(code: number, d: Uint8Array, info: { durationMs: number; underrunMs: number; lostBytes: number; gapMs?: number }): void }): Promise<void> {
		await this.sleep(75);
		far.hostCarrierOn();
		const m = MODULATIONS.get(code)!;
		await this.sleep(m.trainingMs + 1500);
		this.hostEnd = this.host.clock.now();
		far.hostData(code, new Uint8Array((m.bitRate * 1.5) / 8), { durationMs: 1500, underrunMs: 0, lostBytes: 0, gapMs: 75 });
	}

	/** Mark the end of a high-speed transmission (page data) for the far end's answer timing. */
	hostTransmitted(): void {
		this.hostEnd = this.host.clock.now();
	}

	sleep(ms: number): Promise<void> {
		return new Promise((r) => this.host.after(Math.max(0, ms), r));
	}
}
