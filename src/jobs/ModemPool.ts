/**
 * The modem pool of the outgoing queue (issue 4 "modem pool"): several modems, one call each at a time,
 * a stable non-zero DeviceId each. A modem that fails to open/init or vanishes mid-call is marked down,
 * closed, and reopened through the factory after `reopenDelayMs` (outgoing-job.md §9.3 last line).
 * A modem of mode "both" (issue 10) waits for calls whenever it is idle (`onIdle` starts a listener, e.g.
 * IncomingService.listenOn): an answered call holds the slot busy (`holdForIncoming` .. `endIncoming`) so
 * it is not offered to outgoing jobs; claiming it for an outgoing job stops the listener first, and the
 * job's send waits until the modem has stopped waiting (so it never answers during an outgoing call).
 * Layer: jobs (sees modems only through the FaxModem seam).
 */
import type { Clock, TimerHandle } from "../core/Clock.js";
import { FaxError } from "../core/FaxError.js";
import type { FaxClass } from "../modem/faxClass.js";
import type { FaxModem } from "../modem/FaxModem.js";

/** One modem line of the daemon config. */
export interface ModemConfig {
	/** device path (`/dev/ttyACM0`), a pty link, or a test scheme such as `fake:...` */
	path: string;
	/** display name; default the path */
	name?: string;
	/** stable DeviceId (non-zero); default: assigned once per path by the store */
	deviceId?: number;
	/** this device's TSID: sent when the job sets none, always when the queue's UseDeviceTSID is set (≤ 20 printable ASCII) */
	tsid?: string;
	/** driver quirk profile name (passed to the factory) */
	profile?: string;
	/** force this fax class ("1", "1.0", "2", "2.0"); default: the profile's preference (src/session pickClass) */
	faxClass?: FaxClass;
	/**
	 * "send" (default): outgoing calls only; "receive": answers calls (IncomingService) and is never offered
	 * to outgoing jobs; "both": sends, and waits for calls between outgoing jobs (busy while receiving)
	 */
	mode?: "send" | "receive" | "both";
	/** receiving: answer after this many rings (default 1) */
	rings?: number;
}

/** Opens (and initialises) one modem; rejects with a FaxError when it cannot. */
export type ModemFactory = (cfg: ModemConfig) => Promise<FaxModem>;

export type SlotState = "opening" | "idle" | "busy" | "down";

export interface ModemSlot {
	readonly cfg: ModemConfig;
	readonly deviceId: number;
	state: SlotState;
	modem: FaxModem | null;
	/** when a down modem is tried again (clock ms) */
	retryAt: number;
	lastError: FaxError | null;
	/** mode "both": the wait for a call running on the idle modem; stop() aborts it and resolves once the modem is free */
	listener?: { stop(): Promise<void> };
}

export interface ModemPoolOptions {
	clock: Clock;
	/** DeviceId for a path when the config gives none */
	deviceIdFor: (path: string) => number;
	/** wait before reopening a failed modem, ms; default 30000 */
	reopenDelayMs?: number;
	/** called whenever a slot changes state (the scheduler re-runs) */
	onChange: () => void;
	onTrace?: (msg: string) => void;
	/** a mode "both" modem became idle: start waiting for calls on it (set `slot.listener`) */
	onIdle?: (s: ModemSlot, pool: ModemPool) => void;
}

export class ModemPool {
	readonly slots: ModemSlot[];
	private readonly timers = new Set<TimerHandle>();
	private closed = false;
	private readonly reopenDelayMs: number;

	constructor(
		configs: readonly ModemConfig[],
		private readonly factory: ModemFactory,
		private readonly opts: ModemPoolOptions,
	) {
		this.reopenDelayMs = opts.reopenDelayMs ?? 30_000;
		const seen = new Set<number>();
		this.slots = configs.map((cfg) => {
			const deviceId = cfg.deviceId ?? opts.deviceIdFor(cfg.path);
			if (!Number.isInteger(deviceId) || deviceId <= 0) throw new FaxError("CONFIG_INVALID", `modem ${cfg.path}: deviceId must be a positive integer`);
			if (seen.has(deviceId)) throw new FaxError("CONFIG_INVALID", `modem ${cfg.path}: deviceId ${deviceId} used twice`);
			seen.add(deviceId);
			return { cfg, deviceId, state: "down" as SlotState, modem: null, retryAt: 0, lastError: null };
		});
	}

	/** Open every modem (in the background); each becomes idle or down. */
	start(): void {
		for (const s of this.slots) void this.open(s);
	}

	/** A free modem, or undefined when every one is busy, opening or down. */
	idleSlot(): ModemSlot | undefined {
		return this.slots.find((s) => s.state === "idle");
	}

