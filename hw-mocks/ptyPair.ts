/**
 * An in-process pseudo-terminal pair for modem simulators (node-notes.md "Ptys as modem simulators").
 *
 * The slave path (`/dev/pts/N`, optionally behind a stable symlink) is what a driver opens with the real
 * `serialport` binding; the master side is handed to the simulator as a small duplex-like object.
 * Built on libc `posix_openpt`/`grantpt`/`unlockpt`/`ptsname` through koffi FFI; the slave is set raw
 * (`cfmakeraw`: no echo, no canonical mode, IXON/IXOFF off; `stty -F ... raw` if that fails) so binary
 * data incl. 0x10/0x11/0x13 passes.
 *
 * - Reading the master uses a `tty.ReadStream` (libuv epoll, never a threadpool thread parked in read()).
 * - Writing uses `fs.write`, one write outstanding at a time, retrying EAGAIN (a `tty.WriteStream` would
 *   switch the fd to blocking mode and could stall the event loop).
 * - The pair keeps its own fd on the slave open, so the master never sees EIO when the driver closes
 *   and reopens the port.
 * - `vanish()` closes the master (and our slave fd): the driver's fd is hung up, as on a USB unplug.
 *
 * Layer: hw-mocks (test/simulator side only; src never imports it).
 */
import { EventEmitter } from "node:events";
import { closeSync, constants as fsc, openSync, symlinkSync, unlinkSync, lstatSync, write as fsWrite } from "node:fs";
import { ReadStream } from "node:tty";
import { execFileSync } from "node:child_process";
import koffi from "koffi";

interface Libc {
	posix_openpt(flags: number): number;
	grantpt(fd: number): number;
	unlockpt(fd: number): number;
	ptsname(fd: number): string | null;
	tcgetattr(fd: number, termios: Buffer): number;
	tcsetattr(fd: number, action: number, termios: Buffer): number;
	cfmakeraw(termios: Buffer): void;
}

let libc: Libc | undefined;
function loadLibc(): Libc {
	if (libc) return libc;
	const lib = koffi.load("libc.so.6");
	libc = {
		posix_openpt: lib.func("int posix_openpt(int flags)") as Libc["posix_openpt"],
		grantpt: lib.func("int grantpt(int fd)") as Libc["grantpt"],
		unlockpt: lib.func("int unlockpt(int fd)") as Libc["unlockpt"],
		ptsname: lib.func("const char *ptsname(int fd)") as Libc["ptsname"],
		tcgetattr: lib.func("int tcgetattr(int fd, void *termios)") as Libc["tcgetattr"],
		tcsetattr: lib.func("int tcsetattr(int fd, int action, void *termios)") as Libc["tcsetattr"],
		cfmakeraw: lib.func("void cfmakeraw(void *termios)") as Libc["cfmakeraw"],
	};
	return libc;
}

/** glibc `struct termios` is 60 bytes on Linux; 128 leaves headroom. */
const TERMIOS_SIZE = 128;
const TCSANOW = 0;

/** Simulator-side end of the pair. */
export interface PtyMaster {
	/** Bytes the driver wrote to the slave. */
	on(event: "data", fn: (chunk: Buffer) => void): this;
	/** The master is gone (after close() or vanish()). */
	on(event: "close", fn: () => void): this;
	on(event: "error", fn: (e: Error) => void): this;
	off(event: "data", fn: (chunk: Buffer) => void): this;
	off(event: "close", fn: () => void): this;
	off(event: "error", fn: (e: Error) => void): this;
	once(event: "data", fn: (chunk: Buffer) => void): this;
	once(event: "close", fn: () => void): this;
	/**
	 * Queue bytes to the driver; resolves when the kernel accepted all of them. Writes are serialised
	 * (one `fs.write` outstanding). Rejects after vanish()/close().
	 */
	write(bytes: Uint8Array | string): Promise<void>;
	/** Fault injection: the port disappears (master closed, our slave fd closed, symlink removed). */
	vanish(): void;
	/** True until close()/vanish(). */
	readonly alive: boolean;
}

export interface PtyPair {
	/** Path the driver opens: the symlink when `link` was given, else `/dev/pts/N`. */
	readonly path: string;
	/** The real slave device path. */
	readonly slavePath: string;
	readonly master: PtyMaster;
	/** Close both ends and remove the symlink. Idempotent. */
	close(): Promise<void>;
}

export interface PtyPairOptions {
	/** Create (replace) a symlink at this path pointing to the slave, e.g. "/tmp/faxline-sim0". */
	link?: string;
}

class Master extends EventEmitter implements PtyMaster {
	private readonly rs: ReadStream;
	private chain: Promise<void> = Promise.resolve();
	private closed = false;

