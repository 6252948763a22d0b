/**
 * U.S. Robotics Courier/Sportster: Class 1 (HylaFAX config/usr-rts, config/usr-xon: their CONFIG lines
 * list the ATI codes matched below) and Class 2.0 (config/usr-2.0: CONFIG: CLASS2.0: *USRobotics*-* and
 * "U.S. Robotics"*). Class 1 first: efax(1) forces Class 1 on Sportsters ("USR Sporsters are buggy").
 */
import { defineProfile } from "./defineProfile.js";

export default defineProfile({
	name: "usrobotics",
	description: "U.S. Robotics Courier/Sportster (Class 1, Class 2.0)",
	classPreference: ["1", "2.0"],
	match: [
		// per HylaFAX config/usr-rts / usr-xon CONFIG:CLASS1:<code> lines
		{ ati: /^(1444|1445|2886|3366|3361|3362|3367|5601|5607|5608A)$/m },
		{ fmi: /robotics/i }, // config/usr-2.0: +FMI? "USRobotics" / "U.S. Robotics"
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
	class2: {
		// config/usr-2.0: "USR modems violate Class 2.0 specs and do not send RTC itself" (Class2SendRTC yes)
		sendRtc: true,
		// config/usr-2.0: Class2BUGCmd AT+FBU=0 "to eliminate spurious ERROR results" (no HDLC frame tracing)
		init: ["AT+FBU=0"],
	},
});
