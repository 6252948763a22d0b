/**
 * `faxline sim --link PATH [--class 1|2|2.0] [--out DIR] [--fault SPEC ...] [--time-scale X] [--csi ID] [--rates LIST] [--ecm]
 * [--call DOC [--calls N] [--tsi ID] [--caller-number N] [--caller-name S]]`:
 * runs the Class 1 modem simulator (hw-mocks/ModemSimulator.ts, issue 3 "faxline sim") on an in-process
 * pty behind a stable symlink, so `faxline send --device PATH ...` can be tried in another shell with
 * no hardware. With --call (issue 10) the simulated line rings the host once it is idle in class 1
 * (RING, caller id) and, answered, a calling fax (hw-mocks/FarEndCaller.ts) sends DOC (TIFF or PBM,
 * fitted to fax geometry) so `faxline receive --device PATH` can be tried. Prints the pty path and one line per call; Ctrl-C (SIGINT/SIGTERM) removes the link.
 * A link another live simulator holds is refused (simLock.ts).
 *
 * Layer: cli. This is the one place src loads hw-mocks, and only through a dynamic import, so nothing
 * else in src depends on the test-side simulator (the build ships hw-mocks beside src).
 */
import { resolve } from "node:path";
import type { FaxPage } from "../../core/bitmap.js";
import { FaxError } from "../../core/FaxError.js";
import { openFaxDocument } from "../../tiff/index.js";
import type { CliIO } from "../io.js";
import type { Parsed } from "../program.js";
import { lockLink } from "../simLock.js";
import { checkLinkPath, checkOutputDir } from "../outputPaths.js";

/** Minimal shapes of the hw-mocks modules this command loads (kept here so src has no static import). */
export interface SimCall {
	index: number;
	dial: { raw: string };
	direction?: "in";
	callerId?: { number: string; name: string };
	rings?: number;
	outcome?: string;
	end?: string;
	tsi?: string;
	dcs: { modulation: string; bitRate: number; resolution: string }[];
	tcf: { verdict: string }[];
	pages: { page: number; accepted: boolean; response?: string; badLines: number; ecm?: { pprs: unknown[]; ctcs: number; eorBlocks: number[]; resentFrames: number } }[];
	ppms: { name: string; page: number; response: string }[];
	tiffPath?: string;
	notes: string[];
}
interface SimModule {
	ModemSimulator: new (port: unknown, opts: Record<string, unknown>) => { on(ev: "callEnd", fn: (c: SimCall) => void): unknown; once(ev: "callEnd", fn: (c: SimCall) => void): unknown; detach(): void };
}
interface Class2Module {
	Class2Simulator: new (port: unknown, opts: Record<string, unknown>) => InstanceType<SimModule["ModemSimulator"]>;
}
interface PtyModule {
	openPtyPair(o: { link?: string }): Promise<{ path: string; slavePath: string; master: unknown; close(): Promise<void> }>;
}
interface FaultsModule {
	parseFaultSpec(spec: string): unknown;
}

export interface SimulatorOptions {
	/** symlink to create for the modem's pty */
	link: string;
	/** fault specs as on the command line (commandTable.ts) */
	faultSpecs?: readonly string[];
	/** real seconds per line second (1 = real time) */
	timeScale?: number;
	rates?: string;
	outDir?: string;
	csi?: string;
	/** the far end offers ECM and T.6 */
	ecm?: boolean;
	/** "1" (default), "2" or "2.0" */
	fclass?: "1" | "2" | "2.0";
	/** the line calls the host and sends this document's pages (sim --call) */
	call?: { pages: FaxPage[]; calls?: number; tsi?: string; number?: string; name?: string };
}

export interface RunningSimulator {
	link: string;
	slavePath: string;
	onCallEnd(fn: (c: SimCall) => void): void;
	/** resolves with the next finished call's record */
	nextCall(): Promise<SimCall>;
	close(): Promise<void>;
}

/**
 * Starts the simulator on a pty with a stable symlink (shared by `faxline sim` and `faxline demo`).
 * hw-mocks is loaded by dynamic import so src keeps no static dependency on it.
 */
