/**
 * Test helper: a scripted far-end fax behind a fake Class1Link (T.31 primitives), driven by a ManualClock.
 * It answers with CSI+DIS, checks TCF, decodes pages with src/t4's decoder using the DCS it received,
 * answers post-page messages, and records everything the engine did (frames, gaps, modulations).
 * Replies are scripted with hooks; silence is simply "nothing queued" so the engine's timer runs out.
 */
import type { Bitmap } from "../../../src/core/bitmap.js";
import type { ManualClock } from "../../../src/core/Clock.js";
import { FaxError } from "../../../src/core/FaxError.js";
import { buildFrame, parseFrame, type HdlcFrame } from "../../../src/hdlc/frame.js";
import type { AnswerOutcome, Class1Link, DataOutcome, DialOutcome, ModulationCode, ReceivedFrame, TurnaroundKind } from "../../../src/modem/Class1Link.js";
import { buildDis, dcsRate, dcsWidth, emptyDis, encodeId, parseDis, type DisFields, type Rate } from "../../../src/t30/dis.js";
import { Fcf, fcfName } from "../../../src/t30/fcf.js";
import { decodeToBitmap } from "../../../src/t4/index.js";

/** One thing the far end "says": a frame (final unless told), or a line event. */
export type Say = { fcf: number; fif?: Uint8Array; final?: boolean; badFcs?: boolean } | "noCarrier" | "fcError";

export interface ReceivedPage {
	bitmap: Bitmap;
	badLines: number;
	dcs: DisFields;
	bytes: number;
	mod: ModulationCode;
}

export interface Log {
	/** everything in order: "dial", "tx DCS", "rx CFR", "data 145 2700", "FTS 75", "FRS 75", "hangup" */
	events: string[];
	/** frames the engine sent */
	sent: HdlcFrame[];
	dcs: DisFields[];
	tcf: { mod: ModulationCode; bytes: number; allZero: boolean }[];
	pages: ReceivedPage[];
	ppms: string[];
	hangups: number;
	dialed: string[];
}

export interface FarEndScript {
	dial?: DialOutcome | ((signal?: AbortSignal) => Promise<DialOutcome>);
	/** frames after connect (default CSI "+1 555 0100" non-final, DIS final) */
	greeting?: Say[];
	dis?: DisFields;
	csi?: string;
	/** reply to DCS+TCF; n = 1-based DCS count (default CFR) */
	onTraining?: (n: number, rate: Rate | undefined, tcfOk: boolean, far: FarEnd) => Say[];
	/** reply to a PPM; page = 1-based document page (a received page equal to the previous one is a resend), n = 1-based PPM count for that page */
	onPpm?: (ppm: string, page: number, n: number, far: FarEnd) => Say[];
	/** what to say right after the MCF to EOM (default: CSI + DIS again) */
	afterEom?: Say[];
	/** modulations the local modem offers */
	transmitRates?: ModulationCode[];
	/** give the link a profile-style `turnaround(kind)` (logged as "turn <kind>") */
	turnaround?: boolean;
	/** make the n-th sendData (1-based, TCF included) fail like a modem that lost the line mid-block */
	failData?: (n: number) => FaxError | undefined;
	/** called when the engine starts sending data (for aborts in phase C) */
	onDataStart?: () => void;
}

export const ALL_RATES: ModulationCode[] = [24, 48, 72, 73, 74, 96, 97, 98, 121, 122, 145, 146];

/** A typical DIS: V.27ter+V.29+V.17, fine, 2-D, A4..A3 width, unlimited length, 0 ms scan time. */
export function standardDis(over: Partial<DisFields> = {}): DisFields {
	const d = emptyDis();
	Object.assign(d, { t4Receiver: true, modemCode: 0xd, fine: true, twoD: true, lengthUnlimited: true, minScanCode: 7 }, over);
	return d;
}

export const frame = (name: keyof typeof Fcf, fif?: Uint8Array, final = true): Say => ({ fcf: Fcf[name] | 0, ...(fif ? { fif } : {}), final });

