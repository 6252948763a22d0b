/**
 * PDF cover-page templates (issue 12 "cover page ... SVG, PostScript or PDF with the fields"): a one-page
 * PDF whose AcroForm text fields (ISO 32000-1 §12.7.4.3) are named after the cover fields (COVER_FIELDS:
 * recipientName, recipientNumber, ... pages; the last part of a dotted field name counts, so
 * "cover.subject" is filled too) is filled with pdf-lib, each field's appearance stream regenerated in
 * Helvetica (characters Helvetica's WinAnsi set lacks become '?', text over a field's /MaxLen is cut), and
 * the form flattened (appearances become page content, so every renderer shows the same thing); any XFA
 * part is dropped so the AcroForm is what counts. Fields with other names, and non-text fields, are left
 * as the template has them; a PDF with no form fields is a static cover used as it is. The result is
 * rendered by Ghostscript at the page's geometry like any PDF (gsDocument.ts).
 * Limits: templates over MAX_TEMPLATE_BYTES, or whose Flate streams inflate to more than MAX_INFLATED_BYTES
 * (a decompression bomb), are refused (DOC_TOO_LARGE) before parsing; pdf-lib parses in
 * slices (it yields to the event loop) and is abandoned after FILL_TIMEOUT_MS (DOC_TIMEOUT); an encrypted
 * template gives DOC_ENCRYPTED, one pdf-lib cannot read DOC_MALFORMED, more than one page DOC_TOO_LARGE.
 * Layer: docs.
 */
import { inflateSync } from "node:zlib";
import { FaxError } from "../core/FaxError.js";
import type { CoverFields } from "./coverFields.js";
import { COVER_FIELDS } from "./coverFields.js";

export const MAX_TEMPLATE_BYTES = 20 * 1024 * 1024;
export const FILL_TIMEOUT_MS = 20_000;
/** most bytes all of a template's Flate streams may inflate to (pdf-lib inflates object streams in-process) */
export const MAX_INFLATED_BYTES = 64 * 1024 * 1024;

/**
 * Refuses a decompression bomb before pdf-lib sees it: every `stream ... endstream` run of the raw bytes
 * whose dictionary names FlateDecode is inflated by zlib with an output cap (no PDF parsing: a byte scan,
 * so a broken file is checked too); together they may give at most MAX_INFLATED_BYTES.
 */
function checkInflatedSize(src: Uint8Array, what: string): void {
	const b = Buffer.from(src.buffer, src.byteOffset, src.length);
	let total = 0;
	for (let at = b.indexOf("stream"); at >= 0; at = b.indexOf("stream", at + 6)) {
		if (b.subarray(Math.max(0, at - 3), at).toString("latin1") === "end") continue;
		const dict = b.subarray(Math.max(0, at - 512), at).toString("latin1");
		if (!/FlateDecode|\/Fl\b/.test(dict.slice(dict.lastIndexOf("<<")))) continue;
		let start = at + 6;
		if (b[start] === 0x0d) start++;
		if (b[start] === 0x0a) start++;
		const end = b.indexOf("endstream", start);
		const data = b.subarray(start, end < 0 ? b.length : end);
		try {
			total += inflateSync(data, { maxOutputLength: MAX_INFLATED_BYTES - total + 1, finishFlush: 2 /* Z_SYNC_FLUSH: a truncated stream is fine */ }).length;
		} catch (e) {
			if ((e as NodeJS.ErrnoException).code === "ERR_BUFFER_TOO_LARGE" || e instanceof RangeError) total = MAX_INFLATED_BYTES + 1;
		}
		if (total > MAX_INFLATED_BYTES) throw new FaxError("DOC_TOO_LARGE", `${what}: its compressed streams expand to more than ${MAX_INFLATED_BYTES} bytes`);
	}
}

/** How a template was filled: its bytes to render, and which cover fields it had. */
export interface FilledPdf {
	pdf: Uint8Array;
	/** cover field names found as text fields and filled */
	filled: string[];
	/** false: no form fields at all (a static cover; `pdf` is the template unchanged) */
	hasForm: boolean;
}

const isCoverField = (n: string): n is (typeof COVER_FIELDS)[number] => (COVER_FIELDS as readonly string[]).includes(n);

