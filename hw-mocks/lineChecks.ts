/**
 * What the simulated receiver checks on the high-speed data it hears, independent of our T.4 codec:
 *
 * - `judgeTcf`: HylaFAX's TCF rule (class1.md §2.2: "receiver accepts if at least a 1000 ms run [of
 *   zeros] and at most 10% non-zero bytes"; T.30 §5.3.6.2 TCF = 1.5 s of zeros at the DCS rate).
 * - `scanLines`: finds every EOL (T.4 §4.1.2: eleven or more 0 bits then a 1, a pattern no code word
 *   contains) in LSB-first line order, and measures each coded scan line from the end of one EOL to the
 *   end of the next, i.e. data + fill + EOL: the quantity the minimum scan-line time applies to
 *   (T.4 §4.1.3, T.30 Table 2 bits 21-23). It also finds RTC (six consecutive EOLs, T.4 §4.1.4).
 *
 * Layer: hw-mocks (pure functions).
 */

export interface TcfJudgement {
	bytes: number;
	durationMs: number;
	zeroRunMs: number;
	nonZeroFraction: number;
	ok: boolean;
}

/**
 * Judge a TCF received at `bitRate`.
 * @param minZeroRunMs longest zero run needed, default 1000 ms
 * @param maxNonZero largest fraction of non-zero octets, default 0.10
 */
export function judgeTcf(data: Uint8Array, bitRate: number, minZeroRunMs = 1000, maxNonZero = 0.1): TcfJudgement {
	let run = 0;
	let best = 0;
	let nonZero = 0;
	for (const b of data) {
		if (b === 0) {
			if (++run > best) best = run;
		} else {
			run = 0;
			nonZero++;
		}
	}
	const ms = (n: number) => (n * 8000) / bitRate;
	const nonZeroFraction = data.length ? nonZero / data.length : 1;
	const zeroRunMs = ms(best);
	return { bytes: data.length, durationMs: ms(data.length), zeroRunMs, nonZeroFraction, ok: zeroRunMs >= minZeroRunMs && nonZeroFraction <= maxNonZero };
}

export interface LineScan {
	/** EOLs found */
	eols: number;
	/** coded scan lines carrying data (between two EOLs with a 1 bit other than the EOL's) */
	dataRows: number;
	/** shortest data row incl. its fill and EOL (and MR tag bit), bits; 0 when no rows */
	minRowBits: number;
	/** row lengths in bits, in order (data rows only) */
	rowBits: number[];
	/** six or more consecutive EOLs with nothing but fill between them */
	rtc: boolean;
	/** bit offset (in line order) of the first EOL, -1 if none */
	firstEol: number;
}

/**
 * Scan T.4 MH/MR data in line (LSB-first) bit order for EOLs. `mr` = EOL+1 (tag bit after every EOL).
 * A "row" is measured from just after one EOL (and its tag bit) to just after the next one's.
 */
export function scanLines(data: Uint8Array, coding: "mh" | "mr"): LineScan {
	const tag = coding === "mr" ? 1 : 0;
	let zeros = 0;
	let lastEolEnd = -1; // bit index just after the previous EOL (+tag)
	let sawData = false;
	let consecutiveEmpty = 0;
	let rtc = false;
	let eols = 0;
	let firstEol = -1;
	const rowBits: number[] = [];
	const total = data.length * 8;
	let skipTag = 0;
	for (let i = 0; i < total; i++) {
		const bit = (data[i >> 3]! >> (i & 7)) & 1;
		if (skipTag > 0) {
			skipTag--;
			if (skipTag === 0) lastEolEnd = i + 1;
			continue;
		}
		if (bit === 0) {
			zeros++;
			continue;
		}
		if (zeros >= 11) {
			// an EOL ends at bit i
			eols++;
			if (firstEol < 0) firstEol = i - 11;
			if (lastEolEnd >= 0) {
				if (sawData) {
					rowBits.push(i + 1 + tag - lastEolEnd);
					consecutiveEmpty = 0;
				} else if (++consecutiveEmpty >= 5) rtc = true; // 6 EOLs = 5 empty gaps
			}
			sawData = false;
			zeros = 0;
			if (tag) skipTag = 1;
			else lastEolEnd = i + 1;
			continue;
		}
		zeros = 0;
		if (lastEolEnd >= 0) sawData = true;
	}
	return { eols, dataRows: rowBits.length, minRowBits: rowBits.length ? Math.min(...rowBits) : 0, rowBits, rtc, firstEol };
}
