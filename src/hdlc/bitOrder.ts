/**
 * Bit-order helpers. Fax data and HDLC octets are sent LSB first (T.4 §2.1 / T.31 §8.3.4: "the first bit
 * transmitted is the least significant bit of the octet"), while our bitmaps and T.4 encoder pack MSB
 * first (TIFF FillOrder 1). These flip between the two. Layer: hdlc (pure).
 */

/** REVERSED[b] is b with its 8 bits in the opposite order (0x01 <-> 0x80). */
export const REVERSED: Uint8Array = (() => {
	const t = new Uint8Array(256);
	for (let i = 0; i < 256; i++) {
		let r = 0;
		for (let b = 0; b < 8; b++) if (i & (1 << b)) r |= 0x80 >>> b;
		t[i] = r;
	}
	return t;
})();

/** One octet bit-reversed. */
export const reverseByte = (b: number): number => REVERSED[b & 0xff]!;

/** Bit-reverse every octet of `buf` in place; returns `buf`. */
export function reverseBitsInPlace(buf: Uint8Array): Uint8Array {
	for (let i = 0; i < buf.length; i++) buf[i] = REVERSED[buf[i]!]!;
	return buf;
}

/** A bit-reversed copy of `buf`. */
export const reverseBits = (buf: Uint8Array): Uint8Array => reverseBitsInPlace(buf.slice());
