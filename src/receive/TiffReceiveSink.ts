/**
 * A ReceiveSink (the receive seam of modem/FaxModem) that stores a call's pages in one TIFF Class F file
 * as they are judged (issue 10 "Output"): each page's data is decoded (src/t4, the DCS's coding and width,
 * line order LSB first), bad rows regenerated from the row above, and committed with ReceivedFaxWriter
 * (crash-safe, page by page) with BadFaxLines, ConsecutiveBadFaxLines, CleanFaxData, the caller's TSID
 * (ImageDescription) and the session parameters (FaxDcs). Pages answered RTN are kept too, with their
 * quality (HylaFAX SaveUnconfirmedPages), unless `keepRejected` is false. Layer: receive (above t30).
 */
import { yResOf } from "../core/bitmap.js";
import type { NegotiatedParams, PageResult } from "../modem/FaxModem.js";
import type { ReceiveSink, ReceivedPageInfo, ReceivedPageResult, ReceivedPageWriter } from "../t30/receiveTypes.js";
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
				await this.writer.addPage({
					bitmap: dec.bitmap,
					xRes: 204,
					yRes: yResOf(p.resolution),
					badLines: dec.badLines,
					consecutiveBadLines: dec.consecutiveBadLines,
					cleanFaxData: dec.badLines > 0 ? 1 : 0, // bad rows were regenerated from the row above
					description: this.o.tsid(),
					dcs: `${p.modulation} ${p.bitRate}, ${p.resolution}, ${p.coding.toUpperCase()}, ${p.width} px${p.ecm ? ", ECM" : ""}; ${r.result}`,
					recvTimeSec: (Date.now() - started) / 1000,
				});
				stored.kept = true;
				this.fileBytes += bytes;
				this.o.onPageStored?.(stored, this.fileBytes);
			},
			abort: () => {
				chunks.length = 0; // a page cut short is never stored
			},
		};
	}

	/** Ends the file (PageNumber totals); returns the pages in it (0: no file was created). */
	finish(): Promise<number> {
		return this.writer.finish();
	}
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
