/**
 * hw-mocks/ptyPair.ts against the real serialport binding: byte-exact round trips both ways (incl. the
 * XON/XOFF/DLE bytes a cooked tty would eat), reopen without EIO, the symlink, vanish() as an unplug, and
 * host-close detection (hostClose/hostOpen: serialport close, a shell holding the port killed with SIGKILL).
 */
import test from "ava";
import { spawn, execFileSync } from "node:child_process";
import { existsSync, readlinkSync } from "node:fs";
import { SerialPort } from "serialport";
import { openPtyPair } from "../../hw-mocks/ptyPair.js";


const openPort = (path: string) =>
	new Promise<SerialPort>((res, rej) => {
		const p = new SerialPort({ path, baudRate: 115200, autoOpen: false });
		p.open((e) => (e ? rej(e) : res(p)));
	});

const closePort = (p: SerialPort) => new Promise<void>((res) => (p.isOpen ? p.close(() => res()) : res()));

/** Collect `n` bytes from an emitter of Buffers, or reject at the deadline. */
function collect(src: { on(e: "data", f: (b: Buffer) => void): unknown }, n: number, ms: number): Promise<Buffer> {
	return new Promise((resolve, reject) => {
		const parts: Buffer[] = [];
		let have = 0;
		const timer = setTimeout(() => reject(new Error(`only ${have}/${n} bytes within ${ms} ms`)), ms);
		src.on("data", (b: Buffer) => {
			parts.push(b);
			have += b.length;
			if (have >= n) {
				clearTimeout(timer);
				resolve(Buffer.concat(parts));
			}
		});
	});
}

/** 256 kB covering every byte value, with runs of DC1/DC3/DLE/ETX/CR. */
function binaryBlock(): Buffer {
	const b = Buffer.alloc(256 * 1024);
	for (let i = 0; i < b.length; i++) b[i] = (i * 131 + (i >> 9)) & 0xff;
	for (let i = 0; i < b.length; i += 997) b.set([0x11, 0x13, 0x10, 0x10, 0x03, 0x0d, 0x0a, 0x7f, 0x04, 0x1a], i);
	return b;
}

test.serial("bytes round-trip intact both ways through the real serialport binding", async (t) => {
	const pair = await openPtyPair();
	t.teardown(() => pair.close());
	t.regex(pair.path, /^\/dev\/pts\/\d+$/);
	const port = await openPort(pair.path);
	t.teardown(() => closePort(port));
	const block = binaryBlock();

	const toDriver = collect(port, block.length, 10000);
	await pair.master.write(block);
	t.true((await toDriver).equals(block), "master -> slave");

	const toSim = collect(pair.master, block.length, 10000);
	port.write(block);
	t.true((await toSim).equals(block), "slave -> master");
});

test.serial("the symlink points at the slave; the driver can close and reopen without the master dying", async (t) => {
	const link = `/tmp/faxline-pty-test-${process.pid}`;
	const pair = await openPtyPair({ link });
	t.is(pair.path, link);
	t.is(readlinkSync(link), pair.slavePath);
	let masterErrors = 0;
	pair.master.on("error", () => masterErrors++);

	const p1 = await openPort(link);
	await closePort(p1);
	await new Promise((r) => setTimeout(r, 20));
	t.true(pair.master.alive);
	const p2 = await openPort(link);
	const got = collect(p2, 4, 2000);
	await pair.master.write("OK\r\n");
	t.is((await got).toString(), "OK\r\n");
	await closePort(p2);
	t.is(masterErrors, 0);

	await pair.close();
	t.false(existsSync(link), "close() removes the symlink");
	t.false(pair.master.alive);
	await t.throwsAsync(pair.master.write("x"));
});

test.serial("vanish() makes the driver's port fail promptly (disconnect close or read error)", async (t) => {
	const pair = await openPtyPair();
	t.teardown(() => pair.close());
	const port = await openPort(pair.path);
	t.teardown(() => closePort(port));
	// Depending on whether a read was parked in the poller, serialport reports a hang-up either as a
	// DisconnectedError on 'close' or as an EIO 'error'; a driver must treat both as "port gone".
	const failed = new Promise<string>((res, rej) => {
		const timer = setTimeout(() => rej(new Error("neither close nor error within 2 s")), 2000);
		port.on("close", (e: { disconnected?: boolean } | null) => {
			clearTimeout(timer);
			res(e?.disconnected ? "disconnected" : "closed");
		});
		port.on("error", (e: NodeJS.ErrnoException) => {
			clearTimeout(timer);
			res(`error:${e.code ?? e.message}`);
		});
	});
	port.on("data", () => undefined); // a driver always reads; the hang-up surfaces on the read
	const masterClosed = new Promise<void>((r) => pair.master.once("close", r));
	await new Promise((r) => setTimeout(r, 20));
	pair.master.vanish();
	t.regex(await failed, /^(disconnected|error:EIO)$/);
	await masterClosed;
	t.false(pair.master.alive);
});

