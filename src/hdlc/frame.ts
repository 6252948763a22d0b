/**
 * T.30 HDLC frames as they appear on the Class 1 DTE link (T.30 §5.3.5, T.31 §8.3.4): address 0xFF,
 * control 0x03 (more frames follow) or 0x13 (final frame, "P/F" bit set), then the facsimile control
 * field (FCF, with the X bit as sent) and the optional information field (FIF). The two FCS octets are
 * not part of these frames (see fcs.ts). Layer: hdlc (pure).
 */
import { hex } from "../core/bytes.js";
import { FaxError } from "../core/FaxError.js";

const HDLC_ADDRESS = 0xff;
/** Control field of a non-final frame (T.30 §5.3.5: 1100 0000 in line order). */
export const CONTROL_NON_FINAL = 0x03;
/** Control field of the last frame of a sequence (1100 1000 in line order). */
export const CONTROL_FINAL = 0x13;

export interface HdlcFrame {
	/** true for control 0x13 (last frame of the sequence) */
	final: boolean;
	/** facsimile control field as sent, X bit included */
	fcf: number;
	/** facsimile information field (may be empty) */
	fif: Uint8Array;
}

/** Build `FF 03|13 FCF FIF...`. */
export function buildFrame(fcf: number, fif: Uint8Array = new Uint8Array(0), final = true): Uint8Array {
	const out = new Uint8Array(3 + fif.length);
	out[0] = HDLC_ADDRESS;
	out[1] = final ? CONTROL_FINAL : CONTROL_NON_FINAL;
	out[2] = fcf & 0xff;
	out.set(fif, 3);
	return out;
}

/** Parse a frame (without FCS). Throws FaxError PROTOCOL_ERROR for a bad address/control or a short frame. */
export function parseFrame(bytes: Uint8Array): HdlcFrame {
	if (bytes.length < 3) throw new FaxError("PROTOCOL_ERROR", `HDLC frame too short (${bytes.length} octets)`, { context: { frame: hex(bytes) } });
	if (bytes[0] !== HDLC_ADDRESS) throw new FaxError("PROTOCOL_ERROR", `HDLC address 0x${bytes[0]!.toString(16)} is not 0xff`, { context: { frame: hex(bytes) } });
	const c = bytes[1]!;
	if (c !== CONTROL_FINAL && c !== CONTROL_NON_FINAL) throw new FaxError("PROTOCOL_ERROR", `HDLC control 0x${c.toString(16)} is not 0x03/0x13`, { context: { frame: hex(bytes) } });
	return { final: c === CONTROL_FINAL, fcf: bytes[2]!, fif: bytes.subarray(3) };
}

/** Lower-case hex with spaces, for traces: "ff 13 80 00 ce f4". */
