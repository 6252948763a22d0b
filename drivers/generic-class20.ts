/**
 * Generic Class 2.0 (ITU-T T.32 / EIA-592): pick it by name (`--profile generic-class20`) for a 2.0 modem
 * no vendor profile matches (HylaFAX config/class2.0). The session opener then prefers Class 2.0.
 */
import { defineProfile } from "./defineProfile.js";

export default defineProfile({
	name: "generic-class20",
	description: "Generic Class 2.0 fax modem (ITU-T T.32)",
	classPreference: ["2.0", "2", "1"],
});
