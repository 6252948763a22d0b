/**
 * A fax as an e-mail attachment (issue 12 "PDF as the default attachment"): received faxes routed by
 * e-mail (routing.ts) and receipts with the fax attached (finalWork.ts, outgoing-job.md §8
 * attachFaxToReceipt) carry a PDF by default — docs/pdfWriter.ts faxToPdf: each page the fax's own
 * pixels as a CCITT G4 image at its true size, lossless — or the TIFF itself when asked ("tiff"). Should
 * the PDF fail (a TIFF our reader cannot decode), the TIFF goes instead and `note` says why: the fax is
 * never lost for want of a conversion. Layer: jobs.
 */
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { faxToPdf } from "../docs/index.js";

export type AttachmentFormat = "pdf" | "tiff";
export const ATTACHMENT_FORMATS: readonly AttachmentFormat[] = ["pdf", "tiff"];

export interface MailAttachment {
	filename: string;
	content: Uint8Array;
	contentType: string;
}

/** The fax at `tiff` as an attachment named `baseName` + ".pdf" or ".tif". */
export async function faxAttachment(tiff: string, baseName: string, format: AttachmentFormat = "pdf"): Promise<MailAttachment & { note?: string }> {
	const asTiff = async (): Promise<MailAttachment> => ({ filename: `${baseName}.tif`, content: new Uint8Array(await readFile(tiff)), contentType: "image/tiff" });
	if (format === "tiff") return asTiff();
	const dir = await mkdtemp(join(tmpdir(), "faxline-att-"));
	try {
		const pdf = join(dir, "fax.pdf");
		await faxToPdf(tiff, pdf);
		return { filename: `${baseName}.pdf`, content: new Uint8Array(await readFile(pdf)), contentType: "application/pdf" };
	} catch (e) {
		return { ...(await asTiff()), note: `attached as TIFF: no PDF could be made (${(e as Error).message})` };
	} finally {
		await rm(dir, { recursive: true, force: true });
	}
}
