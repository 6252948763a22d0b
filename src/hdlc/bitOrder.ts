/**
 * Bit-order helpers. Fax data and HDLC octets are sent LSB first (T.4 §2.1 / T.31 §8.3.4: "the first bit
 * transmitted is the least significant bit of the octet"), while our bitmaps and T.4 encoder pack MSB
 * first (TIFF FillOrder 1). These flip between the two, over the codec's own table (src/t4 reverseBits),
 * so there is one bit-reversal table in the project. Layer: hdlc (pure).
 */
import { reverseBits as reverseInto } from "../t4/index.js";

/** REVERSED[b] is b with its 8 bits in the opposite order (0x01 <-> 0x80). */
export const REVERSED: Uint8Array = reverseInto(Uint8Array.from({ length: 256 }, (_, i) => i));

/** One octet bit-reversed. */
export const reverseByte = (b: number): number => REVERSED[b & 0xff]!;

/** Bit-reverse every octet of `buf` in place; returns `buf`. */
export const reverseBitsInPlace = (buf: Uint8Array): Uint8Array => reverseInto(buf);

/** A bit-reversed copy of `buf`. */
export const reverseBits = (buf: Uint8Array): Uint8Array => reverseInto(buf, new Uint8Array(buf.length));
