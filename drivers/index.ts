/**
 * The modem profile registry: every drivers/*.ts profile, and selectProfile() choosing one from a
 * modem's identity replies or by name (architecture.md "drivers/ (quirk profiles)").
 */
import { FaxError } from "../src/core/FaxError.js";
import { matchScore, type ModemIdentity, type ModemProfile } from "./_schema.js";
import conexant from "./conexant.js";
import genericClass1 from "./generic-class1.js";
import genericClass2 from "./generic-class2.js";
import genericClass20 from "./generic-class20.js";
import iaxmodem from "./iaxmodem.js";
import lucentAgere from "./lucent-agere.js";
import multitech from "./multitech.js";
import rockwellClass2 from "./rockwell-class2.js";
import usrobotics from "./usrobotics.js";

export { defineProfile, deepMerge, matchScore, validateProfile } from "./_schema.js";
export type { Class1Knobs, Class2Knobs, ModemIdentity, ModemProfile, ProfileMatch, ProfileSpec, TimerOverrides } from "./_schema.js";

/** All profiles, most specific first; generic-class1 last. */
export const profiles: readonly ModemProfile[] = [multitech, lucentAgere, conexant, rockwellClass2, usrobotics, iaxmodem, genericClass20, genericClass2, genericClass1];

export { genericClass1 };

/** A profile by name, or undefined. */
export const profileByName = (name: string): ModemProfile | undefined => profiles.find((p) => p.name === name);

/**
 * Choose the profile for a modem: `name` when given (FaxError CONFIG_INVALID if unknown), else the
 * best match on the identity replies (most identity fields matched; earlier in `profiles` wins ties),
 * else generic-class1.
 */
export function selectProfile(identity: ModemIdentity, name?: string): ModemProfile {
	if (name !== undefined) {
		const p = profileByName(name);
		if (!p) throw new FaxError("CONFIG_INVALID", `Unknown modem profile "${name}" (known: ${profiles.map((x) => x.name).join(", ")})`);
		return p;
	}
	let best = genericClass1;
	let bestScore = 0;
	for (const p of profiles) {
		const s = matchScore(p, identity);
		if (s > bestScore) {
			best = p;
			bestScore = s;
		}
	}
	return best;
}
