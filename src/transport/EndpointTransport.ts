/**
 * EndpointTransport: the Transport over a minimal byte endpoint — `data`/`close` events and a
 * promise-returning `write` — the shape of hw-mocks' MemoryDuplex ends and of a ptyPair master. It lets
 * the driver stack talk to an in-process simulator with no pty at all (virtual-time tests).
 * Structural typing only: src does not import hw-mocks. Layer: transport.
 */
import { FaxError } from "../core/FaxError.js";
import { TransportEvents, type FlowControl, type Transport } from "./Transport.js";

/** Anything with byte events and a promise write (MemoryEnd, PtyMaster, ...). */
export interface ByteEndpoint {
	on(event: "data", fn: (chunk: Buffer) => void): unknown;
	on(event: "close", fn: () => void): unknown;
	write(bytes: Uint8Array): Promise<void>;
}

export class EndpointTransport extends TransportEvents implements Transport {
	private closed = false;

	/** @param path a name for traces and errors */
	constructor(
		private readonly endpoint: ByteEndpoint,
		readonly path = "endpoint",
	) {
		super();
		endpoint.on("data", (b: Buffer) => {
			if (!this.closed) this.emit("data", new Uint8Array(b.buffer, b.byteOffset, b.byteLength));
		});
		endpoint.on("close", () => {
			if (this.closed) return;
			this.closed = true;
			this.emit("close", new FaxError("PORT_CLOSED", `${this.path} vanished`, { context: { path: this.path } }));
		});
	}

	get isOpen(): boolean {
		return !this.closed;
	}

	async write(bytes: Uint8Array): Promise<void> {
		if (this.closed) throw new FaxError("PORT_CLOSED", `${this.path} is closed`, { context: { path: this.path } });
		try {
			await this.endpoint.write(bytes);
		} catch (e) {
			throw new FaxError("PORT_CLOSED", `${this.path}: write failed`, { context: { path: this.path }, cause: e });
		}
	}

	async setFlowControl(_mode: FlowControl): Promise<void> {}

	async discardInput(): Promise<void> {}

	/** Stop using the endpoint (it is not closed: its owner decides). */
	async close(): Promise<void> {
		if (this.closed) return;
		this.closed = true;
		this.emit("close", undefined);
	}
}
