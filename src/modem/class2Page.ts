/**
 * Phase C for a Class 2 / 2.0 modem: the page re-fitted to the session the modem reported (+FCS/+FDCS:
 * width, resolution), encoded to its coding (MH/MR; K = 2 at normal, 4 above, T.4 §4.2.1.3.2) with zero
 * fill for the scan-line time, in the bit order +FBO/+FBOR selected (0 "direct": the first bit on the
 * line is each byte's LSB; SP-2388 7.5.10, T.32 §8.5.1.3), DLE-doubled (T.32 §8.3.3, SP-2388 7.1.2),
 * written in chunks the transport accepts (the DCE paces with XON/XOFF or CTS). Also the wait for the
 * XON an SP-2388 modem sends after CONNECT. Layer: modem.
 */
import { rowOf, type FaxPage } from "../core/bitmap.js";
import { FaxError } from "../core/FaxError.js";
import type { Tracer } from "../core/trace.js";
import type { Clock } from "../core/Clock.js";
import { DC1, dleStuff } from "../at/dle.js";
import type { AtChannel } from "../at/AtChannel.js";
import { T4Encoder, minBitsPerRow } from "../t4/index.js";
import { isFaxGeometry, normalizePage } from "../tiff/normalize.js";
import type { NegotiatedParams } from "./FaxModem.js";

export interface PageDataOptions {
	/** +FBO/+FBOR phase C bit order: 0 direct (LSB first), 1 reversed */
	bitOrder: 0 | 1;
	/** end the page with RTC (HylaFAX Class2SendRTC) */
	sendRtc: boolean;
	/** bytes per write */
	chunkBytes?: number;
}

/** Re-fit, encode and write one page after CONNECT. Returns the bytes of T.4 data sent (before DLE doubling). */
export async function writePageData(ch: AtChannel, page: FaxPage, s: NegotiatedParams, o: PageDataOptions, signal?: AbortSignal): Promise<number> {
	if (s.coding === "mmr") throw new FaxError("INCOMPATIBLE", "the modem chose MMR (T.6), which needs ECM: not sent on the Class 2 path", { disposition: "reformat" });
	const fitted = isFaxGeometry(page, { width: s.width as 1728, resolution: s.resolution }) ? page : normalizePage(page, { width: s.width as 1728, resolution: s.resolution });
	const enc = new T4Encoder({
		coding: s.coding,
		width: s.width,
		k: s.resolution === "standard" ? 2 : 4,
		eol: true,
		leadingEol: true,
		rtc: o.sendRtc,
		minBitsPerRow: minBitsPerRow(s.bitRate, s.minScanLineMs),
		bitOrder: o.bitOrder === 0 ? "lsb" : "msb",
	});
	const chunk = o.chunkBytes ?? 2048;
	const bm = fitted.bitmap;
	let pending: Uint8Array[] = [];
	let pendingBytes = 0;
	let total = 0;
	const flush = async (): Promise<void> => {
		if (pendingBytes === 0) return;
		const all = new Uint8Array(pendingBytes);
		let off = 0;
		for (const p of pending) {
			all.set(p, off);
			off += p.length;
		}
		pending = [];
		pendingBytes = 0;
		total += all.length;
		if (signal?.aborted) throw signal.reason;
		await ch.writeRaw(dleStuff(all));
	};
	for (let y = 0; y < bm.height; y++) {
		enc.encodeRow(rowOf(bm, y));
		const b = enc.take();
		if (b.length === 0) continue;
		pending.push(b);
		pendingBytes += b.length;
		if (pendingBytes >= chunk) await flush();
	}
	const tail = enc.finish();
	if (tail.length) {
		pending.push(tail);
		pendingBytes += tail.length;
	}
	await flush();
	return total;
}

/**
 * Resolve once the DCE sent XON (DC1) after the CONNECT that `armXonWatch` saw, or after `ms` (a few
 * SP-2388 modems never send it: efax(1) "MODEM REQUIREMENTS" waits 2 s then goes on; mgetty waits 20 s).
 * Arm it before AT+FDT so an XON in the same chunk as CONNECT is not missed.
 */
export function armXonWatch(ch: AtChannel, clock: Clock, tracer: Tracer): { wait(ms: number): Promise<boolean>; cancel(): void } {
	let afterConnect = false;
	let seen = false;
	let tail = "";
	let wake: (() => void) | undefined;
	const onData = (bytes: Uint8Array): void => {
		for (const b of bytes) {
			if (afterConnect && b === DC1) {
				seen = true;
				wake?.();
				continue;
			}
			tail = (tail + String.fromCharCode(b)).slice(-9);
			if (/CONNECT\r?\n?$/.test(tail)) afterConnect = true;
		}
	};
	ch.transport.on("data", onData);
	const cancel = (): void => ch.transport.off("data", onData);
	return {
		cancel,
		wait: async (ms) => {
			if (!seen && ms > 0) {
				await new Promise<void>((resolve) => {
					const t = clock.setTimer(ms, () => resolve());
					wake = () => {
						t.cancel();
						resolve();
					};
				});
			}
			cancel();
			if (!seen) tracer.trace("info", "-", `no XON within ${ms} ms after CONNECT: sending anyway`);
			return seen;
		},
	};
}
