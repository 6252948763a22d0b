/**
 * Which page transfer a session uses (pageTransfer.ts): non-ECM today. The ECM issue adds
 * `ecm` (ecm.ts) and the ECM bit of SessionParams (T.30 Table 2 bit 27 agreed in DCS) and returns it here
 * when set; transmit.ts does not change. Layer: t30.
 */
import { nonEcm } from "./nonEcm.js";
import type { PageTransfer } from "./pageTransfer.js";
import type { SessionParams } from "./params.js";

export function pageTransferFor(_params: SessionParams): PageTransfer {
	return nonEcm;
}
