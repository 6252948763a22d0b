// Types for eslint-rules/layers.js (used by test/unit/lint/layers.test.ts).
import type { Linter } from "eslint";
export const BANNED: Record<string, string[]>;
export function layerConfigs(): Linter.Config[];
