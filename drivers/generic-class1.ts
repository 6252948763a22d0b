/**
 * Generic Class 1 (EIA/TIA-578, T.31) profile: the base every vendor profile is merged over. Values are
 * HylaFAX's defaults (faxd/ModemConfig.c++ and config/class1), which class1.md §2.9 tabulates.
 */
import type { ModemProfile } from "./_schema.js";

const genericClass1: ModemProfile = {
	name: "generic-class1",
	description: "Generic Class 1 fax modem (T.31)",
	classPreference: ["1"],
	resetCmd: "ATZ",
	resetDelayMs: 0,
	initCommands: [],
	flowControl: "none",
	// V.250-style &K is the most common flow-control command family (per HylaFAX config/conexant-1.0,
	// config/rockwell-k56); vendor files override it (USR uses &H/&I/&R, per config/usr-rts).
	flowControlCmds: { none: "AT&K0", xonxoff: "AT&K4", rtscts: "AT&K3" },
	class1FlowControlCmds: {},
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
		enableV34Cmd: "",
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
