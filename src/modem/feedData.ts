/**
 * Phase C data through an open +FTM (T.31 §8.3.3; class1.md §2.3, §2.5; outgoing-job.md §9.4): feed the
 * DLE-stuffed bytes with the OS's back-pressure, bounded by a stall watchdog; close the block with DLE ETX
 * and wait for the OK for the line time still queued. An abort stops feeding at once and is reported
 * once that OK is in (the DCE is then in command state); a result code while feeding (NO CARRIER) means
 * the DCE left data mode: feeding stops and it is reported at once. Used by Class1Modem.sendData after
 * its CONNECT. Layer: modem.
 */
import type { Class1Knobs } from "../../drivers/_schema.js";
import { abortReason } from "../at/abortWait.js";
import type { AtChannel, AtResult } from "../at/AtChannel.js";
import { DLE_ETX, dleStuff } from "../at/dle.js";
import { finalCodeOf } from "../at/resultCodes.js";
import { withTimeout, type Clock } from "../core/Clock.js";
import { FaxError } from "../core/FaxError.js";
import type { Tracer } from "../core/trace.js";
import type { ModulationCode } from "./Class1Link.js";
import { MODULATIONS, trainingMs } from "./rates.js";

/**
 * Bytes the OS may hold between us and the DCE: a Linux pty queues about 22 kB and wakes a blocked writer
 * only when the reader has drained it to <= 128 bytes (n_tty; measured in hw-mocks/spandsp/README.md).
 */
const OS_QUEUE_BYTES = 24 * 1024;

/** What feedData needs from the modem. */
export interface FeedContext {
	channel: AtChannel;
	clock: Clock;
	tracer: Tracer;
	/** Bytes per write. */
	chunkBytes: number;
	class1: Class1Knobs;
	/** The DCE is out of data mode (DLE ETX about to be written, or it left by itself). */
	closed(): void;
	unexpected(r: AtResult, wanted: string): FaxError;
}

