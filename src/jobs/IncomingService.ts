/**
 * The daemon's receiving side (issue 10 "The daemon"): every modem configured `mode: "receive"` waits for
 * calls in a loop (FaxModem.receive: rings, answer, T.30 answerer), each answered call becomes an
 * incoming job and then a message in the inbox (IncomingInbox), routed by the rules. A receiving modem
 * is never in the outgoing pool, so it is never offered to outgoing jobs. A modem that fails to open or
 * dies is reopened after `reopenMs`. A modem of mode "both" belongs to the outgoing pool (ModemPool.ts):
 * whenever it is idle there, `listenOn` waits for one call on it; the answer holds the slot busy until
 * the reception ends, and a claim for an outgoing job stops the wait before the call could be answered. Layer: jobs (modems only through the FaxModem seam).
 */
import type { Clock } from "../core/Clock.js";
import { FaxError } from "../core/FaxError.js";
import type { FaxModem, ReceiveEvent, ReceiveResult, ReceiveSink } from "../modem/FaxModem.js";
import type { IncomingCall, IncomingInbox } from "./IncomingInbox.js";
import type { ModemConfig, ModemFactory, ModemPool, ModemSlot } from "./ModemPool.js";

export interface IncomingServiceOptions {
	inbox: IncomingInbox;
	modems: readonly ModemConfig[];
	factory: ModemFactory;
	clock: Clock;
	/** DeviceId for a path when the config gives none */
	deviceIdFor: (path: string) => number;
	/** wait before reopening a failed modem, ms; default 30000 */
	reopenMs?: number;
	trace?: (msg: string) => void;
	/** a call ended and is in the store (tests, benchmarks) */
	onCallEnd?: (id: string) => void;
}

export class IncomingService {
	private readonly stop = new AbortController();
	private readonly loops: Promise<void>[] = [];
	private readonly listening = new Set<Promise<void>>();
	/** modems currently in a call (answered), by DeviceId */
	readonly inCall = new Set<number>();

	constructor(private readonly o: IncomingServiceOptions) {}

	start(): void {
		for (const m of this.o.modems) this.loops.push(this.loop(m));
	}

	private trace(msg: string): void {
		this.o.trace?.(msg);
	}

	private async loop(cfg: ModemConfig): Promise<void> {
		const deviceId = cfg.deviceId ?? this.o.deviceIdFor(cfg.path);
		const name = cfg.name ?? cfg.path;
		while (!this.stop.signal.aborted) {
			let modem: FaxModem;
			try {
				modem = await this.o.factory(cfg);
			} catch (e) {
				this.trace(`receive modem ${name} cannot open: ${(e as Error).message}; retry in ${this.o.reopenMs ?? 30000} ms`);
				await this.o.clock.sleep(this.o.reopenMs ?? 30_000, this.stop.signal).catch(() => undefined);
				continue;
			}
			try {
				while (!this.stop.signal.aborted) await this.oneCall(modem, cfg, deviceId, name);
			} catch (e) {
				this.trace(`receive modem ${name} failed: ${(e as Error).message}`);
			} finally {
				await modem.close().catch(() => undefined);
			}
			if (!this.stop.signal.aborted) await this.o.clock.sleep(this.o.reopenMs ?? 30_000, this.stop.signal).catch(() => undefined);
		}
	}

