/**
 * Per-destination V.17 trouble memory (src/t30/destinations.ts, class1.md §2.4): the store key, the
 * marking rule, the ladder without V.17, and whole calls through Class1Session against the scripted far
 * end (farEnd.ts): a DCN right after the first V.17 TCF, or FTT to V.17 twice, makes the next call to the
 * same number train at V.29 from the start; other numbers and one-off FTTs are left alone; a custom or
 * failing store is honoured or survived.
 */
import test from "ava";
import { ManualClock } from "../../../src/core/Clock.js";
import { MemoryTracer } from "../../../src/core/trace.js";
import type { ModulationCode } from "../../../src/modem/Class1Link.js";
import { Class1Session, DESTINATION_STORE_TIMEOUT_MS } from "../../../src/t30/Class1Session.js";
import { destinationKey, MemoryDestinationStore, noteV17Training, type DestinationStore, type DestinationTraits, type V17Tally } from "../../../src/t30/destinations.js";
import { disRates } from "../../../src/t30/dis.js";
import { rateLadder } from "../../../src/t30/params.js";
import { drive, FarEnd, frame, type FarEndScript } from "./farEnd.js";
import { docOf, testPage } from "./helpers.js";

const V17_ONLY: ModulationCode[] = [73, 74, 97, 98, 121, 122, 145, 146];
const ALL: ModulationCode[] = [24, 48, 72, 73, 74, 96, 97, 98, 121, 122, 145, 146];

test("destinationKey: digits, * and # only; separators, + and dial modifiers dropped", (t) => {
	t.is(destinationKey("+1 (555) 0100"), "15550100");
	t.is(destinationKey("1-555-0100"), "15550100");
	t.is(destinationKey("T9,W555.0100"), "95550100");
	t.is(destinationKey("*31#5550100"), "*31#5550100");
	t.is(destinationKey(""), undefined);
	t.is(destinationKey(",,W"), undefined);
});

test("noteV17Training: DCN after the first V.17 TCF marks, after a later one does not", (t) => {
	const v17 = { modulation: "V.17" as const, bitRate: 14400 };
	const first: V17Tally = { tcfs: 0, ftts: 0 };
	t.is(noteV17Training(first, v17, "DCN"), "DCN after the first V.17 TCF (14400)");
	const later: V17Tally = { tcfs: 0, ftts: 0 };
	t.is(noteV17Training(later, v17, "other"), undefined, "no reply: repeated");
	t.is(noteV17Training(later, v17, "DCN"), undefined, "DCN after the second V.17 TCF");
	t.deepEqual(later, { tcfs: 2, ftts: 0 });
});

test("noteV17Training: the second FTT at V.17 marks once; V.29/V.27ter trainings never count", (t) => {
	const tally: V17Tally = { tcfs: 0, ftts: 0 };
	t.is(noteV17Training(tally, { modulation: "V.17", bitRate: 14400 }, "FTT"), undefined);
	t.is(noteV17Training(tally, { modulation: "V.29", bitRate: 9600 }, "FTT"), undefined);
	t.is(noteV17Training(tally, { modulation: "V.29", bitRate: 9600 }, "DCN"), undefined);
	t.is(noteV17Training(tally, { modulation: "V.17", bitRate: 12000 }, "FTT"), "FTT to V.17 training 2 times (last at 12000)");
	t.is(noteV17Training(tally, { modulation: "V.17", bitRate: 12000 }, "FTT"), undefined, "reported once");
	t.is(noteV17Training({ tcfs: 0, ftts: 0 }, { modulation: "V.17", bitRate: 14400 }, "CFR"), undefined);
	t.deepEqual(tally, { tcfs: 3, ftts: 3 });
});

