/**
 * Scheduling rules of the outgoing queue (outgoing-job.md §5 "Scheduling"): eligibility, order (priority
 * HIGH > NORMAL > LOW, then scheduledTime, then submission order), the discount window in local time
 * (wraps midnight; start == end means all day) and the next time anything becomes due. Layer: jobs (pure).
 */
import { FaxJobStatus, FaxScheduleType, isWaitingStatus } from "./enums.js";
import type { HourMinute, JobRecord, QueueSettings } from "./types.js";

const minuteOfDay = (hm: HourMinute): number => hm.hour * 60 + hm.minute;

/** True when local time `t` (epoch ms) is inside the discount window. */
export function inDiscountWindow(t: number, start: HourMinute, end: HourMinute): boolean {
	const s = minuteOfDay(start);
	const e = minuteOfDay(end);
	if (s === e) return true;
	const d = new Date(t);
	const m = d.getHours() * 60 + d.getMinutes();
	return s < e ? m >= s && m < e : m >= s || m < e;
}

/** `t` itself when inside the window, else the next local start of the window (epoch ms). */
export function nextDiscountStart(t: number, start: HourMinute, end: HourMinute): number {
	if (inDiscountWindow(t, start, end)) return t;
	const d = new Date(t);
	d.setHours(start.hour, start.minute, 0, 0);
	if (d.getTime() <= t) d.setDate(d.getDate() + 1); // setDate keeps local wall time across DST changes
	return d.getTime();
}

/** The earliest time ≥ `t` at which a job of this schedule type may be attempted. */
export function earliestAttempt(t: number, scheduleType: FaxScheduleType, s: QueueSettings): number {
	return scheduleType === FaxScheduleType.DISCOUNT_PERIOD ? nextDiscountStart(t, s.discountRateStart, s.discountRateEnd) : t;
}

/** Due now (§5): waiting, not paused, scheduledTime reached, inside the window if DISCOUNT_PERIOD (retries too). */
export function isDue(j: JobRecord, now: number, s: QueueSettings): boolean {
	if (!isWaitingStatus(j.status) || j.status & FaxJobStatus.PAUSED || j.removedAt !== null) return false;
	if (j.scheduledTime > now) return false;
	return j.scheduleType !== FaxScheduleType.DISCOUNT_PERIOD || inDiscountWindow(now, s.discountRateStart, s.discountRateEnd);
}

/** §5 order: priority desc, scheduledTime asc, submissionTime asc, then store order. */
export function compareJobs(a: JobRecord, b: JobRecord): number {
	return b.priority - a.priority || a.scheduledTime - b.scheduledTime || a.submissionTime - b.submissionTime || a.seq - b.seq;
}

/** Due jobs in the order they should get a modem. */
export function dueJobs(jobs: Iterable<JobRecord>, now: number, s: QueueSettings): JobRecord[] {
	const out: JobRecord[] = [];
	for (const j of jobs) if (isDue(j, now, s)) out.push(j);
	return out.sort(compareJobs);
}

/** The next time (> now) some waiting, unpaused job becomes due, or null. */
export function nextDueTime(jobs: Iterable<JobRecord>, now: number, s: QueueSettings): number | null {
	let best: number | null = null;
	for (const j of jobs) {
		if (!isWaitingStatus(j.status) || j.status & FaxJobStatus.PAUSED || j.removedAt !== null) continue;
		const t = earliestAttempt(Math.max(now, j.scheduledTime), j.scheduleType, s);
		if (t > now && (best === null || t < best)) best = t;
	}
	return best;
}
