/**
 * PackBits run-length decoding (TIFF 6.0 §9, Apple Macintosh Technical Note TN1023) for bilevel strips,
 * plus small bit helpers the TIFF reader needs. Decoding stops at the expected size, so a hostile strip
 * can never make it allocate more than one strip's worth of rows. Layer: tiff (pure).
 */

/**
 * Decodes PackBits `src` into exactly `size` bytes (missing bytes stay 0 = white).
 * @returns the bytes and whether the input ended before `size` bytes were produced
 */
export function unpackBits(src: Uint8Array, size: number): { data: Uint8Array; short: boolean } {
	const out = new Uint8Array(size);
	let i = 0;
	let o = 0;
	while (o < size && i < src.length) {
		const n = src[i++];
		if (n < 128) {
			// n+1 literal bytes
			const len = Math.min(n + 1, size - o, src.length - i);
			out.set(src.subarray(i, i + len), o);
			i += n + 1;
			o += len;
		} else if (n > 128) {
			// byte repeated 257-n times
			if (i >= src.length) break;
			const len = Math.min(257 - n, size - o);
			out.fill(src[i++], o, o + len);
			o += len;
		} // 128: no-op
	}
	return { data: out, short: o < size };
}

/** Bit-reversal table: FillOrder 2 (LSB first) <-> 1 (MSB first). */
export const REVERSE = /* @__PURE__ */ (() => {
	const t = new Uint8Array(256);
	for (let i = 0; i < 256; i++) {
		let r = 0;
		for (let b = 0; b < 8; b++) if (i & (1 << b)) r |= 0x80 >> b;
		t[i] = r;
	}
	return t;
})();

/** A bit-reversed copy of `src`. */
export function reversedBits(src: Uint8Array): Uint8Array {
	const out = new Uint8Array(src.length);
	for (let i = 0; i < src.length; i++) out[i] = REVERSE[src[i]];
	return out;
}
