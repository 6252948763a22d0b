/**
 * Generic Class 2 (EIA/TIA SP-2388, the pre-standard "Class 2" of Rockwell/ZyXEL/USR era firmware):
 * pick it by name (`--profile generic-class2`) for a Class 2 modem no vendor profile matches. The session
 * opener then prefers Class 2; the knobs are the generic ones (drivers/generic-class1.ts class2 section,
 * HylaFAX config/class2 defaults: wait for XON after CONNECT, DTE sends RTC).
 */
import { defineProfile } from "./_schema.js";

export default defineProfile({
	name: "generic-class2",
	description: "Generic Class 2 fax modem (EIA/TIA SP-2388)",
	classPreference: ["2", "2.0", "1"],
});
