// Lint rules for faxline. Layer and cycle rules: eslint-rules/layers.js (docs/architecture.md "Layers").
import tseslint from "typescript-eslint";
import { layerConfigs } from "./eslint-rules/layers.js";

export default tseslint.config(
	{ ignores: ["dist/**", "node_modules/**", "**/*.js", "hw-mocks/spandsp/build/**", "test/fixtures/lint/**"] },
	...tseslint.configs.recommended,
	{
		rules: {
			"@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_" }],
			"@typescript-eslint/no-explicit-any": "error",
			"no-constant-condition": ["error", { checkLoops: false }],
		},
	},
	...layerConfigs(),
	{
		// The two jobs/ import cycles are issue 8's jobs bullet (branch `jobs`): delete this block when it lands.
		files: ["src/jobs/{jobOps,attempt,OutgoingEngine,submit,FaxOutgoingQueue,FaxDocument,FaxServer}.ts"],
		rules: { "faxline/no-import-cycle": "off" },
	},
);
