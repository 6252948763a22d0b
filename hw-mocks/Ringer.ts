/**
 * The simulated line ringing the host (issue 10, `faxline sim --call`): once the DTE has been idle in
 * +FCLASS=1 for `ringIdleMs`, the DCE reports RING every `ringIntervalMs` (PSTN cadence 2 s on, 4 s off),
 * up to `maxRings`; with AT+VCID=1 the formatted caller id of V.253 §9.2.3 (`DATE =`, `TIME =`, `NMBR =`,
 * `NAME =`; "P" for a private number) follows the first RING, North American style; S0 = n (V.250 §6.3.8)
 * answers after n RINGs. `calls` calls in all, one after the other. Layer: hw-mocks.
 */
import type { CallerOptions } from "./FarEndCaller.js";
import type { LineTimer } from "./lineTime.js";

/** The simulated line calling the host (FarEndCaller.ts does the T.30 part). */
export interface IncomingOptions extends CallerOptions {
	/** line ms the host must be idle in +FCLASS=1 before the line rings; default 1000 */
	ringIdleMs?: number;
	/** line ms between RINGs (PSTN: 2 s on, 4 s off); default 6000 */
	ringIntervalMs?: number;
	/** RINGs before the caller gives up; default 10 */
	maxRings?: number;
	/** line ms from the answer to CONNECT (CED 2.6-4 s, 75 ms, V.21 flags); default 3500 */
	answerToneMs?: number;
	/** how many calls the line makes, one after the other; default 1 */
	calls?: number;
}

/** What the ringer needs from the DCE. */
export interface RingerHost {
	after(lineMs: number, fn: () => void): LineTimer;
	/** commands executed so far (a new one means the DTE is not idle) */
	commandCount(): number;
	/** no call on the line (the idle wait may start) */
	noCall(): boolean;
	/** may the line ring now: command state, no command running, no call, class 1 */
	canRing(): boolean;
	result(code: string): void;
	info(text: string): void;
	/** AT+VCID value */
	callerIdReporting(): number;
	/** S0 */
	autoAnswerRings(): number;
	/** S0 reached: the DCE answers by itself */
	autoAnswer(): void;
	/** the caller gave up after `rings` RINGs */
	unanswered(rings: number): void;
}

export class Ringer {
	private left: number;
	private ringing: { count: number; timer?: LineTimer } | undefined;
	private armed: LineTimer | undefined;

	constructor(
		private readonly o: IncomingOptions,
		private readonly host: RingerHost,
	) {
		this.left = o.calls ?? 1;
	}

	/** RINGs so far of the call ringing now (undefined when the line is not ringing). */
	get rings(): number | undefined {
		return this.ringing?.count;
	}

	/** After each result: once the DTE has been idle in class 1 for a while, the line rings. */
	arm(): void {
		if (this.left <= 0 || this.ringing || !this.host.noCall()) return;
		this.armed?.cancel();
		const seen = this.host.commandCount();
		this.armed = this.host.after(this.o.ringIdleMs ?? 1000, () => {
			this.armed = undefined;
			if (this.ringing || !this.host.canRing() || this.host.commandCount() !== seen) return;
			this.ringing = { count: 0 };
			this.ring();
		});
	}

	/** Stop ringing (ATD while it rang: the caller tries again once the DTE is idle). */
	stop(): void {
		this.ringing?.timer?.cancel();
		this.ringing = undefined;
		this.armed?.cancel();
		this.armed = undefined;
	}

	/** The call was answered: returns the RINGs it took; one call fewer to make. */
	answered(): number {
		const n = this.ringing?.count ?? 0;
		this.stop();
		this.left--;
		return n;
	}

	private ring(): void {
		const r = this.ringing;
		const o = this.o;
		if (!r) return;
		if (r.count >= (o.maxRings ?? 10)) {
			this.ringing = undefined;
			this.left--;
			this.host.unanswered(r.count);
			return;
		}
		r.count++;
		this.host.result("RING");
		if (r.count === 1 && this.host.callerIdReporting() > 0) {
			const d = new Date();
			const p2 = (n: number) => String(n).padStart(2, "0");
			this.host.info(`DATE = ${p2(d.getMonth() + 1)}${p2(d.getDate())}`);
			this.host.info(`TIME = ${p2(d.getHours())}${p2(d.getMinutes())}`);
			const number = o.number ?? "5550199";
			this.host.info(`NMBR = ${number === "" ? "P" : number}`);
			if ((o.name ?? "SIM CALLER") !== "") this.host.info(`NAME = ${o.name ?? "SIM CALLER"}`);
		}
		const s0 = this.host.autoAnswerRings();
		if (s0 > 0 && r.count >= s0) return this.host.autoAnswer();
		r.timer = this.host.after(o.ringIntervalMs ?? 6000, () => this.ring());
	}
}