	claim(s: ModemSlot): FaxModem {
		if (s.state !== "idle" || !s.modem) throw new FaxError("AT_BUSY_CHANNEL", `modem ${s.cfg.path} is not idle`);
		s.state = "busy";
		const stopped = this.stopListening(s);
		if (!stopped) return s.modem;
		const m = s.modem;
		// the outgoing call starts once the modem has stopped waiting for a ring
		return { id: m.id, send: async (req) => (await stopped, m.send(req)), receive: (req) => m.receive(req), close: () => m.close() };
	}

	release(s: ModemSlot, recycle = false): void {
		if (s.state === "busy") {
			if (recycle) return this.recycle(s); // open() calls onChange when done
			s.state = "idle";
			this.becameIdle(s);
		}
		this.opts.onChange();
	}

	/** Mode "both": a call was answered on the listening modem; false when the slot was claimed meanwhile. */
	holdForIncoming(s: ModemSlot): boolean {
		if (s.state !== "idle") return false;
		s.state = "busy";
		this.opts.onTrace?.(`modem ${s.deviceId} ${s.cfg.path} busy receiving`);
		this.opts.onChange();
		return true;
	}

	/** Mode "both": the reception ended; the modem is offered to outgoing jobs again and waits for calls. */
	endIncoming(s: ModemSlot): void {
		s.listener = undefined;
		this.release(s);
	}

	private becameIdle(s: ModemSlot): void {
		if (s.cfg.mode === "both" && !this.closed) this.opts.onIdle?.(s, this);
	}

	private stopListening(s: ModemSlot): Promise<void> | undefined {
		const l = s.listener;
		s.listener = undefined;
		return l?.stop();
	}

	/** The modem failed init or vanished: close it and try again after the reopen delay. */
	markDown(s: ModemSlot, err: FaxError): void {
		void this.stopListening(s);
		const m = s.modem;
		s.modem = null;
		s.state = "down";
		s.lastError = err;
		s.retryAt = this.opts.clock.now() + this.reopenDelayMs;
		this.opts.onTrace?.(`modem ${s.deviceId} ${s.cfg.path} down: ${err.code}`);
		if (m) void m.close().catch(() => undefined);
		this.schedule(s);
	}

	/**
	 * Close and reopen a modem at once (re-init, like HylaFAX's reset after a call): used after a call
	 * that was aborted or failed at the AT level, so a half-finished command exchange cannot leak into
	 * the next call. The slot is "opening" meanwhile.
	 */
	recycle(s: ModemSlot): void {
		void this.stopListening(s);
		const m = s.modem;
		s.modem = null;
		s.state = "down";
		s.retryAt = this.opts.clock.now();
		this.opts.onTrace?.(`modem ${s.deviceId} ${s.cfg.path} re-initialised after the call`);
		void (async () => {
			if (m) await m.close().catch(() => undefined);
			await this.open(s);
		})();
	}

	private schedule(s: ModemSlot): void {
		if (this.closed) return;
		const h = this.opts.clock.setTimer(Math.max(0, s.retryAt - this.opts.clock.now()), () => {
			this.timers.delete(h);
			void this.open(s);
		});
		this.timers.add(h);
	}

	private async open(s: ModemSlot): Promise<void> {
		if (this.closed || s.state !== "down") return;
		s.state = "opening";
		try {
			const m = await this.factory(s.cfg);
			if (this.closed) {
				await m.close().catch(() => undefined);
				return;
			}
			s.modem = m;
			s.state = "idle";
			s.lastError = null;
			this.opts.onTrace?.(`modem ${s.deviceId} ${s.cfg.path} ready`);
			this.becameIdle(s);
		} catch (e) {
			s.state = "down";
			s.lastError = e instanceof FaxError ? e : new FaxError("MODEM_INIT_FAILED", String((e as Error)?.message ?? e), { cause: e });
			s.retryAt = this.opts.clock.now() + this.reopenDelayMs;
			this.opts.onTrace?.(`modem ${s.deviceId} ${s.cfg.path} failed to open: ${s.lastError.code}`);
			this.schedule(s);
		}
		this.opts.onChange();
	}

	/** Close every modem; pending reopen timers are dropped. */
	async close(): Promise<void> {
		this.closed = true;
		for (const h of this.timers) h.cancel();
		this.timers.clear();
		await Promise.all(this.slots.map(async (s) => {
			await this.stopListening(s)?.catch(() => undefined);
			const m = s.modem;
			s.modem = null;
			s.state = "down";
			if (m) await m.close().catch(() => undefined);
		}));
	}
}
