/**
 * A ReceiveSink (the receive seam of modem/FaxModem) that stores a call's pages in one TIFF Class F file
 * as they are judged (issue 10 "Output"): each page's data is decoded (src/t4, the DCS's coding and width,
 * line order LSB first), bad rows regenerated from the row above, and committed with ReceivedFaxWriter
 * (crash-safe, page by page) with BadFaxLines, ConsecutiveBadFaxLines, CleanFaxData, the caller's TSID
 * (ImageDescription) and the session parameters (FaxDcs). Pages answered RTN are kept too, with their
 * quality (HylaFAX SaveUnconfirmedPages), unless `keepRejected` is false — but a page answered RTN is
 * held back until the next page shows whether the caller resent it (same size, most rows equal): a
 * resend replaces it, anything else commits it first. Layer: receive (above t30).
 */
import { yResOf, type Bitmap } from "../core/bitmap.js";
import type { ClassFPage } from "../tiff/classF.js";
import type { NegotiatedParams, PageResult } from "../modem/FaxModem.js";
import type { ReceiveSink, ReceivedPageInfo, ReceivedPageResult, ReceivedPageWriter } from "../modem/FaxModem.js";
import { decodeToBitmap } from "../t4/index.js";
import { ReceivedFaxWriter } from "../tiff/ReceivedFaxWriter.js";

/** One page as the sink stored it. */
export interface StoredPage {
	/** 1-based page number of the call (resends after RTN count as new pages) */
	page: number;
	result: PageResult;
	confirmed: boolean;
	rows: number;
	badRows: number;
	consecutiveBadRows: number;
	bytes: number;
	/** written to the file */
	kept: boolean;
	params: NegotiatedParams;
}

export interface TiffReceiveSinkOptions {
	/** the caller's TSID when the page is stored (it arrives in phase B, before any page) */
	tsid: () => string;
	/** keep pages answered RTN (default true) */
	keepRejected?: boolean;
	/** coding of the stored pages: "mr" (default, compact) or "mh" / "mmr" */
	coding?: "mh" | "mr" | "mmr";
	/** after each committed page (progress, the incoming job's CurrentPage / Size) */
	onPageStored?: (p: StoredPage, fileBytes: number) => void;
}

export class TiffReceiveSink implements ReceiveSink {
	readonly pages: StoredPage[] = [];
	private readonly writer: ReceivedFaxWriter;
	private fileBytes = 0;
	/** a page answered RTN, waiting to see whether the caller resends it */
	private held: { page: ClassFPage; stored: StoredPage; bytes: number } | undefined;

	constructor(
		/** where the TIFF appears once the first page is stored */
		readonly path: string,
		private readonly o: TiffReceiveSinkOptions,
	) {
		this.writer = ReceivedFaxWriter.create(path, { coding: o.coding ?? "mr" });
	}

	/** Pages written to the file. */
	get pagesStored(): number {
		return this.writer.pageCount;
	}

	beginPage(info: ReceivedPageInfo): ReceivedPageWriter {
		const chunks: Uint8Array[] = [];
		let bytes = 0;
		const started = Date.now();
		return {
			write: (data) => {
				chunks.push(data);
				bytes += data.length;
			},
			end: async (r: ReceivedPageResult) => {
				const data = concat(chunks, bytes);
				chunks.length = 0;
				const p = info.params;
				const stored: StoredPage = { page: info.page, result: r.result, confirmed: r.confirmed, rows: r.rows, badRows: r.badRows, consecutiveBadRows: 0, bytes, kept: false, params: p };
				this.pages.push(stored);
				if (!r.confirmed && this.o.keepRejected === false) return;
				let dec;
				try {
					dec = decodeToBitmap(data, { coding: p.coding, width: p.width, bitOrder: "lsb" });
				} catch {
					return; // nothing decodable: nothing to keep (the page record says so)
				}
				stored.consecutiveBadRows = dec.consecutiveBadLines;
				const page: ClassFPage = {
					bitmap: dec.bitmap,
					xRes: 204,
					yRes: yResOf(p.resolution),
					badLines: dec.badLines,
					consecutiveBadLines: dec.consecutiveBadLines,
					cleanFaxData: dec.badLines > 0 ? 1 : 0, // bad rows were regenerated from the row above
					description: this.o.tsid(),
					dcs: `${p.modulation} ${p.bitRate}, ${p.resolution}, ${p.coding.toUpperCase()}, ${p.width} px${p.ecm ? ", ECM" : ""}; ${r.result}`,
					recvTimeSec: (Date.now() - started) / 1000,
				};
				const held = this.held;
				this.held = undefined;
				if (held && !isResend(held.page.bitmap, page.bitmap)) await this.commit(held.page, held.stored, held.bytes);
				if (!r.confirmed) this.held = { page, stored, bytes };
				else await this.commit(page, stored, bytes);
			},
			abort: () => {
				chunks.length = 0; // a page cut short is never stored
			},
		};
	}

	private async commit(page: ClassFPage, stored: StoredPage, bytes: number): Promise<void> {
		await this.writer.addPage(page);
		stored.kept = true;
		this.fileBytes += bytes;
		this.o.onPageStored?.(stored, this.fileBytes);
	}

	/** Ends the file (a page still held after RTN is committed; PageNumber totals); returns the pages in it. */
	async finish(): Promise<number> {
		const held = this.held;
		this.held = undefined;
		if (held) await this.commit(held.page, held.stored, held.bytes);
		return this.writer.finish();
	}
}

/**
 * Is `b` a resend of `a`? Same width, a height within half, and at least a third of the rows equal
 * counting from the top and from the bottom (noise damages a band of rows and may lose many, shifting
 * the rest).
 */
function isResend(a: Bitmap, b: Bitmap): boolean {
	if (a.width !== b.width || Math.abs(a.height - b.height) > Math.max(a.height, b.height) / 2) return false;
	const rows = Math.min(a.height, b.height);
	const row = (m: Bitmap, y: number) => m.data.subarray(y * m.stride, (y + 1) * m.stride);
	const eq = (x: Uint8Array, y: Uint8Array) => x.every((v, i) => v === y[i]);
	let top = 0;
	while (top < rows && eq(row(a, top), row(b, top))) top++;
	let bottom = 0;
	while (bottom < rows - top && eq(row(a, a.height - 1 - bottom), row(b, b.height - 1 - bottom))) bottom++;
	return (top + bottom) * 3 >= rows;
}

function concat(chunks: Uint8Array[], n: number): Uint8Array {
	if (chunks.length === 1) return chunks[0]!;
	const out = new Uint8Array(n);
	let o = 0;
	for (const c of chunks) {
		out.set(c, o);
		o += c.length;
	}
	return out;
}
