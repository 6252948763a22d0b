/**
 * The default page encoder of the engine: src/t4's streaming T4Encoder set up for a Class 1 line
 * (EOLs with a leading EOL, RTC, scan-line fill, LSB-first octets; T.4 §4, class1.md §2.5). A Class 2 modem
 * that wants MSB-first data (+FBO) gets it from the same encoder with bitOrder "msb". Layer: page.
 */
import { T4Encoder } from "../t4/index.js";
import type { RowEncoderFactory } from "./pageData.js";

export const t4EncoderFactory: RowEncoderFactory = (o) =>
	new T4Encoder({ coding: o.coding, width: o.width, k: o.k, eol: true, leadingEol: true, rtc: true, minBitsPerRow: o.minBitsPerRow, bitOrder: "lsb" });
