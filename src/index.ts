/**
 * faxline public API (the library surface users embed). Only re-exports; see each module for docs.
 * - Errors, clock, traces, bitmaps:        core/
 * - T.4/T.6 codec (MH, MR, MMR):          t4/
 * - TIFF Class F and PBM in/out, normalise: tiff/
 * - Class 1 modem + T.30 sender:          openFaxModem() -> FaxModem.send()
 * - Outgoing queue (IFaxOutgoingJob model): jobs/ FaxServer, FaxOutgoingQueue, FaxOutgoingJob, FaxDocument
 */
export * from "./core/FaxError.js";
export * from "./core/Clock.js";
export * from "./core/trace.js";
export * from "./core/bitmap.js";
export type * from "./modem/FaxModem.js";
export type * from "./modem/Class1Link.js";

export { T4Decoder, T4Encoder, decodeToBitmap, encodeBitmap, minBitsPerRow } from "./t4/index.js";
export type { T4Coding, T4DecodeOptions, T4DecodeResult, T4EncodeOptions } from "./t4/index.js";

export { ClassFWriter, chooseWidth, normalizePage, openFaxDocument, readPbm, readTiff, writeClassF, writePbm } from "./tiff/index.js";
export type { ClassFOptions, ClassFPage, FaxDocument as FaxFileDocument, NormalizeTarget, OpenOptions, PageInfo } from "./tiff/index.js";

export { openClass1Modem, probeModem } from "./modem/probe.js";
export type { OpenClass1ModemOptions, ProbeResult } from "./modem/probe.js";
export { Class1Modem } from "./modem/Class1Modem.js";
export { Class1Session } from "./t30/Class1Session.js";
export type { Class1SessionOptions } from "./t30/Class1Session.js";
export { openFaxModem } from "./session/openFaxModem.js";
export type { OpenFaxModemOptions } from "./session/openFaxModem.js";
export { sanitizeDialString } from "./core/dialString.js";
export { listPorts } from "./transport/listPorts.js";

export * from "./jobs/index.js";