export class FarEnd implements Class1Link {
	readonly transmitRates: readonly ModulationCode[];
	readonly log: Log = { events: [], sent: [], dcs: [], tcf: [], pages: [], ppms: [], hangups: 0, dialed: [] };
	private outbox: Say[] = [];
	private pendingDcs: DisFields | undefined;
	private trainings = 0;
	private ppmCounts = new Map<number, number>();
	/** 1-based document page of the last page received */
	docPage = 0;
	private dataCalls = 0;
	private lastDcs: DisFields | undefined;

	constructor(
		readonly clock: ManualClock,
		readonly script: FarEndScript = {},
	) {
		this.transmitRates = script.transmitRates ?? ALL_RATES;
		if (script.turnaround)
			this.turnaround = async (kind: TurnaroundKind, signal?: AbortSignal) => {
				this.log.events.push(`turn ${kind}`);
				await this.clock.sleep(kind === "eop" ? 90 : kind === "response" ? 0 : 70, signal);
			};
	}

	turnaround?: (kind: TurnaroundKind, signal?: AbortSignal) => Promise<void>;

	get dis(): DisFields {
		return this.script.dis ?? standardDis();
	}

	greeting(): Say[] {
		return this.script.greeting ?? [frame("CSI", encodeId(this.script.csi ?? "+1 555 0100"), false), frame("DIS", buildDis(this.dis))];
	}

	/** Queue frames for the engine to receive. */
	say(...s: Say[]): void {
		this.outbox.push(...s);
	}

	async dial(number: string, signal?: AbortSignal): Promise<DialOutcome> {
		this.log.events.push("dial");
		this.log.dialed.push(number);
		const d = this.script.dial ?? { kind: "connect" };
		const o = typeof d === "function" ? await d(signal) : d;
		if (o.kind === "connect") this.say(...this.greeting());
		return o;
	}

	async receiveFrame(timeoutMs: number, signal?: AbortSignal): Promise<ReceivedFrame> {
		await Promise.resolve();
		const s = this.outbox.shift();
		if (s === undefined) {
			await this.clock.sleep(timeoutMs, signal);
			this.log.events.push("rx timeout");
			return { kind: "timeout" };
		}
		if (s === "noCarrier" || s === "fcError") {
			this.log.events.push(`rx ${s}`);
			return { kind: s };
		}
		const f = buildFrame(s.fcf, s.fif, s.final ?? true);
		this.log.events.push(`rx ${fcfName(s.fcf) ?? s.fcf.toString(16)}${s.badFcs ? " badFCS" : ""}`);
		return { kind: "frame", frame: f, fcsOk: !s.badFcs };
	}

	async sendFrames(frames: readonly Uint8Array[], signal?: AbortSignal): Promise<void> {
		if (signal?.aborted) throw new FaxError("CALL_ABORTED", "aborted");
		frames.forEach((b, i) => {
			const want = i === frames.length - 1 ? 0x13 : 0x03;
			if (b[1] !== want) throw new Error(`frame ${i} has control 0x${b[1]!.toString(16)}`);
		});
		for (const b of frames) {
			const f = parseFrame(b);
			this.log.sent.push(f);
			const name = fcfName(f.fcf) ?? f.fcf.toString(16);
			this.log.events.push(`tx ${name}`);
			if (name === "DCS") {
				this.pendingDcs = parseDis(f.fif);
				this.lastDcs = this.pendingDcs;
				this.log.dcs.push(this.pendingDcs);
			}
		}
		await this.clock.sleep(10, signal); // V.21 frames take time
		const last = parseFrame(frames[frames.length - 1]!);
		const name = fcfName(last.fcf);
		if (name === "MPS" || name === "EOM" || name === "EOP") {
			this.log.ppms.push(name);
			const page = this.docPage;
			const n = (this.ppmCounts.get(page) ?? 0) + 1;
			this.ppmCounts.set(page, n);
			const reply = this.script.onPpm ? this.script.onPpm(name, page, n, this) : [frame("MCF")];
			this.say(...reply);
			if (name === "EOM" && reply.some((r) => typeof r === "object" && r.fcf === Fcf.MCF)) this.say(...(this.script.afterEom ?? this.greeting()));
		}
	}

