/**
 * T.4 / T.6 code tables (ITU-T T.4 §4.1.1 tables 1-3: terminating, make-up and extended make-up codes;
 * §4.2.1.3 table 4: 2-D mode codes) and the lookup tables built from them once at module load:
 * encoder tables (code + length per run/mode) and decoder tables indexed by the next 12 (white),
 * 13 (black) or 7 (mode) bits. A prefix-freeness self-check runs at load so a typo cannot ship.
 */

/** [white bits, black bits] for run lengths 0..63 (T.4 table 1). */
const TERM: readonly (readonly [string, string])[] = [
	["00110101", "0000110111"], ["000111", "010"], ["0111", "11"], ["1000", "10"], ["1011", "011"],
	["1100", "0011"], ["1110", "0010"], ["1111", "00011"], ["10011", "000101"], ["10100", "000100"],
	["00111", "0000100"], ["01000", "0000101"], ["001000", "0000111"], ["000011", "00000100"],
	["110100", "00000111"], ["110101", "000011000"], ["101010", "0000010111"], ["101011", "0000011000"],
	["0100111", "0000001000"], ["0001100", "00001100111"], ["0001000", "00001101000"],
	["0010111", "00001101100"], ["0000011", "00000110111"], ["0000100", "00000101000"],
	["0101000", "00000010111"], ["0101011", "00000011000"], ["0010011", "000011001010"],
	["0100100", "000011001011"], ["0011000", "000011001100"], ["00000010", "000011001101"],
	["00000011", "000001101000"], ["00011010", "000001101001"], ["00011011", "000001101010"],
	["00010010", "000001101011"], ["00010011", "000011010010"], ["00010100", "000011010011"],
	["00010101", "000011010100"], ["00010110", "000011010101"], ["00010111", "000011010110"],
	["00101000", "000011010111"], ["00101001", "000001101100"], ["00101010", "000001101101"],
	["00101011", "000011011010"], ["00101100", "000011011011"], ["00101101", "000001010100"],
	["00000100", "000001010101"], ["00000101", "000001010110"], ["00001010", "000001010111"],
	["00001011", "000001100100"], ["01010010", "000001100101"], ["01010011", "000001010010"],
	["01010100", "000001010011"], ["01010101", "000000100100"], ["00100100", "000000110111"],
	["00100101", "000000111000"], ["01011000", "000000100111"], ["01011001", "000000101000"],
	["01011010", "000001011000"], ["01011011", "000001011001"], ["01001010", "000000101011"],
	["01001011", "000000101100"], ["00110010", "000001011010"], ["00110011", "000001100110"],
	["00110100", "000001100111"],
];

/** [white bits, black bits] for make-up run lengths 64, 128, ..., 1728 (T.4 table 2). */
const MAKEUP: readonly (readonly [string, string])[] = [
	["11011", "0000001111"], ["10010", "000011001000"], ["010111", "000011001001"],
	["0110111", "000001011011"], ["00110110", "000000110011"], ["00110111", "000000110100"],
	["01100100", "000000110101"], ["01100101", "0000001101100"], ["01101000", "0000001101101"],
	["01100111", "0000001001010"], ["011001100", "0000001001011"], ["011001101", "0000001001100"],
	["011010010", "0000001001101"], ["011010011", "0000001110010"], ["011010100", "0000001110011"],
	["011010101", "0000001110100"], ["011010110", "0000001110101"], ["011010111", "0000001110110"],
	["011011000", "0000001110111"], ["011011001", "0000001010010"], ["011011010", "0000001010011"],
	["011011011", "0000001010100"], ["010011000", "0000001010101"], ["010011001", "0000001011010"],
	["010011010", "0000001011011"], ["011000", "0000001100100"], ["010011011", "0000001100101"],
];

/** Extended make-up codes 1792..2560 step 64, common to both colours (T.4 table 3). */
const EXT_MAKEUP: readonly string[] = [
	"00000001000", "00000001100", "00000001101", "000000010010", "000000010011", "000000010100",
	"000000010101", "000000010110", "000000010111", "000000011100", "000000011101", "000000011110",
	"000000011111",
];

/** The EOL code word (T.4 §4.1.2), 12 bits. */
export const EOL_CODE = 1;
export const EOL_BITS = 12;

/** Largest run a single make-up code covers. */
export const MAX_MAKEUP = 2560;

// ---------------------------------------------------------------- encoder tables

/** Terminating codes: index color*64 + run. */
export const termCode = new Uint16Array(128);
export const termLen = new Uint8Array(128);
/** Make-up codes: index color*41 + run/64 (1..40). */
export const makeupCode = new Uint16Array(82);
export const makeupLen = new Uint8Array(82);

/** 2-D mode codes (T.4 table 4), index = mode: 0 P, 1 H, 2..8 V(L3..R3). */
export const MODE_P = 0;
export const MODE_H = 1;
/** V(delta) has mode index delta + 5 (delta = a1 - b1 in -3..3); 9 is the 2-D extension. */
export const MODE_EXT = 9;
const MODE_BITS: readonly string[] = ["0001", "001", "0000010", "000010", "010", "1", "011", "000011", "0000011", "0000001"];

