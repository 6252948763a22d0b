/**
 * Line-time model for the modem simulator: how long things take on a real PSTN fax line, and a clock
 * that lets the simulator run those times faster (`timeScale`) while host latencies stay real.
 *
 * - V.21 channel 2 HDLC at 300 bit/s (T.30 §5.3.1): 1 s of flags before the first frame of a
 *   transmission, zero-bit insertion counted exactly, one flag between frames and a closing flag.
 * - High-speed modulations of T.31 Table 2 (+FTM/+FRM codes) with their training times: V.27ter
 *   (T.30 Table: 943 ms at 2400, 708 ms at 4800), V.29 (253 ms), V.17 long train (1393 ms) and
 *   short train (142 ms); data time = bits / bit rate.
 * - `LineClock`: line ms = real ms, except while the simulator waits modelled time (`sleep`/`timer`),
 *   when line time runs 1/timeScale faster. So a 75 ms `+FTS=7` costs 1.5 real ms at timeScale 0.02,
 *   yet a host that takes 30 real ms to react shows up as a 30 ms gap on the line.
 *
 * Layer: hw-mocks (test side; may import pure src modules).
 */
import type { ModulationCode } from "../src/modem/Class1Link.js";

/** One T.31 modulation code's line properties. */
export interface LineModulation {
	code: ModulationCode;
	name: "V.27ter" | "V.29" | "V.17";
	bitRate: number;
	/** long train (TCF) or short train (V.17 page data); V.27ter/V.29 have only one */
	train: "long" | "short";
	/** modelled training time in ms */
	trainingMs: number;
}

const mod = (code: ModulationCode, name: LineModulation["name"], bitRate: number, train: LineModulation["train"], trainingMs: number): LineModulation => ({
	code,
	name,
	bitRate,
	train,
	trainingMs,
});

/** T.31 Table 2 codes (training times: T.30 Table 3-ish figures as used by SpanDSP). */
export const MODULATIONS: ReadonlyMap<number, LineModulation> = new Map(
	[
		mod(24, "V.27ter", 2400, "long", 943),
		mod(48, "V.27ter", 4800, "long", 708),
		mod(72, "V.29", 7200, "long", 253),
		mod(96, "V.29", 9600, "long", 253),
		mod(73, "V.17", 7200, "long", 1393),
		mod(74, "V.17", 7200, "short", 142),
		mod(97, "V.17", 9600, "long", 1393),
		mod(98, "V.17", 9600, "short", 142),
		mod(121, "V.17", 12000, "long", 1393),
		mod(122, "V.17", 12000, "short", 142),
		mod(145, "V.17", 14400, "long", 1393),
		mod(146, "V.17", 14400, "short", 142),
	].map((m) => [m.code, m]),
);

/** Default +FTM=? / +FRM=? list (SpanDSP 0.0.6). */
export const DEFAULT_RATE_LIST = "24,48,72,73,74,96,97,98,121,122,145,146";

/** V.21 channel 2 bit rate. */
export const V21_BPS = 300;
/** T.30 §5.3.1: a V.21 transmission starts with 1 s ± 15% of flags. */
export const V21_PREAMBLE_MS = 1000;

/** Bits on the line for one HDLC frame of `octets` (address..FCS), zero-bit insertion counted. */
export function hdlcStuffedBits(octets: Uint8Array): number {
	let ones = 0;
	let bits = 0;
	for (const b of octets) {
		for (let i = 0; i < 8; i++) {
			bits++;
			if ((b >> i) & 1) {
				if (++ones === 5) {
					bits++; // inserted 0
					ones = 0;
				}
			} else ones = 0;
		}
	}
	return bits;
}

/** Line ms of one V.21 frame incl. its FCS and the flag that opens it (`withFcs` = frame + 2 FCS octets). */
export const v21FrameMs = (withFcs: Uint8Array): number => ((8 + hdlcStuffedBits(withFcs)) * 1000) / V21_BPS;

/** Line ms of one closing flag. */
export const V21_CLOSING_FLAG_MS = (8 * 1000) / V21_BPS;

/** Line ms of `bytes` octets at `bitRate`. */
export const dataMs = (bytes: number, bitRate: number): number => (bytes * 8 * 1000) / bitRate;

export interface LineTimer {
	cancel(): void;
}

