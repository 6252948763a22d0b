/**
 * The daemon's log (issue 13): one line per event on stdout, each with an ISO UTC timestamp and a level
 * (`2026-12-06T18:40:00.123Z INFO ready: ...`), or with --log-json one JSON object per line
 * (`{"time", "level", "msg", ...fields}`). Lines below the chosen level are dropped. Layer: cli.
 */
import type { CliIO } from "./io.js";

export const LEVELS = ["debug", "info", "warn", "error"] as const;
export type Level = (typeof LEVELS)[number];

export interface LoggerOptions {
	json?: boolean;
	level?: Level;
	now?: () => Date;
}

export class Logger {
	private readonly min: number;
	constructor(
		private readonly io: CliIO,
		private readonly o: LoggerOptions = {},
	) {
		this.min = LEVELS.indexOf(o.level ?? "info");
	}

	log(level: Level, msg: string, fields: Record<string, unknown> = {}): void {
		if (LEVELS.indexOf(level) < this.min) return;
		const time = (this.o.now?.() ?? new Date()).toISOString();
		const oneLine = msg.replace(/[\r\n]+/g, " ");
		if (this.o.json) this.io.out(JSON.stringify({ time, level, msg: oneLine, ...fields }));
		else this.io.out(`${time} ${level.toUpperCase().padEnd(5)} ${oneLine}`);
	}

	debug = (msg: string, f?: Record<string, unknown>): void => this.log("debug", msg, f);
	info = (msg: string, f?: Record<string, unknown>): void => this.log("info", msg, f);
	warn = (msg: string, f?: Record<string, unknown>): void => this.log("warn", msg, f);
	error = (msg: string, f?: Record<string, unknown>): void => this.log("error", msg, f);
}
