/**
 * faxline public API. Only re-exports; see the modules for documentation.
 */
export * from "./core/FaxError.js";
export * from "./core/Clock.js";
export * from "./core/trace.js";
export * from "./core/bitmap.js";
export type * from "./modem/FaxModem.js";
export type * from "./t30/Class1Link.js";
