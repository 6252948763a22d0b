/**
 * Phase C of the answerer, non-ECM (T.30 §5.3.3 / Figure 5-2b node "F" message reception; T.4 §4): one
 * page's data from +FRM, decoded as it arrives (T4Decoder, rows counted good/bad for the copy-quality
 * check), watched for RTC (rtcDetector.ts: what follows RTC before the carrier drops is not the page),
 * and streamed to the page writer of the sink. Layer: t30.
 */
import type { FaxResolution } from "../core/bitmap.js";
import { T4Decoder } from "../t4/index.js";
import { RtcDetector } from "../t4/rtcDetector.js";
import type { Class1Link, DataOutcome, ModulationCode } from "../modem/Class1Link.js";
import type { RxContext } from "./context.js";

/** The page's coding as the DCS announced it. */
export interface PageFormat {
	coding: "mh" | "mr" | "mmr";
	width: number;
	resolution: FaxResolution;
}

/** What one +FRM of page data gave. */
export interface PageIntake {
	outcome: DataOutcome;
	/** octets received up to the RTC (or all of them when no RTC came) */
	bytes: number;
	/** octets that came after the RTC before the carrier dropped (ignored) */
	afterRtc: number;
	rows: number;
	badLines: number;
	consecutiveBadLines: number;
	rtc: boolean;
	ms: number;
}

/**
 * Receive one page: +FRM at `mod`, waiting `timeoutMs` for the carrier. `write` gets the page data
 * (line order, up to the RTC) as it arrives; it may be async (a spool file): writes are chained and
 * awaited before this resolves.
 */
export async function receivePageData(
	ctx: RxContext,
	link: Class1Link,
	mod: ModulationCode,
	format: PageFormat,
	timeoutMs: number,
	write: (chunk: Uint8Array) => void | Promise<void>,
): Promise<PageIntake> {
	const dec = new T4Decoder({ coding: format.coding, width: format.width, bitOrder: "lsb" });
	const rtc = format.coding === "mmr" ? undefined : new RtcDetector(format.coding);
	let bytes = 0;
	let afterRtc = 0;
	let rows = 0;
	let pending: Promise<void> = Promise.resolve();
	// T.4 §4.1.2: a page begins with EOL. Whatever the modem delivers before it (training residue, the
	// sender's idle 1s: SpanDSP's T.31 sends 0xFF until the first data byte) is not a row: it is dropped.
	const start = format.coding === "mmr" ? undefined : new FirstEol();
	let writeError: unknown;
	const t0 = ctx.clock.now();
	const take = (chunk: Uint8Array) => {
		if (rtc?.found) {
			afterRtc += chunk.length;
			return;
		}
		let part = chunk;
		if (rtc && rtc.push(chunk)) {
			const keep = rtc.endOffset - bytes;
			afterRtc += chunk.length - keep;
			part = chunk.subarray(0, keep);
		}
		bytes += part.length;
		if (start && !start.found) {
			part = start.push(part);
			if (part.length === 0) return;
		}
		dec.pushRows(part, () => void rows++);
		const copy = part.slice(); // the link may reuse its buffer
		pending = pending.then(async () => {
			if (writeError === undefined) await write(copy);
		}).catch((e: unknown) => void (writeError ??= e));
	};
	ctx.tracer.trace("timer", "-", `T2 start ${timeoutMs} ms (page carrier)`);
	const outcome = await link.receiveData(mod, take, timeoutMs, ctx.signal);
	let stats;
	try {
		stats = dec.finishRows(() => void rows++);
	} catch {
		stats = dec.stats(); // nothing decodable (noise, a dropped carrier): zero good rows, judged bad
	}
	await pending;
	if (writeError !== undefined) throw writeError;
	const ms = ctx.clock.now() - t0;
	// Rows lost to noise: a burst that garbles EOLs makes the decoder take several coded rows for one bad
	// row (it resynchronises at the next EOL it can see), so its bad-row count understates the damage.
	// The EOLs on the line still tell how many rows were sent (one per row plus the leading EOL and RTC's
	// six): rows short of that are counted bad too, as one run (HylaFAX counts rows by EOLs the same way).
	let badLines = stats.badLines;
	let consecutive = stats.consecutiveBadLines;
	if (rtc) {
		const sent = rtc.eols - 1 - (rtc.found ? 6 : 0);
		const lost = sent - rows;
		if (lost > 2) {
			badLines += lost;
			consecutive = Math.max(consecutive, lost);
			ctx.tracer.trace("info", "rx", `${lost} rows lost in damaged data (${sent} EOL-delimited rows sent, ${rows} decoded): counted bad`);
		}
	}
	if (outcome.kind === "data")
		ctx.tracer.trace("info", "rx", `page data: ${bytes} octets, ${rows} rows (${badLines} bad, longest run ${consecutive})${rtc?.found ? ", RTC" : ", no RTC"}${afterRtc ? `, ${afterRtc} octets after RTC ignored` : ""}`);
	return { outcome, bytes, afterRtc, rows, badLines, consecutiveBadLines: consecutive, rtc: rtc?.found ?? stats.endMarker !== "none", ms };
}

/**
 * Finds the first EOL (eleven or more 0 bits, then a 1; T.4 §4.1.2) in a stream in line order and returns
 * the data from it on, the EOL re-based on two zero bytes (extra fill is harmless), so no bit before the
 * EOL reaches the decoder.
 */
class FirstEol {
	found = false;
	private zeros = 0;

	push(chunk: Uint8Array): Uint8Array {
		for (let i = 0; i < chunk.length; i++) {
			const b = chunk[i]!;
			if (b === 0) {
				this.zeros += 8;
				continue;
			}
			for (let k = 0; k < 8; k++) {
				if (((b >> k) & 1) === 0) {
					this.zeros++;
					continue;
				}
				if (this.zeros >= 11) {
					this.found = true;
					// two zero bytes carry the EOL's eleven zeros whatever bit the 1 is at; the rest of the run and
					// any garbage before it are dropped (bits below the 1 in this byte are zeros of the run)
					const out = new Uint8Array(chunk.length - i + 2);
					out.set(chunk.subarray(i), 2);
					return out;
				}
				this.zeros = 0;
			}
		}
		return new Uint8Array(0);
	}
}
