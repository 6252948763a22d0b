/**
 * Shared set-up for the Class 2 / 2.0 tests: the Class 2 simulator (hw-mocks/class2) on an in-process
 * pty, its far end writing received pages into a fresh temp dir, torn down after the test; plus the
 * pixel check of what the far end kept (libtiff decodes its TIFF, tools nobody here wrote).
 */
import type { ExecutionContext } from "ava";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Class2Simulator, type Class2SimulatorOptions } from "../../hw-mocks/class2/Class2Simulator.js";
import { formatTranscript } from "../../hw-mocks/transcript.js";
import { openPtyPair, type PtyPair } from "../../hw-mocks/ptyPair.js";

export interface Class2Rig {
	sim: Class2Simulator;
	pair: PtyPair;
	/** the pty path a DTE opens */
	path: string;
	outDir: string;
}

export async function class2Rig(t: ExecutionContext, opts: Partial<Class2SimulatorOptions> & Pick<Class2SimulatorOptions, "dialect">): Promise<Class2Rig> {
	const pair = await openPtyPair();
	const outDir = mkdtempSync(join(tmpdir(), "faxline-c2rx-"));
	const sim = new Class2Simulator(pair.master, { timeScale: 0.05, ...opts, farEnd: { outDir, answerDelayMs: 1000, ...(opts.farEnd ?? {}) } });
	t.teardown(async () => {
		sim.detach();
		await pair.close();
	});
	return { sim, pair, path: pair.path, outDir };
}

/** The wire as readable lines, for failure messages. */
export const wire = (sim: Class2Simulator): string => formatTranscript(sim.transcript).slice(-4000);
