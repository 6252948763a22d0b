/**
 * Normalisation to fax geometry (src/tiff/normalize.ts): the 300-dpi letter scan case, B4/A3 widths,
 * tolerance padding/cropping, and that content lands where the geometry says (black boxes keep
 * position and size within one pixel; 1-px lines survive reduction).
 */
import test from "ava";
import type { Bitmap } from "../../../src/core/bitmap.js";
import { createBitmap } from "../../../src/core/bitmap.js";
import { chooseWidth, normalizePage, setBits } from "../../../src/tiff/normalize.js";
import { fixturePage } from "../../helpers/fixtures.js";
import { px } from "./oracle.js";

function box(b: Bitmap, x0: number, y0: number, x1: number, y1: number): void {
	for (let y = y0; y < y1; y++) setBits(b.data.subarray(y * b.stride, (y + 1) * b.stride), x0, x1);
}

/** Bounding box of black pixels [x0, y0, x1, y1) (exclusive end), by plain pixel scan. */
function bbox(b: Bitmap): [number, number, number, number] {
	let x0 = Infinity, y0 = Infinity, x1 = -1, y1 = -1;
	for (let y = 0; y < b.height; y++)
		for (let x = 0; x < b.width; x++)
			if (px(b, x, y)) {
				x0 = Math.min(x0, x);
				y0 = Math.min(y0, y);
				x1 = Math.max(x1, x + 1);
				y1 = Math.max(y1, y + 1);
			}
	return [x0, y0, x1, y1];
}

const near = (t: { true(v: boolean, m?: string): void }, got: number, want: number, what: string): void => t.true(Math.abs(got - want) <= 1, `${what}: ${got} vs ${want}`);

test("a 2550-px 300-dpi letter scan becomes a 1728-px fine page with the box where it was (physical position)", (t) => {
	const src = createBitmap(2550, 3300); // 8.5 x 11 in at 300 dpi
	box(src, 300, 600, 900, 1200); // 1 in from left, 2 in from top, 2 x 2 in
	const out = normalizePage({ bitmap: src, xRes: 300, yRes: 300 }, { width: 1728, resolution: "fine" });
	t.is(out.bitmap.width, 1728);
	t.is(out.xRes, 204);
	t.is(out.yRes, 196);
	t.is(out.bitmap.height, Math.round((3300 * 196) / 300)); // 11 in at 196 lpi = 2156
	// 2550 px at 300 dpi = 1734 fax dots, within 3% of 1728: cropped by 3 px each side
	const [x0, y0, x1, y1] = bbox(out.bitmap);
	near(t, x0, Math.round((300 * 204) / 300) - 3, "left");
	near(t, x1, Math.round((900 * 204) / 300) - 3, "right");
	near(t, y0, Math.round((600 * 196) / 300), "top");
	near(t, y1, Math.round((1200 * 196) / 300), "bottom");
	t.false(px(out.bitmap, x0 - 2, y0 + 5));
});

test("fax-resolution page narrower or wider within 3% is padded/cropped centred, not scaled", (t) => {
	const narrow = createBitmap(1700, 100);
	box(narrow, 0, 10, 10, 20);
	const a = normalizePage({ bitmap: narrow, xRes: 204, yRes: 196 }, { width: 1728, resolution: "fine" });
	t.is(a.bitmap.height, 100);
	t.deepEqual(bbox(a.bitmap), [14, 10, 24, 20]); // 28 px of padding, 14 each side
	const wide = createBitmap(1760, 98);
	box(wide, 16, 0, 20, 98);
	const b = normalizePage({ bitmap: wide, xRes: 204, yRes: 98 }, { width: 1728, resolution: "standard" });
	t.deepEqual(bbox(b.bitmap), [0, 0, 4, 98]); // 32 px cropped, 16 each side
});

