/**
 * Class1Session: the FaxModem (modem/FaxModem.ts, the seam the job layer sees) implemented by the T.30
 * transmitter in transmit.ts over a Class1Link (architecture.md "Session seam"). One call at a time.
 * Consults and updates the per-destination memory (destinations.ts: V.17 trouble, class1.md §2.4).
 * Layer: t30.
 */
import { SystemClock, withTimeout, type Clock } from "../core/Clock.js";
import { FaxError } from "../core/FaxError.js";
import { nullTracer, teeTracer, type Tracer } from "../core/trace.js";
import type { FaxModem, ReceiveRequest, ReceiveResult, SendRequest, SendResult } from "../modem/FaxModem.js";
import type { Class1Link } from "../modem/Class1Link.js";
import type { EcmSettings } from "./callState.js";
import { T30Context } from "./context.js";
import { defaultRtnResends, type RtnPolicy } from "./decisions.js";
import type { EcmRetryPolicy } from "./ecmDecisions.js";
import { destinationKey, MemoryDestinationStore, type DestinationStore, type DestinationTraits } from "./destinations.js";
import type { RowEncoderFactory } from "../page/pageData.js";
import { t4EncoderFactory } from "../page/t4Encoder.js";
import { resolveTimers, type T30Timers } from "./timers.js";
import { transmit } from "./transmit.js";
import type { CopyQualityLimits } from "./copyQuality.js";
import { receivableRates } from "./answerDis.js";
import { receiveCall, type AnsweringLink } from "./receiveCall.js";
import type { TcfLimits } from "./tcfCheck.js";

export interface Class1SessionOptions {
	/** receiving: copy-quality limits deciding MCF/RTP/RTN (t30/copyQuality.ts defaults) */
	copyQuality?: CopyQualityLimits;
	/** receiving: TCF judgement limits (t30/tcfCheck.ts defaults, HylaFAX/SpanDSP) */
	tcfLimits?: TcfLimits;
	/** receiving: offer ECM with T.6 (MMR) in our DIS (default false) */
	receiveEcm?: boolean;
	/** device identity reported as FaxModem.id (default "class1") */
	id?: string;
	/** default TSI when the request has none (≤ 20 printable characters) */
	tsid?: string;
	/** what to do after RTN (default "retransmit-ignore"; class1.md §2.6) */
	rtnPolicy?: RtnPolicy;
	/** resends after RTN for the retransmit policies (default 3 for "retransmit", 2 for "retransmit-ignore") */
	maxRtnResends?: number;
	/** T.30 timer overrides, ms (defaults in t30/timers.ts) */
	timers?: Partial<T30Timers>;
	/** protocol trace sink (default none); see also `tracerForCall` */
	tracer?: Tracer;
	/** a tracer per call, e.g. a JsonlTracer file (combined with `tracer`) */
	tracerForCall?: (req: SendRequest | ReceiveRequest) => Tracer;
	/** called after each call, e.g. to close a per-call JsonlTracer */
	afterCall?: (result: SendResult | ReceiveResult, tracer: Tracer) => void | Promise<void>;
	/** clock for every timer (default SystemClock; tests pass a ManualClock) */
	clock?: Clock;
	/** highest bit rate to use, bit/s (default 14400) */
	maxRate?: number;
	/** lowest bit rate before TRAINING_FAILED, bit/s (default 2400) */
	minRate?: number;
	/** send T.4 2-D (MR) when offered (default true) */
	allowMr?: boolean;
	/** use error correction mode when the far end offers it and the profile allows it (default true; `--no-ecm` sets false) */
	useEcm?: boolean;
	/** after the 4th PPR of a block: "ctc" (default: CTC down the rate ladder, then EOR) or "eor" (EOR at once) */
	ecmRetryPolicy?: EcmRetryPolicy;
	/** send T.6 (MMR) under ECM when offered (default true) */
	allowMmr?: boolean;
	/** numbers never dialled besides the emergency numbers (digits) -> BLACKLISTED; rule in core/dialString.ts */
	blockList?: readonly string[];
	/** numbers dialled although blocked (an entry such as "911" or a whole number such as "9911"); default none */
	allowNumbers?: readonly string[];
	/** replaces the default emergency list (core/dialString.ts EMERGENCY_NUMBERS: 911 112 999 000 110 119) */
	emergencyNumbers?: readonly string[];
	/**
	 * ECM as the modem profile allows it (session/class1.ts fills it from drivers class1.ecmSupport /
	 * ecmFrameSize / persistentEcm); default enabled, 256-octet frames, persistent. `useEcm: false` wins.
	 */
	ecm?: EcmSettings;
	/** page encoder (default src/t4 T4Encoder) */
	encoderFactory?: RowEncoderFactory;
	/** what earlier calls taught about each destination (default: a MemoryDestinationStore per session) */
	destinations?: DestinationStore;
}

/** Bound on one destination-store get/set, ms: a hung store must not hold the call (the store is the caller's code). */
export const DESTINATION_STORE_TIMEOUT_MS = 2000;