/** Feed `data` after CONNECT to AT+FTM=`mod`, close it with DLE ETX and take the OK (see the file comment). */
export async function feedData(o: FeedContext, mod: ModulationCode, data: Uint8Array | AsyncIterable<Uint8Array>, signal?: AbortSignal): Promise<void> {
	const m = MODULATIONS[mod]!;
	const k = o.class1;
	const unexpected = o.unexpected;
	let start = o.clock.now();
	let sent = 0;
	let inFlight = 0;
	// Each write resolves when the OS took the bytes: that is the back-pressure that keeps the modem fed
	// without queueing a whole page in memory. PORT_CLOSED from a write ends the call at once.
	// A write that does not complete means the DCE stopped taking data (flow control held, modem hung):
	// bound it (1.25 x the line time of the OS queue plus a chunk) so a dead modem cannot hang the call.
	// On a pty (iaxmodem, t38modem, the SpanDSP peer) a blocked write is woken only once the reader has
	// drained nearly all the kernel queue, so one write may wait for OS_QUEUE_BYTES at line rate.
	const stallMs = Math.max(5000, Math.ceil((((OS_QUEUE_BYTES + o.chunkBytes) * 8000) / m.bitRate) * 1.25));
	// A result code while we feed (NO CARRIER: the far end dropped the line) means the DCE has left data
	// mode (T.31 §8.3.3): stop feeding at once — what follows would go to its command parser.
	let lost: string | undefined;
	let onLost!: () => void;
	const lostP = new Promise<void>((res) => (onLost = res));
	const unlisten = o.channel.onUnsolicited((line) => {
		if (lost !== undefined || finalCodeOf(line) === undefined) return;
		lost = line;
		o.tracer.trace("info", "-", `the modem left data mode during the data: ${line}`);
		onLost();
	});
	try {
		// Class1TMConnectDelay: some DCEs say CONNECT before they start training (T.31 §8.3.3).
		if (k.tmConnectDelayMs > 0) await o.clock.sleep(k.tmConnectDelayMs, signal);
		start = o.clock.now();
		for await (const chunk of chunked(data, o.chunkBytes)) {
			if (signal?.aborted || lost !== undefined) break; // stop feeding at once (§9.4 phase C)
			inFlight = chunk.length;
			const written = withTimeout(o.channel.writeRaw(dleStuff(chunk)), stallMs, {
				clock: o.clock,
				...(signal ? { signal } : {}),
				onTimeout: () => new FaxError("AT_TIMEOUT", `Modem stopped accepting data for ${stallMs} ms after ${sent} bytes`, { context: { bytes: sent, stallMs } }),
			});
			written.catch(() => undefined); // (when the modem's result code wins the race below)
			await Promise.race([written, lostP]);
			if (lost !== undefined) break;
			sent += chunk.length;
			inFlight = 0;
		}
	} catch (e) {
		if (!signal?.aborted && lost === undefined) {
			unlisten();
			throw e; // the DCE is still in data mode: Class1Modem.settleTx() closes it before the next command
		}
	}
	unlisten();
	const aborted = signal?.aborted ? abortReason(signal) : undefined;
	if (lost !== undefined) {
		// Back in command state already: no DLE ETX (nor its OK) to wait for. Drop what it may have said
		// to the bytes that reached its command parser.
		o.closed();
		await o.channel.resync();
		if (aborted) throw aborted;
		if (lost === "NO CARRIER") throw new FaxError("CARRIER_LOST", "NO CARRIER during page data", { context: { bytes: sent } });
		throw unexpected({ code: finalCodeOf(lost)!, line: lost, info: [] }, "data mode until DLE ETX");
	}
	// class1.md §2.3 / §9.4 phase C: an abort mid-data still ends the block with DLE ETX (queued after a
	// write still in progress). The modem holds a few kB and the OS up to ~64 kB more: the OK comes when
	// the last byte has been modulated, so allow the line time still ahead of us plus a margin (class1.md
	// SpanDSP notes). The abort is reported once that OK is in: the DCE is then in command state, so
	// DCN and ATH can follow.
	const queued = sent + inFlight;
	const lineMs = trainingMs(mod) + (queued * 8000) / m.bitRate;
	const remaining = Math.max(0, start + lineMs - o.clock.now());
	const timeoutMs = Math.ceil(remaining * 1.1 + k.dataOkMarginMs);
	o.tracer.trace("at", "tx", `<${queued} data bytes${aborted ? ", aborted" : ""}> <DLE><ETX>`);
	o.tracer.trace("timer", "-", `waiting OK after ${queued} data bytes: ${timeoutMs} ms`);
	o.closed();
	let fin: AtResult;
	try {
		// Not aborted yet: an abort while the modem drains is wound down by the channel (it waits for this
		// OK, bounded by timeoutMs) and then rejects with the reason.
		fin = await o.channel.sendAndWait(DLE_ETX, aborted ? { timeoutMs } : { timeoutMs, ...(signal ? { signal } : {}) });
	} catch (e) {
		if (aborted) throw aborted;
		throw e;
	}
	if (aborted) throw aborted;
	if (fin.code === "NO CARRIER") throw new FaxError("CARRIER_LOST", "NO CARRIER after page data", { context: { bytes: sent } });
	if (fin.code !== "OK") throw unexpected(fin, "OK after data");
}

/** Split a buffer or a stream of buffers into pieces of at most `size` bytes. */
async function* chunked(data: Uint8Array | AsyncIterable<Uint8Array>, size: number): AsyncGenerator<Uint8Array> {
	if (data instanceof Uint8Array) {
		for (let i = 0; i < data.length; i += size) yield data.subarray(i, i + size);
		return;
	}
	for await (const part of data) {
		for (let i = 0; i < part.length; i += size) yield part.subarray(i, i + size);
	}
}
