/**
 * Per-destination ECM/MMR trouble (src/t30/destinations.ts noteEcmFailure, like HylaFAX FaxMachineInfo): a
 * call that failed inside an ECM page transfer marks MMR trouble for an MMR page, ECM trouble otherwise, and
 * only for failures that speak of the far end (the next call reading it back is in send-ecm.test.ts).
 */
import test from "ava";
import { noteEcmFailure } from "../../../src/t30/destinations.js";

test("noteEcmFailure case table", (t) => {
	const cases: [string, string, string | undefined][] = [
		["mmr", "REMOTE_DCN", "mmr"],
		["mmr", "NO_RESPONSE_POST_PAGE", "mmr"],
		["mr", "NO_RESPONSE_POST_PAGE", "ecm"],
		["mh", "PROTOCOL_ERROR", "ecm"],
		["mmr", "ECM_RNR_TIMEOUT", "mmr"],
		["mmr", "CALL_ABORTED", undefined], // the user, not the far end
		["mmr", "PORT_CLOSED", undefined], // our modem vanished
		["mmr", "ECM_BLOCK_UNDELIVERED", undefined], // a noisy line, not an ECM fault of the far end
	];
	for (const [coding, code, want] of cases) t.is(noteEcmFailure(coding, code, 2)?.kind as string | undefined, want, `${coding} ${code}`);
	t.regex(noteEcmFailure("mmr", "REMOTE_DCN", 2)!.reason, /REMOTE_DCN during ECM MMR page 2/);
});
