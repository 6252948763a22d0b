/**
 * An in-memory byte pipe pair for unit tests of the modem simulator: what one end writes arrives as a
 * `data` event on the other end on a later tick, in order. Both ends look like the pty master
 * (`ByteDuplex`: data events, `write(): Promise<void>`, `vanish()`), so the simulator cannot tell them
 * apart. Layer: hw-mocks.
 */
import { EventEmitter } from "node:events";

/** The byte duplex the simulator attaches to (the pty master of ptyPair.ts satisfies it). */
export interface ByteDuplex {
	on(event: "data", fn: (chunk: Buffer) => void): unknown;
	on(event: "close", fn: () => void): unknown;
	/** The host closed the port (DTR drop), e.g. ptyPair's master; optional for other pipes. */
	on(event: "hostClose", fn: () => void): unknown;
	off(event: "data", fn: (chunk: Buffer) => void): unknown;
	off(event: "close", fn: () => void): unknown;
	off(event: "hostClose", fn: () => void): unknown;
	/** Resolves when the bytes are handed on; rejects when the pipe is gone. */
	write(bytes: Uint8Array | string): Promise<void>;
	/** Fault injection: the device disappears (optional). */
	vanish?(): void;
}

/** One end of a MemoryDuplex pair. */
export class MemoryEnd extends EventEmitter implements ByteDuplex {
	peer!: MemoryEnd;
	private closed = false;
	private chain: Promise<void> = Promise.resolve();

	write(bytes: Uint8Array | string): Promise<void> {
		if (this.closed) return Promise.reject(Object.assign(new Error("pipe closed"), { code: "EPIPE" }));
		const buf = typeof bytes === "string" ? Buffer.from(bytes, "latin1") : Buffer.from(bytes);
		const p = this.chain.then(
			() =>
				new Promise<void>((resolve) =>
					setImmediate(() => {
						if (!this.peer.closed) this.peer.emit("data", buf);
						resolve();
					}),
				),
		);
		this.chain = p;
		return p;
	}

	/** Close both ends ("close" on each). */
	vanish(): void {
		if (this.closed) return;
		this.closed = true;
		this.peer.closed = true;
		queueMicrotask(() => {
			this.emit("close");
			this.peer.emit("close");
		});
	}

	get alive(): boolean {
		return !this.closed;
	}
}

/** A connected pair: `host` for the test's client, `modem` for the simulator. */
export function memoryDuplexPair(): { host: MemoryEnd; modem: MemoryEnd } {
	const host = new MemoryEnd();
	const modem = new MemoryEnd();
	host.peer = modem;
	modem.peer = host;
	return { host, modem };
}
