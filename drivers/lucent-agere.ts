/**
 * Lucent/Agere "LT" modems (incl. Zoom V.90 PCI/USB, AboCom EFM560, Mainpine Venus) in Class 1.
 * Source: HylaFAX config/lucent and config/lucent-mt-10 (CONFIG lines give the ATI replies below).
 */
import { defineProfile } from "./defineProfile.js";

export default defineProfile({
	name: "lucent-agere",
	description: "Lucent/Agere LT chipset Class 1",
	match: [
		// per HylaFAX config/lucent CONFIG:CLASS1 lines
		{ ati: /^LT V\.9[02] (Data\+Fax|1\.0)/m },
		{ ati: /^Zoom V\.90 (PCI|USB)/m },
		{ ati: /^EFM560 VER/m },
		{ ati: /^Mainpine Venus V\.92/m },
		{ fmi: /lucent|agere/i },
	],
	// config/lucent: ModemFlowControl rtscts "many firmwares have broken software flow control".
	flowControl: "rtscts",
	class1: {
		// config/lucent, lucent-mt-10: Class1TMConnectDelay 400 "counteract quick CONNECT response"
		// (CONNECT to +FTM arrives before the training is sent; T.31 §8.3.3).
		tmConnectDelayMs: 400,
		// config/lucent, lucent-mt-10: Class1HasRHConnectBug yes "cope with +FRH=3 CONNECT errors"
		// (CONNECT for a non-V.21 carrier, then NO CARRIER with no frame: re-issue +FRH=3).
		hasRhConnectBug: true,
		// config/lucent-mt-10 enables V.34 with AT+F34=14,1,2; faxline does not drive V.34, so it stays off.
	},
});