test("B4 and A3 targets: an A4 fax page is padded centred; a wide page is shrunk with aspect kept", (t) => {
	const a4 = createBitmap(1728, 50);
	box(a4, 0, 0, 1728, 1);
	const onB4 = normalizePage({ bitmap: a4, xRes: 204, yRes: 98 }, { width: 2048, resolution: "standard" });
	t.is(onB4.bitmap.width, 2048);
	t.deepEqual(bbox(onB4.bitmap), [160, 0, 1888, 1]);
	const onA3 = normalizePage({ bitmap: a4, xRes: 204, yRes: 98 }, { width: 2432, resolution: "standard" });
	t.deepEqual(bbox(onA3.bitmap), [352, 0, 2080, 1]);
	// an A3 page to an A4-only receiver: shrink 2432 -> 1728 and rows by the same factor
	const a3 = createBitmap(2432, 2432);
	box(a3, 1216, 1216, 2432, 2432);
	const shrunk = normalizePage({ bitmap: a3, xRes: 204, yRes: 196 }, { width: 1728, resolution: "fine" });
	t.is(shrunk.bitmap.width, 1728);
	t.is(shrunk.bitmap.height, Math.round((2432 * 1728) / 2432));
	const [x0, y0, x1, y1] = bbox(shrunk.bitmap);
	near(t, x0, 864, "x0");
	near(t, y0, 864, "y0");
	t.is(x1, 1728);
	t.is(y1, 1728);
});

test("vertical scaling: fine to standard keeps 1-px horizontal lines (area-OR), superfine doubles rows", (t) => {
	const src = createBitmap(1728, 200);
	for (let y = 1; y < 200; y += 7) box(src, 100, y, 1600, y + 1); // 1-px lines on odd rows
	const std = normalizePage({ bitmap: src, xRes: 204, yRes: 196 }, { width: 1728, resolution: "standard" });
	t.is(std.bitmap.height, 100);
	for (let y = 1; y < 200; y += 7) t.true(px(std.bitmap, 800, y >> 1), `line from row ${y} lost`);
	const sup = normalizePage({ bitmap: src, xRes: 204, yRes: 196 }, { width: 1728, resolution: "superfine" });
	t.is(sup.bitmap.height, Math.round((200 * 391) / 196));
	t.is(sup.yRes, 391);
});

test("1-px vertical lines survive a 600-dpi to 204-dpi reduction", (t) => {
	const src = createBitmap(5100, 20);
	const xs = [0, 1, 2, 7, 100, 2549, 2550, 5098, 5099];
	for (const x of xs) box(src, x, 0, x + 1, 20);
	const out = normalizePage({ bitmap: src, xRes: 600, yRes: 600 }, { width: 1728, resolution: "standard" });
	t.is(out.bitmap.width, 1728);
	// 5100 px at 600 dpi = 1734 dots: cropped by 3 each side; columns cropped away are the outermost only
	for (const x of xs) {
		const d = Math.floor((x * 1734) / 5100) - 3;
		if (d < 0 || d >= 1728) continue;
		t.true(px(out.bitmap, d, 0) || px(out.bitmap, d + 1, 0) || px(out.bitmap, d - 1, 0), `column ${x} lost`);
	}
});

test("a rendered text page keeps its ink: fine 1728 -> standard keeps every inked row band", async (t) => {
	const page = await fixturePage("text", "fine");
	const out = normalizePage({ bitmap: page, xRes: 204, yRes: 196 }, { width: 1728, resolution: "standard" });
	t.is(out.bitmap.height, Math.round(page.height / 2));
	let lost = 0;
	for (let y = 0; y + 1 < page.height; y += 2) {
		const inked = (r: number): boolean => page.data.subarray(r * page.stride, (r + 1) * page.stride).some((v) => v !== 0);
		const o = out.bitmap.data.subarray((y >> 1) * out.bitmap.stride, ((y >> 1) + 1) * out.bitmap.stride).some((v) => v !== 0);
		if ((inked(y) || inked(y + 1)) && !o) lost++;
	}
	t.is(lost, 0);
});

