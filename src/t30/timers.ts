/**
 * T.30 timer and timing defaults, the only place they live (architecture.md "Timer values"). Each value
 * cites its source; options and driver profiles override them (tests shorten them or use a ManualClock).
 * Layer: t30 (pure data).
 */

export interface T30Timers {
	/**
	 * T1: wait for a usable DIS after connect (caller), or for the first command (answerer), ms.
	 * T.30 §5.4.3.1: 35 ± 5 s.
	 */
	T1: number;
	/** T2: wait for a command (receiver after CFR/MCF, caller for DIS after EOM), ms. T.30 §5.4.3.1: 6 ± 1 s. */
	T2: number;
	/** T3: wait for the operator after a procedural interrupt (PIP/PIN), ms. T.30 §5.4.3.1: 10 ± 5 s. */
	T3: number;
	/** T4: wait for a response to a command (CFR/FTT, MCF...), ms. T.30 §5.4.3.1: 3 s ± 15 % (HylaFAX 3.1 s, SpanDSP 3.45 s). */
	T4: number;
	/** T5: ECM, wait for the receiver to leave the busy (RNR) state, ms. T.30 §5.4.3.1 / Annex A: 60 ± 5 s. */
	T5: number;
	/** Pause between receiving and sending (AT+FRS), ms. T.30 §5.3.2.4 / Ch.5 note 3: 75 ± 20 ms (HylaFAX Class1SwitchingCmd +FRS=7). */
	switchingMs: number;
	/** Silence after our V.21 frames before TCF / before a PPM (AT+FTS), ms. T.30 §5.3.2.4: 75 ± 20 ms (HylaFAX Class1TCFWaitCmd/PPMWaitCmd +FTS=7). */
	turnaroundMs: number;
	/** Silence before EOP, ms. HylaFAX Class1EOPWaitCmd +FTS=9: some machines need more than 75 ms before EOP. */
	eopTurnaroundMs: number;
	/** TCF duration, ms. T.30 §5.3.6.2.11 (TCF): 1.5 s ± 10 % of zeros. */
	tcfMs: number;
	/** Pause after +FCERROR before re-issuing a receive, ms. class1.md §2.8 (HylaFAX: 200 ms). */
	fcErrorPauseMs: number;
	/** Bound on the clean-up (DCN + hang-up) after a failure or cancel, ms. T.31 §8.3.5: 5 s to CONNECT + a 3 s frame. */
	cleanupMs: number;
}

export const DEFAULT_TIMERS: Readonly<T30Timers> = Object.freeze({
	T1: 35_000,
	T2: 6_000,
	T3: 10_000,
	T4: 3_000,
	T5: 60_000,
	switchingMs: 75,
	turnaroundMs: 75,
	eopTurnaroundMs: 90,
	tcfMs: 1_500,
	fcErrorPauseMs: 200,
	cleanupMs: 10_000,
});

/** Command repeat limit: a command is sent at most 3 times (T.30 §5.3.2 / SpanDSP DEFAULT_MAX_COMMAND_TRIES). */
export const MAX_COMMAND_TRIES = 3;

/** Merge overrides over the defaults. */
export const resolveTimers = (o?: Partial<T30Timers>): T30Timers => ({ ...DEFAULT_TIMERS, ...(o ?? {}) });