	/**
	 * Mode "both": wait for one call on the pool's idle modem (sets `slot.listener`). The answer holds the
	 * slot (pool.holdForIncoming); the end of the reception gives it back (pool.endIncoming), which starts
	 * the next wait. A failure before any call marks the modem down (the pool reopens it).
	 */
	listenOn(slot: ModemSlot, pool: ModemPool): void {
		const modem = slot.modem;
		if (!modem || this.stop.signal.aborted) return;
		const ctrl = new AbortController();
		const name = slot.cfg.name ?? slot.cfg.path;
		let answered = false;
		const run = this.oneCall(modem, slot.cfg, slot.deviceId, name, ctrl.signal, () => {
			if (!pool.holdForIncoming(slot)) return false;
			answered = true;
			slot.listener = undefined; // the reception is no longer a wait an outgoing job may stop
			return true;
		}).then(
			() => {
				if (answered) pool.endIncoming(slot);
				else if (!ctrl.signal.aborted && slot.listener === listener && slot.state === "idle") this.listenOn(slot, pool); // the wait ended by itself: wait again
			},
			(e: unknown) => {
				if (answered) pool.endIncoming(slot);
				else if (!ctrl.signal.aborted && !this.stop.signal.aborted) {
					this.trace(`modem ${name} failed while waiting for a call: ${(e as Error).message}`);
					pool.markDown(slot, e instanceof FaxError ? e : new FaxError("MODEM_NO_RESPONSE", String((e as Error)?.message ?? e)));
				}
			},
		);
		this.listening.add(run);
		void run.finally(() => this.listening.delete(run));
		const listener = {
			stop: () => {
				ctrl.abort(new FaxError("CALL_ABORTED", "the modem is needed for an outgoing call"));
				return run;
			},
		};
		slot.listener = listener;
	}

	/**
	 * Wait for one call and receive it; the incoming job exists from the answer on. `outer` also cancels
	 * the wait; `onAnswer` may refuse the call (the modem was taken meanwhile: the answer is aborted).
	 */
	private async oneCall(modem: FaxModem, cfg: ModemConfig, deviceId: number, name: string, outer?: AbortSignal, onAnswer?: () => boolean): Promise<void> {
		const ctrl = new AbortController();
		const onStop = () => ctrl.abort(this.stop.signal.reason);
		this.stop.signal.addEventListener("abort", onStop, { once: true });
		const onOuter = () => ctrl.abort(outer!.reason);
		outer?.addEventListener("abort", onOuter, { once: true });
		let call: IncomingCall | undefined;
		let caller: { number: string; name: string } | undefined;
		const begin = (): IncomingCall => {
			if (!call) {
				call = this.o.inbox.beginCall({ deviceId, name, csid: cfg.tsid ?? "" }, caller);
				this.inCall.add(deviceId);
				call.signal.addEventListener("abort", () => ctrl.abort(call!.signal.reason), { once: true });
				this.trace(`incoming call on ${name}: job ${call.id}`);
			}
			return call;
		};
		// the sink exists before the answer; the job and its file only once the call is answered
		const sink: ReceiveSink = { beginPage: (info) => begin().sink.beginPage(info) };
		const onEvent = (e: ReceiveEvent) => {
			if (e.type === "ring" && e.callerId) caller = e.callerId;
			if (e.type === "answering") {
				if (onAnswer && !onAnswer()) return ctrl.abort(new FaxError("CALL_ABORTED", "the modem was taken for an outgoing call"));
				begin();
			}
			call?.onEvent(e);
		};
		let r: ReceiveResult | undefined;
		let thrown: unknown;
		try {
			r = await modem.receive({ sink, rings: cfg.rings ?? 1, signal: ctrl.signal, onEvent, callId: `incoming-dev${deviceId}`, ...(cfg.tsid ? { csid: cfg.tsid } : {}) });
		} catch (e) {
			thrown = e;
		} finally {
			this.stop.signal.removeEventListener("abort", onStop);
			outer?.removeEventListener("abort", onOuter);
		}
		if (call) {
			const rec = await this.o.inbox.endCall(call, r, thrown);
			this.inCall.delete(deviceId);
			this.trace(`incoming ${rec.id}: ${rec.extendedStatus}, ${rec.pages} page(s)${rec.routingInformation ? `, routed: ${rec.routingInformation}` : ""}`);
			this.o.onCallEnd?.(rec.id);
		}
		if (thrown && !((this.stop.signal.aborted || outer?.aborted) && !call)) {
			if (thrown instanceof FaxError && (thrown.code === "PORT_CLOSED" || thrown.code === "NOT_IMPLEMENTED")) throw thrown;
			if (!call) throw thrown; // failed before a call: reopen the modem
		}
	}

	/** Stop waiting for calls; calls in progress end (DCN) and are recorded. */
	async close(): Promise<void> {
		this.stop.abort(new FaxError("CALL_ABORTED", "daemon stopping"));
		await Promise.allSettled([...this.loops, ...this.listening]);
	}
}
