/**
 * Malformed and hostile inputs to src/docs: each gives a typed FaxError quickly (ava's per-test timeout
 * bounds the time; the pixel/page limits bound memory before any decoding) and leaves the file as it was.
 */
import test from "ava";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { deflateSync } from "node:zlib";
import sharp from "sharp";
import { isFaxError } from "../../../src/core/FaxError.js";
import type { FaxErrorCode } from "../../../src/core/FaxError.js";
import { openDocument } from "../../../src/docs/index.js";
import { makePdf } from "../../helpers/docFixtures.js";

const dir = mkdtempSync(join(tmpdir(), "faxline-hostile-"));

function crc32(b: Uint8Array): number {
	let c = ~0;
	for (const x of b) {
		c ^= x;
		for (let k = 0; k < 8; k++) c = (c >>> 1) ^ (0xedb88320 & -(c & 1));
	}
	return ~c >>> 0;
}
function chunk(type: string, data: Uint8Array): Buffer {
	const td = Buffer.concat([Buffer.from(type, "latin1"), data]);
	const len = Buffer.alloc(4);
	len.writeUInt32BE(data.length);
	const crc = Buffer.alloc(4);
	crc.writeUInt32BE(crc32(td));
	return Buffer.concat([len, td, crc]);
}
/** A PNG whose header claims w x h (greyscale 8-bit) followed by `idat`. */
function png(w: number, h: number, idat: Uint8Array): Buffer {
	const ihdr = Buffer.alloc(13);
	ihdr.writeUInt32BE(w, 0);
	ihdr.writeUInt32BE(h, 4);
	ihdr[8] = 8;
	ihdr[9] = 0;
	return Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), chunk("IHDR", ihdr), chunk("IDAT", idat), chunk("IEND", new Uint8Array(0))]);
}

async function expectCode(t: import("ava").ExecutionContext, path: string, code: FaxErrorCode, opts = {}) {
	const before = readFileSync(path);
	const e = await t.throwsAsync(openDocument(path, opts).then(async (d) => {
		try {
			for (let i = 0; i < d.pageCount; i++) await d.page(i);
		} finally {
			await d.close();
		}
	}));
	t.true(isFaxError(e, code), `${path}: ${String(e?.message)}`);
	t.true(readFileSync(path).equals(before), "input unchanged");
	return e!;
}

test("encrypted PDF (user password): DOC_ENCRYPTED with advice", async (t) => {
	const e = await expectCode(t, makePdf(dir, ["-sOwnerPassword=owner", "-sUserPassword=secret"], "locked.pdf"), "DOC_ENCRYPTED");
	t.regex(e.message, /password/);
});

test("truncated PDF and garbage after %PDF-: DOC_MALFORMED", async (t) => {
	const full = readFileSync(makePdf(dir, [], "full.pdf"));
	writeFileSync(join(dir, "cut.pdf"), full.subarray(0, 400));
	await expectCode(t, join(dir, "cut.pdf"), "DOC_MALFORMED");
	writeFileSync(join(dir, "junk.pdf"), Buffer.concat([Buffer.from("%PDF-1.7\n"), Buffer.alloc(3000, 0x41)]));
	await expectCode(t, join(dir, "junk.pdf"), "DOC_MALFORMED");
});

test("PostScript that never ends (infinite loop): DOC_TIMEOUT within the time limit, gs killed", async (t) => {
	const f = join(dir, "loop.ps");
	writeFileSync(f, "%!PS\n{ 1 pop } loop\n");
	await expectCode(t, f, "DOC_TIMEOUT", { limits: { timeoutMs: 1500 } });
});

test("a PDF over the page limit: DOC_TOO_LARGE before rendering", async (t) => {
	await expectCode(t, makePdf(dir, [], "pages.pdf"), "DOC_TOO_LARGE", { limits: { maxPages: 1 } });
});

test("100000 x 100000 PNG header and a PNG zip bomb (30000 x 30000 of zeros in 1 MB): DOC_TOO_LARGE from the header", async (t) => {
	writeFileSync(join(dir, "huge.png"), png(100_000, 100_000, deflateSync(Buffer.alloc(1000))));
	await expectCode(t, join(dir, "huge.png"), "DOC_TOO_LARGE");
	const row = Buffer.alloc(30_001);
	const rows = deflateSync(Buffer.concat(Array.from({ length: 2000 }, () => row)));
	writeFileSync(join(dir, "bomb.png"), png(30_000, 30_000, rows));
	await expectCode(t, join(dir, "bomb.png"), "DOC_TOO_LARGE");
});

test("truncated JPEG and PNG, unknown binary: DOC_MALFORMED / DOC_UNSUPPORTED", async (t) => {
	const jpg = await sharp({ create: { width: 800, height: 600, channels: 3, background: "#808080" } }).jpeg().toBuffer();
	writeFileSync(join(dir, "cut.jpg"), jpg.subarray(0, jpg.length >> 1));
	await expectCode(t, join(dir, "cut.jpg"), "DOC_MALFORMED");
	const p = await sharp({ create: { width: 800, height: 600, channels: 3, background: "#808080" } }).png().toBuffer();
	writeFileSync(join(dir, "cut.png"), p.subarray(0, 60));
	await expectCode(t, join(dir, "cut.png"), "DOC_MALFORMED");
	writeFileSync(join(dir, "blob.bin"), Buffer.from([0, 1, 2, 3, 0, 0, 7, 9, 0, 255]));
	await expectCode(t, join(dir, "blob.bin"), "DOC_UNSUPPORTED");
});

test.serial("no Ghostscript installed: RENDERER_MISSING, one line that says how to install it", async (t) => {
	const pdf = makePdf(dir, [], "nogs.pdf");
	const old = process.env.FAXLINE_GS;
	process.env.FAXLINE_GS = join(dir, "no-such-gs");
	try {
		const e = await expectCode(t, pdf, "RENDERER_MISSING");
		t.false(e.message.includes("\n"));
		t.regex(e.message, /apt-get install ghostscript/);
	} finally {
		if (old === undefined) delete process.env.FAXLINE_GS;
		else process.env.FAXLINE_GS = old;
	}
});

test("BMP: a 100000 x 100000 header is refused before allocation; short pixel data and RLE are typed errors", async (t) => {
	const hdr = (w: number, h: number, comp = 0, bpp = 24) => {
		const b = Buffer.alloc(54 + 12);
		b.write("BM", 0, "latin1");
		b.writeUInt32LE(b.length, 2);
		b.writeUInt32LE(54, 10);
		b.writeUInt32LE(40, 14);
		b.writeInt32LE(w, 18);
		b.writeInt32LE(h, 22);
		b.writeUInt16LE(1, 26);
		b.writeUInt16LE(bpp, 28);
		b.writeUInt32LE(comp, 30);
		return b;
	};
	writeFileSync(join(dir, "huge.bmp"), hdr(100_000, 100_000));
	await expectCode(t, join(dir, "huge.bmp"), "DOC_TOO_LARGE");
	writeFileSync(join(dir, "short.bmp"), hdr(100, 100));
	await expectCode(t, join(dir, "short.bmp"), "DOC_MALFORMED");
	writeFileSync(join(dir, "rle.bmp"), hdr(10, 10, 1, 8));
	await expectCode(t, join(dir, "rle.bmp"), "DOC_UNSUPPORTED");
});
