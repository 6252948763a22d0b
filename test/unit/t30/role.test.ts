/**
 * The role-neutral T30Context (issue 8): the X bit of every FCF sent follows the role (T.30 §5.3.6.1:
 * 1 from the station that received DIS, 0 from the one that sent it), DIS/CSI never carry one, and
 * `enter` records the typed flow-chart node on the state channel.
 */
import test from "ava";
import { ManualClock } from "../../../src/core/Clock.js";
import { MemoryTracer } from "../../../src/core/trace.js";
import type { Class1Link } from "../../../src/modem/Class1Link.js";
import type { FaxEvent } from "../../../src/modem/FaxModem.js";
import { answererRole, callerRole, T30Context, type T30Role } from "../../../src/t30/context.js";
import { Fcf } from "../../../src/t30/fcf.js";
import { resolveTimers } from "../../../src/t30/timers.js";

function rig(role: T30Role) {
	const sent: number[][] = [];
	const link = { sendFrames: async (fs: readonly Uint8Array[]) => void sent.push(...fs.map((f) => [...f])) } as unknown as Class1Link;
	const clock = new ManualClock();
	const tracer = new MemoryTracer(clock);
	const events: FaxEvent[] = [];
	const ctx = new T30Context<FaxEvent>(link, clock, tracer, new AbortController().signal, resolveTimers(), (e) => events.push(e), role);
	return { ctx, sent, tracer, events };
}

test("caller (received DIS): DCS and DCN go out with X = 1", async (t) => {
	const { ctx, sent } = rig(callerRole());
	await ctx.send([{ fcf: Fcf.DCS, fif: Uint8Array.of(0, 0x46) }]);
	await ctx.send([{ fcf: Fcf.DCN }]);
	t.deepEqual(sent.map((f) => f[2]), [Fcf.DCS | 1, Fcf.DCN | 1]);
});

test("answerer (sent DIS): CSI/DIS unchanged, CFR and MCF with X = 0; after receiving a DIS (turnaround) X = 1", async (t) => {
	const role = answererRole();
	const { ctx, sent } = rig(role);
	await ctx.send([{ fcf: Fcf.CSI, fif: Uint8Array.of(0x20) }, { fcf: Fcf.DIS, fif: Uint8Array.of(0, 0x46) }]);
	await ctx.send([{ fcf: Fcf.CFR }]);
	await ctx.send([{ fcf: Fcf.MCF }]);
	role.disReceived = true;
	await ctx.send([{ fcf: Fcf.MCF }]);
	t.deepEqual(sent.map((f) => f[2]), [Fcf.CSI, Fcf.DIS, Fcf.CFR, Fcf.MCF, Fcf.MCF | 1]);
	t.deepEqual(sent.map((f) => f[1]), [0x03, 0x13, 0x13, 0x13, 0x13]);
	t.is(role.station, "answerer");
});

test("enter() keeps the node and traces phase:node; emit() takes receive events too", (t) => {
	const { ctx, tracer, events } = rig(answererRole());
	ctx.enter("B", "R");
	ctx.enter("C", "F_DOC_NON_ECM");
	t.is(ctx.node, "F_DOC_NON_ECM");
	t.deepEqual(tracer.states(), ["B:R", "C:F_DOC_NON_ECM"]);
	ctx.emit({ type: "remoteTsi", tsid: "+1 555 0100" });
	t.deepEqual(events, [{ type: "remoteTsi", tsid: "+1 555 0100" }]);
});
