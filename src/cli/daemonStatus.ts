/**
 * The daemon's modem status, shared with `faxline status` through `<spoolDir>/modems.json` (written
 * atomically by the daemon whenever a modem changes state, read by any client): each modem's state
 * (opening, idle, busy, down), why it is down, and when it is tried again. Layer: cli.
 */
import { readFileSync, renameSync, writeFileSync } from "node:fs";
import { join } from "node:path";

export interface ModemStatus {
	deviceId: number;
	path: string;
	name: string;
	state: "opening" | "idle" | "busy" | "down";
	/** why it is down (its FaxError), or null */
	error: { code: string; message: string } | null;
	/** when a down modem is tried again (ISO time), or null */
	retryAt: string | null;
}

export interface DaemonStatusFile {
	pid: number;
	updated: string;
	modems: ModemStatus[];
}

export const statusFile = (spoolDir: string): string => join(spoolDir, "modems.json");

export function writeDaemonStatus(spoolDir: string, s: DaemonStatusFile): void {
	const f = statusFile(spoolDir);
	const tmp = `${f}.${process.pid}.tmp`;
	writeFileSync(tmp, JSON.stringify(s, null, 2));
	renameSync(tmp, f);
}

/** The last status the daemon wrote, or undefined when there is none. */
export function readDaemonStatus(spoolDir: string): DaemonStatusFile | undefined {
	try {
		return JSON.parse(readFileSync(statusFile(spoolDir), "utf8")) as DaemonStatusFile;
	} catch {
		return undefined;
	}
}
