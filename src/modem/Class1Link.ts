/**
 * Class1Link: the T.31 primitives the T.30 engine sees (architecture.md "Class1Modem exposes T.31
 * primitives"). The engine never sees AT commands; `modem/Class1Modem.ts` implements this over the AT
 * channel and tests implement it with fakes. Frames here are HDLC frames WITHOUT the 2 FCS bytes:
 * address 0xFF, control 0x03 / 0x13 (final), FCF (with the X bit as sent), FIF — in the octet order and
 * bit order they appear on the DTE link (T.31 §8.3.4: FCFs bit-reversed relative to T.30 tables,
 * e.g. DIS 0x80, DCS 0x82/0x83). Both directions: the caller uses dial/sendData, the answerer
 * answer/receiveData (T.31 §8.3.3 +FRM, §8.3.4 +FRH, ATA: T.31 §8.2). Layer: modem (interface and T.31
 * vocabulary; the t30 engine imports only these types).
 */

/** T.31 modulation codes for +FTM/+FRM (Table 2 of T.31). */
export type ModulationCode = 24 | 48 | 72 | 73 | 74 | 96 | 97 | 98 | 121 | 122 | 145 | 146;

export type DialOutcome =
	| { kind: "connect" } // V.21 flags heard; the first frames can be read with receiveFrame() straight away
	| { kind: "busy" }
	| { kind: "noAnswer" }
	| { kind: "noDialtone" }
	| { kind: "noCarrier" }
	| { kind: "blacklisted"; line: string }
	| { kind: "delayed"; seconds: number; line: string }
	| { kind: "error"; line: string }; // ERROR / OK (no carrier) / unexpected line

export type ReceivedFrame =
	| { kind: "frame"; frame: Uint8Array; fcsOk: boolean } // fcsOk false = modem said ERROR (bad FCS)
	| { kind: "timeout" } // nothing within the wait; the pending +FRH was aborted
	| { kind: "noCarrier" } // NO CARRIER (carrier gone / call dropped)
	| { kind: "fcError" }; // +FCERROR: a carrier other than V.21 was heard

export type AnswerOutcome =
	| { kind: "connect" } // ATA -> CONNECT: CED sent, the DCE is in V.21 HDLC transmit (T.31 §8.2): sendFrames may follow without +FTH
	| { kind: "noCarrier" } // NO CARRIER: nobody / the caller hung up
	| { kind: "error"; line: string }; // ERROR / unexpected line

/** How one high-speed receive (AT+FRM=mod) ended. */
export type DataOutcome =
	| { kind: "data"; bytes: number; end: "noCarrier" | "ok" | "eot" } // data then DLE ETX; the carrier ended (NO CARRIER / OK / Class 1.0 DLE EOT)
	| { kind: "timeout" } // no carrier within the wait; the +FRM was aborted
	| { kind: "fcError" } // +FCERROR: another carrier (typically V.21: the sender repeated DCS)
	| { kind: "noCarrier" }; // NO CARRIER before any data

/** Where received high-speed data goes: DLE-decoded bytes in line order (LSB first), called in order. */
export type DataSink = (chunk: Uint8Array) => void | Promise<void>;

/** Points of a call where a modem may need its own pause (HylaFAX Class1*WaitCmd knobs). */
export type TurnaroundKind = "switching" | "tcf" | "ppm" | "eop" | "response";

export interface Class1Link {
	/** Modulations the modem can transmit (AT+FTM=?). */
	readonly transmitRates: readonly ModulationCode[];
	/** Dial. `number` is already sanitised by the caller; the link still refuses unsafe characters. */
	dial(number: string, signal?: AbortSignal): Promise<DialOutcome>;
	/**
	 * Receive one V.21 HDLC frame (AT+FRH=3, unless the modem is already receiving after ATD or after a
	 * non-final frame). Waits at most `timeoutMs` for the frame to begin and complete.
	 */
	receiveFrame(timeoutMs: number, signal?: AbortSignal): Promise<ReceivedFrame>;
	/**
	 * Send V.21 HDLC frames (AT+FTH=3): all but the last with control 0x03, the last with 0x13
	 * (the caller sets the control octet; the link checks it). Resolves when the modem says OK.
	 */
	sendFrames(frames: readonly Uint8Array[], signal?: AbortSignal): Promise<void>;
	/**
	 * Send high-speed data (AT+FTM=mod): TCF zeros or a page's T.4 bytes, already in line bit order
	 * (LSB first). The link doubles DLEs, appends DLE ETX, keeps the modem fed and resolves at OK.
	 * `data` may be a stream so a page never needs to sit whole in memory.
	 */
	sendData(mod: ModulationCode, data: Uint8Array | AsyncIterable<Uint8Array>, signal?: AbortSignal): Promise<void>;
	/**
	 * Answer a ringing line (ATA, in +FCLASS=1). "connect" leaves the DCE sending V.21 flags, so the
	 * answerer's first sendFrames (CSI, DIS) goes out without another +FTH=3 (T.31 §8.2, §8.3.6).
	 */
	answer(signal?: AbortSignal): Promise<AnswerOutcome>;
	/**
	 * Receive high-speed data (AT+FRM=mod): TCF or a page's T.4 bytes. The link strips DLE stuffing
	 * (and honours the 1.0 DLE codes), streams the bytes to `sink` as they arrive, and resolves when the
	 * carrier ends. `timeoutMs` bounds the wait for the carrier to begin, not the page.
	 */
	receiveData(mod: ModulationCode, sink: DataSink, timeoutMs: number, signal?: AbortSignal): Promise<DataOutcome>;
	/** Stop transmitting and wait n×10 ms (AT+FTS=n). */
	transmitSilence(ms: number, signal?: AbortSignal): Promise<void>;
	/** Wait for ms of silence on the line (AT+FRS=n). */
	receiveSilence(ms: number, signal?: AbortSignal): Promise<void>;
	/**
	 * Optional (added by the T.30 engine author): run the modem profile's turnaround for a point of the call
	 * — "switching" before talking after listening (Class1SwitchingCmd, default +FRS=7), "tcf" before TCF
	 * (+FTS=7), "ppm" before MPS/EOM (+FTS=7), "eop" before EOP (+FTS=9), "response" after TCF before
	 * listening for CFR ("" = nothing). When absent the engine uses receiveSilence/transmitSilence with
	 * the t30/timers.ts values.
	 */
	turnaround?(kind: TurnaroundKind, signal?: AbortSignal): Promise<void>;
	/** Hang up (ATH0); never throws for a dead line. */
	hangup(): Promise<void>;
}