/** The link itself or a function that opens it for a call. */
export type Class1LinkSource = Class1Link | (() => Class1Link | Promise<Class1Link>);

export class Class1Session implements FaxModem {
	readonly id: string;
	/** the per-destination memory this session reads and writes */
	readonly destinations: DestinationStore;
	private busy = false;
	private closed = false;

	constructor(
		private readonly link: Class1LinkSource,
		private readonly opts: Class1SessionOptions = {},
		private readonly onClose?: () => Promise<void>,
	) {
		this.id = opts.id ?? "class1";
		this.destinations = opts.destinations ?? new MemoryDestinationStore();
	}

	async send(req: SendRequest): Promise<SendResult> {
		if (this.closed) throw new FaxError("PORT_CLOSED", "session is closed");
		if (this.busy) throw new FaxError("AT_BUSY_CHANNEL", "a call is already in progress on this modem");
		this.busy = true;
		try {
			return await this.run(req);
		} finally {
			this.busy = false;
		}
	}

	/**
	 * Wait for a call, answer it after `req.rings` RINGs and receive it with the host T.30 answerer
	 * (t30/receiveCall.ts, receive.ts) into `req.sink`. Never throws for a call failure.
	 */
	async receive(req: ReceiveRequest): Promise<ReceiveResult> {
		if (this.closed) throw new FaxError("PORT_CLOSED", "session is closed");
		if (this.busy) throw new FaxError("AT_BUSY_CHANNEL", "a call is already in progress on this modem");
		this.busy = true;
		try {
			const o = this.opts;
			const clock = o.clock ?? new SystemClock();
			const perCall = o.tracerForCall?.(req); // the daemon's per-call JSONL file (it covers the wait for the RING too)
			const base = o.tracer ?? nullTracer;
			const tracer: Tracer = perCall ? teeTracer(base, perCall) : base;
			let link: Class1Link;
			try {
				link = typeof this.link === "function" ? await this.link() : this.link;
			} catch (e) {
				const error = e instanceof FaxError ? e : new FaxError("PORT_OPEN_FAILED", `cannot open the modem: ${e instanceof Error ? e.message : String(e)}`, { cause: e });
				return { ok: false, pagesReceived: 0, tsid: "", error };
			}
			if (!("waitForRings" in link)) throw new FaxError("NOT_IMPLEMENTED", "this Class 1 link cannot wait for calls");
			const rates = (link as { receiveRates?: Class1Link["transmitRates"] }).receiveRates ?? link.transmitRates;
			const caps = { receiveRates: rates, ...(o.maxRate ? { maxRate: o.maxRate } : {}), ...(o.receiveEcm ? { ecm: true } : {}) };
			if (receivableRates(caps).length === 0) throw new FaxError("MODEM_NO_RATES", "the modem reports no receive rate we can use (AT+FRM=?)");
			const csid = req.csid ?? o.tsid;
			let result: ReceiveResult | undefined;
			try {
				result = await receiveCall(
					link as AnsweringLink,
					{ clock, tracer, timers: resolveTimers(o.timers) },
					{ sink: req.sink, rings: req.rings ?? 1, ...(req.autoAnswer ? { autoAnswer: true } : {}), ...(req.signal ? { signal: req.signal } : {}), ...(req.onEvent ? { onEvent: req.onEvent } : {}) },
					{ caps, ...(csid ? { csid } : {}), ...(o.copyQuality ? { quality: o.copyQuality } : {}), ...(o.tcfLimits ? { tcf: o.tcfLimits } : {}) },
				);
				return result;
			} finally {
				if (o.afterCall) await o.afterCall(result ?? { ok: false, pagesReceived: 0, tsid: "" }, perCall ?? tracer);
			}
		} finally {
			this.busy = false;
		}
	}

