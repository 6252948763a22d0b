/**
 * Injectable clock (architecture.md "Injectable clock"): SystemClock in production, ManualClock in
 * unit tests. Every protocol timer goes through a Clock so tests can run T1 expiries in microseconds.
 * Layer: core (no I/O).
 */
import { FaxError } from "./FaxError.js";

export interface TimerHandle {
	cancel(): void;
}

export interface Clock {
	/** Milliseconds since an arbitrary epoch (monotonic for SystemClock). */
	now(): number;
	setTimer(ms: number, fn: () => void): TimerHandle;
	/** Resolves after `ms`; rejects with the signal's reason (or CALL_ABORTED) when aborted. */
	sleep(ms: number, signal?: AbortSignal): Promise<void>;
}

const abortError = (signal: AbortSignal): unknown =>
	signal.reason instanceof Error ? signal.reason : new FaxError("CALL_ABORTED", "Aborted");

function sleepWith(clock: Clock, ms: number, signal?: AbortSignal): Promise<void> {
	return new Promise((resolve, reject) => {
		if (signal?.aborted) return reject(abortError(signal));
		const onAbort = () => {
			h.cancel();
			reject(abortError(signal!));
		};
		const h = clock.setTimer(ms, () => {
			signal?.removeEventListener("abort", onAbort);
			resolve();
		});
		signal?.addEventListener("abort", onAbort, { once: true });
	});
}

export class SystemClock implements Clock {
	private readonly t0 = performance.now();
	now(): number {
		return performance.now() - this.t0;
	}
	setTimer(ms: number, fn: () => void): TimerHandle {
		const t = setTimeout(fn, Math.max(0, ms));
		return { cancel: () => clearTimeout(t) };
	}
	sleep(ms: number, signal?: AbortSignal): Promise<void> {
		return sleepWith(this, ms, signal);
	}
}

/** A clock that only moves when told to (tests). */
export class ManualClock implements Clock {
	private t = 0;
	private seq = 0;
	private timers = new Map<number, { at: number; fn: () => void }>();
	now(): number {
		return this.t;
	}
	setTimer(ms: number, fn: () => void): TimerHandle {
		const id = ++this.seq;
		this.timers.set(id, { at: this.t + Math.max(0, ms), fn });
		return { cancel: () => void this.timers.delete(id) };
	}
	sleep(ms: number, signal?: AbortSignal): Promise<void> {
		return sleepWith(this, ms, signal);
	}
	/** Advance time by `ms`, firing due timers in order (letting promise jobs run between them). */
	async advance(ms: number): Promise<void> {
		const end = this.t + ms;
		for (;;) {
			const next = [...this.timers.entries()].filter(([, v]) => v.at <= end).sort((a, b) => a[1].at - b[1].at || a[0] - b[0])[0];
			if (!next) break;
			this.timers.delete(next[0]);
			this.t = next[1].at;
			next[1].fn();
			await new Promise((r) => setImmediate(r));
		}
		this.t = end;
	}
	/** Fire every pending timer (and those they create) until none is left. */
	async runUntilIdle(limit = 10000): Promise<void> {
		for (let i = 0; i < limit && this.timers.size > 0; i++) {
			const at = Math.min(...[...this.timers.values()].map((v) => v.at));
			await this.advance(at - this.t);
		}
	}
	get pending(): number {
		return this.timers.size;
	}
}

/**
 * Race `p` against a timer and an abort signal. On expiry rejects with `onTimeout()`.
 */
export function withTimeout<T>(
	p: Promise<T>,
	ms: number,
	opts: { clock: Clock; signal?: AbortSignal; onTimeout: () => unknown },
): Promise<T> {
	return new Promise<T>((resolve, reject) => {
		const { clock, signal } = opts;
		if (signal?.aborted) return reject(abortError(signal));
		let done = false;
		const finish = () => {
			done = true;
			h.cancel();
			signal?.removeEventListener("abort", onAbort);
		};
		const onAbort = () => {
			if (done) return;
			finish();
			reject(abortError(signal!));
		};
		const h = clock.setTimer(ms, () => {
			if (done) return;
			finish();
			reject(opts.onTimeout());
		});
		signal?.addEventListener("abort", onAbort, { once: true });
		p.then(
			(v) => {
				if (done) return;
				finish();
				resolve(v);
			},
			(e) => {
				if (done) return;
				finish();
				reject(e);
			},
		);
	});
}
