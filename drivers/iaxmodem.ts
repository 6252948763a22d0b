/**
 * Soft modems built on SpanDSP's T.31 (iaxmodem, t38modem-like, and the SpanDSP interop peer):
 * no real serial line, a pty. Source: HylaFAX config/iaxmodem (CONFIG:CLASS1:spandsp) and the
 * SpanDSP observations in class1.md ("SpanDSP 0.0.6 as a peer").
 */
import { defineProfile } from "./defineProfile.js";

export default defineProfile({
	name: "iaxmodem",
	description: "SpanDSP T.31 soft modem (iaxmodem and kin) on a pty",
	match: [{ fmm: /spandsp/i }, { fmi: /spandsp/i }, { ati: /spandsp|iaxmodem/i }],
	// A pty has no modem-control lines (RTS/CTS are ENOTTY; node-notes.md): no flow control.
	flowControl: "none",
	flowControlCmds: { none: "", rtscts: "", xonxoff: "" },
	class1: {
		// config/iaxmodem: Class1AdaptRecvCmd AT+FAR=1 (SpanDSP reports +FRH:3 for V.21 during +FRM).
		adaptRecvCmd: "AT+FAR=1",
		// config/iaxmodem: Class1TMConnectDelay 400 "counteract quick CONNECT response"
		// (SpanDSP answers +FTM with CONNECT at once, before training; class1.md SpanDSP section).
		tmConnectDelayMs: 400,
	},
});
