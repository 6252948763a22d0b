/**
 * The modem profile registry: every drivers/*.ts profile, and selectProfile() choosing one from a
 * modem's identity replies or by name (architecture.md "drivers/ (quirk profiles)").
 */
import { FaxError } from "../src/core/FaxError.js";
import { matchScore, type ModemIdentity, type ModemProfile } from "./_schema.js";
import conexant from "./conexant.js";
import { defineProfile } from "./defineProfile.js";
import genericClass1Base from "./generic-class1.js";
import genericClass2Base from "./generic-class2.js";
import genericClass20 from "./generic-class20.js";
import iaxmodem from "./iaxmodem.js";
import lucentAgere from "./lucent-agere.js";
import multitech from "./multitech.js";
import rockwellClass2 from "./rockwell-class2.js";
import usrobotics from "./usrobotics.js";
import zyxel from "./zyxel.js";

export { deepMerge, matchScore, validateProfile } from "./_schema.js";
export { defineProfile } from "./defineProfile.js";
export type { Class1Knobs, Class2Knobs, ModemIdentity, ModemProfile, ProfileMatch, ProfileSpec, TimerOverrides } from "./_schema.js";

/** The generic Class 1 profile: the common and class1 bases (and the class2 base); chosen when nothing matches. */
export const genericClass1: ModemProfile = defineProfile({ name: genericClass1Base.name, description: genericClass1Base.description });
/** The generic Class 2 profile: the generic bases with Class 2 first in the class preference (never matched; by name). */
export const genericClass2: ModemProfile = defineProfile({ name: genericClass2Base.name, description: genericClass2Base.description, classPreference: genericClass2Base.classPreference });

/** All profiles, most specific first; the generic ones last (generic-class1 is the default). */
export const profiles: readonly ModemProfile[] = [multitech, lucentAgere, conexant, rockwellClass2, usrobotics, zyxel, iaxmodem, genericClass20, genericClass2, genericClass1];


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
