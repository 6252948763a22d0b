/**
 * The simulated receiver's view of one page of non-ECM high-speed data (T.4 §4.1): check the +FTM
 * modulation against the DCS, scan the EOLs in line order (lineChecks.ts: row lengths for the scan-line
 * time, RTC) and decode the pixels with src/t4 (LSB first, the DCS coding and width). Also tells a
 * resend of a rejected page from a new one. Layer: hw-mocks.
 */
import type { Bitmap } from "../src/core/bitmap.js";
import { decodeToBitmap } from "../src/t4/index.js";
import { scanLines } from "./lineChecks.js";
import type { DcsRecord, PageRecord } from "./records.js";

/** A received page as decoded by the simulated receiver. */
export interface Decoded {
	bitmap?: Bitmap;
	rowBits: number[];
	fields: Partial<Pick<PageRecord, "rtc" | "minRowBits" | "minRowMs" | "rows" | "badLines" | "decodeError">>;
}

/** Is a received page the same as the one rejected before (pixels, else coded bytes)? */
export function samePage(a: { bitmap?: Bitmap; data: Uint8Array }, b: Decoded, data: Uint8Array): boolean {
	if (a.bitmap && b.bitmap) return a.bitmap.width === b.bitmap.width && a.bitmap.height === b.bitmap.height && Buffer.compare(a.bitmap.data, b.bitmap.data) === 0;
	return Buffer.compare(a.data, data) === 0;
}

/** Decode one page heard at +FTM=`code` under `dcs`. Never throws: problems land in `fields.decodeError`. */
export function decodePage(dcs: DcsRecord, code: number, data: Uint8Array): Decoded {
	const out: Decoded = { fields: {}, rowBits: [] };
	if (!dcs.pageCodes.includes(code)) {
		out.fields.decodeError = `+FTM=${code} does not match the DCS (${dcs.modulation} ${dcs.bitRate})`;
		return out;
	}
	if (dcs.coding !== "mh" && dcs.coding !== "mr") {
		out.fields.decodeError = `${dcs.coding} needs ECM`;
		return out;
	}
	const scan = scanLines(data, dcs.coding);
	out.rowBits = scan.rowBits;
	out.fields.rtc = scan.rtc;
	out.fields.minRowBits = scan.minRowBits;
	out.fields.minRowMs = (scan.minRowBits * 1000) / dcs.bitRate;
	try {
		const r = decodeToBitmap(data, { coding: dcs.coding, width: dcs.width, bitOrder: "lsb" });
		out.bitmap = r.bitmap;
		out.fields.rows = r.bitmap.height;
		out.fields.badLines = r.badLines;
	} catch (e) {
		out.fields.decodeError = e instanceof Error ? e.message : String(e);
	}
	return out;
}
