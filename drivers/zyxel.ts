/**
 * ZyXEL U-1496E / 2864 / Omni 56K with Class 2 (EIA/TIA PN-2388) and Class 2.0 (TIA-592) firmware.
 * Sources: HylaFAX config/zyxel-1496e-2.0 (CONFIG: CLASS2.0: ZyXEL*1496*-*; the knobs below) and the
 * vendor's own Class 2.0 table, "Omni 56K Plus Series User's Guide" Table 4-11 "Service Class 2.0
 * Commands" (https://www.manualshelf.com/manual/zyxel-communications/56k-plus-series/network-device-users-guide-omni-56k-plus-series/page-41.html):
 * "+FMI? Identify DCE Manufacturer ZyXEL", "+FMM? Identify DCE Omni 56K Plus", "+FMR? ... Vx.x";
 * +FCLASS n=0,1,2.0,8. ZyXEL's manuals list the commands only (no example session).
 */
import { defineProfile } from "./defineProfile.js";

export default defineProfile({
	name: "zyxel",
	description: "ZyXEL U-1496E / 2864 / Omni 56K (Class 2.0, Class 2, Class 1)",
	// Omni 56K Plus Table 4-11: +FMI? answers "ZyXEL"; config/zyxel-1496e-2.0 matches ZyXEL*1496*
	match: [{ fmi: /^zyxel\b/i }],
	// config/zyxel-1496e-2.0: ModemType Class2.0 (firmware 6.12+ on the 1496E, 0.07+ on the 2864)
	classPreference: ["2.0", "2", "1"],
	// config/zyxel-1496e-2.0: ModemRate 19200, ModemFlowControl rtscts; &H0 none, &H3 hardware, &H4 software
	baudRate: 19200,
	flowControl: "rtscts",
	flowControlCmds: { none: "AT&H0", rtscts: "AT&H3", xonxoff: "AT&H4" },
	// config/zyxel-1496e-2.0: ModemSetupDTRCmd AT&D2 (DTR off hangs up), ModemSetupDCDCmd AT&C1
	initCommands: ["AT&D2", "AT&C1"],
	class2: {
		// HylaFAX faxd/Class2.c++: "The ZyXEL and certain Rockwell RC32ACL-based modems use DC2 as specified
		// in 2388-B" to start received phase C data (Class2RecvDataTrigger)
		recvDataTrigger: "DC2",
	},
});
