/**
 * Wall clocks for the job layer: job times are dates (outgoing-job.md §3), so the queue's Clock must
 * report epoch milliseconds. `EpochClock` is the production one (Date.now + setTimeout);
 * `offsetClock` shifts another Clock (a ManualClock in tests) to start at a given epoch. Layer: jobs.
 */
import type { Clock, TimerHandle } from "../core/Clock.js";
import { SystemClock } from "../core/Clock.js";

export class EpochClock implements Clock {
	private readonly sys = new SystemClock();
	now(): number {
		return Date.now();
	}
	setTimer(ms: number, fn: () => void): TimerHandle {
		return this.sys.setTimer(ms, fn);
	}
	sleep(ms: number, signal?: AbortSignal): Promise<void> {
		return this.sys.sleep(ms, signal);
	}
}

/** A Clock whose now() is `epochMs + inner.now()`; timers are the inner clock's. */
export function offsetClock(inner: Clock, epochMs: number): Clock {
	return {
		now: () => epochMs + inner.now(),
		setTimer: (ms, fn) => inner.setTimer(ms, fn),
		sleep: (ms, signal) => inner.sleep(ms, signal),
	};
}
