/**
 * src/transport: SerialPortTransport open errors and unplug detection on a real pty, DuplexTransport
 * back-pressure and end, listPorts never throwing, termios flow-control toggling read back from the fd.
 */
import test from "ava";
import { writeFileSync } from "node:fs";
import { Duplex } from "node:stream";
import { openPtyPair } from "../../../hw-mocks/ptyPair.js";
import { FaxError } from "../../../src/core/FaxError.js";
import { DuplexTransport } from "../../../src/transport/DuplexTransport.js";
import { listPorts } from "../../../src/transport/listPorts.js";
import { SerialPortTransport } from "../../../src/transport/SerialPortTransport.js";
import { applyFlowControl, readFlowControl } from "../../../src/transport/termios.js";
import { openSync, closeSync } from "node:fs";

const closeWithin = (tr: { on(e: "close", f: (err?: FaxError) => void): void }, ms: number) =>
	new Promise<FaxError | undefined>((res, rej) => {
		const timer = setTimeout(() => rej(new Error(`no close within ${ms} ms`)), ms);
		tr.on("close", (e) => {
			clearTimeout(timer);
			res(e);
		});
	});

test("open errors: missing path is PORT_NOT_FOUND, a non-tty is PORT_OPEN_FAILED", async (t) => {
	const e1 = await SerialPortTransport.open("/dev/no-such-tty-faxline").catch((x: unknown) => x);
	t.true(e1 instanceof FaxError && e1.code === "PORT_NOT_FOUND");
	const f = `/tmp/faxline-not-a-tty-${process.pid}`;
	writeFileSync(f, "x");
	const e2 = await SerialPortTransport.open(f).catch((x: unknown) => x);
	t.true(e2 instanceof FaxError && e2.code === "PORT_OPEN_FAILED", String(e2));
});

test.serial("a pty vanishing right after open (no read parked) is still PORT_CLOSED, via the watchdog", async (t) => {
	const pair = await openPtyPair();
	t.teardown(() => pair.close());
	const tr = await SerialPortTransport.open(pair.path, { watchdogMs: 50 });
	const closed = closeWithin(tr, 2000);
	pair.master.vanish();
	const err = await closed;
	t.true(err instanceof FaxError && err.code === "PORT_CLOSED");
	t.false(tr.isOpen);
	const w = await tr.write(Uint8Array.of(0x41)).catch((x: unknown) => x);
	t.true(w instanceof FaxError && w.code === "PORT_CLOSED");
	await tr.close();
});

test.serial("close() by us emits close without an error and is idempotent", async (t) => {
	const pair = await openPtyPair();
	t.teardown(() => pair.close());
	const tr = await SerialPortTransport.open(pair.path);
	const closed = closeWithin(tr, 2000);
	await tr.close();
	t.is(await closed, undefined);
	await t.notThrowsAsync(tr.close());
});

test.serial("termios: XON/XOFF and RTS/CTS flags toggle and read back on a pty fd", (t) => {
	return openPtyPair().then(async (pair) => {
		const fd = openSync(pair.slavePath, "r+");
		try {
			t.true(applyFlowControl(fd, "xonxoff"));
			t.is(readFlowControl(fd), "xonxoff");
			t.true(applyFlowControl(fd, "rtscts"));
			t.is(readFlowControl(fd), "rtscts");
			t.true(applyFlowControl(fd, "none"));
			t.is(readFlowControl(fd), "none");
		} finally {
			closeSync(fd);
			await pair.close();
		}
	});
});

test("DuplexTransport: data both ways, back-pressure resolves on drain, end is PORT_CLOSED", async (t) => {
	const written: Buffer[] = [];
	let release: (() => void) | undefined;
	const duplex = new Duplex({
		highWaterMark: 16,
		read() {},
		write(chunk: Buffer, _enc, cb) {
			written.push(chunk);
			release = cb; // the "DCE" takes its time
		},
	});
	const tr = new DuplexTransport(duplex, "mem");
	const got: number[] = [];
	tr.on("data", (b) => got.push(...b));
	duplex.push(Buffer.from("OK"));
	await new Promise((r) => setImmediate(r));
	t.deepEqual(got, [0x4f, 0x4b]);
	let resolved = false;
	const w = tr.write(new Uint8Array(1000).fill(7)).then(() => (resolved = true));
	await new Promise((r) => setImmediate(r));
	t.false(resolved, "held by back-pressure until the consumer drains");
	release?.();
	await w;
	t.true(resolved);
	t.is(Buffer.concat(written).length, 1000);
	const closed = closeWithin(tr, 1000);
	duplex.push(null);
	const err = await closed;
	t.true(err instanceof FaxError && err.code === "PORT_CLOSED");
	const e2 = await tr.write(Uint8Array.of(1)).catch((x: unknown) => x);
	t.true(e2 instanceof FaxError && e2.code === "PORT_CLOSED");
});

test("listPorts scans sysfs/by-id without throwing and returns /dev paths", async (t) => {
	const ports = await listPorts();
	t.true(Array.isArray(ports));
	for (const p of ports) t.regex(p.path, /^\/dev\//);
});
