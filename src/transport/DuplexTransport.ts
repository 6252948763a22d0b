/**
 * DuplexTransport: the Transport over any Node Duplex stream (an in-memory simulator link such as
 * hw-mocks' MemoryDuplex, a socket to a remote modem server). Writes honour the stream's back-pressure;
 * the stream ending or erroring is PORT_CLOSED. Flow control and input discard are no-ops.
 * Layer: transport.
 */
import type { Duplex } from "node:stream";
import { FaxError } from "../core/FaxError.js";
import { TransportEvents, type FlowControl, type Transport } from "./Transport.js";

export class DuplexTransport extends TransportEvents implements Transport {
	private closed = false;
	private readonly pending = new Set<(e: FaxError) => void>();

	/** @param path a name for traces and errors */
	constructor(
		private readonly stream: Duplex,
		readonly path = "duplex",
	) {
		super();
		stream.on("data", (b: Buffer | string) => {
			const buf = typeof b === "string" ? Buffer.from(b, "latin1") : b;
			this.emit("data", new Uint8Array(buf.buffer, buf.byteOffset, buf.byteLength));
		});
		stream.on("error", (e: Error) => this.fail(e));
		stream.on("close", () => this.fail(undefined));
		stream.on("end", () => this.fail(undefined));
	}

	get isOpen(): boolean {
		return !this.closed;
	}

	write(bytes: Uint8Array): Promise<void> {
		if (this.closed) return Promise.reject(new FaxError("PORT_CLOSED", `${this.path} is closed`));
		return new Promise((resolve, reject) => {
			const onFail = (e: FaxError) => reject(e);
			this.pending.add(onFail);
			const more = this.stream.write(Buffer.from(bytes), (err) => {
				if (err) {
					this.pending.delete(onFail);
					reject(new FaxError("PORT_CLOSED", `${this.path}: write failed`, { cause: err }));
				}
			});
			const done = () => {
				this.pending.delete(onFail);
				resolve();
			};
			if (more) done();
			else this.stream.once("drain", done);
		});
	}

	async setFlowControl(_mode: FlowControl): Promise<void> {}

	async discardInput(): Promise<void> {}

	async close(): Promise<void> {
		if (this.closed) return;
		this.closed = true;
		this.rejectPending(new FaxError("PORT_CLOSED", `${this.path} closed`));
		this.emit("close", undefined);
		this.stream.destroy();
	}

	private fail(cause: unknown): void {
		if (this.closed) return;
		this.closed = true;
		const err = new FaxError("PORT_CLOSED", `${this.path} lost`, { cause });
		this.rejectPending(err);
		this.emit("close", err);
	}

	private rejectPending(e: FaxError): void {
		for (const rej of [...this.pending]) rej(e);
		this.pending.clear();
	}
}
