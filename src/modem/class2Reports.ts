/**
 * Reading a Class 2 / 2.0 modem's replies (T.32 §8.2 information text "+NAME:value", SP-2388 7.1.5): the
 * value of a named report, and the FaxError for a final result code that was not the one wanted. Shared by
 * the send (Class2Modem.ts) and receive (class2Receive.ts) halves. Layer: modem (pure).
 */
import { FaxError } from "../core/FaxError.js";
import type { AtResult } from "../at/AtChannel.js";

/** The text after "+NAME:" when `line` is that report (any spacing), else undefined. */
export function reportValue(line: string, name: string): string | undefined {
	const s = line.trim();
	if (!s.toUpperCase().startsWith(name) || !/^\s*:/.test(s.slice(name.length))) return undefined;
	return s.slice(name.length).replace(/^\s*:\s*/, "");
}

/** An id report's string: quotes and padding removed (T.32 §8.5.1.5 ids are quoted, up to 20 characters). */
export const idOf = (v: string): string => v.replace(/^"(.*)"$/, "$1").trim();

/** The FaxError for a final result code other than `wanted`. */
export function unexpected(r: AtResult, wanted: string): FaxError {
	if (r.code === "ERROR") return new FaxError("AT_ERROR", `Modem said ERROR, wanted ${wanted}`, { context: { line: r.line, info: r.info } });
	if (r.code === "NO CARRIER") return new FaxError("CARRIER_LOST", `NO CARRIER, wanted ${wanted}`, { context: { line: r.line } });
	return new FaxError("AT_UNEXPECTED_RESPONSE", `Modem said ${r.line}, wanted ${wanted}`, { context: { line: r.line } });
}
