/**
 * Phase C (and TCF) receive through AT+FRM (T.31 §8.3.3; class1.md §2.1, §2.3): CONNECT once the carrier
 * trained, then the DLE-stuffed data until the carrier drops, closed by DLE ETX and NO CARRIER (or OK);
 * +FCERROR when another carrier (V.21: the sender repeated its DCS) is heard; DLE EOT in Class 1.0 when
 * the far end hangs up. The data is DLE-decoded by the AtChannel and streamed to the caller's sink as it
 * arrives (AtChannel.readDleBlock onData), so a page never sits whole in memory. A data stream that stops
 * without DLE ETX for DATA_STALL_MS ends the receive (AT_TIMEOUT) after cancelling it (CAN).
 * Used by Class1Modem.receiveData. Layer: modem.
 */
import type { Class1Knobs } from "../../drivers/_schema.js";
import type { AtChannel, AtResult, DleBlock } from "../at/AtChannel.js";
import { FaxError, isFaxError } from "../core/FaxError.js";
import type { Tracer } from "../core/trace.js";
import type { DataOutcome, DataSink, ModulationCode } from "./Class1Link.js";
import { MODULATIONS } from "./rates.js";

/** No data byte for this long after CONNECT (and no DLE ETX): the DCE is stuck, ms. */
export const DATA_STALL_MS = 5000;

/** What receiveData needs from the modem. */
export interface ReceiveDataContext {
	channel: AtChannel;
	tracer: Tracer;
	class1: Class1Knobs;
	unexpected(r: AtResult, wanted: string): FaxError;
	/**
	 * Adaptive receive (+FAR=1, T.31 §8.5.1): the DCE heard V.21 instead and says "+FRH:3", CONNECT and
	 * delivers the frame (FCS included); it goes here (good FCS only) and the receive ends as fcError.
	 */
	onV21Frame?(frame: Uint8Array): void;
}

/** AT+FRM=`mod`, then stream the data to `sink` (see the file comment). */
export async function receiveData(o: ReceiveDataContext, mod: ModulationCode, sink: DataSink, timeoutMs: number, signal?: AbortSignal): Promise<DataOutcome> {
	if (!MODULATIONS[mod]) throw new FaxError("PROTOCOL_ERROR", `Unknown modulation ${String(mod)}`);
	signal?.throwIfAborted();
	let r: AtResult;
	try {
		r = await o.channel.command(`AT+FRM=${mod}`, { timeoutMs, signal, dataAfterConnect: true });
	} catch (e) {
		if (!isFaxError(e, "AT_TIMEOUT")) throw e; // an abort was wound down by the channel (CAN, OK)
		o.tracer.trace("timer", "-", `no carrier for +FRM=${mod} within ${timeoutMs} ms: aborting`);
		await o.channel.abortReceive(o.class1.recvAbortOkMs);
		return { kind: "timeout" };
	}
	if (r.code === "+FCERROR") return { kind: "fcError" };
	if (r.code === "NO CARRIER") return { kind: "noCarrier" };
	if (r.code !== "CONNECT") throw o.unexpected(r, `CONNECT to AT+FRM=${mod}`);
	if (r.info.some((l) => /^\+FRH:\s*3/i.test(l))) {
		const frame = await o.channel.readDleBlock(DATA_STALL_MS, signal);
		const fin = frame.final ? undefined : await o.channel.waitFinal({ timeoutMs: 3000, ...(signal ? { signal } : {}) }).catch(() => undefined);
		o.tracer.trace("info", "-", `+FRM=${mod}: +FRH:3, a V.21 frame instead of data${fin?.code === "OK" ? "" : " (bad FCS or none)"}`);
		if (fin?.code === "OK" && frame.data.length) o.onV21Frame?.(frame.data.slice());
		return { kind: "fcError" };
	}

	// The sink may be async: keep its calls in order, and never let a slow one stall the DCE's stream.
	let bytes = 0;
	let chain: Promise<void> = Promise.resolve();
	let sinkError: unknown;
	const onData = (chunk: Uint8Array): void => {
		bytes += chunk.length;
		chain = chain.then(() => sink(chunk)).catch((e: unknown) => void (sinkError ??= e));
	};
	let block: DleBlock | undefined;
	let seen = 0;
	while (!block) {
		try {
			block = await o.channel.readDleBlock(DATA_STALL_MS, signal, onData);
		} catch (e) {
			if (isFaxError(e, "AT_TIMEOUT") && bytes > seen) {
				seen = bytes; // still flowing: a page takes as long as it takes
				continue;
			}
			if (isFaxError(e, "AT_TIMEOUT")) {
				await o.channel.abortReceive(o.class1.recvAbortOkMs);
				await chain;
				throw new FaxError("AT_TIMEOUT", `+FRM=${mod}: data stopped after ${bytes} bytes without DLE ETX`, { context: { bytes } });
			}
			await chain;
			throw e;
		}
	}
	await chain;
	if (sinkError !== undefined) throw sinkError;
	if (block.final) return { kind: "noCarrier" }; // CONNECT, then a result line instead of data
	o.tracer.trace("page", "rx", `+FRM=${mod}: ${bytes} bytes${block.events.length ? ` (${block.events.join(", ")})` : ""}`);
	if (block.events.includes("eot")) return { kind: "data", bytes, end: "eot" }; // Class 1.0: far end hung up, no result follows
	const fin = await o.channel.waitFinal({ timeoutMs: 3000, ...(signal ? { signal } : {}) });
	if (fin.code === "NO CARRIER") return { kind: "data", bytes, end: "noCarrier" };
	if (fin.code === "OK") return { kind: "data", bytes, end: "ok" };
	throw o.unexpected(fin, "NO CARRIER or OK after the data");
}
