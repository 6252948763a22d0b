// The layer rules of faxline (docs/architecture.md "Layers"), shared by eslint.config.js and the lint test
// (test/unit/lint/layers.test.ts), which runs them on deliberate violations.
// transport -> at -> modem -> t30 -> session -> jobs -> cli; core and the pure codecs (t4, tiff, hdlc, page)
// below all of them; docs (documents in: PDF, images, text) above the codecs, used by jobs and cli; src never imports hw-mocks or test. `import type` counts like any import, except
// that t30 may import *types* from modem (the link interfaces and the FaxModem seam), nothing else there.
import noImportCycle from "./noImportCycle.js";

const ALL = ["core", "transport", "at", "hdlc", "t4", "tiff", "docs", "page", "modem", "receive", "t30", "session", "jobs", "cli", "hw-mocks", "test"];
const group = (b) => [`**/${b}/**`, `**/${b}`];

/** What each folder of src/ must not import (beyond itself). */
export const BANNED = {
	core: ALL.filter((x) => x !== "core"),
	t4: ["receive", "docs", "transport", "at", "hdlc", "tiff", "page", "modem", "t30", "session", "jobs", "cli", "hw-mocks", "test"],
	tiff: ["receive", "docs", "transport", "at", "hdlc", "page", "modem", "t30", "session", "jobs", "cli", "hw-mocks", "test"],
	hdlc: ["receive", "docs", "transport", "at", "tiff", "page", "modem", "t30", "session", "jobs", "cli", "hw-mocks", "test"],
	// documents in (issue 12): above the codecs, below jobs/cli; may spawn Ghostscript and use sharp
	docs: ["receive", "transport", "at", "hdlc", "page", "modem", "t30", "session", "jobs", "cli", "hw-mocks", "test"],
	page: ["receive", "docs", "transport", "at", "hdlc", "modem", "t30", "session", "jobs", "cli", "hw-mocks", "test"],
	transport: ["receive", "docs", "at", "hdlc", "t4", "tiff", "page", "modem", "t30", "session", "jobs", "cli", "hw-mocks", "test"],
	at: ["receive", "docs", "t4", "tiff", "page", "modem", "t30", "session", "jobs", "cli", "hw-mocks", "test"],
	modem: ["receive", "docs", "t30", "session", "jobs", "cli", "hw-mocks", "test"],
	t30: ["receive", "docs", "transport", "at", "session", "jobs", "cli", "hw-mocks", "test"],
	// the received-fax sink (FaxModem ReceiveSink -> TIFF Class F), used by jobs and cli
	receive: ["transport", "at", "hdlc", "docs", "page", "t30", "session", "jobs", "cli", "hw-mocks", "test"],
	session: ["jobs", "cli", "hw-mocks", "test"],
	jobs: ["t30", "cli", "hw-mocks", "test"],
	cli: ["t30", "hw-mocks", "test"],
};

const layer = (dir, banned) => ({
	files: [`src/${dir}/**/*.ts`],
	rules: {
		"no-restricted-imports": ["error", { patterns: banned.map((b) => ({ group: group(b), message: `src/${dir} must not import ${b} (layering, docs/architecture.md)` })) }],
	},
});

/** Flat-config blocks: the layer rules, t30's type-only access to modem, and no import cycle in src/. */
export function layerConfigs() {
	return [
		...Object.entries(BANNED).map(([dir, banned]) => layer(dir, banned)),
		{
			files: ["src/t30/**/*.ts"],
			rules: {
				"@typescript-eslint/no-restricted-imports": [
					"error",
					{ patterns: [{ group: group("modem"), allowTypeImports: true, message: "src/t30 knows only the modem's interfaces: import type (layering, docs/architecture.md)" }] },
				],
			},
		},
		{
			files: ["src/**/*.ts"],
			plugins: { faxline: { rules: { "no-import-cycle": noImportCycle } } },
			rules: { "faxline/no-import-cycle": ["error", { root: "src" }] },
		},
	];
}