	private async run(req: SendRequest): Promise<SendResult> {
		const o = this.opts;
		const clock = o.clock ?? new SystemClock();
		const perCall = o.tracerForCall?.(req);
		const base = o.tracer ?? nullTracer;
		const tracer: Tracer = perCall ? teeTracer(base, perCall) : base;
		let link: Class1Link;
		try {
			link = typeof this.link === "function" ? await this.link() : this.link;
		} catch (e) {
			const error = e instanceof FaxError ? e : new FaxError("PORT_OPEN_FAILED", `cannot open the modem: ${e instanceof Error ? e.message : String(e)}`, { cause: e });
			return { ok: false, pagesConfirmed: 0, pagesSent: 0, unconfirmedPages: [], csid: "", error };
		}
		const signal = req.signal ?? new AbortController().signal;
		const ctx = new T30Context(link, clock, tracer, signal, resolveTimers(o.timers), req.onEvent ?? (() => {}));
		const policy = o.rtnPolicy ?? "retransmit-ignore";
		const tsid = req.tsid ?? o.tsid;
		const key = destinationKey(req.number);
		const known = key === undefined ? undefined : await this.recall(key, clock, tracer);
		if (known?.v17Trouble) tracer.trace("info", "-", `destination ${key} has V.17 trouble (${known.v17TroubleReason ?? "remembered"}): V.17 left out`);
		if (known?.ecmTrouble) tracer.trace("info", "-", `destination ${key} has ECM trouble (${known.ecmTroubleReason ?? "remembered"}): ECM left out`);
		else if (known?.mmrTrouble) tracer.trace("info", "-", `destination ${key} has MMR trouble (${known.mmrTroubleReason ?? "remembered"}): ECM without MMR`);
		const ecmSettings: EcmSettings = {
			enabled: (o.ecm?.enabled ?? true) && o.useEcm !== false && !known?.ecmTrouble,
			frameSize: o.ecm?.frameSize ?? 256,
			persistent: o.ecm?.persistent ?? true,
		};
		const local = {
			transmitRates: link.transmitRates,
			allowMr: o.allowMr ?? true,
			ecm: ecmSettings.enabled,
			allowMmr: (o.allowMmr ?? true) && !known?.mmrTrouble,
			ecmFrameSize: ecmSettings.frameSize,
			...(o.maxRate ? { maxRate: o.maxRate } : {}),
			...(o.minRate ? { minRate: o.minRate } : {}),
			...(known?.v17Trouble ? { avoidV17: true } : {}),
		};
		let v17Trouble: string | undefined;
		let ecmTrouble: { kind: "ecm" | "mmr"; reason: string } | undefined;
		const result = await transmit(ctx, { document: req.document, number: req.number, ...(req.allowNumbers ? { allowNumbers: req.allowNumbers } : {}) }, {
			...(tsid ? { tsid } : {}),
			rtnPolicy: policy,
			maxRtnResends: o.maxRtnResends ?? defaultRtnResends(policy),
			local,
			dialPolicy: {
				blockList: o.blockList ?? [],
				allowNumbers: o.allowNumbers ?? [],
				...(o.emergencyNumbers ? { emergencyNumbers: o.emergencyNumbers } : {}),
			},
			encoderFactory: o.encoderFactory ?? t4EncoderFactory,
			ecm: ecmSettings,
			...(o.ecmRetryPolicy ? { ecmRetryPolicy: o.ecmRetryPolicy } : {}),
			onV17Trouble: (reason) => (v17Trouble = reason),
			onEcmTrouble: (kind, reason) => (ecmTrouble = { kind, reason }),
		});
		if (key !== undefined && (v17Trouble !== undefined || ecmTrouble !== undefined)) {
			const now = Date.now();
			const traits: DestinationTraits = { ...known };
			if (v17Trouble !== undefined) Object.assign(traits, { v17Trouble: true, v17TroubleReason: v17Trouble, v17TroubleSince: now });
			if (ecmTrouble?.kind === "ecm") Object.assign(traits, { ecmTrouble: true, ecmTroubleReason: ecmTrouble.reason, ecmTroubleSince: now });
			if (ecmTrouble?.kind === "mmr") Object.assign(traits, { mmrTrouble: true, mmrTroubleReason: ecmTrouble.reason, mmrTroubleSince: now });
			await this.remember(key, traits, clock, tracer);
		}
		if (o.afterCall) await o.afterCall(result, perCall ?? tracer);
		return result;
	}

	/** The store's traits for `key`; a failing or hung store is traced and treated as empty. */
	private async recall(key: string, clock: Clock, tracer: Tracer): Promise<DestinationTraits | undefined> {
		try {
			return await this.bounded(() => this.destinations.get(key), clock, "get");
		} catch (e) {
			tracer.trace("error", "-", `destination store get failed: ${e instanceof Error ? e.message : String(e)}`);
			return undefined;
		}
	}

	/** Write `traits` for `key`; a failing or hung store is traced, never fails the call. */
	private async remember(key: string, traits: DestinationTraits, clock: Clock, tracer: Tracer): Promise<void> {
		try {
			await this.bounded(() => this.destinations.set(key, traits), clock, "set");
			const what = [
				traits.v17Trouble ? `V.17 trouble (${traits.v17TroubleReason})` : "",
				traits.ecmTrouble ? `ECM trouble (${traits.ecmTroubleReason})` : "",
				traits.mmrTrouble ? `MMR trouble (${traits.mmrTroubleReason})` : "",
			].filter(Boolean);
			tracer.trace("info", "-", `destination ${key} remembered: ${what.join(", ")}`);
		} catch (e) {
			tracer.trace("error", "-", `destination store set failed: ${e instanceof Error ? e.message : String(e)}`);
		}
	}

	private bounded<T>(op: () => T | Promise<T>, clock: Clock, what: string): Promise<T> {
		return withTimeout(
			new Promise<T>((resolve) => resolve(op())),
			DESTINATION_STORE_TIMEOUT_MS,
			{ clock, onTimeout: () => new Error(`${what} did not answer within ${DESTINATION_STORE_TIMEOUT_MS} ms`) },
		);
	}

	async close(): Promise<void> {
		if (this.closed) return;
		this.closed = true;
		await this.onClose?.();
	}
}
