/**
 * U.S. Robotics Courier/Sportster Class 1. Source: HylaFAX config/usr-rts and config/usr-xon (their
 * CONFIG lines list the ATI codes matched below; USR has no +FMI, HylaFAX uses "!USR").
 */
import { defineProfile } from "./defineProfile.js";

export default defineProfile({
	name: "usrobotics",
	description: "U.S. Robotics Courier/Sportster Class 1",
	match: [
		// per HylaFAX config/usr-rts / usr-xon CONFIG:CLASS1:<code> lines
		{ ati: /^(1444|1445|2886|3366|3361|3362|3367|5601|5607|5608A)$/m },
		{ fmi: /robotics/i },
	],
	// config/usr-rts: hardware flow control with &H1&I0&R2; &H0&I0&R1 none; &H2&I2&R1 software.
	flowControl: "rtscts",
	flowControlCmds: { none: "AT&H0&I0&R1", rtscts: "AT&H1&I0&R2", xonxoff: "AT&H2&I2&R1" },
	// config/usr-rts: ModemSetupDTRCmd ATS13=1&D2, ModemSetupDCDCmd AT&C1, ModemResultCodesCmd ATQ0X4.
	initCommands: ["ATS13=1&D2", "AT&C1", "ATQ0X4"],
	class1: {
		// config/usr-rts: "When AT+FCLASS=1 is issued the modem automatically switches to software flow
		// control" -> reset it after entering Class 1 (Class1NFLOCmd / Class1HFLOCmd; SFLO is automatic).
		flowControlCmds: { none: "AT&H0&I0&R1", rtscts: "AT&H1&I0&R2" },
		// config/usr-xon: Class1ResponseWaitCmd AT+FRS=1 "should resolve 'DIS/DTC received 3 times'"
		// (the modem says OK after TCF before its carrier is off; class1.md §3).
		responseWaitCmd: "AT+FRS=1",
		// config/usr-xon: "When using AT+FRS=n we see USR modems reset themselves in the middle of
		// sessions" -> Class1SwitchingCmd "<delay:7>" (a host pause instead of +FRS).
		switchingCmd: "<delay:7>",
	},
});
