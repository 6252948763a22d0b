/**
 * The public API split (issue 8 "src/index.ts exporting the public API only (advanced parts on a
 * documented subpath)"): package.json "exports" maps `faxline` and `faxline/advanced` to the built
 * src/index and src/advanced; the public entry offers the application surface and none of the building
 * blocks; the advanced entry offers those.
 */
import test from "ava";
import { readFileSync } from "node:fs";

const pkg = JSON.parse(readFileSync(new URL("../../../package.json", import.meta.url), "utf8")) as { exports: Record<string, { types: string; default: string } | string> };

test("package.json exports: '.' and './advanced' point at the built index and advanced modules", (t) => {
	t.deepEqual(pkg.exports["."], { types: "./dist/src/index.d.ts", default: "./dist/src/index.js" });
	t.deepEqual(pkg.exports["./advanced"], { types: "./dist/src/advanced.d.ts", default: "./dist/src/advanced.js" });
});

test("the public entry has the application surface and no building blocks; advanced has them", async (t) => {
	const pub = (await import("../../../src/index.js")) as Record<string, unknown>;
	const adv = (await import("../../../src/advanced.js")) as Record<string, unknown>;
	for (const n of ["openFaxModem", "checkDialString", "EMERGENCY_NUMBERS", "FaxError", "FaxServer", "FaxDocument", "openFaxDocument", "writeClassF", "listPorts", "ManualClock", "JsonlTracer"]) {
		t.is(typeof pub[n] === "function" || typeof pub[n] === "object", true, n);
	}
	for (const n of ["Class1Modem", "Class1Session", "openClass1Modem", "probeModem", "T4Encoder", "pageChunks", "SESSION_FACTORIES", "defineProfile"]) {
		t.is(pub[n], undefined, `public entry leaks ${n}`);
		t.truthy(adv[n], `advanced lacks ${n}`);
	}
});
