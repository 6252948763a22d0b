/**
 * Byte helpers shared by every layer (the one hex formatter and the one concatenation; issue 8 "small
 * debts"). Layer: core (pure).
 */

/** "ff 13 80": lower-case hex octets separated by spaces; with `max`, the first `max` octets and " …" if cut. */
export function hex(b: Uint8Array, max?: number): string {
	const shown = max === undefined ? b : b.subarray(0, max);
	return Array.from(shown, (x) => x.toString(16).padStart(2, "0")).join(" ") + (max !== undefined && b.length > max ? " …" : "");
}

/** The parts joined into one array (`total` when the caller already knows it); one part is returned as is. */
export function concatBytes(parts: readonly Uint8Array[], total?: number): Uint8Array {
	if (parts.length === 1) return parts[0]!;
	const out = new Uint8Array(total ?? parts.reduce((n, p) => n + p.length, 0));
	let o = 0;
	for (const p of parts) {
		out.set(p, o);
		o += p.length;
	}
	return out;
}