test("rateLadder with avoidV17: V.29 and V.27ter only; V.17 kept when it is all the modem has", (t) => {
	const dis = { modemCode: 0xd }; // V.27ter, V.29, V.17
	t.true(disRates(0xd).some((r) => r.modulation === "V.17"), "the DIS offers V.17");
	t.deepEqual(
		rateLadder(dis, { transmitRates: ALL, avoidV17: true }).map((r) => `${r.modulation} ${r.bitRate}`),
		["V.29 9600", "V.29 7200", "V.27ter 4800", "V.27ter 2400"],
	);
	t.deepEqual(
		rateLadder(dis, { transmitRates: V17_ONLY, avoidV17: true }).map((r) => `${r.modulation} ${r.bitRate}`),
		rateLadder(dis, { transmitRates: V17_ONLY }).map((r) => `${r.modulation} ${r.bitRate}`),
	);
	t.is(rateLadder(dis, { transmitRates: ALL })[0]!.modulation, "V.17", "unmarked: V.17 first");
});

/** Two calls through one session (one memory), each against a fresh scripted far end. */
async function twoCalls(first: FarEndScript, numbers: [string, string], store?: DestinationStore) {
	const clock = new ManualClock();
	const trace = new MemoryTracer(clock);
	let far = new FarEnd(clock, first);
	const session = new Class1Session(() => far, { clock, tracer: trace, ...(store ? { destinations: store } : {}) });
	const send = (number: string) => drive(clock, session.send({ document: docOf([testPage(1)]), number, tsid: "faxline" }));
	const r1 = await send(numbers[0]);
	const far1 = far;
	far = new FarEnd(clock, {});
	const r2 = await send(numbers[1]);
	return { r1, r2, far1, far2: far, session, trace };
}

test("DCN right after the first V.17 TCF: REMOTE_DCN (retry), marked; the next call to the number trains at V.29", async (t) => {
	const { r1, r2, far1, far2, session, trace } = await twoCalls({ onTraining: (n) => (n === 1 ? [frame("DCN")] : [frame("CFR")]) }, ["+1 (555) 0100", "1-555-0100"]);
	t.is(r1.error?.code, "REMOTE_DCN");
	t.is(r1.error?.disposition, "retry");
	t.is(r1.error?.context?.v17Trouble, "DCN after the first V.17 TCF (14400)");
	t.deepEqual(far1.log.tcf.map((x) => x.mod), [145]);
	const traits = (await session.destinations.get("15550100")) as DestinationTraits;
	t.true(traits.v17Trouble);
	t.is(traits.v17TroubleReason, "DCN after the first V.17 TCF (14400)");
	t.is(typeof traits.v17TroubleSince, "number");
	t.true(r2.ok, r2.error?.message);
	t.deepEqual(far2.log.tcf.map((x) => x.mod), [96], "V.29 9600 long train, no V.17 TCF at all");
	t.is(far2.log.pages[0]!.mod, 96);
	t.like(r2.params, { modulation: "V.29", bitRate: 9600 });
	t.true(trace.records.some((r) => r.msg.includes("destination 15550100 has V.17 trouble")));
});

test("another number is not affected by a marked destination", async (t) => {
	const { r1, r2, far2 } = await twoCalls({ onTraining: (n) => (n === 1 ? [frame("DCN")] : [frame("CFR")]) }, ["5550100", "5550199"]);
	t.is(r1.error?.code, "REMOTE_DCN");
	t.true(r2.ok);
	t.deepEqual(far2.log.tcf.map((x) => x.mod), [145]);
});

test("FTT at V.17 14400 and 12000, CFR at V.29: the call succeeds and the destination is marked", async (t) => {
	const { r1, r2, far1, far2, session } = await twoCalls({ onTraining: (_n, rate) => [frame(rate!.modulation === "V.17" ? "FTT" : "CFR")] }, ["5550100", "5550100"]);
	t.true(r1.ok, r1.error?.message);
	t.deepEqual(far1.log.tcf.map((x) => x.mod), [145, 121, 96]);
	t.like(await session.destinations.get("5550100"), { v17Trouble: true, v17TroubleReason: "FTT to V.17 training 2 times (last at 12000)" });
	t.true(r2.ok);
	t.deepEqual(far2.log.tcf.map((x) => x.mod), [96]);
});

