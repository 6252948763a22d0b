/**
 * Generic Class 2 / 2.0 (EIA-592 draft SP-2388, T.32): the base of the `class2` section every profile is
 * merged over (defineProfile.ts), and the class preference of the "generic-class2" profile (index.ts).
 * Values: HylaFAX config/class2 and config/class2.0 defaults, and what independent DTEs expect of a modem
 * (class2-notes.md). "auto" = the dialect's rule (see _schema.ts Class2Knobs).
 */
import type { Class2Knobs, ModemProfile } from "./_schema.js";

const genericClass2: Pick<ModemProfile, "name" | "description" | "classPreference"> & { class2: Class2Knobs } = {
	name: "generic-class2",
	description: "Generic Class 2 / 2.0 fax modem (T.32)",
	// T.32 (2.0) first: it is the standard; the SP-2388 draft ("2") differs in framing (class2-notes.md)
	classPreference: ["2.0", "2", "1", "1.0"],
	class2: {
		bitOrderCmd: "auto", // AT+FBO=0 (2.0) / AT+FBOR=0 (2): direct bit order, LSB first on the line
		sendBitOrder: "lsb",
		receiveBitOrder: "lsb",
		sendRtc: false, // HylaFAX: the modem appends RTC (class2-notes.md)
		statusCodes: "auto",
		hangupCodeSource: "auto",
		recvDataTrigger: "auto",
		xmitWaitForXon: "auto",
		pageDoneTimeoutMs: 180000, // HylaFAX PageDoneTimeout
		abortCmd: "auto",
	},
};

export default genericClass2;
