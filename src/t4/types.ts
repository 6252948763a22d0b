/**
 * Option and result types of the T.4 / T.6 codec (ITU-T T.4 MH/MR, T.6 MMR). Types only.
 */
import type { Bitmap } from "../core/bitmap.js";

/** mh = T.4 1-D (Modified Huffman), mr = T.4 2-D (Modified READ), mmr = T.6 (Modified Modified READ). */
export type T4Coding = "mh" | "mr" | "mmr";

export interface T4EncodeOptions {
	coding: T4Coding;
	/** Row width in pixels (1728, 2048, 2432 for fax; any 1..65535). */
	width: number;
	/** MR K factor: every K-th row is 1-D (default 2; 4 is usual at fine resolution). Ignored for mh/mmr. */
	k?: number;
	/** EOL codes between rows (default true for mh/mr, unless byteAlignRows; never for mmr). */
	eol?: boolean;
	/** TIFF Compression=2: MH without EOL, each row padded to a byte boundary. */
	byteAlignRows?: boolean;
	/** Zero fill before each EOL so it ends on a byte boundary (TIFF T4Options bit 2, "--align-eol"). */
	alignEol?: boolean;
	/** An EOL before the first row (default true when eol). */
	leadingEol?: boolean;
	/** End with RTC (mh: 6×EOL, mr: 6×(EOL+1)) or EOFB (mmr). Default false. */
	rtc?: boolean;
	/** Zero fill before each EOL so a row including its EOL has at least this many bits (scan-line time). */
	minBitsPerRow?: number;
	/** "lsb" = FillOrder 2 = Class 1 line order (each byte sent LSB first). Default "msb". */
	bitOrder?: "msb" | "lsb";
}

export interface T4DecodeOptions {
	coding: T4Coding;
	/** Row width in pixels. */
	width: number;
	/** MR K factor; not needed to decode (tag bits say 1-D/2-D), accepted for symmetry. */
	k?: number;
	/** Bit order of the input bytes; default "msb". */
	bitOrder?: "msb" | "lsb";
	/** TIFF Compression=2: MH rows without EOL, each starting on a byte boundary. */
	byteAlignRows?: boolean;
	/** mh only: rows are separated by EOLs (default true unless byteAlignRows). */
	eol?: boolean;
	/** Expected rows: stop there (decodeToBitmap pads missing rows with white, counted as bad). */
	rows?: number;
	/** Hard cap on rows (default 65536); memory never exceeds maxRows × stride. */
	maxRows?: number;
}

/** How the coded page ended: RTC (or at least 2 consecutive EOLs), EOFB, or neither (end of data / rows). */
export type T4EndMarker = "rtc" | "eofb" | "none";

export interface T4DecodeResult {
	bitmap: Bitmap;
	/** Rows that could not be decoded and were replaced by the previous row (TIFF BadFaxLines). */
	badLines: number;
	/** Longest run of consecutive bad rows (TIFF ConsecutiveBadFaxLines). */
	consecutiveBadLines: number;
	/** Data ended inside a row (that row is dropped) or before `rows` rows. */
	truncated: boolean;
	endMarker: T4EndMarker;
}

export interface T4DecodeEnd {
	rows: Uint8Array[];
	badLines: number;
	consecutiveBadLines: number;
	truncated: boolean;
	endMarker: T4EndMarker;
}
