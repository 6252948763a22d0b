/**
 * Multi-Tech MultiModem boards on the Lucent chipset (MT5634ZPX-PCI, MT5634ZBA, ISI5634PCI,
 * MT5634SMI). Sources: HylaFAX config/lucent-mt-10 (Class 1.0, CONFIG lines below), config/lucent-mt-2
 * (Class 2: CONFIG: CLASS2:"Multi-Tech Systems"-"MT5634ZBA"-*) and config/lucent-mt-20 (Class 2.0, same
 * identity). The Conexant-based
 * MT5600ZDX/MT5656ZDX are matched by conexant.ts instead (HylaFAX config/conexant-1.0).
 * Vendor manuals: SocketModem MT5634SMIxx Reference Guide (S000263C) chapter 3 "Fax Class 2 Commands",
 * example sessions pp. 96-97 "Send two pages" / "Receive two pages, 1-D data, no errors (Class 2.0)"
 * (https://www.manualshelf.com/manual/multi-tech-systems/mt5634smi-v-92/modem-user-manual/page-96.html);
 * SocketModem MT5600SMI/MT5656SMI Reference Guide (S000306B) p. 72: +FMI? "Typical Response: Multi-Tech".
 * Replayed in test/unit/drivers/class2Sessions.test.ts.
 */
import lucent from "./lucent-agere.js";
import { defineProfile } from "./defineProfile.js";

export default defineProfile({
	name: "multitech",
	description: "Multi-Tech MT5634 family (Lucent chipset; Class 1, 2.0, 2)",
	classPreference: ["1", "2.0", "2"], // Class 1 as before; Class 2.0 (lucent-mt-20) then 2 (lucent-mt-2) when forced or alone
	match: [
		// per HylaFAX config/lucent-mt-10 CONFIG:CLASS1.0:LT V.9x 1.0 <model> lines
		{ ati: /^LT V\.9[02] 1\.0 (MT5634ZPX-PCI|MT5634ZBA|ISI5634PCI|MT5634SMI)/m },
		{ fmi: /multi-?tech/i },
	],
	// config/lucent-mt-10: ModemRate 57600 "must be at least as fast as the DCE-DCE communication".
	baudRate: 57600,
	flowControl: "rtscts",
	// Same Lucent knobs (config/lucent-mt-10: Class1TMConnectDelay 400, Class1HasRHConnectBug yes).
	class1: { tmConnectDelayMs: lucent.class1.tmConnectDelayMs, hasRhConnectBug: lucent.class1.hasRhConnectBug },
	class2: {
		// config/lucent-mt-20: Class2SendRTC yes (the 2.0 firmware does not add RTC)
		sendRtc: true,
		// config/lucent-mt-20: Class2BUGCmd AT+FBU=0 "early firmware is buggy"; Class2CQCmd AT+FCQ=1,0
		// (the modem checks received copy quality and reports it in +FPS)
		init: ["AT+FBU=0", "AT+FCQ=1,0"],
		// config/lucent-mt-2: ModemRecvFillOrder MSB2LSB "classic MultiTech" (Class 2 receive arrives reversed)
		recvBitReversed: true,
		// S000263C p. 97 "Receive two pages ... (Class 2.0)": the host answers +FDR's CONNECT with <DC2>
		// (not the DC1 the 2.0 dialect sends by default); Class 2 uses DC2 anyway
		recvDataTrigger: "DC2",
	},
});
