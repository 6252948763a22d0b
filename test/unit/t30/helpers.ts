/** Test helper: documents and a one-call runner for Class1Session against the FarEnd fake. */
import { createBitmap, type FaxPage, type FaxPageSource } from "../../../src/core/bitmap.js";
import { ManualClock } from "../../../src/core/Clock.js";
import { MemoryTracer } from "../../../src/core/trace.js";
import type { SendEvent, SendResult } from "../../../src/modem/FaxModem.js";
import { Class1Session, type Class1SessionOptions } from "../../../src/t30/Class1Session.js";
import { drive, FarEnd, type FarEndScript } from "./farEnd.js";

/** A page with a seeded pattern of bars, boxes and noise so every row differs. */
export function testPage(seed: number, opts: { width?: number; height?: number; yRes?: number } = {}): FaxPage {
	const width = opts.width ?? 1728;
	const height = opts.height ?? 48;
	const bm = createBitmap(width, height);
	let s = seed * 2654435761 >>> 0 || 1;
	const rnd = () => ((s = (s * 1103515245 + 12345) >>> 0), s >>> 8);
	for (let y = 0; y < height; y++) {
		for (let x = 0; x < width; x++) {
			const box = ((x >> 5) + (y >> 3) + seed) % 5 === 0;
			const bar = (x + y * seed) % 97 < 3;
			const noise = (x > width - 200 && rnd() % 7 === 0);
			if (box || bar || noise) bm.data[y * bm.stride + (x >> 3)]! |= 0x80 >> (x & 7);
		}
	}
	return { bitmap: bm, xRes: 204, yRes: opts.yRes ?? 196 };
}

export function docOf(pages: FaxPage[]): FaxPageSource & { fetched: number[] } {
	const fetched: number[] = [];
	return {
		pageCount: pages.length,
		fetched,
		async page(i: number) {
			fetched.push(i);
			return pages[i]!;
		},
	};
}

export interface CallOutcome {
	result: SendResult;
	events: SendEvent[];
	far: FarEnd;
	trace: MemoryTracer;
	clock: ManualClock;
	states: string[];
}

/** Short timers are not needed (ManualClock) but keep the defaults visible in failures. */
export async function call(
	script: FarEndScript = {},
	o: { opts?: Class1SessionOptions; pages?: FaxPage[]; number?: string; signal?: AbortSignal; tsid?: string; onEvent?: (e: SendEvent) => void } = {},
): Promise<CallOutcome> {
	const clock = new ManualClock();
	const trace = new MemoryTracer(clock);
	const far = new FarEnd(clock, script);
	const session = new Class1Session(far, { clock, tracer: trace, ...(o.opts ?? {}) });
	const events: SendEvent[] = [];
	const pages = o.pages ?? [testPage(1), testPage(2), testPage(3)];
	const result = await drive(
		clock,
		session.send({
			document: docOf(pages),
			number: o.number ?? "555-0100",
			tsid: o.tsid ?? "+1 555 0199",
			onEvent: (e) => (events.push(e), o.onEvent?.(e)),
			...(o.signal ? { signal: o.signal } : {}),
		}),
	);
	return { result, events, far, trace, clock, states: trace.states() };
}

/** The call's events in order as short strings; the frequent `pageProgress` events are left out (checked on their own). */
export const types = (ev: SendEvent[]): string[] => ev.filter((e) => e.type !== "pageProgress").map((e) => (e.type === "training" ? `training:${e.result}@${e.bitRate}` : e.type === "pageEnd" ? `pageEnd:${e.page}:${e.result}:${e.confirmed ? "ok" : "not"}` : e.type === "pageStart" ? `pageStart:${e.page}` : e.type));
