/**
 * Rockwell V.32AC Class 2 firmware (RC144AC, RC96AC, RC144DP: Boca M1440E, SupraFAX v.32bis, Hayes Optima
 * 24+Fax96, Twincom 144/DF...). Sources: HylaFAX config/rc144ac (CONFIG: CLASS2: *-V.32AC-*) and the
 * Rockwell RC144AC Class 2 manual as reprinted by Supra (mgetty doc/class2doc: +FMFR? "ROCKWELL", +FMDL?
 * "V.32AC", +FREV? "V0.200 TR14-JXXX-001", Tables 7-6/7-7 example sessions, both replayed in
 * test/unit/drivers/class2Sessions.test.ts). Conexant's later Class 1 parts are drivers/conexant.ts.
 */
import { defineProfile } from "./defineProfile.js";

export default defineProfile({
	name: "rockwell-class2",
	description: "Rockwell V.32AC (RC144AC/RC96AC) Class 2 firmware",
	// config/rc144ac matches the model string; the manual gives +FMFR?/+FMDL? as ROCKWELL / V.32AC
	match: [
		{ fmi: /rockwell/i, fmm: /^V\.32AC\b/ },
		{ fmi: /rockwell/i, fmm: /^RC(144|96)(AC|DP)\b/ },
	],
	// HylaFAX picks the Class 2 configuration (rc144ac) for this firmware; Class 1 (rc144ac-1) is the fallback
	classPreference: ["2", "1"],
	// config/rc144ac: ModemFlowControl rtscts; &K no flow control, &K3 hardware, &K4 software
	flowControl: "rtscts",
	flowControlCmds: { none: "AT&K", rtscts: "AT&K3", xonxoff: "AT&K4" },
	// config/rc144ac: ModemSetupDTRCmd AT&D3 (DTR off resets the modem), ModemSetupDCDCmd AT&C1
	initCommands: ["AT&D3", "AT&C1"],
	baudRate: 19200, // config/rc144ac ModemRate; the manual: "During fax mode, the DTE-DCE port speed is 19200 bps" (7.1.2)
	class2: {
		// config/rc144ac: ModemRecvFillOrder MSB2LSB "opposite of what makes sense" (received data arrives
		// bit-reversed whatever +FBOR says; efax(1) assumes the same for Class 2 receive, -or undoes it)
		recvBitReversed: true,
		// the manual 7.3.3 note 2: "The DCE appends an RTC pattern ... in response to an FET= command"
		sendRtc: false,
	},
});
