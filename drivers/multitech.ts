/**
 * Multi-Tech MultiModem boards on the Lucent chipset (MT5634ZPX-PCI, MT5634ZBA, ISI5634PCI,
 * MT5634SMI). Source: HylaFAX config/lucent-mt-10 (CONFIG lines below). The Conexant-based
 * MT5600ZDX/MT5656ZDX are matched by conexant.ts instead (HylaFAX config/conexant-1.0).
 */
import lucent from "./lucent-agere.js";
import { defineProfile } from "./defineProfile.js";

export default defineProfile({
	name: "multitech",
	description: "Multi-Tech MT5634 family (Lucent chipset) Class 1",
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
});
