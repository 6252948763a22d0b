/**
 * An in-process pseudo-terminal pair for modem simulators (node-notes.md "Ptys as modem simulators").
 *
 * The slave path (`/dev/pts/N`, optionally behind a stable symlink) is what a driver opens with the real
 * `serialport` binding; the master side is handed to the simulator as a small duplex-like object.
 * Built on libc `posix_openpt`/`grantpt`/`unlockpt`/`ptsname` through koffi FFI; the slave is set raw
 * (`cfmakeraw`: no echo, no canonical mode, IXON/IXOFF off; `stty -F ... raw` if that fails) so binary
 * data incl. 0x10/0x11/0x13 passes.
 *
 * - Reading the master uses a `tty.ReadStream` on a dup of the master fd (libuv epoll, never a threadpool
 *   thread parked in read()) while the host has the port open.
 * - Host close = DTR drop: the pair holds no slave fd of its own, so when the host closes its last fd
 *   on the slave (or exits), the master read fails with EIO. That ReadStream is dropped (it closes only
 *   its dup), `hostClose` is emitted, and the master fd (non-blocking) is polled every `pollMs` until a
 *   read says EAGAIN (a slave fd is open again: `hostOpen`, back to the ReadStream). Bytes the host wrote
 *   before closing are still delivered (as `data`, before `hostClose`); bytes the kernel hands over only
 *   after the close was seen are dropped (DTR is down). Before the first open the pair is
 *   in the polling state too (a host open is reported as `hostOpen`).
 * - Writing uses `fs.write`, one write outstanding at a time, retrying EAGAIN (a `tty.WriteStream` would
 *   switch the fd to blocking mode and could stall the event loop). What the host had not read when it
 *   closed is dropped at `hostClose`; bytes written while no host has the port open wait in the slave's
 *   input queue for the next opener (so a simulator should go quiet on `hostClose`).
 * - `vanish()` closes the master: the driver's fd is hung up, as on a USB unplug.
 *
 * Layer: hw-mocks (test/simulator side only; src never imports it).
 */
import { EventEmitter } from "node:events";
import { closeSync, constants as fsc, openSync, readSync, symlinkSync, unlinkSync, lstatSync, write as fsWrite } from "node:fs";
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
	dup(fd: number): number;
	tcflush(fd: number, queue: number): number;
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
		dup: lib.func("int dup(int fd)") as Libc["dup"],
		tcflush: lib.func("int tcflush(int fd, int queue)") as Libc["tcflush"],
	};
	return libc;
}

/** glibc `struct termios` is 60 bytes on Linux; 128 leaves headroom. */
const TERMIOS_SIZE = 128;
const TCSANOW = 0;
/** tcflush() selectors (Linux): TCIFLUSH drops received input, TCOFLUSH output not yet sent. */
const TCIFLUSH = 0;
const TCOFLUSH = 1;

/** Simulator-side end of the pair. */
export interface PtyMaster {
	/** Bytes the driver wrote to the slave. */
	on(event: "data", fn: (chunk: Buffer) => void): this;
	/** The master is gone (after close() or vanish()). */
	on(event: "close", fn: () => void): this;
	/**
	 * The host closed the port (its last fd on the slave; also when the host process exits or is killed) —
	 * what a modem sees as DTR dropping: hang up. Emitted once per host session, after the `data` of every
	 * byte the host wrote before closing; the pair stays usable and reports the next open as `hostOpen`.
	 */
	on(event: "hostClose", fn: () => void): this;
	/** A host opened the port (first open, or again after `hostClose`); seen within `pollMs`. */
	on(event: "hostOpen", fn: () => void): this;
	on(event: "error", fn: (e: Error) => void): this;
	off(event: "data", fn: (chunk: Buffer) => void): this;
	off(event: "close", fn: () => void): this;
	off(event: "hostClose" | "hostOpen", fn: () => void): this;
	off(event: "error", fn: (e: Error) => void): this;
	once(event: "data", fn: (chunk: Buffer) => void): this;
	once(event: "close", fn: () => void): this;
	once(event: "hostClose" | "hostOpen", fn: () => void): this;
	/**
	 * Queue bytes to the driver; resolves when the kernel accepted all of them. Writes are serialised
	 * (one `fs.write` outstanding). Rejects after vanish()/close().
	 */
	write(bytes: Uint8Array | string): Promise<void>;
	/** Fault injection: the port disappears (master closed, our slave fd closed, symlink removed). */
	vanish(): void;
	/** True until close()/vanish(). */
	readonly alive: boolean;
	/** True while a host has the slave open (between `hostOpen` and `hostClose`). */
	readonly hostOpen: boolean;
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
	/** How often the master is polled for a host (re)open while none has the port open, ms. Default 5. */
	pollMs?: number;
}

class Master extends EventEmitter implements PtyMaster {
	private rs: ReadStream | undefined;
	private poller: NodeJS.Timeout | undefined;
	private chain: Promise<void> = Promise.resolve();
	private closed = false;
	private host = false;
	private readonly buf = Buffer.alloc(4096);

