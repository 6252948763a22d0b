/**
 * Linux termios flag toggling on an open tty fd through libc (koffi FFI): IXON/IXOFF for XON/XOFF and
 * CRTSCTS for RTS/CTS. serialport 13 can only set these at open time, but Class 1 must switch XON/XOFF
 * off around binary transfers (class1.md §2.3; HylaFAX Class1Modem::sendSetup). Layer: transport.
 */
import koffi from "koffi";
import type { FlowControl } from "./Transport.js";

/** glibc struct termios: c_iflag @0, c_oflag @4, c_cflag @8, c_lflag @12 (uint32 each); 60 bytes. */
const IXON = 0o2000;
const IXOFF = 0o10000;
const CRTSCTS = 0o20000000000;
const TCSANOW = 0;

interface TermiosCalls {
	tcgetattr(fd: number, t: Buffer): number;
	tcsetattr(fd: number, action: number, t: Buffer): number;
}
let calls: TermiosCalls | null | undefined;

function load(): TermiosCalls | null {
	if (calls !== undefined) return calls;
	try {
		const lib = koffi.load("libc.so.6");
		calls = {
			tcgetattr: lib.func("int tcgetattr(int fd, void *t)") as TermiosCalls["tcgetattr"],
			tcsetattr: lib.func("int tcsetattr(int fd, int action, void *t)") as TermiosCalls["tcsetattr"],
		};
	} catch {
		calls = null; // not glibc/Linux: flow control stays as opened
	}
	return calls;
}

/** The termios bytes of `fd` with the calls to write them back; null when unavailable (not Linux, not a tty). */
function getattr(fd: number): { c: TermiosCalls; t: Buffer } | null {
	const c = load();
	if (!c) return null;
	const t = Buffer.alloc(128);
	return c.tcgetattr(fd, t) === 0 ? { c, t } : null;
}

/**
 * Set the host side of flow control on `fd`. Returns false when it could not be applied (not Linux,
 * or not a tty), true otherwise. On a pty CRTSCTS is accepted but has no effect (node-notes.md).
 */
export function applyFlowControl(fd: number, mode: FlowControl): boolean {
	const got = getattr(fd);
	if (!got) return false;
	const { c, t } = got;
	let iflag = t.readUInt32LE(0);
	let cflag = t.readUInt32LE(8);
	iflag = mode === "xonxoff" ? iflag | IXON | IXOFF : iflag & ~(IXON | IXOFF);
	cflag = mode === "rtscts" ? cflag | CRTSCTS : cflag & ~CRTSCTS;
	t.writeUInt32LE(iflag >>> 0, 0);
	t.writeUInt32LE(cflag >>> 0, 8);
	return c.tcsetattr(fd, TCSANOW, t) === 0;
}

/** Read back the flow control mode of `fd` (tests, traces); undefined when unknown. */
export function readFlowControl(fd: number): FlowControl | undefined {
	const t = getattr(fd)?.t;
	if (!t) return undefined;
	const iflag = t.readUInt32LE(0);
	const cflag = t.readUInt32LE(8);
	if (cflag & CRTSCTS) return "rtscts";
	return iflag & IXON ? "xonxoff" : "none";
}
