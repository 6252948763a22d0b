/**
 * The schema of faxline.json (issue 13 "Config"), as a zod schema so every key is checked, unknown keys
 * are refused, and an error can name the key path and the expected value with its unit. The README's
 * "Configuration" section documents the same keys. Layer: jobs (pure).
 */
import { z } from "zod";

const tsid = z.string().regex(/^[\x20-\x7e]{0,20}$/, { message: "expected at most 20 printable ASCII characters (letters, digits, spaces, + - etc.)" });
const hourMinute = z.union([
	z.string().regex(/^([01]?\d|2[0-3]):[0-5]\d$/, { message: 'expected a local time "HH:MM" (00:00..23:59)' }),
	z.strictObject({ hour: z.number().int().min(0).max(23), minute: z.number().int().min(0).max(59) }),
]);

/** The fax classes faxline has a driver for (session/classes.ts SESSION_FACTORIES). */
const DRIVEN_CLASSES = ["1", "1.0", "2", "2.0"] as const;

export const modemSchema = z.strictObject({
	/** device path (`/dev/ttyACM0`, a pty link) or `fake:...` (tests) */
	path: z.string().min(1).describe("a device path such as /dev/ttyACM0"),
	name: z.string().optional(),
	deviceId: z.number().int().positive().optional().describe("a positive integer"),
	/** this line's station id, sent in TSI unless the job sets one */
	tsid: tsid.optional(),
	profile: z.string().optional(),
	/** force a fax class instead of the probe's choice (session/classes.ts pickClass) */
	faxClass: z.enum(DRIVEN_CLASSES).optional().describe(`one of ${DRIVEN_CLASSES.join(", ")}`),
	/** "send" (default): outgoing calls only; "receive": answers calls and is never offered to outgoing jobs */
	mode: z.enum(["send", "receive", "both"]).optional().describe('"send", "receive" or "both" (sends, and waits for calls between outgoing jobs)'),
	/** receiving: answer after this many rings (0: the modem's auto-answer) */
	rings: z.number().int().min(0).max(20).optional().describe("a count of rings, 0..20"),
});

/** What to do with a received fax (jobs/routing.ts): a command is an argument vector, never a shell string. */
const routeActionSchema = z.discriminatedUnion("type", [
	z.strictObject({ type: z.literal("folder"), dir: z.string().min(1).describe("a directory path (relative to the config file)") }),
	z.strictObject({
		type: z.literal("email"),
		to: z.string().min(3).describe("an e-mail address"),
		subject: z.string().optional(),
		/** the attachment: "pdf" (default; lossless CCITT G4) or "tiff" (the received file itself) */
		format: z.enum(["pdf", "tiff"]).optional().describe('"pdf" or "tiff"'),
	}),
	z.strictObject({
		type: z.literal("command"),
		argv: z.array(z.string()).min(1).describe("[program, ...args]: an argument vector, never a shell string"),
		timeoutMs: z.number().int().positive().optional().describe("milliseconds"),
	}),
]);

/** A routing rule: every given field must match (modem, called number, caller id exact or /regex/). */
export const routeRuleSchema = z.strictObject({
	deviceId: z.number().int().positive().optional(),
	calledNumber: z.string().optional(),
	callerId: z.string().optional(),
	actions: z.array(routeActionSchema).min(1).describe("a non-empty list of actions"),
});

export const queueSchema = z.strictObject({
	blocked: z.boolean().optional(),
	paused: z.boolean().optional(),
	retries: z.number().int().min(0).max(99).optional().describe("a count, 0..99"),
	retryDelay: z.number().int().min(0).max(10080).optional().describe("minutes, 0..10080"),
	ageLimit: z.number().int().min(0).max(3650).optional().describe("days, 0 = forever"),
	discountRateStart: hourMinute.optional(),
	discountRateEnd: hourMinute.optional(),
	branding: z.boolean().optional(),
	useDeviceTsid: z.boolean().optional(),
	allowPersonalCoverPages: z.boolean().optional(),
	recipientsLimit: z.number().int().min(0).optional().describe("a count, 0 = unlimited"),
	allowedReceipts: z.number().int().min(0).optional(),
	/** a retry that resumes after confirmed pages starts with a continuation cover (issue 14) */
	continuationCover: z.boolean().optional(),
	/** receipts with the fax attached (attachFaxToReceipt) carry it as "pdf" (default) or "tiff" */
	receiptAttachment: z.enum(["pdf", "tiff"]).optional().describe('"pdf" or "tiff"'),
});

export const smtpSchema = z.strictObject({
	host: z.string().min(1),
	port: z.number().int().min(1).max(65535).optional().describe("a TCP port, 1..65535"),
	secure: z.boolean().optional(),
	ignoreTLS: z.boolean().optional(),
	user: z.string().optional(),
	pass: z.string().optional(),
	from: z.string().optional(),
});

export const configSchema = z.strictObject({
	spoolDir: z.string().min(1).describe("a directory path (relative to the config file)"),
	modems: z.array(modemSchema).describe('a list of modems, e.g. [{"path": "/dev/ttyACM0"}]'),
	queue: queueSchema.optional(),
	smtp: smtpSchema.optional(),
	testModems: z.boolean().optional(),
	pollMs: z.number().int().min(10).max(60_000).optional().describe("milliseconds, 10..60000"),
	modemReopenMs: z.number().int().min(0).max(3_600_000).optional().describe("milliseconds, 0..3600000"),
	blockedNumbers: z.array(z.string()).optional(),
	/** numbers dialled although the dial-string rule blocks them (core/dialString.ts) */
	allowNumbers: z.array(z.string()).optional(),
	traceDir: z.string().optional(),
	/** received faxes: each rule whose fields match runs its actions (jobs/routing.ts) */
	routing: z.array(routeRuleSchema).optional(),
	/** "$schema" lets editors find a JSON schema; ignored */
	$schema: z.string().optional(),
});

export type ConfigInput = z.infer<typeof configSchema>;
