/**
 * Copy-quality check of a received non-ECM page (T.30 §5.3.6.1.6 / Figure 5-2c node "F": the receiver
 * answers MCF, RTP — "retrain positive", page acceptable — or RTN — "retrain negative", page not
 * acceptable). T.30 does not say how to judge; we count the T.4 decoder's bad rows (rows that did not
 * decode and were replaced by the previous row) and the longest run of them, as SpanDSP (t30.c
 * copy_quality: < 5 % bad good, < 15 % tolerable with retrain, else bad) and HylaFAX (PercentGoodLines
 * 95, MaxConsecutiveBadLines 5 at 98 lpi, scaled with the vertical resolution) do.
 * Layer: t30, pure.
 */
import type { FaxResolution } from "../core/bitmap.js";

/** Configurable limits; defaults from SpanDSP / HylaFAX as above. */
export interface CopyQualityLimits {
	/** bad rows (percent of all rows) still answered MCF; default 5 */
	goodMaxBadPercent?: number;
	/** bad rows (percent) still accepted with RTP; beyond this RTN; default 15 */
	tolerableMaxBadPercent?: number;
	/** longest run of bad rows at standard resolution answered MCF/RTP; more is RTN; scaled ×2 fine, ×4 superfine; default 5 */
	maxConsecutiveBadRows?: number;
}

export type CopyQuality = "perfect" | "good" | "poor" | "bad";

export interface CopyQualityVerdict {
	quality: CopyQuality;
	/** the post-page response it calls for */
	response: "MCF" | "RTP" | "RTN";
	/** human reason for the trace */
	reason: string;
}

export interface PageRowStats {
	rows: number;
	badLines: number;
	consecutiveBadLines: number;
}

const SCALE: Record<FaxResolution, number> = { standard: 1, fine: 2, superfine: 4 };

/** Judge one page. A page with no rows at all is bad (SpanDSP: "a zero row page has got to be some kind of total page failure"). */
export function judgeCopyQuality(s: PageRowStats, resolution: FaxResolution, limits: CopyQualityLimits = {}): CopyQualityVerdict {
	const good = limits.goodMaxBadPercent ?? 5;
	const tolerable = limits.tolerableMaxBadPercent ?? 15;
	const maxRun = (limits.maxConsecutiveBadRows ?? 5) * SCALE[resolution];
	if (s.rows <= 0) return { quality: "bad", response: "RTN", reason: "no rows decoded" };
	if (s.badLines === 0) return { quality: "perfect", response: "MCF", reason: `${s.rows} rows, none bad` };
	const pct = (100 * s.badLines) / s.rows;
	const what = `${s.badLines}/${s.rows} rows bad (${pct.toFixed(1)} %), longest run ${s.consecutiveBadLines}`;
	if (s.consecutiveBadLines > maxRun) return { quality: "bad", response: "RTN", reason: `${what} > ${maxRun} consecutive` };
	if (pct < good) return { quality: "good", response: "MCF", reason: what };
	if (pct < tolerable) return { quality: "poor", response: "RTP", reason: what };
	return { quality: "bad", response: "RTN", reason: `${what} >= ${tolerable} %` };
}