export async function startSimulator(o: SimulatorOptions): Promise<RunningSimulator> {
	const base = "../../../hw-mocks/";
	const faultsMod = (await import(`${base}faults.js`)) as FaultsModule;
	const faults = (o.faultSpecs ?? []).map((spec) => {
		try {
			return faultsMod.parseFaultSpec(spec);
		} catch (e) {
			throw new FaxError("USAGE", `--fault ${spec}: ${(e as Error).message}`);
		}
	});
	const { ModemSimulator } = (await import(`${base}ModemSimulator.js`)) as SimModule;
	const { openPtyPair } = (await import(`${base}ptyPair.js`)) as PtyModule;
	const link = resolve(o.link);
	const release = lockLink(link);
	let pair: Awaited<ReturnType<PtyModule["openPtyPair"]>>;
	try {
		pair = await openPtyPair({ link });
	} catch (e) {
		release();
		throw e;
	}
	const simOpts = {
		timeScale: o.timeScale ?? 1,
		faults,
		...(o.rates ? { rates: o.rates } : {}),
		farEnd: { ...(o.outDir ? { outDir: resolve(o.outDir) } : {}), ...(o.csi !== undefined ? { csi: o.csi } : {}), ...(o.ecm ? { ecm: true } : {}) },
		...(o.call ? { caller: o.call } : {}),
	};
	const fclass = o.fclass ?? "1";
	const sim =
		fclass === "1"
			? new ModemSimulator(pair.master, simOpts)
			: new ((await import(`${base}class2/Class2Simulator.js`)) as Class2Module).Class2Simulator(pair.master, { ...simOpts, dialect: fclass });
	return {
		link,
		slavePath: pair.slavePath,
		onCallEnd: (fn) => void sim.on("callEnd", fn),
		nextCall: () => new Promise((res) => void sim.once("callEnd", res)),
		close: async () => {
			sim.detach();
			await pair.close();
			release();
		},
	};
}

/** One line describing a finished call. */
export function describeCall(c: SimCall): string {
	const parts = [c.direction === "in" ? `call ${c.index}: incoming from ${c.callerId?.number || "private"} answered after ${c.rings ?? 0} RINGs` : `call ${c.index}: ATD${c.dial.raw}`, c.outcome ?? "no answer yet"];
	if (c.tsi !== undefined) parts.push(`${c.direction === "in" ? "CSI" : "TSI"} "${c.tsi}"`);
	const d = c.dcs.at(-1);
	if (d) parts.push(`${d.modulation} ${d.bitRate} ${d.resolution}`);
	if (c.tcf.length) parts.push(`TCF ${c.tcf.map((x) => x.verdict).join("/")}`);
	if (c.pages.length) parts.push(`pages kept ${c.pages.filter((p) => p.accepted).length} of ${c.pages.length} sent (${c.pages.map((p) => p.response ?? "-").join(" ")})`);
	const ecm = c.pages.flatMap((p) => (p.ecm ? [p.ecm] : []));
	if (ecm.length) {
		const sum = (f: (e: (typeof ecm)[number]) => number) => ecm.reduce((a, e) => a + f(e), 0);
		parts.push(`ECM: ${sum((e) => e.pprs.length)} PPR, ${sum((e) => e.resentFrames)} frames resent, ${sum((e) => e.ctcs)} CTC, ${sum((e) => e.eorBlocks.length)} blocks given up (EOR)`);
	}
	parts.push(`ended: ${c.end ?? "?"}`);
	if (c.tiffPath) parts.push(`TIFF ${c.tiffPath}`);
	return parts.join(", ") + (c.notes.length ? `\n  notes: ${c.notes.join("; ")}` : "");
}

interface SimOpts {
	link?: string;
	out?: string;
	fault?: string[];
	timeScale?: string;
	csi?: string;
	rates?: string;
	ecm?: boolean;
	class?: string;
	call?: string;
	calls?: string;
	tsi?: string;
	callerNumber?: string;
	callerName?: string;
}

