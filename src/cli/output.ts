/**
 * The one output model of the CLI (issue 13): JSON uses the outgoing-job spec's field names
 * (docs/outgoing-job.md §3) with each enum's name beside its number (`status` + `statusName`,
 * `extendedStatusCode` + `extendedStatusName`, `availableOperations` + `availableOperationsNames`, ...);
 * a failure is `{"error": {code, number, message, exitCode, ...}}`; human output shows names
 * ("PENDING, PAUSED"), never hex. Colour only when io.color. Layer: cli.
 */
import type { FaxError } from "../core/FaxError.js";
import { FaxJobOperations, FaxPriorityType, FaxReceiptType, FaxScheduleType, extendedStatusName, statusName } from "../jobs/enums.js";
import type { CliIO } from "./io.js";

/** `{"error": ...}`: what failed, by the FaxError's stable code. */
export function errorJson(e: FaxError, exitCode: number): { error: Record<string, unknown> } {
	return {
		error: {
			code: e.code,
			number: e.number,
			message: e.text,
			disposition: e.disposition,
			...(e.hresult !== undefined ? { hresult: e.hresult } : {}),
			...(e.context ? { context: e.context } : {}),
			exitCode,
		},
	};
}

/** Names of the bits set in `mask` (flag enums: operations, receipt types). */
export function flagNames(mask: number, e: Record<string, string | number>): string[] {
	const out: string[] = [];
	for (const [k, v] of Object.entries(e)) if (typeof v === "number" && v !== 0 && (mask & v) === v) out.push(k);
	return out;
}

/** A status value for people: "PENDING, PAUSED". */
export const humanStatus = (status: number): string => statusName(status).split("|").join(", ");

/** A job's spec fields (FaxOutgoingJob.toJSON) with each enum's name beside its number. */
export function withNames(j: Record<string, unknown>): Record<string, unknown> {
	const n = (k: string): number => (typeof j[k] === "number" ? (j[k] as number) : 0);
	const out: Record<string, unknown> = {};
	for (const [k, v] of Object.entries(j)) {
		out[k] = v;
		if (k === "status") out.statusName = statusName(n(k));
		if (k === "extendedStatusCode") out.extendedStatusName = extendedStatusName(n(k));
		if (k === "availableOperations") out.availableOperationsNames = flagNames(n(k), FaxJobOperations);
		if (k === "priority") out.priorityName = FaxPriorityType[n(k)] ?? String(n(k));
		if (k === "scheduleType") out.scheduleTypeName = FaxScheduleType[n(k)] ?? String(n(k));
		if (k === "receiptType") out.receiptTypeNames = flagNames(n(k), FaxReceiptType);
	}
	return out;
}

/** JSON on stdout, pretty. */
export const printJson = (io: CliIO, v: unknown): void => io.out(JSON.stringify(v, null, 2));

const SGR = { red: 31, green: 32, yellow: 33, dim: 2, bold: 1 } as const;

/** `s` in a colour when the stream it goes to allows it (a terminal without NO_COLOR), else as is. */
export const paint = (io: CliIO, c: keyof typeof SGR, s: string, stream: "stderr" | "stdout" = "stderr"): string =>
	(stream === "stdout" ? io.outColor : io.color) ? `\x1b[${SGR[c]}m${s}\x1b[0m` : s;

/** Seconds as "1:05" / "1:02:03". */
export function clockTime(sec: number): string {
	const s = Math.max(0, Math.round(sec));
	const h = Math.floor(s / 3600);
	const m = Math.floor((s % 3600) / 60);
	const r = String(s % 60).padStart(2, "0");
	return h ? `${h}:${String(m).padStart(2, "0")}:${r}` : `${m}:${r}`;
}
