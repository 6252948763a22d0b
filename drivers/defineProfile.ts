/**
 * defineProfile: a vendor spec deep-merged section by section over the generic bases — the common
 * settings and `class1` over generic-class1.ts, `class2` over generic-class2.ts — then validated
 * (_schema.ts validateProfile). Arrays, regexes and functions in the spec replace the base's.
 * Layer: drivers.
 */
import { deepMerge, validateProfile, type ModemProfile, type ProfileSpec } from "./_schema.js";
import genericClass1 from "./generic-class1.js";
import genericClass2 from "./generic-class2.js";

/** The generic bases combined: what a spec with no overrides yields (under its own name). */
const BASE: ModemProfile = { ...genericClass1, class2: genericClass2.class2 };

/**
 * Build a profile from a vendor spec.
 * @throws TypeError when a field breaks the schema's invariants
 */
export function defineProfile(spec: ProfileSpec): ModemProfile {
	return validateProfile(deepMerge(BASE, spec));
}
