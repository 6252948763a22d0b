/**
 * SerialPortTransport: the Transport over the `serialport` binding (the sole importer of 'serialport'),
 * for any tty path: /dev/ttyACM0 (CDC-ACM USB modems such as Conexant CX93001), /dev/ttyUSB0, a pty.
 *
 * Port loss (USB unplug, simulator vanishing) is reported as one FaxError PORT_CLOSED, promptly, from
 * whichever sign comes first: serialport's disconnect close, a read/write error (EIO/ENXIO/EBADF), or a
 * watchdog noticing the device node is gone. The watchdog exists because a hung-up tty reads 0 bytes
 * and serialport 13 then retries the read forever without any event (seen on ptys; class1.md §3 "USB").
 * Never calls SerialPort.list() (it spawns udevadm and dies without udev: node-notes.md); see listPorts.ts.
 * Layer: transport.
 */
import { stat } from "node:fs/promises";
import { SerialPort } from "serialport";
import { FaxError } from "../core/FaxError.js";
import { applyFlowControl } from "./termios.js";
import { TransportEvents, type FlowControl, type Transport } from "./Transport.js";

export interface SerialPortTransportOptions {
	/** DTE-DCE speed in bit/s. Default 115200 (HylaFAX ModemRate is 19200..57600 on old modems). */
	baudRate?: number;
	/** Host flow control at open. Default "none". */
	flowControl?: FlowControl;
	/** How often to check that the device node still exists, ms. Default 250; 0 disables. */
	watchdogMs?: number;
	/** Take an exclusive lock on the port (TIOCEXCL/flock via serialport). Default true. */
	lock?: boolean;
}

const GONE_CODES = new Set(["EIO", "ENXIO", "EBADF", "ENODEV", "ENOENT", "EPIPE", "UNKNOWN"]);

function errnoOf(e: unknown): string | undefined {
	const err = e as { code?: unknown; message?: unknown } | null;
	if (err && typeof err.code === "string") return err.code;
	const m = typeof err?.message === "string" ? /\b(E[A-Z]{2,})\b/.exec(err.message) : null;
	return m?.[1];
}

export class SerialPortTransport extends TransportEvents implements Transport {
	private closed = false;
	private closingByUs = false;
	private watchdog: NodeJS.Timeout | undefined;
	private readonly pending = new Set<(e: FaxError) => void>();

	private constructor(
		readonly path: string,
		private readonly port: SerialPort,
		watchdogMs: number,
	) {
		super();
		port.on("data", (b: Buffer) => this.emit("data", new Uint8Array(b.buffer, b.byteOffset, b.byteLength)));
		port.on("error", (e: Error) => this.fail("serial port error", e));
		port.on("close", (e: { disconnected?: boolean } | null) => {
			if (!this.closingByUs) this.fail(e?.disconnected ? "serial port disconnected" : "serial port closed under us", e);
		});
		if (watchdogMs > 0) {
			this.watchdog = setInterval(() => {
				stat(path).catch((e: unknown) => {
					if (errnoOf(e) === "ENOENT") this.fail("device node vanished", e);
				});
			}, watchdogMs);
			this.watchdog.unref();
		}
	}

	/**
	 * Open `path`. Rejects with FaxError PORT_NOT_FOUND when the node does not exist, PORT_OPEN_FAILED
	 * otherwise (permissions, busy/locked, not a tty).
	 */
	static async open(path: string, opts: SerialPortTransportOptions = {}): Promise<SerialPortTransport> {
		if (typeof path !== "string" || path.length === 0) throw new FaxError("PORT_NOT_FOUND", "No device path given");
		try {
			await stat(path);
		} catch (e) {
			throw new FaxError("PORT_NOT_FOUND", `No such device: ${path}`, { context: { path }, cause: e });
		}
		const flow = opts.flowControl ?? "none";
		const port = new SerialPort({
			path,
			baudRate: opts.baudRate ?? 115200,
			rtscts: flow === "rtscts",
			xon: flow === "xonxoff",
			xoff: flow === "xonxoff",
			lock: opts.lock ?? true,
			autoOpen: false,
		});
		await new Promise<void>((resolve, reject) =>
			port.open((e) => {
				if (!e) return resolve();
				const code = errnoOf(e);
				const kind = code === "ENOENT" ? "PORT_NOT_FOUND" : "PORT_OPEN_FAILED";
				reject(new FaxError(kind, `Cannot open ${path}: ${e.message}`, { context: { path, errno: code }, cause: e }));
			}),
		);
		return new SerialPortTransport(path, port, opts.watchdogMs ?? 250);
	}

	get isOpen(): boolean {
		return !this.closed;
	}

	write(bytes: Uint8Array): Promise<void> {
		if (this.closed) return Promise.reject(new FaxError("PORT_CLOSED", `Port ${this.path} is closed`, { context: { path: this.path } }));
		return new Promise<void>((resolve, reject) => {
			const onFail = (e: FaxError) => reject(e);
			this.pending.add(onFail);
			// The write callback fires once the binding's write() returned, i.e. the kernel took the bytes.
			this.port.write(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength), (err) => {
				this.pending.delete(onFail);
				if (!err) return resolve();
				const gone = GONE_CODES.has(errnoOf(err) ?? "") || this.closed || /not open/i.test(err.message);
				if (gone) this.fail("write failed: port gone", err);
				reject(
					gone
						? new FaxError("PORT_CLOSED", `Port ${this.path} vanished during write`, { context: { path: this.path }, cause: err })
						: new FaxError("PORT_WRITE_FAILED", `Write to ${this.path} failed: ${err.message}`, { context: { path: this.path }, cause: err }),
				);
			});
		});
	}

	async setFlowControl(mode: FlowControl): Promise<void> {
		const fd = (this.port.port as { fd?: unknown } | undefined)?.fd;
		if (this.closed || typeof fd !== "number") return;
		applyFlowControl(fd, mode);
	}

	discardInput(): Promise<void> {
		if (this.closed) return Promise.resolve();
		return new Promise((resolve) => this.port.flush(() => resolve()));
	}

	close(): Promise<void> {
		if (this.closed) return Promise.resolve();
		this.closingByUs = true;
		this.shutdown(undefined);
		return new Promise((resolve) => {
			if (!this.port.isOpen) return resolve();
			this.port.close(() => resolve());
		});
	}

	private fail(why: string, cause: unknown): void {
		if (this.closed) return;
		const err = new FaxError("PORT_CLOSED", `Port ${this.path} lost: ${why}`, { context: { path: this.path, errno: errnoOf(cause) }, cause });
		this.shutdown(err);
		this.closingByUs = true;
		// Stop serialport's read loop on the dead fd.
		if (this.port.isOpen) this.port.close(() => undefined);
	}

	private shutdown(err: FaxError | undefined): void {
		this.closed = true;
		if (this.watchdog) clearInterval(this.watchdog);
		const e = err ?? new FaxError("PORT_CLOSED", `Port ${this.path} closed`, { context: { path: this.path } });
		for (const rej of [...this.pending]) rej(e);
		this.pending.clear();
		this.emit("close", err);
	}
}
