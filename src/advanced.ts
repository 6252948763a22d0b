/**
 * faxline/advanced: the building blocks under the public API (package.json "exports" subpath
 * `faxline/advanced`; docs/architecture.md "Public API"), for embedders that drive a modem by hand,
 * plug in a session class, or use the codec alone. Less stable than `faxline`: these follow the layers.
 * Only re-exports.
 */
// modem layer: Class 1 driver (T.31) and its link interface, probe, classes
export { Class1Modem } from "./modem/Class1Modem.js";
export type { Class1ModemInfo, Class1ModemOptions } from "./modem/Class1Modem.js";
export type * from "./modem/Class1Link.js";
export { identifyModem, initClass1, openAtChannel, openClass1Modem, probeModem } from "./modem/probe.js";
export type { ModemIdentification, OpenClass1ModemOptions, ProbeOptions, ProbeResult } from "./modem/probe.js";
export { FAX_CLASSES, isFaxClass } from "./modem/faxClass.js";
export { MODULATIONS, parseClassList, parseRateList } from "./modem/rates.js";
export { assertSafeDialString, findBlocked, OUTSIDE_LINE_PREFIXES, parseDialString } from "./core/dialString.js";
export { concatBytes, hex } from "./core/bytes.js";

// t30 layer: the engine as a FaxModem over any Class1Link, its timers and per-destination memory
export { Class1Session } from "./t30/Class1Session.js";
export type { Class1LinkSource, Class1SessionOptions } from "./t30/Class1Session.js";
export type { EcmSettings } from "./t30/callState.js";
export { DEFAULT_TIMERS, resolveTimers } from "./t30/timers.js";
export type { T30Timers } from "./t30/timers.js";
export { T30_NODES } from "./t30/nodes.js";
export type { Phase, T30Node } from "./t30/nodes.js";
export { MemoryDestinationStore } from "./t30/destinations.js";
export type { DestinationStore, DestinationTraits } from "./t30/destinations.js";

// session layer: the class table the opener uses
export { pickClass, SESSION_FACTORIES } from "./session/classes.js";
export type { SessionFactory, SessionFactoryInput, SessionOptions } from "./session/classes.js";

// page encoder (Class 1 and Class 2)
export { fitPage, PAGE_TRAILER_ZEROS, pageChunks } from "./page/pageData.js";
export type { RowEncoder, RowEncoderFactory, RowEncoderOptions } from "./page/pageData.js";
export { t4EncoderFactory } from "./page/t4Encoder.js";

// codecs: T.4/T.6, TIFF Class F internals
export { T4Decoder, T4Encoder, decodeToBitmap, encodeBitmap, minBitsPerRow, reverseBits } from "./t4/index.js";
export type { T4Coding, T4DecodeOptions, T4DecodeResult, T4DecodeStats, T4EncodeOptions, T4RowSink } from "./t4/index.js";
export { ClassFWriter, chooseWidth, isFaxGeometry, normalizePage } from "./tiff/index.js";
export type { FaxWidth, NormalizeTarget } from "./tiff/index.js";

// modem profiles (drivers/)
export { defineProfile, genericClass1, genericClass2, profiles, selectProfile } from "../drivers/index.js";
export type { Class1Knobs, Class2Knobs, ModemIdentity, ModemProfile, ProfileSpec } from "../drivers/index.js";