// ---------------------------------------------------------------- decoder tables

/** White run lookup over the next 13 bits: entry = (run << 4) | codeLength; 0 = no valid code. */
export const WHITE_LOOKUP = new Uint16Array(1 << 13);
/** Black run lookup over the next 13 bits, same entry format. */
export const BLACK_LOOKUP = new Uint16Array(1 << 13);
/** 2-D mode lookup over the next 7 bits: entry = (mode << 4) | codeLength; 0 = zeros (EOL or invalid). */
export const MODE_LOOKUP = new Uint8Array(1 << 7);

function fill(table: Uint16Array | Uint8Array, idxBits: number, bits: string, value: number): void {
	const len = bits.length;
	const code = parseInt(bits, 2);
	const base = code << (idxBits - len);
	for (let i = 0; i < 1 << (idxBits - len); i++) {
		if (table[base + i] !== 0) throw new Error(`t4 tables: code ${bits} is not prefix-free`);
		table[base + i] = value;
	}
}

function build(): void {
	for (let c = 0; c < 2; c++) {
		const lookup = c === 0 ? WHITE_LOOKUP : BLACK_LOOKUP;
		const idxBits = 13;
		for (let r = 0; r < 64; r++) {
			const bits = TERM[r]![c]!;
			termCode[c * 64 + r] = parseInt(bits, 2);
			termLen[c * 64 + r] = bits.length;
			fill(lookup, idxBits, bits, (r << 4) | bits.length);
		}
		for (let m = 1; m <= 40; m++) {
			const bits = m <= 27 ? MAKEUP[m - 1]![c]! : EXT_MAKEUP[m - 28]!;
			makeupCode[c * 41 + m] = parseInt(bits, 2);
			makeupLen[c * 41 + m] = bits.length;
			fill(lookup, idxBits, bits, ((m * 64) << 4) | bits.length);
		}
	}
	for (let m = 0; m < MODE_BITS.length; m++) {
		const bits = MODE_BITS[m]!;
		fill(MODE_LOOKUP, 7, bits, (m << 4) | bits.length);
	}
}
build();

/**
 * Whole-run codes for the encoder: index color*2561 + run (0..2560) gives the make-up code (if any)
 * followed by the terminating code, as one code of RUN_LEN bits; RUN_LEN 0 marks the few black runs
 * whose pair exceeds 24 bits (written as two codes instead).
 */
export const RUN_STRIDE = 2561;
export const RUN_CODE = new Uint32Array(2 * RUN_STRIDE);
export const RUN_LEN = new Uint8Array(2 * RUN_STRIDE);
for (let c = 0; c < 2; c++) {
	for (let run = 0; run <= MAX_MAKEUP; run++) {
		const t = c * 64 + (run & 63);
		let code = termCode[t]!;
		let len = termLen[t]!;
		if (run >= 64) {
			const m = c * 41 + (run >>> 6);
			code = (makeupCode[m]! << len) | code;
			len += makeupLen[m]!;
		}
		RUN_CODE[c * RUN_STRIDE + run] = code;
		RUN_LEN[c * RUN_STRIDE + run] = len <= 24 ? len : 0;
	}
}

/**
 * Horizontal-mode shortcut: two terminating codes (runs < 64) that fit together in the next 12 bits,
 * decoded by one look-up. PAIR_LOOKUP[c] has a0's colour c first; entry = run1 | run2 << 6 |
 * (total length << 12); 0 = not such a pair (make-up codes, longer codes: take the general path).
 */
export const PAIR_LOOKUP = [new Uint16Array(1 << 12), new Uint16Array(1 << 12)] as const;
for (let c = 0; c < 2; c++) {
	const t = PAIR_LOOKUP[c]!;
	for (let r1 = 0; r1 < 64; r1++) {
		const l1 = termLen[c * 64 + r1]!;
		for (let r2 = 0; r2 < 64; r2++) {
			const l2 = termLen[(c ^ 1) * 64 + r2]!;
			const len = l1 + l2;
			if (len > 12) continue;
			const code = (termCode[c * 64 + r1]! << l2) | termCode[(c ^ 1) * 64 + r2]!;
			const base = code << (12 - len);
			for (let k = 0; k < 1 << (12 - len); k++) t[base + k] = r1 | (r2 << 6) | (len << 12);
		}
	}
}

/** Bit-reversal of every byte value (FillOrder 2 / LSB-first line order). */
export const REVERSE = new Uint8Array(256);
for (let i = 0; i < 256; i++) {
	let r = 0;
	for (let b = 0; b < 8; b++) if (i & (1 << b)) r |= 0x80 >> b;
	REVERSE[i] = r;
}

/** Reverse the bit order of every byte of `src` into `dst` (may be the same array). */
export function reverseBits(src: Uint8Array, dst: Uint8Array = src): Uint8Array {
	for (let i = 0; i < src.length; i++) dst[i] = REVERSE[src[i]!]!;
	return dst;
}