test("one FTT at V.17 then CFR at V.17 12000, or a DCN after a repeated TCF: not marked", async (t) => {
	const a = await twoCalls({ onTraining: (n) => [frame(n === 1 ? "FTT" : "CFR")] }, ["5550100", "5550100"]);
	t.true(a.r1.ok);
	t.deepEqual(a.far1.log.tcf.map((x) => x.mod), [145, 121]);
	t.is(await a.session.destinations.get("5550100"), undefined);
	t.deepEqual(a.far2.log.tcf.map((x) => x.mod), [145]);

	const b = await twoCalls({ onTraining: (n) => (n === 1 ? [] : [frame("DCN")]) }, ["5550100", "5550100"]);
	t.is(b.r1.error?.code, "REMOTE_DCN");
	t.deepEqual(b.far1.log.tcf.map((x) => x.mod), [145, 145], "silence, then DCN to the second TCF");
	t.is(await b.session.destinations.get("5550100"), undefined);
});

test("a custom async store is read before and written after the call", async (t) => {
	const log: string[] = [];
	const data = new Map<string, DestinationTraits>([["5550100", { v17Trouble: true, v17TroubleReason: "set by the operator" }]]);
	const store: DestinationStore = {
		get: async (k) => (log.push(`get ${k}`), data.get(k)),
		set: async (k, v) => void (log.push(`set ${k} ${String(v.v17Trouble)}`), data.set(k, v)),
	};
	const { r1, far1 } = await twoCalls({}, ["555 0100", "5550100"], store);
	t.true(r1.ok);
	t.deepEqual(far1.log.tcf.map((x) => x.mod), [96], "remembered trouble from the store");
	t.deepEqual(log, ["get 5550100", "get 5550100"], "nothing new learned, nothing written");
});

test("a store that throws is traced and the call goes on as if nothing were known", async (t) => {
	const store: DestinationStore = {
		get: () => {
			throw new Error("disk gone");
		},
		set: () => Promise.reject(new Error("read-only")),
	};
	const { r1, r2, trace } = await twoCalls({ onTraining: (n) => (n === 1 ? [frame("DCN")] : [frame("CFR")]) }, ["5550100", "5550100"], store);
	t.is(r1.error?.code, "REMOTE_DCN");
	t.true(r2.ok);
	const errors = trace.channel("error").map((r) => r.msg);
	t.true(errors.includes("destination store get failed: disk gone"));
	t.true(errors.includes("destination store set failed: read-only"));
});

test("a store that never answers is given up after 2 s each way; the call still happens", async (t) => {
	const store: DestinationStore = { get: () => new Promise(() => undefined), set: () => new Promise(() => undefined) };
	const { r1, r2, far2, trace } = await twoCalls({ onTraining: (n) => (n === 1 ? [frame("DCN")] : [frame("CFR")]) }, ["5550100", "5550100"], store);
	t.is(r1.error?.code, "REMOTE_DCN");
	t.true(r2.ok);
	t.deepEqual(far2.log.tcf.map((x) => x.mod), [145], "nothing could be remembered");
	const errors = trace.channel("error").map((r) => r.msg);
	t.true(errors.includes(`destination store get failed: get did not answer within ${DESTINATION_STORE_TIMEOUT_MS} ms`));
	t.true(errors.includes(`destination store set failed: set did not answer within ${DESTINATION_STORE_TIMEOUT_MS} ms`));
});

test("the default store is in memory and per session", async (t) => {
	const clock = new ManualClock();
	const a = new Class1Session(new FarEnd(clock, { onTraining: (n) => (n === 1 ? [frame("DCN")] : [frame("CFR")]) }), { clock });
	const b = new Class1Session(new FarEnd(clock, {}), { clock });
	const r = await drive(clock, a.send({ document: docOf([testPage(1)]), number: "5550100" }));
	t.is(r.error?.code, "REMOTE_DCN");
	t.true(a.destinations instanceof MemoryDestinationStore);
	t.is((a.destinations as MemoryDestinationStore).size, 1);
	t.like(await a.destinations.get("5550100"), { v17Trouble: true });
	t.is(await b.destinations.get("5550100"), undefined);
});
