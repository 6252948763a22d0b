/**
 * FaxError: the one typed error of faxline (architecture.md "Errors"; outgoing-job.md §2.5, §9.3).
 *
 * `code` is a stable string name (switch on it), `number` its ranged numeric id shown as `(FAX-nnn)`:
 * transport 1xx, AT 2xx, modem 3xx, phase A/B 4xx, TX 5xx, RX 6xx, image/TIFF/codec 7xx, job 8xx, CLI/input 9xx.
 * `disposition` tells the scheduler what next (HylaFAX FaxSendStatus). Job-facade errors also carry the
 * Windows `hresult` of outgoing-job.md §2.5. Layer: core (no I/O).
 *
 * Adding a code: append it inside its range only; never renumber.
 */

export const FaxErrorCodes = {
	// 1xx transport
	PORT_OPEN_FAILED: 100,
	PORT_CLOSED: 101, // the device vanished (USB unplug) or was closed under us
	PORT_WRITE_FAILED: 102,
	PORT_NOT_FOUND: 103,
	// 2xx AT channel
	AT_TIMEOUT: 200, // no final result code in time: modem silent
	AT_ERROR: 201, // modem answered ERROR
	AT_BUSY_CHANNEL: 202, // a command was issued while another is in flight
	AT_UNEXPECTED_RESPONSE: 203,
	AT_FCERROR: 204, // +FCERROR: wrong carrier
	AT_ABORTED: 205,
	// 3xx modem
	MODEM_NO_RESPONSE: 300,
	MODEM_NOT_FAX_CLASS1: 301, // AT+FCLASS=? lacks 1
	MODEM_INIT_FAILED: 302,
	MODEM_NO_RATES: 303,
	MODEM_CLASS_UNSUPPORTED: 304, // the modem offers only fax classes faxline cannot drive yet, or not the one forced
	NOT_IMPLEMENTED: 305, // a FaxModem operation this session type does not offer yet (e.g. receive before issue 10)
	// 4xx phase A/B (dial, negotiation)
	BAD_DIAL_STRING: 400,
	BLACKLISTED: 401,
	DIAL_BUSY: 402,
	DIAL_NO_ANSWER: 403,
	DIAL_NO_DIALTONE: 404,
	DIAL_NO_CARRIER: 405,
	DIAL_DELAYED: 406,
	DIAL_ERROR: 407,
	T1_TIMEOUT: 410, // no usable DIS within T1
	REMOTE_CANNOT_RECEIVE: 411,
	NO_RESPONSE_DCS: 412, // DCS+TCF sent 3x without CFR/FTT
	TRAINING_FAILED: 413, // FTT at the lowest allowed rate
	DIS_AFTER_DCS_LIMIT: 414, // DIS in reply to DCS 3 times
	INCOMPATIBLE: 415, // no common format (width, resolution, coding)
	// 5xx transmit phases C/D/E
	NO_RESPONSE_POST_PAGE: 500, // MPS/EOM/EOP sent 3x with no reply
	PAGE_REJECTED: 501, // RTN/PIN/PIP beyond the policy's limit
	PROTOCOL_ERROR: 502, // invalid or unexpected frame
	REMOTE_DCN: 503, // DCN before the final MCF
	CARRIER_LOST: 504, // NO CARRIER / port gone mid-call
	CALL_ABORTED: 505, // local cancel
	CRP_LIMIT: 506,
	DATA_UNDERRUN: 507,
	// 6xx receive
	RX_T2_TIMEOUT: 600,
	RX_BAD_TCF: 601,
	RX_PAGE_ERROR: 602,
	// 7xx image / TIFF / codec
	TIFF_MALFORMED: 700,
	TIFF_TRUNCATED: 701,
	TIFF_UNSUPPORTED: 702,
	TIFF_TOO_LARGE: 703, // absurd dimensions / allocation limits
	TIFF_IFD_LOOP: 704,
	T4_DECODE_ERROR: 710,
	T4_TRUNCATED: 711,
	T4_UNSUPPORTED: 712,
	PBM_MALFORMED: 720,
	IMAGE_GEOMETRY: 730, // cannot be normalised to a fax width
	// 8xx jobs
	MESSAGE_NOT_FOUND: 800,
	INVALID_OPERATION: 801,
	ACCESS_DENIED: 802,
	INVALID_ARG: 803,
	FILE_ACCESS_DENIED: 804,
	RECIPIENTS_LIMIT: 805,
	QUEUE_BLOCKED: 806,
	STORE_ERROR: 807,
	NO_DEVICE: 808,
	// 9xx CLI / user input
	USAGE: 900,
	FILE_NOT_FOUND: 901,
	CONFIG_INVALID: 902,
} as const;

export type FaxErrorCode = keyof typeof FaxErrorCodes;

/** What the scheduler should do after this failure (HylaFAX FaxSendStatus). */
export type Disposition = "retry" | "fail" | "reformat" | "fallback";

/** Windows HRESULTs for the job facade (outgoing-job.md §2.5). */
export const HResults: Partial<Record<FaxErrorCode, number>> = {
	MESSAGE_NOT_FOUND: 0x80041b61,
	INVALID_OPERATION: 0x800710dd,
	ACCESS_DENIED: 0x80070005,
	INVALID_ARG: 0x80070057,
	FILE_ACCESS_DENIED: 0x80041b60,
	RECIPIENTS_LIMIT: 0x80041b65,
	QUEUE_BLOCKED: 0x80070013,
};

/** Default disposition per code; a thrower may override. */
const defaultDisposition = (code: FaxErrorCode): Disposition => {
	switch (code) {
		case "BAD_DIAL_STRING":
		case "BLACKLISTED":
		case "CALL_ABORTED":
		case "REMOTE_CANNOT_RECEIVE":
		case "INCOMPATIBLE":
		case "MODEM_CLASS_UNSUPPORTED":
		case "NOT_IMPLEMENTED":
			return "fail";
		default:
			return FaxErrorCodes[code] >= 700 && FaxErrorCodes[code] < 800 ? "fail" : "retry";
	}
};

export interface FaxErrorOptions {
	/** Extra facts: the timer, the last FCF, the raw modem line, a byte offset... */
	context?: Record<string, unknown>;
	disposition?: Disposition;
	cause?: unknown;
}

export class FaxError extends Error {
	readonly code: FaxErrorCode;
	readonly number: number;
	readonly disposition: Disposition;
	readonly context?: Record<string, unknown>;
	readonly hresult?: number;

	constructor(code: FaxErrorCode, message: string, opts: FaxErrorOptions = {}) {
		const number = FaxErrorCodes[code];
		super(`${message} (FAX-${number})`, opts.cause === undefined ? undefined : { cause: opts.cause });
		Object.setPrototypeOf(this, new.target.prototype);
		this.name = "FaxError";
		this.code = code;
		this.number = number;
		this.disposition = opts.disposition ?? defaultDisposition(code);
		if (opts.context) this.context = opts.context;
		const h = HResults[code];
		if (h !== undefined) this.hresult = h;
	}

	/** The message without the `(FAX-nnn)` suffix. */
	get text(): string {
		return this.message.replace(/ \(FAX-\d+\)$/, "");
	}
}

export const isFaxError = (e: unknown, code?: FaxErrorCode): e is FaxError =>
	e instanceof FaxError && (code === undefined || e.code === code);
