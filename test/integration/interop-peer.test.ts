/**
 * The SpanDSP peer's own instruments, checked with a raw host (serialport on the pty, no faxline code):
 * the transmit-underrun count is what the "faxline keeps the modem fed" test relies on, so it must see a
 * host that stops feeding during +FTM (T.31 then zero-fills) and must see none when the host keeps up;
 * and the modem answers as SpanDSP's T.31 does (class1.md "SpanDSP 0.0.6 as a peer").
 */
import test from "ava";
import { SerialPort } from "serialport";
import { SpanDspPeer, buildPeer, type PeerResult } from "../../hw-mocks/spandsp/SpanDspPeer.js";

test.before(async () => {
	await buildPeer();
});

/** A minimal DTE: write, and wait (bounded) until the modem's output contains a string. */
class RawHost {
	private seen = "";
	private waiters: { want: string; res: () => void }[] = [];
	private constructor(private readonly port: SerialPort) {
		port.on("data", (b: Buffer) => {
			this.seen += b.toString("latin1");
			this.waiters = this.waiters.filter((w) => (this.seen.includes(w.want) ? (w.res(), false) : true));
		});
	}
	static async open(path: string): Promise<RawHost> {
		const port = new SerialPort({ path, baudRate: 115200, autoOpen: false });
		await new Promise<void>((res, rej) => port.open((e) => (e ? rej(e) : res())));
		return new RawHost(port);
	}
	write(b: Buffer | string): Promise<void> {
		return new Promise((res, rej) => this.port.write(b, (e) => (e ? rej(e) : this.port.drain(() => res()))));
	}
	/** Resolve when `want` has appeared in the output since the last `mark()`; reject after `ms`. */
	until(want: string, ms = 10_000): Promise<void> {
		if (this.seen.includes(want)) return Promise.resolve();
		return new Promise((res, rej) => {
			const t = setTimeout(() => rej(new Error(`no ${JSON.stringify(want)} within ${ms} ms; got ${JSON.stringify(this.seen.slice(-200))}`)), ms);
			this.waiters.push({ want, res: () => (clearTimeout(t), res()) });
		});
	}
	mark(): void {
		this.seen = "";
	}
	async command(cmd: string, want = "OK", ms = 10_000): Promise<void> {
		this.mark();
		await this.write(`${cmd}\r`);
		await this.until(want, ms);
	}
	close(): Promise<void> {
		return new Promise((res) => this.port.close(() => res()));
	}
}

/** Off-hook with nobody fax-speaking at the far end, then one V.29 9600 (+FTM=96) burst of `blocks`. */
async function ftmBurst(blocks: { bytes: number; pauseAfterMs: number }[]): Promise<PeerResult> {
	const peer = await SpanDspPeer.start({ speed: 4, silentAnswer: true, lingerMs: 500 });
	try {
		const host = await RawHost.open(peer.path);
		await host.command("ATE0");
		await host.command("AT+FCLASS=1");
		await host.write("ATD5551234\r");
		await peer.event("answer"); // the modem now listens for V.21 (implied +FRH); any byte aborts that
		await host.command("AT");
		await host.command("AT+FTM=96", "CONNECT");
		for (const b of blocks) {
			await host.write(Buffer.alloc(b.bytes, 0x55));
			if (b.pauseAfterMs) await new Promise((r) => setTimeout(r, b.pauseAfterMs));
		}
		host.mark();
		await host.write(Buffer.from([0x10, 0x03]));
		await host.until("OK", 20_000);
		await host.command("ATH0");
		await host.close();
		return await peer.result(15_000);
	} finally {
		await peer.stop();
	}
}

test.serial("the peer counts a T.31 transmit underrun when the host pauses mid +FTM, and none when it keeps up", async (t) => {
	t.timeout(60_000);
	// 9600 bit/s at speed 4 drains 4800 bytes per wall second: 2400 bytes last 0.5 s, so a 1.5 s pause
	// leaves the modem with nothing to send for about a second (T.31 fills with zeros, silently).
	const paused = await ftmBurst([
		{ bytes: 2400, pauseAfterMs: 1500 },
		{ bytes: 2400, pauseAfterMs: 0 },
	]);
	const s1 = paused.tx_data.find((s) => s.kind === "page");
	t.truthy(s1, JSON.stringify(paused.tx_data));
	t.is(s1!.rate, 9600);
	t.is(s1!.bytes, 4800, "every byte the host sent was modulated");
	t.log(`paused: ${JSON.stringify(s1)}`);
	t.is(s1!.gaps, 1);
	t.true(s1!.fill_bytes > 1000 && s1!.fill_bytes < 7200, `fill ${s1!.fill_bytes}`);

	const steady = await ftmBurst([{ bytes: 4800, pauseAfterMs: 0 }]);
	const s2 = steady.tx_data.find((s) => s.kind === "page");
	t.is(s2!.bytes, 4800);
	t.is(s2!.gaps, 0);
	t.is(s2!.fill_bytes, 0);
	t.is(steady.underruns, 0);
	t.true(steady.host_hangup && steady.dialed);
});
