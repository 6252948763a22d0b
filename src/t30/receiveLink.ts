/**
 * The receive-side T.31 primitives the T.30 answerer needs beyond Class1Link (T.31 §8.3.3 +FRM, V.250
 * §6.3.5 ATA). INTERIM: the seams issue adds `answer()` and `receiveData()` to Class1Link itself; until
 * that lands the answerer is written against this extension. Layer: t30 (interface only).
 */
import type { Class1Link, ModulationCode } from "./Class1Link.js";

/** How ATA (or the modem's auto-answer) ended. */
export type AnswerOutcome = { kind: "connect" } | { kind: "noCarrier" } | { kind: "error"; line: string };

/** How one +FRM ended. */
export type DataReceived =
	| { kind: "data"; bytes: number } // CONNECT, data until DLE ETX (the carrier dropped)
	| { kind: "timeout" } // no carrier within the wait; the +FRM was aborted
	| { kind: "fcError" } // +FCERROR: V.21 (or another carrier) heard instead
	| { kind: "noCarrier" }; // NO CARRIER before any data: the line is gone

export interface ReceiveLink extends Class1Link {
	/** Answer (ATA): CED, then the modem is ready to send V.21 frames (CONNECT as after +FTH=3). */
	answer(signal?: AbortSignal): Promise<AnswerOutcome>;
	/**
	 * Receive high-speed data (AT+FRM=mod): `onData` gets DLE-decoded chunks in line order as they arrive;
	 * resolves when the carrier drops (DLE ETX). `timeoutMs` bounds the wait for the carrier.
	 */
	receiveData(mod: ModulationCode, onData: (chunk: Uint8Array) => void, timeoutMs: number, signal?: AbortSignal): Promise<DataReceived>;
}
