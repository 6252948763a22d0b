/**
 * Documents in (issue 12): PDF, PostScript, images, text and every common TIFF as fax pages; PDF out;
 * cover pages. Layer: docs — above the codecs (t4, tiff), below jobs and cli; may spawn Ghostscript;
 * never imports modem, t30 or jobs.
 */
export type { DitherMode } from "./bilevel.js";
export { DITHER_MODES, parseDither, toBilevel } from "./bilevel.js";
export type { FaxWidth, PageBox, Paper } from "./geometry.js";
export { PAPERS, pageBox, parsePaper } from "./geometry.js";
export type { DocKind, DocOptions } from "./open.js";
export { openDocument, sniff } from "./open.js";
export { PdfWriter, faxToPdf, writePdf } from "./pdfWriter.js";
export type { CoverFields } from "./cover.js";
export { COVER_FIELDS, coverSvg, fillSvgTemplate, psDefinitions, renderCover } from "./cover.js";
export type { FilledPdf } from "./pdfCover.js";
export { fillPdfTemplate } from "./pdfCover.js";