	constructor(
		private readonly fd: number,
		private readonly slavePath: string,
		private readonly onGone: () => void,
		private readonly pollMs: number,
	) {
		super();
		this.poll(); // no host yet
	}

	get hostOpen(): boolean {
		return this.host;
	}

	/** A host has the slave open: read through libuv on a dup (the ReadStream closes only that). */
	private startReading(): void {
		const rfd = loadLibc().dup(this.fd);
		if (rfd < 0) {
			this.emit("error", new Error("dup of the pty master failed"));
			return this.shutdown();
		}
		const rs = new ReadStream(rfd);
		this.rs = rs;
		rs.on("data", (b: Buffer) => this.emit("data", b));
		rs.on("error", (e: NodeJS.ErrnoException) => {
			// EIO: no slave fd open any more, the host closed the port.
			if (e.code === "EIO") return this.hostClosed(rs);
			if (!this.closed) this.emit("error", e);
		});
		rs.on("end", () => this.hostClosed(rs));
		rs.on("close", () => this.hostClosed(rs));
	}

	private hostClosed(rs: ReadStream): void {
		if (this.rs !== rs || this.closed) return;
		this.rs = undefined;
		rs.destroy();
		this.host = false;
		this.dropStaleInput();
		this.emit("hostClose");
		this.poll();
	}

	/**
	 * What was written for the departed host is not for the next one (a closed UART drops its input):
	 * flush the queue towards the slave (TCOFLUSH on the master: the flip buffers) and what the slave's
	 * line discipline already holds (TCIFLUSH through a slave fd opened and closed at once).
	 */
	private dropStaleInput(): void {
		const c = loadLibc();
		c.tcflush(this.fd, TCOFLUSH);
		try {
			const sfd = openSync(this.slavePath, fsc.O_RDWR | fsc.O_NOCTTY | fsc.O_NONBLOCK);
			c.tcflush(sfd, TCIFLUSH);
			closeSync(sfd);
		} catch {
			/* node gone (vanish) */
		}
	}

	/**
	 * No host: read the (non-blocking) master directly. EIO = still no slave fd open (try again in pollMs);
	 * EAGAIN = a slave fd is open: a host is there (`hostOpen`, then what it already wrote, then the
	 * ReadStream). Bytes read while no slave fd is open are what the departed host wrote in its last moment
	 * and the kernel delivered late (the pty's flip buffer): a modem whose DTR dropped never sees them, so
	 * they are dropped here, never handed to the next host's session (issue 14).
	 */
	private poll(): void {
		this.poller = undefined;
		if (this.closed) return;
		const got: Buffer[] = [];
		for (;;) {
			let n: number;
			try {
				n = readSync(this.fd, this.buf, 0, this.buf.length, null);
			} catch (e) {
				const code = (e as NodeJS.ErrnoException).code;
				if (code === "EAGAIN" || code === "EWOULDBLOCK") {
					this.host = true;
					this.emit("hostOpen");
					for (const b of got) if (!this.closed) this.emit("data", b);
					if (!this.closed) this.startReading();
					return;
				}
				if (code === "EINTR") continue;
				if (code !== "EIO") {
					this.emit("error", e as Error);
					return this.shutdown();
				}
				break;
			}
			if (n <= 0) break;
			got.push(Buffer.from(this.buf.subarray(0, n)));
		}
		this.poller = setTimeout(() => this.poll(), this.pollMs);
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

	/** Close the master fd (and the ReadStream's dup) exactly once. */
	shutdown(): void {
		if (this.closed) return;
		this.closed = true;
		if (this.poller) clearTimeout(this.poller);
		this.poller = undefined;
		const rs = this.rs;
		this.rs = undefined;
		rs?.destroy(); // closes the dup through libuv
		try {
			closeSync(this.fd);
		} catch {
			/* already closed */
		}
		this.host = false;
		this.onGone();
		queueMicrotask(() => this.emit("close"));
	}
}

/**
 * Open a pty pair. The slave is made raw with IXON off (through a slave fd closed again at once: the
 * settings stay with the pty while the master is open).
 * @throws Error when the kernel refuses a pty (no /dev/ptmx) or libc lacks the calls.
 */
export async function openPtyPair(opts: PtyPairOptions = {}): Promise<PtyPair> {
	const c = loadLibc();
	const mfd = c.posix_openpt(fsc.O_RDWR | fsc.O_NOCTTY | fsc.O_NONBLOCK);
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
	// Hold no slave fd: the host's close must reach the master as EIO (hostClose).
	closeSync(sfd);

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

	const releaseSide = () => {
		if (link) {
			try {
				unlinkSync(link);
			} catch {
				/* gone */
			}
			link = undefined;
		}
	};
	const master = new Master(mfd, slavePath, releaseSide, opts.pollMs ?? 5);
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
