/**
 * Which page transfer a session uses (pageTransfer.ts): `ecm` (ecm.ts, T.30 Annex A) when the DCS agreed
 * ECM (SessionParams.ecm, T.30 Table 2 bit 27), else `nonEcm`. Layer: t30.
 */
import { ecm } from "./ecm.js";
import { nonEcm } from "./nonEcm.js";
import type { PageTransfer } from "./pageTransfer.js";
import type { SessionParams } from "./params.js";

export function pageTransferFor(params: SessionParams): PageTransfer {
	return params.ecm ? ecm : nonEcm;
}
