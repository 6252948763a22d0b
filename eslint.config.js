// Lint rules for faxline. Layer rule (docs: ../shared/design/architecture.md "Layering"):
// transport -> at -> modem -> t30 -> jobs; src never imports hw-mocks or test.
import tseslint from "typescript-eslint";

const layer = (dir, banned) => ({
	files: [`src/${dir}/**/*.ts`],
	rules: {
		"no-restricted-imports": ["error", { patterns: banned.map((b) => ({ group: [`**/${b}/**`, `**/${b}`], message: `src/${dir} must not import ${b} (layering)` })) }],
	},
});

export default tseslint.config(
	{ ignores: ["dist/**", "node_modules/**", "**/*.js", "hw-mocks/spandsp/build/**"] },
	...tseslint.configs.recommended,
	{
		rules: {
			"@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_" }],
			"@typescript-eslint/no-explicit-any": "error",
			"no-constant-condition": ["error", { checkLoops: false }],
		},
	},
	layer("core", ["docs", "transport", "at", "hdlc", "t30", "modem", "jobs", "cli", "hw-mocks", "test"]),
	layer("t4", ["docs", "transport", "at", "t30", "modem", "jobs", "cli", "hw-mocks", "test", "tiff"]),
	layer("tiff", ["docs", "transport", "at", "t30", "modem", "jobs", "cli", "hw-mocks", "test"]),
	// documents in (issue 12): above the codecs, below jobs/cli; may spawn Ghostscript
	layer("docs", ["transport", "at", "hdlc", "t30", "modem", "jobs", "cli", "hw-mocks", "test"]),
	layer("hdlc", ["docs", "transport", "at", "t30", "modem", "jobs", "cli", "hw-mocks", "test"]),
	layer("transport", ["docs", "at", "t30", "modem", "jobs", "cli", "hw-mocks", "test"]),
	layer("at", ["docs", "t30", "modem", "jobs", "cli", "hw-mocks", "test"]),
	layer("modem", ["jobs", "cli", "hw-mocks", "test"]),
	layer("t30", ["transport", "at", "jobs", "cli", "hw-mocks", "test"]),
	layer("jobs", ["cli", "hw-mocks", "test"]),
);
