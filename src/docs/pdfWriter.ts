/**
 * PDF out (ISO 32000-1): each fax page becomes one PDF page of its true physical size (width/xRes by
 * height/yRes inches) holding one image XObject whose data is the page coded as CCITT G4 (T.6):
 * /Filter /CCITTFaxDecode with /K -1, /Columns, /Rows, /BlackIs1 false (§7.4.6): no loss, and the same
 * code a fax machine sends. The image is a stencil mask (/ImageMask true, §8.9.6.2) painted black: the
 * white of the page shows through, and renderers place its pixels 1:1 (poppler resamples a DeviceGray
 * image by a fraction of a pixel; a mask it does not). Pages are written as they come (one page in memory), the cross-reference
 * table at the end; the file appears atomically (temp name, fsync, rename). Layer: docs.
 */
import type { FileHandle } from "node:fs/promises";
import { open, rename, rm } from "node:fs/promises";
import type { FaxPage } from "../core/bitmap.js";
import { encodeBitmap } from "../t4/index.js";

const enc = new TextEncoder();

/** The G4 code of a page as PDF's CCITTFaxDecode reads it (no EOFB needed, but allowed). */
export function g4Of(page: FaxPage): Uint8Array {
	return encodeBitmap(page.bitmap, { coding: "mmr", rtc: true });
}

export class PdfWriter {
	private offsets: number[] = [];
	private pos = 0;
	private pageIds: number[] = [];
	private closed = false;

	private constructor(
		private readonly fh: FileHandle,
		private readonly tmp: string,
		private readonly dest: string,
	) {}

	static async create(dest: string): Promise<PdfWriter> {
		const tmp = `${dest}.${process.pid}.${Date.now()}.tmp`;
		const w = new PdfWriter(await open(tmp, "wx"), tmp, dest);
		await w.raw(enc.encode("%PDF-1.4\n%\xe2\xe3\xcf\xd3\n"));
		return w;
	}

	get pageCount(): number {
		return this.pageIds.length;
	}

	private async raw(b: Uint8Array): Promise<void> {
		await this.fh.write(b, 0, b.length, this.pos);
		this.pos += b.length;
	}

	/** Object numbers: 1 catalog, 2 page tree, then 3 per page (page, content, image). */
	private async obj(id: number, body: string, stream?: Uint8Array): Promise<void> {
		this.offsets[id] = this.pos;
		if (!stream) return this.raw(enc.encode(`${id} 0 obj\n${body}\nendobj\n`));
		await this.raw(enc.encode(`${id} 0 obj\n${body}\nstream\n`));
		await this.raw(stream);
		await this.raw(enc.encode("\nendstream\nendobj\n"));
	}

	/** Adds a page; `g4` may be passed when the caller already has the page's T.6 code. */
	async addPage(page: FaxPage, g4: Uint8Array = g4Of(page)): Promise<void> {
		const { width: W, height: H } = page.bitmap;
		// rounded down to 1/1000 pt so a renderer at xRes/yRes dpi gets exactly W x H pixels, never W+1
		const pt = (n: number, res: number): string => (Math.floor((n / res) * 72 * 1000) / 1000).toFixed(3);
		const wPt = pt(W, page.xRes);
		const hPt = pt(H, page.yRes);
		const id = 3 + this.pageIds.length * 3;
		this.pageIds.push(id);
		const content = enc.encode(`q 0 g ${wPt} 0 0 ${hPt} 0 0 cm /Im0 Do Q`);
		await this.obj(id, `<< /Type /Page /Parent 2 0 R /MediaBox [0 0 ${wPt} ${hPt}] /Resources << /XObject << /Im0 ${id + 2} 0 R >> >> /Contents ${id + 1} 0 R >>`);
		await this.obj(id + 1, `<< /Length ${content.length} >>`, content);
		await this.obj(
			id + 2,
			`<< /Type /XObject /Subtype /Image /Width ${W} /Height ${H} /ImageMask true /BitsPerComponent 1 /Filter /CCITTFaxDecode /DecodeParms << /K -1 /Columns ${W} /Rows ${H} /BlackIs1 false >> /Length ${g4.length} >>`,
			g4,
		);
	}

	/** Writes the page tree, catalog, xref and trailer; renames into place. */
	async close(): Promise<void> {
		if (this.closed) return;
		this.closed = true;
		try {
			await this.obj(2, `<< /Type /Pages /Kids [${this.pageIds.map((i) => `${i} 0 R`).join(" ")}] /Count ${this.pageIds.length} >>`);
			await this.obj(1, "<< /Type /Catalog /Pages 2 0 R >>");
			const n = this.offsets.length;
			const xref = this.pos;
			let t = `xref\n0 ${n}\n0000000000 65535 f \n`;
			for (let i = 1; i < n; i++) t += `${String(this.offsets[i] ?? 0).padStart(10, "0")} 00000 n \n`;
			t += `trailer\n<< /Size ${n} /Root 1 0 R >>\nstartxref\n${xref}\n%%EOF\n`;
			await this.raw(enc.encode(t));
			await this.fh.sync();
			await this.fh.close();
			await rename(this.tmp, this.dest);
		} catch (e) {
			await this.abort();
			throw e;
		}
	}

	/** Discards the partial file. */
	async abort(): Promise<void> {
		this.closed = true;
		await this.fh.close().catch(() => undefined);
		await rm(this.tmp, { force: true });
	}
}

/** Writes pages from any page source (a received fax, a job's TIFF) to a PDF file. */
export async function writePdf(dest: string, source: { pageCount: number; page(i: number): Promise<FaxPage> }): Promise<number> {
	const w = await PdfWriter.create(dest);
	try {
		for (let i = 0; i < source.pageCount; i++) await w.addPage(await source.page(i));
		await w.close();
		return w.pageCount;
	} catch (e) {
		await w.abort();
		throw e;
	}
}

/**
 * A fax file (a received or spooled TIFF, or any document openDocument reads) as a PDF at `dest`, for
 * email attachments and receipts; returns the page count. Pixels are kept exactly (no normalisation).
 */
export async function faxToPdf(src: string, dest: string): Promise<number> {
	const { openDocument } = await import("./open.js");
	const doc = await openDocument(src);
	try {
		return await writePdf(dest, doc);
	} finally {
		await doc.close();
	}
}
