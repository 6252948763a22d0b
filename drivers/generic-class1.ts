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
	// No flow-control command by default: the command families differ per vendor (&K on Conexant/Rockwell
	// per HylaFAX config/conexant-1.0 and rockwell-k56; &H/&I/&R on USR per config/usr-rts) and an unknown
	// one may answer ERROR. Vendor files set theirs.
	flowControlCmds: { none: "", xonxoff: "", rtscts: "" },
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
	class2: {
		xonWaitMs: 10000, // mgetty waits 20 s, efax 2 s; 10 s covers slow firmware
		sendRtc: true,
		bitOrder: 0,
		recvBitReversed: false,
		recvDataTrigger: "",
		init: [],
		etxForEop: false,
	},
	timers: {},
};

export default genericClass1;