async function fill(src: Uint8Array, f: CoverFields, what: string): Promise<FilledPdf> {
	const lib = await import("pdf-lib");
	let doc: import("pdf-lib").PDFDocument;
	const encrypted = (cause?: unknown) => new FaxError("DOC_ENCRYPTED", `${what} is encrypted (password-protected or with permissions set); save an unprotected copy and use that`, { cause });
	try {
		// pdf-lib's error classes are ES5 subclasses of Error (instanceof does not hold): ask the document
		doc = await lib.PDFDocument.load(src, { updateMetadata: false, ignoreEncryption: true });
	} catch (e) {
		if (/encrypt/i.test((e as Error).message)) throw encrypted(e);
		throw new FaxError("DOC_MALFORMED", `${what} is not a readable PDF: ${(e as Error).message.slice(0, 200)}`, { cause: e });
	}
	if (doc.isEncrypted) throw encrypted();
	try {
		const pages = doc.getPageCount();
		if (pages !== 1) throw new FaxError(pages === 0 ? "DOC_MALFORMED" : "DOC_TOO_LARGE", `${what} has ${pages} pages; a cover template has exactly one`);
		const form = doc.getForm();
		const fields = form.getFields();
		if (fields.length === 0) return { pdf: src, filled: [], hasForm: false };
		const font = await doc.embedFont(lib.StandardFonts.Helvetica);
		const charset = new Set(font.getCharacterSet());
		const safe = (s: string): string => Array.from(s, (ch) => (ch === "\n" || charset.has(ch.codePointAt(0)!) ? ch : "?")).join("");
		const filled: string[] = [];
		for (const field of fields) {
			const name = field.getName().split(".").pop() ?? "";
			if (!isCoverField(name) || !(field instanceof lib.PDFTextField)) continue;
			const v = f[name];
			let text = safe(String(v ?? "").replace(/\r\n?/g, "\n"));
			if (!field.isMultiline()) text = text.replace(/\n/g, " ");
			const max = field.getMaxLength();
			if (max !== undefined) text = text.slice(0, max);
			field.setText(text);
			filled.push(name);
		}
		form.deleteXFA();
		form.updateFieldAppearances(font);
		form.flatten({ updateFieldAppearances: false });
		// pdf-lib's flatten deletes the widget objects but can leave them in the page's /Annots (dangling
		// references poppler reports as xref errors): drop those
		const page = doc.getPage(0).node;
		const annots = page.Annots();
		if (annots) {
			for (let i = annots.size() - 1; i >= 0; i--) {
				const ref = annots.get(i);
				if (ref instanceof lib.PDFRef && doc.context.lookup(ref) === undefined) annots.remove(i);
			}
			if (annots.size() === 0) page.delete(lib.PDFName.of("Annots"));
		}
		return { pdf: await doc.save(), filled, hasForm: true };
	} catch (e) {
		if (e instanceof FaxError) throw e;
		throw new FaxError("DOC_MALFORMED", `${what}: its form cannot be filled: ${(e as Error).message.slice(0, 200)}`, { cause: e });
	}
}

/**
 * Fills the cover fields of the PDF template `src` (bytes of `what`) and flattens the form; bounded by
 * size and time (see the file head). Throws DOC_TOO_LARGE / DOC_ENCRYPTED / DOC_MALFORMED / DOC_TIMEOUT.
 */
export async function fillPdfTemplate(src: Uint8Array, f: CoverFields, what: string, timeoutMs = FILL_TIMEOUT_MS): Promise<FilledPdf> {
	if (src.length > MAX_TEMPLATE_BYTES) throw new FaxError("DOC_TOO_LARGE", `${what} is ${src.length} bytes; a cover template may have at most ${MAX_TEMPLATE_BYTES}`);
	checkInflatedSize(src, what);
	let timer: NodeJS.Timeout | undefined;
	const late = new Promise<never>((_, reject) => {
		timer = setTimeout(() => reject(new FaxError("DOC_TIMEOUT", `${what}: filling the cover template took more than ${timeoutMs} ms`)), timeoutMs);
	});
	try {
		return await Promise.race([fill(src, f, what), late]);
	} finally {
		clearTimeout(timer);
	}
}
