/**
 * Windows faxcomex enums for the outgoing-job facade (outgoing-job.md §4), with their numeric values,
 * and the AvailableOperations table of §2.3. Layer: jobs (pure).
 */

/** FAX_JOB_STATUS_ENUM (§4). PAUSED/NOLINE are modifier bits that only accompany PENDING or RETRYING (§2.1). */
export enum FaxJobStatus {
	PENDING = 0x1,
	INPROGRESS = 0x2,
	FAILED = 0x8,
	PAUSED = 0x10,
	NOLINE = 0x20,
	RETRYING = 0x40,
	RETRIES_EXCEEDED = 0x80,
	COMPLETED = 0x100,
	CANCELED = 0x200,
	CANCELING = 0x400,
	ROUTING = 0x800,
}

/** Mask of the modifier bits (PAUSED | NOLINE): compare `status & ~MODIFIER_MASK` (§2.1). */
export const MODIFIER_MASK = 0x30;

/** The base status without PAUSED/NOLINE. */
export const baseStatus = (status: number): number => status & ~MODIFIER_MASK;

/** FAX_JOB_EXTENDED_STATUS_ENUM (§4). Codes ≥ PROPRIETARY are ours (provider codes). */
export enum FaxJobExtendedStatus {
	NONE = 0,
	DISCONNECTED = 1,
	INITIALIZING = 2,
	DIALING = 3,
	TRANSMITTING = 4,
	ANSWERED = 5,
	RECEIVING = 6,
	LINE_UNAVAILABLE = 7,
	BUSY = 8,
	NO_ANSWER = 9,
	BAD_ADDRESS = 10,
	NO_DIAL_TONE = 11,
	FATAL_ERROR = 12,
	CALL_DELAYED = 13,
	CALL_BLACKLISTED = 14,
	NOT_FAX_CALL = 15,
	PARTIALLY_RECEIVED = 16,
	HANDLED = 17,
	CALL_COMPLETED = 18,
	CALL_ABORTED = 19,
	PROPRIETARY = 0x01000000,
}

/** FAX_JOB_OPERATIONS_ENUM bits (§4). */
export enum FaxJobOperations {
	VIEW = 0x1,
	PAUSE = 0x2,
	RESUME = 0x4,
	RESTART = 0x8,
	DELETE = 0x10,
	RECIPIENT_INFO = 0x20,
	SENDER_INFO = 0x40,
}

/** FAX_PRIORITY_TYPE_ENUM; FaxDocument defaults to LOW [MS]. */
export enum FaxPriorityType {
	LOW = 0,
	NORMAL = 1,
	HIGH = 2,
}

/** FAX_RECEIPT_TYPE_ENUM bits. */
export enum FaxReceiptType {
	NONE = 0,
	MAIL = 0x1,
	MSGBOX = 0x4,
}

/** FAX_SCHEDULE_TYPE_ENUM. */
export enum FaxScheduleType {
	NOW = 0,
	SPECIFIC_TIME = 1,
	DISCOUNT_PERIOD = 2,
}

/** FAX_COVERPAGE_TYPE_ENUM. */
export enum FaxCoverPageType {
	NONE = 0,
	LOCAL = 1,
	SERVER = 2,
}

/** FAX_SERVER_EVENTS_TYPE_ENUM (the subset we raise). */
export enum FaxServerEventsType {
	NONE = 0,
	OUT_QUEUE = 0x2,
	CONFIG = 0x4,
	QUEUE_STATE = 0x10,
	OUT_ARCHIVE = 0x40,
	FXSSVC_ENDED = 0x80,
}

/** FAX_JOB_TYPE_ENUM: outgoing jobs are SEND. */
export enum FaxJobType {
	SEND = 0,
	RECEIVE = 1,
	ROUTING = 2,
}

const O = FaxJobOperations;
const INFO = O.RECIPIENT_INFO | O.SENDER_INFO;

/** AvailableOperations for a status value (§2.3 table). */
export function availableOperations(status: number): number {
	const base = baseStatus(status);
	switch (base) {
		case FaxJobStatus.PENDING:
		case FaxJobStatus.RETRYING:
			return status & FaxJobStatus.PAUSED ? O.VIEW | O.RESUME | O.DELETE | INFO : O.VIEW | O.PAUSE | O.DELETE | INFO;
		case FaxJobStatus.INPROGRESS:
			return O.VIEW | O.DELETE | INFO;
		case FaxJobStatus.RETRIES_EXCEEDED:
			return O.VIEW | O.RESTART | O.DELETE | INFO;
		case FaxJobStatus.COMPLETED:
			return O.VIEW | INFO;
		case FaxJobStatus.CANCELING:
		case FaxJobStatus.CANCELED:
			return INFO;
		default:
			return INFO;
	}
}

/** Final states (§2.2): COMPLETED, CANCELED, RETRIES_EXCEEDED. */
export const isFinalStatus = (status: number): boolean => {
	const b = baseStatus(status);
	return b === FaxJobStatus.COMPLETED || b === FaxJobStatus.CANCELED || b === FaxJobStatus.RETRIES_EXCEEDED;
};

/** Waiting states: PENDING or RETRYING (± PAUSED/NOLINE). */
export const isWaitingStatus = (status: number): boolean => {
	const b = baseStatus(status);
	return b === FaxJobStatus.PENDING || b === FaxJobStatus.RETRYING;
};

/** Human name of a status value, e.g. "RETRYING|NOLINE". */
export function statusName(status: number): string {
	const base = FaxJobStatus[baseStatus(status)] ?? `0x${baseStatus(status).toString(16)}`;
	const mods = [status & FaxJobStatus.PAUSED ? "PAUSED" : "", status & FaxJobStatus.NOLINE ? "NOLINE" : ""].filter(Boolean);
	return [base, ...mods].join("|");
}

/** Name of an extended status code (provider codes as hex). */
export const extendedStatusName = (code: number): string => FaxJobExtendedStatus[code] ?? `0x${code.toString(16)}`;

/** FAX_ACCESS_RIGHTS_ENUM (the rights §2.4 names, Windows values). */
export enum FaxAccessRight {
	SUBMIT_LOW = 0x1,
	SUBMIT_NORMAL = 0x2,
	SUBMIT_HIGH = 0x4,
	QUERY_JOBS = 0x8,
	MANAGE_JOBS = 0x10,
	QUERY_CONFIG = 0x20,
	MANAGE_CONFIG = 0x40,
}

/** Every right above. */
export const ALL_RIGHTS = 0x7f;