	constructor(
		private readonly fd: number,
		private readonly onGone: () => void,
	) {
		super();
		this.rs = new ReadStream(fd);
		this.rs.on("data", (b: Buffer) => this.emit("data", b));
		this.rs.on("error", (e: NodeJS.ErrnoException) => {
			// EIO: every slave fd closed (we keep one, so only after vanish/close); not worth surfacing.
			if (e.code === "EIO" || this.closed) return;
			this.emit("error", e);
		});
		this.rs.on("close", () => this.shutdown());
	}

	get alive(): boolean {
		return !this.closed;
	}

	write(bytes: Uint8Array | string): Promise<void> {
		const buf = typeof bytes === "string" ? Buffer.from(bytes, "latin1") : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
		const p = this.chain.then(() => this.writeAll(buf));
		this.chain = p.catch(() => undefined);
		return p;
	}

	private async writeAll(buf: Buffer): Promise<void> {
		let off = 0;
		let backoff = 1;
		while (off < buf.length) {
			if (this.closed) throw Object.assign(new Error("pty master closed"), { code: "EPIPE" });
			try {
				const n = await new Promise<number>((res, rej) =>
					fsWrite(this.fd, buf, off, buf.length - off, null, (err, written) => (err ? rej(err) : res(written))),
				);
				off += n;
				backoff = 1;
			} catch (e) {
				const code = (e as NodeJS.ErrnoException).code;
				if (code !== "EAGAIN" && code !== "EWOULDBLOCK" && code !== "EINTR") throw e;
				// The slave's input queue is full (driver not reading yet): back off, capped at 20 ms.
				await new Promise((r) => setTimeout(r, backoff));
				backoff = Math.min(20, backoff * 2);
			}
		}
	}

	vanish(): void {
		this.shutdown();
	}

	/** Close the master fd (via the ReadStream, which owns it) exactly once. */
	shutdown(): void {
		if (this.closed) return;
		this.closed = true;
		this.rs.destroy(); // closes the fd through libuv
		this.onGone();
		queueMicrotask(() => this.emit("close"));
	}
}

/**
 * Open a pty pair. The slave is raw with IXON off; a slave fd stays open on our side until close().
 * @throws Error when the kernel refuses a pty (no /dev/ptmx) or libc lacks the calls.
 */
export async function openPtyPair(opts: PtyPairOptions = {}): Promise<PtyPair> {
	const c = loadLibc();
	const mfd = c.posix_openpt(fsc.O_RDWR | fsc.O_NOCTTY);
	if (mfd < 0) throw new Error("posix_openpt failed");
	if (c.grantpt(mfd) !== 0 || c.unlockpt(mfd) !== 0) {
		closeSync(mfd);
		throw new Error("grantpt/unlockpt failed");
	}
	const slavePath = c.ptsname(mfd);
	if (!slavePath) {
		closeSync(mfd);
		throw new Error("ptsname failed");
	}
	const sfd = openSync(slavePath, fsc.O_RDWR | fsc.O_NOCTTY | fsc.O_NONBLOCK);
	const t = Buffer.alloc(TERMIOS_SIZE);
	let raw = c.tcgetattr(sfd, t) === 0;
	if (raw) {
		c.cfmakeraw(t); // clears IXON/IXOFF, ECHO, ICANON, ISIG, OPOST, ICRNL...
		raw = c.tcsetattr(sfd, TCSANOW, t) === 0;
	}
	if (!raw) {
		// Fallback: coreutils stty on the slave path.
		try {
			execFileSync("stty", ["-F", slavePath, "raw", "-echo", "-ixon", "-ixoff"], { stdio: "ignore" });
		} catch (e) {
			closeSync(sfd);
			closeSync(mfd);
			throw new Error(`cannot make the pty slave raw: ${(e as Error).message}`);
		}
	}

	let link: string | undefined;
	if (opts.link) {
		try {
			if (lstatSync(opts.link, { throwIfNoEntry: false })?.isSymbolicLink()) unlinkSync(opts.link);
		} catch {
			/* raced: symlinkSync reports it */
		}
		symlinkSync(slavePath, opts.link);
		link = opts.link;
	}

	let slaveOpen = true;
	const releaseSide = () => {
		if (slaveOpen) {
			slaveOpen = false;
			try {
				closeSync(sfd);
			} catch {
				/* already closed */
			}
		}
		if (link) {
			try {
				unlinkSync(link);
			} catch {
				/* gone */
			}
			link = undefined;
		}
	};
	const master = new Master(mfd, releaseSide);
	const path = link ?? slavePath;

	return {
		path,
		slavePath,
		master,
		close: async () => {
			master.shutdown();
			releaseSide();
		},
	};
}
