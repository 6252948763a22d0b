/**
 * Command-line options every command that opens a modem shares (`send`, `probe`): the device, its quirk
 * profile, line speed and flow control, and the JSONL trace file (declared in commandTable.ts). One checker so their spelling, checks and
 * messages cannot drift apart. Layer: cli.
 */
import { writeFileSync } from "node:fs";
import type { Clock } from "../core/Clock.js";
import { FaxError } from "../core/FaxError.js";
import { JsonlTracer } from "../core/trace.js";
import type { FaxClass } from "../modem/faxClass.js";
import type { FlowControl } from "../transport/Transport.js";

export interface PortSettings {
	profile?: string;
	baud?: number;
	flowControl?: FlowControl;
	/** --class 1|1.0|2|2.0 (auto: undefined, the profile's preference) */
	faxClass?: FaxClass;
}

/** Checks --profile/--baud/--flow/--class (commandTable.ts PORT_OPTS); USAGE errors name the option. */
export function portSettings(v: { profile?: string; baud?: string; flow?: string; class?: string }): PortSettings {
	const tail = "";
	const s: PortSettings = {};
	if (v.profile !== undefined) s.profile = v.profile;
	if (v.baud !== undefined) {
		const baud = Number(v.baud);
		if (!(Number.isInteger(baud) && baud > 0)) throw new FaxError("USAGE", `--baud must be a positive integer`);
		s.baud = baud;
	}
	if (v.flow !== undefined) {
		if (!["none", "xonxoff", "rtscts"].includes(v.flow)) throw new FaxError("USAGE", `--flow must be none, xonxoff or rtscts`);
		s.flowControl = v.flow as FlowControl;
	}
	if (v.class !== undefined && v.class !== "auto") {
		if (!["1", "1.0", "2", "2.0"].includes(v.class)) throw new FaxError("USAGE", `--class must be 1, 1.0, 2, 2.0 or auto${tail}`);
		s.faxClass = v.class as FaxClass;
	}
	return s;
}

/** A fresh JSONL trace file (a rerun replaces the old one: JsonlTracer appends), or undefined. */
export function openTrace(path: string | undefined, clock: Clock): JsonlTracer | undefined {
	if (!path) return undefined;
	writeFileSync(path, "");
	return new JsonlTracer(path, clock);
}
