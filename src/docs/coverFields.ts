/**
 * The fields of a cover page (Windows Fax FAX_COVERPAGE_INFO; HylaFAX faxcover): the names SVG
 * `{{field}}` placeholders and PDF template form fields use. Layer: docs.
 */
export interface CoverFields {
	recipientName?: string;
	recipientNumber?: string;
	recipientCompany?: string;
	senderName?: string;
	senderNumber?: string;
	senderCompany?: string;
	subject?: string;
	note?: string;
	/** as shown, e.g. "2026-01-05 09:00" */
	date?: string;
	/** total pages including the cover */
	pages?: number;
}

export const COVER_FIELDS = ["recipientName", "recipientNumber", "recipientCompany", "senderName", "senderNumber", "senderCompany", "subject", "note", "date", "pages"] as const;
