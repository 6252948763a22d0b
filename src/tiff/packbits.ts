/**
 * PackBits run-length decoding (TIFF 6.0 §9, Apple Macintosh Technical Note TN1023) for bilevel strips.
 * (FillOrder 2 reversal is the codec's `reverseBits`.) Decoding stops at the expected size, so a hostile strip
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