export async function run(p: Parsed, io: CliIO): Promise<number> {
	const values = p.opts as SimOpts;
	if (!values.link) throw new FaxError("USAGE", "--link PATH is required (the symlink to create for the modem's pty)");
	const timeScale = values.timeScale === undefined ? 1 : Number(values.timeScale);
	if (!(timeScale > 0 && timeScale <= 10)) throw new FaxError("USAGE", `--time-scale must be a number in (0, 10], not '${values.timeScale}'`);
	if (values.rates !== undefined && !/^\d+(,\d+)*$/.test(values.rates)) throw new FaxError("USAGE", `--rates must be a comma-separated list of T.31 codes, not '${values.rates}'`);
	const fclass = values.class ?? "1";
	if (fclass !== "1" && fclass !== "2" && fclass !== "2.0") throw new FaxError("USAGE", `--class must be 1, 2 or 2.0, not '${fclass}'`);
	if (values.csi !== undefined && !/^[\x20-\x7e]{0,20}$/.test(values.csi)) throw new FaxError("USAGE", "--csi must be at most 20 printable ASCII characters");

	checkLinkPath(resolve(values.link), "--link");
	if (values.out !== undefined) checkOutputDir(resolve(values.out), "--out");
	if (values.tsi !== undefined && !/^[\x20-\x7e]{0,20}$/.test(values.tsi)) throw new FaxError("USAGE", "--tsi must be at most 20 printable ASCII characters");
	if (values.callerNumber !== undefined && !/^\+?\d{0,20}$/.test(values.callerNumber)) throw new FaxError("USAGE", "--caller-number must be digits (optionally a leading +)");
	const calls = values.calls === undefined ? 1 : Number(values.calls);
	if (!(Number.isInteger(calls) && calls >= 1 && calls <= 1000)) throw new FaxError("USAGE", `--calls must be a whole number 1-1000, not '${values.calls}'`);
	const call = values.call === undefined ? undefined : { pages: await loadPages(values.call), calls, ...(values.tsi !== undefined ? { tsi: values.tsi } : {}), ...(values.callerNumber !== undefined ? { number: values.callerNumber } : {}), ...(values.callerName !== undefined ? { name: values.callerName } : {}) };

	const sim = await startSimulator({
		link: values.link,
		faultSpecs: values.fault ?? [],
		timeScale,
		...(values.rates ? { rates: values.rates } : {}),
		...(values.out ? { outDir: values.out } : {}),
		...(values.csi !== undefined ? { csi: values.csi } : {}),
		...(values.ecm ? { ecm: true } : {}),
		...(call ? { call } : {}),
		fclass,
	});
	io.out(`faxline sim: Class ${fclass} modem on ${sim.link} -> ${sim.slavePath} (time scale ${timeScale}${values.fault?.length ? `, faults: ${values.fault.join(" ")}` : ""})`);
	io.out(call ? `the line calls once the host waits in class 1 (${call.pages.length} page(s), ${calls} call(s)); try: faxline receive --device ${sim.link} --once   (Ctrl-C to stop)` : `try: faxline send --device ${sim.link} --to 5550100 FILE.tif   (Ctrl-C to stop)`);
	sim.onCallEnd((c) => io.out(describeCall(c)));

	// until SIGINT/SIGTERM (io.signal, main.ts)
	const stop = io.signal;
	if (stop && !stop.aborted) await new Promise<void>((done) => stop.addEventListener("abort", () => done(), { once: true }));
	await sim.close();
	io.out("faxline sim: stopped");
	return 0;
}

/** The pages of DOC fitted to fax geometry (width, resolution), as `faxline send` would send them. */
async function loadPages(path: string): Promise<FaxPage[]> {
	const doc = await openFaxDocument(resolve(path), { normalize: {} });
	try {
		if (doc.pageCount === 0) throw new FaxError("USAGE", `--call ${path}: the document has no pages`);
		const pages: FaxPage[] = [];
		for (let i = 0; i < doc.pageCount; i++) pages.push(await doc.page(i));
		return pages;
	} finally {
		await doc.close();
	}
}
