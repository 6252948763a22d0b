/**
 * The lint layer rules (eslint-rules/layers.js, used by eslint.config.js) fail on deliberate violations:
 * modem -> t30 and jobs -> t30 imports (type-only too), a t30 value import from modem, and an import cycle
 * made only of `import type` (issue 8 "Proof"). Runs ESLint's API on test/fixtures/lint/src.
 */
import test from "ava";
import { ESLint } from "eslint";
import { fileURLToPath } from "node:url";
import tseslint from "typescript-eslint";
import { layerConfigs } from "../../../eslint-rules/layers.js";

const root = fileURLToPath(new URL("../../fixtures/lint/", import.meta.url));

test("layer and cycle rules report each deliberate violation, and nothing on the clean files", async (t) => {
	const eslint = new ESLint({
		cwd: root,
		overrideConfigFile: true,
		overrideConfig: [{ files: ["**/*.ts"], languageOptions: { parser: tseslint.parser }, plugins: { "@typescript-eslint": tseslint.plugin } }, ...layerConfigs()],
	});
	const results = await eslint.lintFiles(["src/**/*.ts"]);
	const byFile = Object.fromEntries(results.map((r) => [r.filePath.slice(root.length), r.messages.map((m) => `${m.ruleId}: ${m.message}`)]));
	const one = (file: string, rule: string, text: RegExp) => {
		const msgs = byFile[file] ?? [];
		t.is(msgs.length, 1, `${file}: ${JSON.stringify(msgs)}`);
		t.true(msgs[0]?.startsWith(`${rule}:`), `${file}: ${msgs[0]}`);
		t.regex(msgs[0] ?? "", text, file);
	};
	one("src/modem/badLink.ts", "no-restricted-imports", /src\/modem must not import t30/);
	one("src/jobs/usesT30.ts", "no-restricted-imports", /src\/jobs must not import t30/);
	one("src/t30/valueFromModem.ts", "@typescript-eslint/no-restricted-imports", /t30 knows only the modem's interfaces/);
	one("src/core/a.ts", "faxline/no-import-cycle", /Import cycle \(type-only import\): core\/a\.ts -> core\/b\.ts -> core\/a\.ts/);
	one("src/core/b.ts", "faxline/no-import-cycle", /Import cycle \(type-only import\): core\/b\.ts -> core\/a\.ts -> core\/b\.ts/);
	for (const clean of ["src/t30/ctx.ts", "src/modem/link.ts", "src/core/clean.ts"]) t.deepEqual(byFile[clean], [], clean);
});
