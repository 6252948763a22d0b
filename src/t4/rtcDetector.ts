/**
 * RTC detection on an incoming T.4 stream (T.4 §4.1.4: the return to control is six consecutive EOLs
 * in 1-D coding, six consecutive EOL+1 in 2-D coding; fill bits may precede each EOL, §4.1.3). A
 * Class 1 receiver watches for it during +FRM page data: the page is over when RTC has been seen, so
 * whatever follows before the carrier drops is not image data (HylaFAX Class1Recv "RTC detected";
 * SpanDSP t4_rx end-of-page). Input octets are in line order (LSB first, T.31 §8.3.3), DLE-decoded.
 * Streaming and O(1) memory. MMR pages end with EOFB under ECM and are not scanned here.
 * Layer: t4 codec, pure.
 */

export class RtcDetector {
	private zeros = 0;
	private consecutive = 0;
	private expectTag = false;
	private seen = false;
	private bytesIn = 0;
	/** octet offset (from the first octet pushed) just past the octet that completed the RTC, or -1 */
	endOffset = -1;
	/** EOLs seen in the whole stream (a page has at least one per row) */
	eols = 0;

	constructor(
		/** "mh" (1-D) or "mr" (2-D: every EOL is followed by a tag bit, RTC uses EOL+1) */
		private readonly coding: "mh" | "mr",
	) {}

	/** True once a complete RTC has gone by. */
	get found(): boolean {
		return this.seen;
	}

	/** Scan octets; returns true when the RTC completed within them (then `endOffset` says where). */
	push(chunk: Uint8Array): boolean {
		if (this.seen) return true;
		for (let i = 0; i < chunk.length; i++) {
			const b = chunk[i]!;
			if (b === 0 && !this.expectTag) {
				this.zeros += 8;
				continue;
			}
			for (let k = 0; k < 8; k++) {
				const bit = (b >> k) & 1;
				if (this.expectTag) {
					this.expectTag = false;
					if (bit === 0) this.consecutive = 0; // EOL+0: a 2-D row follows, not RTC
					else if (this.consecutive >= 6) return this.complete(i);
					this.zeros = bit === 0 ? 1 : 0;
					continue;
				}
				if (bit === 0) {
					this.zeros++;
					continue;
				}
				if (this.zeros >= 11) {
					this.eols++;
					this.consecutive++;
					if (this.coding === "mr") this.expectTag = true;
					else if (this.consecutive >= 6) return this.complete(i);
				} else this.consecutive = 0; // a 1 inside data: any EOL run so far was not RTC
				this.zeros = 0;
			}
		}
		this.bytesIn += chunk.length;
		return false;
	}

	private complete(i: number): boolean {
		this.seen = true;
		this.endOffset = this.bytesIn + i + 1;
		return true;
	}
}
