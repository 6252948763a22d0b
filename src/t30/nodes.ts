/**
 * The T.30 flow-chart node names (T.30 Figures 5-2a..d, Annex A Figures A.7-A.8) as SpanDSP names its
 * states (t30.c T30_STATE_*), plus the phase A/E steps faxline traces: the one vocabulary of
 * `T30Context.enter()` and of the `state` trace channel ("B:D_TCF"). Both directions and ECM are here so
 * the receive (issue 10) and ECM (issue 9) scripts add no names of their own. Layer: t30 (pure data).
 */

export type Phase = "A" | "B" | "C" | "D" | "E";

export const T30_NODES = [
	// phase A (faxline steps)
	"dial", // caller: ATD, waiting for the answer (A)
	"ANSWERING", // answerer: ATA, CED (SpanDSP T30_STATE_ANSWERING)
	// phase B
	"R", // answerer: sending CSI/DIS, waiting for a command (Fig. 5-2b node R)
	"T", // caller: waiting for DIS (Fig. 5-2a node T)
	"D", // caller: DCS (+TSI) sent
	"D_TCF", // caller: sending TCF
	"D_POST_TCF", // caller: waiting for CFR/FTT
	"F_TCF", // answerer: receiving TCF
	"F_CFR", // answerer: CFR sent
	"F_FTT", // answerer: FTT sent
	// phase C
	"I", // caller: sending non-ECM image data
	"IV", // caller: sending ECM partial page
	"F_DOC_NON_ECM", // answerer: receiving non-ECM image data
	"F_DOC_ECM", // answerer: receiving ECM frames
	// phase D (caller: the post-page message sent, then waiting)
	"MPS",
	"EOM",
	"EOP",
	"II", // caller: post-page message sent (non-ECM)
	"II_Q", // caller: waiting for the post-page response (non-ECM)
	"III_Q_MCF", // answerer: answered MCF
	"III_Q_RTP", // answerer: answered RTP
	"III_Q_RTN", // answerer: answered RTN
	"IV_PPS_NULL", // caller ECM: PPS-NULL sent
	"IV_PPS_Q", // caller ECM: PPS-<PPM> sent, waiting for MCF/PPR/RNR
	"IV_PPS_RNR", // caller ECM: RR after RNR (T5 running)
	"IV_CTC", // caller ECM: CTC sent after 4 PPRs
	"IV_EOR", // caller ECM: EOR sent
	"IV_EOR_RNR", // caller ECM: RR after RNR to EOR
	"F_POST_DOC_NON_ECM", // answerer: waiting for the post-page message (non-ECM)
	"F_POST_DOC_ECM", // answerer: waiting for PPS / EOR (ECM)
	"F_POST_RCP_MCF", // answerer ECM: MCF sent
	"F_POST_RCP_PPR", // answerer ECM: PPR sent
	"F_POST_RCP_RNR", // answerer ECM: RNR sent
	// phase E
	"DCN", // DCN sent
	"hangup", // ATH / on hook
	"CALL_FINISHED",
] as const;

/** A flow-chart node name (see T30_NODES). */
export type T30Node = (typeof T30_NODES)[number];
