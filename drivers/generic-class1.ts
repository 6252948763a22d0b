/**
 * Generic Class 1 (EIA/TIA-578, T.31): the base of the common section and of the `class1` section that
 * every profile is merged over (defineProfile.ts). Values are HylaFAX's defaults (faxd/ModemConfig.c++
 * and config/class1), which class1.md §2.9 tabulates. The full "generic-class1" profile (with the class2
 * section of generic-class2.ts) is built in index.ts.
 */
import type { ModemProfile } from "./_schema.js";

/** The common and Class 1 bases. */
const genericClass1: Omit<ModemProfile, "class2"> = {
	name: "generic-class1",
	description: "Generic Class 1 fax modem (T.31)",
	classPreference: ["1"],
	resetCmd: "ATZ",
	resetDelayMs: 0,
	initCommands: [],
	flowControl: "none",
	// No flow-control command by default: the command families differ per vendor (&K on Conexant/Rockwell
	// per HylaFAX config/conexant-1.0 and rockwell-k56; &H/&I/&R on USR per config/usr-rts) and an unknown
	// one may answer ERROR. Vendor files set theirs.
	flowControlCmds: { none: "", xonxoff: "", rtscts: "" },
	baudRate: 115200,
	dialPrefix: "ATDT",
	dialTimeoutMs: 60000,
	class1: {
		switchingCmd: "AT+FRS=7",
		tcfWaitCmd: "AT+FTS=7",
		ppmWaitCmd: "AT+FTS=7",
		eopWaitCmd: "AT+FTS=9",
		responseWaitCmd: "",
		tmConnectDelayMs: 0,
		frameOverhead: 4,
		recvAbortOkMs: 200,
		hasRhConnectBug: false,
		hasDleBug: false,
		validateV21Frames: false,
		ecmSupport: true,
		ecmFrameSize: 256,
		persistentEcm: true,
		flowControlCmds: {},
		adaptRecvCmd: "",
		tmQueryCmd: "AT+FTM=?",
		rmQueryCmd: "AT+FRM=?",
		connectTimeoutMs: 5000,
		frameSendTimeoutMs: 7550,
		fcErrorDelayMs: 200,
		dialFcErrorsIgnored: 3,
		dataOkMarginMs: 5000,
	},
	timers: {},
};

export default genericClass1;
