/**
 * Pure decisions of the T.30 answerer (T.30 Figure 5-2b/5-2c receiver side; SpanDSP t30.c
 * process_state_f_doc_non_ecm / f_post_doc_non_ecm, HylaFAX Class1Recv recvPageData): what to answer a
 * post-page command and where the receiver goes next. Case-table tested. Layer: t30, pure.
 */

export type PostPageCommand = "MPS" | "EOM" | "EOP";

/** What comes after our answer to a post-page command. */
export type AfterAnswer =
	| "nextPage" // MCF to MPS: the next page follows at once (phase C, same parameters)
	| "retrain" // RTP/RTN: the caller sends DCS + TCF again (or DCN)
	| "phaseB" // MCF to EOM: back to phase B, we send DIS again
	| "disconnect"; // MCF/RTP to EOP: the caller ends the call with DCN

export interface PostPageDecision {
	response: "MCF" | "RTP" | "RTN";
	next: AfterAnswer;
	/** the page is confirmed to the caller (MCF or RTP) */
	confirmed: boolean;
}

/**
 * Answer a post-page command for a page judged `verdict` (copyQuality.ts). RTN asks for a retrain and a
 * resend whatever the command; after RTP the caller retrains before the next page (T.30 §5.3.6.1.6 note),
 * except after EOP where nothing follows.
 */
export function afterPostPage(ppm: PostPageCommand, verdict: "MCF" | "RTP" | "RTN"): PostPageDecision {
	if (verdict === "RTN") return { response: "RTN", next: "retrain", confirmed: false };
	const confirmed = true;
	if (ppm === "EOP") return { response: verdict, next: "disconnect", confirmed };
	if (verdict === "RTP") return { response: "RTP", next: "retrain", confirmed };
	return { response: "MCF", next: ppm === "MPS" ? "nextPage" : "phaseB", confirmed };
}

/** The post-page command an FCF names (PRI-Q variants answered like the plain ones: we have no operator, T.30 §5.3.6.1.7). */
export function postPageCommand(name: string | undefined): PostPageCommand | undefined {
	switch (name) {
		case "MPS":
		case "PRI_MPS":
			return "MPS";
		case "EOM":
		case "PRI_EOM":
			return "EOM";
		case "EOP":
		case "PRI_EOP":
			return "EOP";
		default:
			return undefined;
	}
}
