/**
 * TIFF 6.0 tag numbers, field types and value names used by the fax reader and the Class F writer
 * (TIFF 6.0 §8 baseline fields, §11 CCITT compression, TIFF Class F / RFC 2306 fax fields).
 * Layer: tiff (pure, no I/O).
 */

/** Tag numbers (TIFF 6.0 Appendix A). */
export const Tag = {
	NewSubfileType: 254,
	ImageWidth: 256,
	ImageLength: 257,
	BitsPerSample: 258,
	Compression: 259,
	Photometric: 262,
	FillOrder: 266,
	StripOffsets: 273,
	Orientation: 274,
	SamplesPerPixel: 277,
	RowsPerStrip: 278,
	StripByteCounts: 279,
	XResolution: 282,
	YResolution: 283,
	PlanarConfiguration: 284,
	T4Options: 292, // TIFF 6.0 §11: bit0 2-D, bit1 uncompressed mode, bit2 fill bits before EOL
	T6Options: 293, // bit1 uncompressed mode
	ResolutionUnit: 296,
	ImageDescription: 270, // received faxes: the far end's TSID (HylaFAX convention)
	PageNumber: 297,
	Software: 305,
	DateTime: 306,
	TileWidth: 322,
	TileLength: 323,
	TileOffsets: 324,
	BadFaxLines: 326, // TIFF Class F
	CleanFaxData: 327, // 0 clean, 1 regenerated, 2 unclean
	ConsecutiveBadFaxLines: 328,
	FaxRecvTime: 34910, // libtiff TIFFTAG_FAXRECVTIME: seconds the page took to receive
	FaxDcs: 34911, // libtiff TIFFTAG_FAXDCS: the session parameters the page was received with
	ExifIfd: 0x8769,
	GpsIfd: 0x8825,
	SubIfds: 330,
} as const;

/** Field types with their byte sizes (TIFF 6.0 §2). */
export const TypeSize: Readonly<Record<number, number>> = {
	1: 1, // BYTE
	2: 1, // ASCII
	3: 2, // SHORT
	4: 4, // LONG
	5: 8, // RATIONAL
	6: 1, // SBYTE
	7: 1, // UNDEFINED
	8: 2, // SSHORT
	9: 4, // SLONG
	10: 8, // SRATIONAL
	11: 4, // FLOAT
	12: 8, // DOUBLE
	13: 4, // IFD
};

export const FieldType = { BYTE: 1, ASCII: 2, SHORT: 3, LONG: 4, RATIONAL: 5 } as const;

/** Compression values this reader understands (TIFF 6.0 §3, §9, §11). */
export const Compression = {
	none: 1,
	ccittRle: 2, // Modified Huffman, rows byte-aligned, no EOLs
	ccittFax3: 3, // T.4 (1-D or 2-D per T4Options)
	ccittFax4: 4, // T.6
	packBits: 32773,
} as const;

/** Names of the TIFF compressions this reader leaves to the image path (src/docs/image.ts). */
const OTHER_COMPRESSION: Record<number, string> = {
	5: "LZW",
	6: "old-style JPEG",
	7: "JPEG",
	8: "Deflate",
	32946: "Deflate (PKZIP)",
	34712: "JPEG 2000",
	34887: "LERC",
	34925: "LZMA",
	50000: "Zstandard",
	50001: "WebP",
	50002: "JPEG XL",
};

/** Human names for `info` and error messages. */
export function compressionName(c: number, t4Options = 0): string {
	switch (c) {
		case 1:
			return "none";
		case 2:
			return "CCITT RLE (MH, byte-aligned rows)";
		case 3:
			return `CCITT G3 ${t4Options & 1 ? "2-D (MR)" : "1-D (MH)"}${t4Options & 4 ? ", EOL fill" : ""}`;
		case 4:
			return "CCITT G4 (MMR)";
		case 32773:
			return "PackBits";
		default:
			return OTHER_COMPRESSION[c] ?? `unknown (${c})`;
	}
}
