/**
 * Public surface of the TIFF / PBM layer: reading (TIFF 6.0 bilevel, Class F), writing TIFF Class F,
 * PBM interchange and normalisation to fax geometry. Layer: tiff.
 */
export { ClassFWriter, writeFileAtomic } from "./ClassFWriter.js";
export type { ClassFOptions, ClassFPage } from "./classF.js";
export { writeClassF } from "./classF.js";
export type { DecodedPage, FaxDocument, OpenOptions, PageInfo } from "./document.js";
export { defaultResolution, openFaxDocument } from "./document.js";
export type { FaxWidth, NormalizeTarget } from "./normalize.js";
export { FAX_XRES, WIDTH_TOLERANCE, chooseWidth, faxResolutionOf, isFaxGeometry, normalizePage } from "./normalize.js";
export { looksLikePbm, readPbm, scanPbm, writePbm } from "./pbm.js";
export type { TiffReader } from "./readTiff.js";
export { readTiff } from "./readTiff.js";
export type { TiffPageInfo } from "./tiffDirectory.js";
export type { DecodedTiffPage } from "./tiffPage.js";
