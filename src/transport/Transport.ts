/**
 * Transport: the byte-pipe seam under the AT layer (architecture.md "Layering": transport -> at).
 * Implementations: SerialPortTransport (the real serialport binding, any tty/pty path) and
 * DuplexTransport (any Node Duplex, e.g. an in-memory simulator link). Everything above sees only this.
 * A vanished device surfaces as one `close` event carrying FaxError PORT_CLOSED; pending writes reject
 * with the same code. Layer: transport (imports core only).
 */
import type { FaxError } from "../core/FaxError.js";

/** Host-side flow control (HylaFAX ModemFlowControl). `rtscts` is the preferred mode (class1.md §2.3). */
export type FlowControl = "none" | "xonxoff" | "rtscts";

export interface TransportEventMap {
	/** Bytes from the DCE, in arrival order. */
	data: (bytes: Uint8Array) => void;
	/** The transport is closed: `err` is set (PORT_CLOSED) when it was not closed by us. Emitted once. */
	close: (err?: FaxError) => void;
	/** A non-fatal problem worth tracing (fatal ones end in `close`). */
	error: (err: FaxError) => void;
}

export interface Transport {
	/** The device path or a descriptive name. */
	readonly path: string;
	readonly isOpen: boolean;
	/**
	 * Queue bytes for the DCE. Resolves when the OS has accepted all of them (back-pressure: callers
	 * await each write before producing more). Rejects with FaxError PORT_CLOSED / PORT_WRITE_FAILED.
	 */
	write(bytes: Uint8Array): Promise<void>;
	on<E extends keyof TransportEventMap>(event: E, fn: TransportEventMap[E]): void;
	off<E extends keyof TransportEventMap>(event: E, fn: TransportEventMap[E]): void;
	/** Switch host-side flow control, e.g. XON/XOFF off around binary transfers. No-op where meaningless. */
	setFlowControl(mode: FlowControl): Promise<void>;
	/** Drop whatever input the OS has buffered and not yet delivered (tcflush TCIFLUSH). */
	discardInput(): Promise<void>;
	/** Close; idempotent; never rejects. Emits `close` without an error. */
	close(): Promise<void>;
}

/** Small typed listener registry shared by the implementations. */
export class TransportEvents {
	private readonly listeners: { [E in keyof TransportEventMap]: Set<TransportEventMap[E]> } = {
		data: new Set(),
		close: new Set(),
		error: new Set(),
	};
	on<E extends keyof TransportEventMap>(event: E, fn: TransportEventMap[E]): void {
		this.listeners[event].add(fn);
	}
	off<E extends keyof TransportEventMap>(event: E, fn: TransportEventMap[E]): void {
		this.listeners[event].delete(fn);
	}
	protected emit<E extends keyof TransportEventMap>(event: E, ...args: Parameters<TransportEventMap[E]>): void {
		for (const fn of [...this.listeners[event]]) (fn as (...a: Parameters<TransportEventMap[E]>) => void)(...args);
	}
}
