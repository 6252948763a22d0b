/** A small fax page whose pattern depends on its number (tests of the received-fax writer). */
import { createBitmap, type FaxPage } from "../../../src/core/bitmap.js";

export function patternPage(n: number, height = 300): FaxPage {
	const b = createBitmap(1728, height);
	for (let y = 0; y < height; y++)
		for (let x = 0; x < b.stride; x++) if ((x + y + n) % (n + 3) === 0) b.data[y * b.stride + x] = 0xf0 >> (n % 4);
	return { bitmap: b, xRes: 204, yRes: 196 };
}
