/**
 * faxline public API: what an application needs to send faxes and run the queue (docs/architecture.md
 * "Public API"). Only re-exports. The building blocks below it (Class 1 driver, T.30 engine, session
 * factories, T.4 codec, TIFF internals, page encoder, modem profiles) are on the documented subpath
 * `faxline/advanced` (src/advanced.ts).
 * - errors, clock, traces, bitmaps:       core/
 * - a fax modem, whatever its class:      openFaxModem() -> FaxModem.send() / receive()
 * - the dial-string rule:                 checkDialString(), EMERGENCY_NUMBERS
 * - documents:                            openFaxDocument(), readTiff(), writeClassF(), readPbm(), writePbm()
 * - outgoing queue (IFaxOutgoingJob):     jobs/ FaxServer, FaxOutgoingQueue, FaxOutgoingJob, FaxDocument
 */
export * from "./core/FaxError.js";
export * from "./core/Clock.js";
export * from "./core/trace.js";
export * from "./core/bitmap.js";
export { checkDialString, EMERGENCY_NUMBERS, sanitizeDialString } from "./core/dialString.js";
export type { DialPolicy } from "./core/dialString.js";
export type * from "./modem/FaxModem.js";
export type { FaxClass } from "./modem/faxClass.js";

export { openFaxModem } from "./session/openFaxModem.js";
export type { OpenFaxModemOptions } from "./session/openFaxModem.js";
export { listPorts } from "./transport/listPorts.js";

export { openFaxDocument, readPbm, readTiff, writeClassF, writePbm } from "./tiff/index.js";
export type { ClassFOptions, ClassFPage, FaxDocument as FaxFileDocument, OpenOptions, PageInfo } from "./tiff/index.js";

export * from "./jobs/index.js";
