/**
 * HDLC frame check sequence: CRC-16/ITU-T (ISO/IEC 13239 "FCS-16", T.30 §5.3.7) as carried by V.21 HDLC
 * frames. Computed over the octets in line order (LSB of each octet first on the wire), i.e. the
 * reflected polynomial 0x8408, initial value 0xFFFF, result inverted; transmitted low byte first.
 * Layer: hdlc (pure).
 */

/** CRC-16/ITU (X.25) of `data[start, end)`. Check value of "123456789" is 0x906E. */
export function crc16Itu(data: Uint8Array, start = 0, end = data.length): number {
	let crc = 0xffff;
	for (let i = start; i < end; i++) {
		crc ^= data[i]!;
		for (let b = 0; b < 8; b++) crc = crc & 1 ? (crc >>> 1) ^ 0x8408 : crc >>> 1;
	}
	return ~crc & 0xffff;
}

/** `frame` followed by its two FCS octets (low byte first, as transmitted). */
export function appendFcs(frame: Uint8Array): Uint8Array {
	const out = new Uint8Array(frame.length + 2);
	out.set(frame);
	const fcs = crc16Itu(frame);
	out[frame.length] = fcs & 0xff;
	out[frame.length + 1] = fcs >>> 8;
	return out;
}

/** True when the last two octets of `frameWithFcs` are the correct FCS of the octets before them. */
export function checkFcs(frameWithFcs: Uint8Array): boolean {
	if (frameWithFcs.length < 3) return false;
	const n = frameWithFcs.length - 2;
	const fcs = crc16Itu(frameWithFcs, 0, n);
	return frameWithFcs[n] === (fcs & 0xff) && frameWithFcs[n + 1] === fcs >>> 8;
}
