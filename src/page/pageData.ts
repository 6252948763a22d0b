/**
 * Phase C page data (T.4 §4, class1.md §2.5): a page re-fitted to the negotiated width/resolution and
 * streamed as T.4 in Class 1 line order (LSB first): leading EOL, rows with zero fill for the minimum
 * scan-line time, RTC, then ~20 zero octets to push RTC out of the modem (HylaFAX practice). Only one
 * encoder buffer is held at a time. Shared by the Class 1 engine (t30/nonEcm.ts) and, for +FDT data, Class 2.
 * Layer: page (imports core, t4, tiff; imported by t30 and modem).
 */
import { rowOf, type FaxPage } from "../core/bitmap.js";
import { concatBytes } from "../core/bytes.js";
import { isFaxGeometry, normalizePage, type NormalizeTarget } from "../tiff/normalize.js";

/** The slice of the T.4 encoder the engine needs (src/t4 T4Encoder). */
export interface RowEncoder {
	encodeRow(row: Uint8Array): void;
	/** bytes completed so far (the encoder forgets them) */
	take(): Uint8Array;
	/** flush the rest, including RTC */
	finish(): Uint8Array;
}

export interface RowEncoderOptions {
	coding: "mh" | "mr";
	width: number;
	/** MR K factor */
	k: number;
	/** zero fill so a row with its EOL has at least this many bits */
	minBitsPerRow: number;
}

/** Makes a row encoder with EOLs, a leading EOL, RTC and LSB-first output. */
export type RowEncoderFactory = (o: RowEncoderOptions) => RowEncoder;

/** Bits a row must last for a scan-line time (class1.md §2.5 minLen): src/t4's rule, re-exported for the engine. */
export { minBitsPerRow } from "../t4/index.js";

/** Zero octets after RTC (HylaFAX Class1Send: "to push it out of the modem"). */
export const PAGE_TRAILER_ZEROS = 20;

/** Re-fit a page to the format the far end accepts (src/tiff normalizePage; a no-op when it already fits). */
export function fitPage(page: FaxPage, format: NormalizeTarget): FaxPage {
	const target = { width: format.width, resolution: format.resolution };
	return isFaxGeometry(page, target) ? page : normalizePage(page, target);
}

/**
 * The page as T.4 chunks of roughly `chunkBytes`. `onBytes` gets the running total (for pageEnd.bytes).
 */
export async function* pageChunks(
	page: FaxPage,
	o: RowEncoderOptions,
	factory: RowEncoderFactory,
	onBytes: (n: number) => void,
	chunkBytes = 4096,
): AsyncGenerator<Uint8Array> {
	const enc = factory(o);
	const bm = page.bitmap;
	let total = 0;
	let pending: Uint8Array[] = [];
	let pendingBytes = 0;
	for (let y = 0; y < bm.height; y++) {
		enc.encodeRow(rowOf(bm, y));
		const b = enc.take();
		if (b.length === 0) continue;
		pending.push(b);
		pendingBytes += b.length;
		if (pendingBytes >= chunkBytes) {
			const out = concatBytes(pending, pendingBytes);
			pending = [];
			pendingBytes = 0;
			total += out.length;
			onBytes(total);
			yield out;
		}
	}
	const tail = enc.finish();
	pending.push(tail, new Uint8Array(PAGE_TRAILER_ZEROS));
	const out = concatBytes(pending, pendingBytes + tail.length + PAGE_TRAILER_ZEROS);
	total += out.length;
	onBytes(total);
	yield out;
}
