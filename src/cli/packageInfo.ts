/**
 * The faxline package's root directory and version, found from this file whether it runs from src/
 * (tsx) or dist/src/ (the built binary). Layer: cli.
 */
import { existsSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { FaxError } from "../core/FaxError.js";

/** The directory holding faxline's package.json (and samples/). */
export function packageRoot(): string {
	let dir = dirname(fileURLToPath(import.meta.url));
	while (!existsSync(join(dir, "package.json"))) {
		const up = dirname(dir);
		if (up === dir) throw new FaxError("FILE_NOT_FOUND", "cannot find the faxline package root (package.json)");
		dir = up;
	}
	return dir;
}

export function packageVersion(): string {
	return (JSON.parse(readFileSync(join(packageRoot(), "package.json"), "utf8")) as { version: string }).version;
}