test("chooseWidth picks the smallest accepted width that holds the page", (t) => {
	const p = (w: number, x: number) => ({ bitmap: createBitmap(w, 1), xRes: x, yRes: 196 });
	t.is(chooseWidth(p(2550, 300)), 1728);
	t.is(chooseWidth(p(1728, 204)), 1728);
	t.is(chooseWidth(p(2048, 204)), 2048);
	t.is(chooseWidth(p(2048, 204), [1728]), 1728);
	t.is(chooseWidth(p(3000, 204)), 2432);
	t.is(chooseWidth(p(2432, 204), [1728, 2048]), 2048);
});

/**
 * Naive reference of the documented rule, pixel by pixel: output pixel (x, y) is black iff any source
 * pixel in its interval is; intervals partition the source ([floor(i*n/m), max(+1, floor((i+1)*n/m)))).
 */
function reference(src: Bitmap, xRes: number, yRes: number, W: number, ty: number): Bitmap {
	const near3 = (a: number, b: number): boolean => Math.abs(a - b) <= b * 0.03;
	let sw = near3(xRes, 204) ? src.width : Math.round((src.width * 204) / xRes);
	let extra = 1;
	if (sw > W && !near3(sw, W)) {
		extra = W / sw;
		sw = W;
	}
	const H = Math.max(1, Math.round(src.height * (near3(yRes, ty) ? 1 : ty / yRes) * extra));
	const off = Math.floor((W - sw) / 2);
	const iv = (i: number, n: number, m: number): [number, number] => {
		const a = Math.floor((i * n) / m);
		return [a, Math.min(n, Math.max(a + 1, Math.floor(((i + 1) * n) / m)))];
	};
	const out = createBitmap(W, H);
	for (let y = 0; y < H; y++) {
		const [ya, yb] = iv(y, src.height, H);
		for (let d = 0; d < W; d++) {
			const x = d - off;
			if (x < 0 || x >= sw) continue;
			const [xa, xb] = iv(x, src.width, sw);
			let black = false;
			for (let sy = ya; sy < yb && !black; sy++) for (let sx = xa; sx < xb && !black; sx++) black = px(src, sx, sy);
			if (black) out.data[y * out.stride + (d >> 3)] |= 0x80 >> (d & 7);
		}
	}
	return out;
}

test("property: normalizePage equals the naive per-pixel reference of the documented rule", async (t) => {
	const fc = (await import("fast-check")).default;
	const { bitmapDiff } = await import("./oracle.js");
	fc.assert(
		fc.property(
			fc.oneof(fc.integer({ min: 1, max: 700 }), fc.integer({ min: 1680, max: 1790 })),
			fc.integer({ min: 1, max: 60 }),
			fc.constantFrom(72, 100, 150, 200, 204, 300, 400, 600, 1200, 1632, 1600, 1664),
			fc.constantFrom(50, 98, 100, 196, 200, 300, 391, 600),
			fc.constantFrom<1728 | 2048 | 2432>(1728, 2048, 2432),
			fc.constantFrom("standard", "fine", "superfine"),
			fc.integer({ min: 0, max: 2 ** 31 - 1 }),
			fc.integer({ min: 1, max: 9 }),
			(w, h, xRes, yRes, W, res, seed, density) => {
				const src = createBitmap(w, h);
				let s = seed;
				for (let i = 0; i < w * h; i++) {
					s = (Math.imul(s, 1103515245) + 12345) >>> 0;
					if (s % 10 < density) src.data[Math.floor(i / w) * src.stride + ((i % w) >> 3)] |= 0x80 >> (i % w & 7);
				}
				const ty = res === "standard" ? 98 : res === "fine" ? 196 : 391;
				// xRes/8: 204 (1632) and near it take the pad/crop path, the others scale up or shrink
				const got = normalizePage({ bitmap: src, xRes: xRes / 8, yRes }, { width: W, resolution: res });
				const want = reference(src, xRes / 8, yRes, W, ty);
				return bitmapDiff(got.bitmap, want) === "";
			},
		),
		{ seed: 4711, numRuns: 150 },
	);
	t.pass();
});