interface Stretch {
	a: number; // real ms start
	b: number; // real ms end (cut short on cancel)
}

/**
 * The simulator's clock: real time, stretched by 1/timeScale while a modelled wait runs.
 * Overlapping waits are merged, so two concurrent waits never count twice.
 */
export class LineClock {
	private readonly t0 = performance.now();
	private stretches: Stretch[] = [];
	/** extra line ms from stretches that ended before `foldedUpTo` */
	private folded = 0;
	private foldedUpTo = 0;

	/** @param timeScale real seconds per line second (1 = real time, 0.02 = 50x faster); > 0 */
	constructor(readonly timeScale = 1) {
		if (!(timeScale > 0)) throw new RangeError("timeScale must be > 0");
	}

	/** Real ms since the clock was made. */
	real(): number {
		return performance.now() - this.t0;
	}

	/** Line ms since the clock was made. */
	now(): number {
		return this.lineAt(this.real());
	}

	private lineAt(r: number): number {
		const k = 1 / this.timeScale - 1;
		if (k === 0) return r;
		// union of stretch intervals clipped to [foldedUpTo, r]
		const iv = this.stretches
			.map((s) => [Math.max(s.a, this.foldedUpTo), Math.min(s.b, r)] as const)
			.filter(([a, b]) => b > a)
			.sort((x, y) => x[0] - y[0]);
		let sum = 0;
		let curA = -1;
		let curB = -1;
		for (const [a, b] of iv) {
			if (a > curB) {
				if (curB > curA) sum += curB - curA;
				curA = a;
				curB = b;
			} else curB = Math.max(curB, b);
		}
		if (curB > curA) sum += curB - curA;
		return r + this.folded + sum * k;
	}

	/** Fold stretches that are wholly in the past into `folded`, so the list stays short. */
	private fold(): void {
		const r = this.real();
		if (this.stretches.some((s) => s.b > r)) return; // something still running: fold later
		const extra = this.lineAt(r) - r - this.folded;
		this.folded += extra;
		this.foldedUpTo = r;
		this.stretches = [];
	}

	/** Run `fn` after `lineMs` of modelled line time. */
	timer(lineMs: number, fn: () => void): LineTimer {
		const realMs = Math.max(0, lineMs) * this.timeScale;
		const s: Stretch = { a: this.real(), b: this.real() + realMs };
		this.stretches.push(s);
		// libuv timers run on a cached loop time and can fire up to ~1 ms early, which is 50 line ms at
		// timeScale 0.02: re-arm until the real deadline has really passed
		const fire = () => {
			const left = s.b - this.real();
			if (left > 0) {
				h = setTimeout(fire, left);
				return;
			}
			this.fold();
			fn();
		};
		let h = setTimeout(fire, realMs);
		return {
			cancel: () => {
				clearTimeout(h);
				s.b = Math.min(s.b, this.real());
				this.fold();
			},
		};
	}

	/**
	 * A watchdog in line time that does not itself speed the line up (a far end waiting T4 must not
	 * stretch the host's real latency 1/timeScale times). It runs fast (stretched, in steps of at most
	 * 250 line ms) only while `idle()` says nothing else is happening, e.g. the DCE is just listening.
	 */
	watchdog(lineMs: number, fn: () => void, idle: () => boolean): LineTimer {
		const target = this.now() + Math.max(0, lineMs);
		let h: LineTimer | ReturnType<typeof setTimeout> | undefined;
		let cancelled = false;
		const step = () => {
			if (cancelled) return;
			const left = target - this.now();
			if (left <= 0) return fn();
			if (idle()) h = this.timer(Math.min(left, 250), step);
			else h = setTimeout(step, Math.min(left, 5));
		};
		step();
		return {
			cancel: () => {
				cancelled = true;
				if (h && typeof h === "object" && "cancel" in h) h.cancel();
				else if (h) clearTimeout(h);
			},
		};
	}

	/** Resolve after `lineMs` of line time. */
	sleep(lineMs: number): Promise<void> {
		return new Promise((r) => this.timer(lineMs, r));
	}

	/** Resolve when line time reaches `lineAt` (at once when already past). */
	until(lineAt: number): Promise<void> {
		return this.sleep(lineAt - this.now());
	}
}
