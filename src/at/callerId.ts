/**
 * Ring and caller-id reports from a modem (V.253 §9.2.3 +VCID formatted caller id "DATE = 1206",
 * "TIME = 1812", "NMBR = 5551234", "NAME = ACME", "MESG = ..." and DDN_NMBR for the called number;
 * +VRID re-reports the last one; the same lines with "=" and no spaces (Rockwell/Conexant #CID,
 * SpanDSP at_display_call_info), "CALLER NUMBER: x" / "CALLER NAME: x" (Zyxel/USR styles),
 * "RING x" / "RING;x" (ISDN terminal adapters that put the number on the RING line), and numeric
 * "2" for RING under ATV0). NMBR/NAME may be "P" (private, withheld) or "O" (out of area, unavailable)
 * per the Bellcore/ETSI reasons, kept as `numberReason`. Layer: at, pure.
 */

/** What the modem told us about the caller. */
export interface CallerId {
	/** calling number as reported, digits and + only ("" when none) */
	number: string;
	/** calling name ("" when none) */
	name: string;
	/** called number (DDN_NMBR, DID/MSN) when the line reports it */
	calledNumber?: string;
	/** why there is no number: "private" (P) or "unavailable" (O) */
	numberReason?: "private" | "unavailable";
	/** MMDD and HHMM as sent with the caller id */
	date?: string;
	time?: string;
	/** any message field */
	message?: string;
}

/** One line, classified. */
export type RingLine = { kind: "ring"; number?: string } | { kind: "field"; field: string; value: string } | { kind: "other" };

/** Classify one unsolicited line. */
export function parseRingLine(line: string): RingLine {
	const s = line.trim();
	if (s === "2" || /^RING$/i.test(s)) return { kind: "ring" };
	let m = /^RING\s*[;:\s]\s*([+\d][\d\s\-]*)$/i.exec(s);
	if (m) return { kind: "ring", number: m[1]!.replace(/[\s-]/g, "") };
	m = /^(?:\+VCID:\s*|\+VRID:\s*)?(DATE|TIME|NMBR|NAME|MESG|DDN_NMBR)\s*=\s*(.*)$/i.exec(s);
	if (m) return { kind: "field", field: m[1]!.toUpperCase(), value: m[2]!.trim() };
	m = /^CALLER\s+(NUMBER|NAME)\s*[:=]\s*(.*)$/i.exec(s);
	if (m) return { kind: "field", field: m[1]!.toUpperCase() === "NUMBER" ? "NMBR" : "NAME", value: m[2]!.trim() };
	return { kind: "other" };
}

/**
 * Follows the ring cadence of one incoming call: counts RINGs and collects caller id fields that
 * arrive between them (caller id comes between the first and second ring in North America and before
 * the first in most of Europe, so fields are merged whenever they come).
 */
export class RingTracker {
	rings = 0;
	private id: CallerId = { number: "", name: "" };
	private fields = 0;

	/** Feed an unsolicited line; returns true when it was a RING. */
	feed(line: string): boolean {
		const r = parseRingLine(line);
		if (r.kind === "ring") {
			this.rings++;
			if (r.number && !this.id.number) {
				this.id.number = r.number;
				this.fields++;
			}
			return true;
		}
		if (r.kind === "field") this.apply(r.field, r.value);
		return false;
	}

	/** True when any caller-id field was seen. */
	get hasCallerId(): boolean {
		return this.fields > 0;
	}

	get callerId(): CallerId {
		return { ...this.id };
	}

	/** Start over for the next call. */
	reset(): void {
		this.rings = 0;
		this.id = { number: "", name: "" };
		this.fields = 0;
	}

	private apply(field: string, raw: string): void {
		const value = raw.replace(/^"(.*)"$/, "$1").trim();
		this.fields++;
		switch (field) {
			case "NMBR":
				if (/^[PO]$/i.test(value)) this.id.numberReason = value.toUpperCase() === "P" ? "private" : "unavailable";
				else this.id.number = value.replace(/[^\d+*#]/g, "");
				break;
			case "NAME":
				if (/^[PO]$/i.test(value)) this.id.numberReason ??= value.toUpperCase() === "P" ? "private" : "unavailable";
				else this.id.name = value;
				break;
			case "DDN_NMBR":
				this.id.calledNumber = value.replace(/[^\d+*#]/g, "");
				break;
			case "DATE":
				this.id.date = value;
				break;
			case "TIME":
				this.id.time = value;
				break;
			case "MESG":
				this.id.message = value;
				break;
		}
	}
}

/** One-line description for traces and CLI output: "5551234 (ACME)", "private". */
export function describeCallerId(c: CallerId): string {
	const num = c.number || c.numberReason || "unknown";
	return c.name ? `${num} (${c.name})` : num;
}