	async sendData(mod: ModulationCode, data: Uint8Array | AsyncIterable<Uint8Array>, signal?: AbortSignal): Promise<void> {
		this.script.onDataStart?.();
		const failure = this.script.failData?.(++this.dataCalls);
		if (failure) {
			this.log.events.push(`data ${mod} failed ${failure.code}`);
			throw failure;
		}
		const parts: Uint8Array[] = [];
		if (data instanceof Uint8Array) parts.push(data);
		else
			for await (const c of data) {
				if (signal?.aborted) throw new FaxError("CALL_ABORTED", "aborted in data (DLE ETX sent)");
				parts.push(c.slice());
				await new Promise((r) => setImmediate(r));
			}
		if (signal?.aborted) throw new FaxError("CALL_ABORTED", "aborted in data (DLE ETX sent)");
		const bytes = concat(parts);
		this.log.events.push(`data ${mod} ${bytes.length}`);
		if (this.pendingDcs) {
			const dcs = this.pendingDcs;
			this.pendingDcs = undefined;
			const rate = dcsRate(dcs.modemCode);
			const allZero = bytes.every((b) => b === 0);
			this.log.tcf.push({ mod, bytes: bytes.length, allZero });
			const ok = !!rate && rate.longTrain === mod && allZero && bytes.length >= Math.floor((rate.bitRate * 1.35) / 8);
			this.trainings++;
			this.say(...(this.script.onTraining ? this.script.onTraining(this.trainings, rate, ok, this) : [frame(ok ? "CFR" : "FTT")]));
			return;
		}
		const dcs = this.lastDcs!;
		const width = dcsWidth(dcs);
		const r = decodeToBitmap(bytes, { coding: dcs.twoD ? "mr" : "mh", width, bitOrder: "lsb" });
		const prev = this.log.pages[this.log.pages.length - 1];
		if (!prev || !sameBitmap(prev.bitmap, r.bitmap)) this.docPage++;
		this.log.pages.push({ bitmap: r.bitmap, badLines: r.badLines, dcs, bytes: bytes.length, mod });
	}

	async transmitSilence(ms: number, signal?: AbortSignal): Promise<void> {
		this.log.events.push(`FTS ${ms}`);
		await this.clock.sleep(ms, signal);
	}

	async receiveSilence(ms: number, signal?: AbortSignal): Promise<void> {
		this.log.events.push(`FRS ${ms}`);
		await this.clock.sleep(ms, signal);
	}

	/** This far end only answers our calls (the engine as caller); receive-side fakes come with issue 10. */
	async answer(): Promise<AnswerOutcome> {
		throw new FaxError("NOT_IMPLEMENTED", "FarEnd fake: answer");
	}

	async receiveData(): Promise<DataOutcome> {
		throw new FaxError("NOT_IMPLEMENTED", "FarEnd fake: receiveData");
	}

	async hangup(): Promise<void> {
		this.log.hangups++;
		this.log.events.push("hangup");
	}
}

const sameBitmap = (a: Bitmap, b: Bitmap): boolean => a.width === b.width && a.height === b.height && a.data.every((x, i) => x === b.data[i]);

function concat(parts: Uint8Array[]): Uint8Array {
	const out = new Uint8Array(parts.reduce((a, p) => a + p.length, 0));
	let o = 0;
	for (const p of parts) {
		out.set(p, o);
		o += p.length;
	}
	return out;
}

/** Run `p` while moving the ManualClock from timer to timer whenever everything else is idle. */
export async function drive<T>(clock: ManualClock, p: Promise<T>, maxSteps = 200_000): Promise<T> {
	let done = false;
	p.then(
		() => (done = true),
		() => (done = true),
	);
	for (let i = 0; i < maxSteps && !done; i++) {
		await new Promise((r) => setImmediate(r));
		if (done) break;
		if (clock.pending > 0) await clock.runUntilIdle(1);
	}
	if (!done) throw new Error("drive: the call did not finish");
	return p;
}
