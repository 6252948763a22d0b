/**
 * One simulator per link (issue 13): `faxline sim --link X` takes `X.lock` (created exclusively, holding
 * its pid) before it makes the symlink, refuses a link whose lock names a live process, takes over a lock
 * left by a dead one, and removes the lock when it stops. Layer: cli.
 */
import { readFileSync, unlinkSync, writeFileSync } from "node:fs";
import { FaxError } from "../core/FaxError.js";

/** Links held by simulators of this process. */
const held = new Set<string>();

const alive = (pid: number): boolean => {
	try {
		process.kill(pid, 0);
		return true;
	} catch (e) {
		return (e as NodeJS.ErrnoException).code === "EPERM";
	}
};

/** Takes the lock of `link` (an absolute path); returns its release. PORT_OPEN_FAILED when held. */
export function lockLink(link: string): () => void {
	const lock = `${link}.lock`;
	const refuse = (pid: number): never => {
		throw new FaxError("PORT_OPEN_FAILED", `${link} is held by another running simulator (pid ${pid}); stop it or choose another --link`, { context: { link, pid } });
	};
	if (held.has(link)) refuse(process.pid);
	for (let attempt = 0; ; attempt++) {
		try {
			writeFileSync(lock, `${process.pid}\n`, { flag: "wx" });
			break;
		} catch (e) {
			if ((e as NodeJS.ErrnoException).code !== "EEXIST" || attempt > 0) throw e;
			const pid = Number.parseInt(readFileSync(lock, "utf8"), 10);
			if (Number.isInteger(pid) && pid > 0 && alive(pid)) refuse(pid);
			unlinkSync(lock); // left by a simulator that died: take it over
		}
	}
	held.add(link);
	return () => {
		held.delete(link);
		try {
			if (Number.parseInt(readFileSync(lock, "utf8"), 10) === process.pid) unlinkSync(lock);
		} catch {
			/* already gone */
		}
	};
}
