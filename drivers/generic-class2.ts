/**
 * Generic Class 2 (EIA/TIA SP-2388, the pre-standard "Class 2" of Rockwell/ZyXEL/USR era firmware) and
 * the base of the `class2` section every profile is merged over (defineProfile.ts). As a profile it is
 * picked by name (`--profile generic-class2`) for a Class 2 modem no vendor profile matches: the session
 * opener then prefers Class 2. Knob values: HylaFAX config/class2 and config/class2.0 defaults and what
 * independent DTEs expect of a modem (class2-notes.md): wait for XON after CONNECT, the DTE sends RTC.
 */
import type { Class2Knobs, ModemProfile } from "./_schema.js";

const genericClass2: Pick<ModemProfile, "name" | "description" | "classPreference"> & { class2: Class2Knobs } = {
	name: "generic-class2",
	description: "Generic Class 2 fax modem (EIA/TIA SP-2388)",
	classPreference: ["2", "2.0", "1"],
	class2: {
		xonWaitMs: 10000, // mgetty waits 20 s, efax 2 s; 10 s covers slow firmware
		sendRtc: true,
		bitOrder: 0,
		recvBitReversed: false,
		recvDataTrigger: "",
		init: [],
		etxForEop: false,
	},
};

export default genericClass2;
