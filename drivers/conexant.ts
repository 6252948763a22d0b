/**
 * Conexant (ex-Rockwell) Class 1/1.0 modems, including the CX93001 USB modems that appear as
 * /dev/ttyACM0 (USR 5637, Zoom 3095, StarTech, TRENDnet TFM-561U; class1.md §3 "USB modems": Class 1
 * only). Source: HylaFAX config/conexant-1.0 (its CONFIG lines give the ATI replies matched below).
 */
import { defineProfile } from "./defineProfile.js";

export default defineProfile({
	name: "conexant",
	description: "Conexant/Rockwell Class 1.0 (AC/K56, CX93001 USB)",
	match: [
		{ fmi: /conexant|rockwell/i },
		// per HylaFAX config/conexant-1.0 CONFIG:CLASS1.0:56000 (Rockwell/Conexant AC/K56)
		{ ati: /^56000$/m },
		// per HylaFAX config/conexant-1.0: MultiTech MT5600ZDX / MT5656ZDX are Conexant inside
		{ ati: /MT56(00|56)ZDX/ },
	],
	// config/conexant-1.0 uses ModemType Class1.0; we prefer plain 1 (no V.34 support here), 1.0 if only that.
	classPreference: ["1", "1.0"],
	// config/conexant-1.0: ModemFlowControl rtscts, &K3 hardware / &K4 software / &K0 none.
	flowControl: "rtscts",
	flowControlCmds: { none: "AT&K0", rtscts: "AT&K3", xonxoff: "AT&K4" },
	// config/conexant-1.0: ModemSetupDTRCmd AT&D2 (DTR drop resets), ModemSetupDCDCmd AT&C1.
	initCommands: ["AT&D2", "AT&C1"],
	class1: {
		// config/conexant-1.0: Class1AdaptRecvCmd AT+FAR=1 "reports carrier detection mismatches"
		// (V.21 during +FRM becomes +FRH:3 instead of +FCERROR; fewer +FCERROR cascades, class1.md §2.8).
		adaptRecvCmd: "AT+FAR=1",
	},
});