test.serial("vanish() removes the device node and makes writes fail (what a driver watchdog keys on)", async (t) => {
	// With no read parked in serialport's poller, a hung-up slave reads 0 bytes and serialport retries
	// forever without an event, so the driver must also watch the node and its writes.
	const pair = await openPtyPair({ link: `/tmp/faxline-pty-vanish-${process.pid}` });
	t.teardown(() => pair.close());
	const port = await openPort(pair.path);
	t.teardown(() => closePort(port));
	port.on("error", () => undefined);
	t.true(existsSync(pair.slavePath));
	pair.master.vanish();
	await new Promise((r) => setTimeout(r, 20));
	t.false(existsSync(pair.slavePath), "slave node gone");
	t.false(existsSync(pair.path), "symlink gone");
	const err = await new Promise<Error | null | undefined>((res) => port.write(Buffer.from("AT\r"), (e) => res(e)));
	t.truthy(err, "write to a vanished port fails");
});

/** The next `event` from the master, or reject at the deadline. */
function next(master: { once(e: "hostClose" | "hostOpen", f: () => void): unknown }, event: "hostClose" | "hostOpen", ms: number): Promise<void> {
	return new Promise((resolve, reject) => {
		const timer = setTimeout(() => reject(new Error(`no ${event} within ${ms} ms`)), ms);
		master.once(event, () => {
			clearTimeout(timer);
			resolve();
		});
	});
}

test.serial("the host closing the port is reported as hostClose after its last bytes; a reopen as hostOpen, and the pair still works", async (t) => {
	const pair = await openPtyPair();
	t.teardown(() => pair.close());
	const log: string[] = [];
	pair.master.on("data", (b: Buffer) => log.push(`data ${JSON.stringify(b.toString("latin1"))}`));
	pair.master.on("hostOpen", () => log.push("hostOpen"));
	pair.master.on("hostClose", () => log.push("hostClose"));
	t.false(pair.master.hostOpen);
	for (const round of [1, 2]) {
		const opened = next(pair.master, "hostOpen", 2000);
		const port = await openPort(pair.path);
		await opened;
		t.true(pair.master.hostOpen);
		const reply = collect(port, 4, 2000);
		await pair.master.write("OK\r\n");
		t.is((await reply).toString(), "OK\r\n", `round ${round}: master -> host`);
		const closed = next(pair.master, "hostClose", 2000);
		await new Promise<void>((res, rej) => port.write(Buffer.from(`ATH${round}\r`), (e) => (e ? rej(e) : res())));
		await new Promise<void>((res) => port.drain(() => res()));
		await closePort(port);
		await closed;
		t.false(pair.master.hostOpen);
		t.true(pair.master.alive, "the pair survives the host's close");
	}
	const text = log.join(" | ");
	t.is(text.replace(/" \| data "/g, ""), `hostOpen | data "ATH1\\r" | hostClose | hostOpen | data "ATH2\\r" | hostClose`, text);
});

test.serial("a host process killed (SIGKILL) while holding the port: hostClose", async (t) => {
	const pair = await openPtyPair();
	t.teardown(() => pair.close());
	const opened = next(pair.master, "hostOpen", 5000);
	const got = collect(pair.master, 3, 5000);
	// a shell that opens the slave read-write, writes AT CR and sleeps (nothing of ours in the host)
	const child = spawn("sh", ["-c", `exec 3<>"$0"; printf 'AT\\r' >&3; exec sleep 30 <&3 >&3`, pair.path], { stdio: "ignore" });
	t.teardown(() => void child.kill("SIGKILL"));
	await opened;
	t.is((await got).toString("latin1"), "AT\r");
	const closed = next(pair.master, "hostClose", 5000);
	child.kill("SIGKILL");
	await closed;
	t.true(pair.master.alive);
});

test.serial("the slave stays raw after the pair's own setup fd is closed (stty reads it back)", async (t) => {
	const pair = await openPtyPair();
	t.teardown(() => pair.close());
	const flags = execFileSync("stty", ["-F", pair.slavePath, "-a"], { encoding: "utf8" }).split(/[\s;]+/);
	for (const f of ["-icanon", "-echo", "-ixon", "-ixoff", "-opost", "-icrnl", "-isig"]) t.true(flags.includes(f), `${f} in stty -a`);
});

test.serial("bytes the departed host never read are dropped at hostClose; the next host reads only what follows", async (t) => {
	const pair = await openPtyPair();
	t.teardown(() => pair.close());
	const opened = next(pair.master, "hostOpen", 5000);
	// a host that holds the port and never reads it
	const child = spawn("sh", ["-c", `exec 3<>"$0"; exec sleep 30 <&3 >&3`, pair.path], { stdio: "ignore" });
	t.teardown(() => void child.kill("SIGKILL"));
	await opened;
	await pair.master.write("STALE REPLY\r\n");
	const closed = next(pair.master, "hostClose", 5000);
	child.kill("SIGKILL");
	await closed;
	// the next host reads 4 bytes with head(1) (serialport would flush its input on open anyway)
	const reopened = next(pair.master, "hostOpen", 5000);
	const reader = spawn("sh", ["-c", `exec head -c 4 < "$0"`, pair.path], { stdio: ["ignore", "pipe", "ignore"] });
	t.teardown(() => void reader.kill("SIGKILL"));
	const out: Buffer[] = [];
	reader.stdout.on("data", (b: Buffer) => out.push(b));
	const exited = new Promise<void>((res) => reader.on("exit", () => res()));
	await Promise.race([reopened, exited]); // (a reader fed stale bytes would exit at once)
	await pair.master.write("OK\r\n");
	await Promise.race([exited, new Promise((_, rej) => setTimeout(() => rej(new Error("head did not exit within 5 s")), 5000))]);
	t.is(Buffer.concat(out).toString("latin1"), "OK\r\n");
});
