/**
 * `faxline sim --link PATH [--out DIR] [--fault SPEC ...] [--time-scale X] [--csi ID] [--rates LIST]`:
 * runs the Class 1 modem simulator (hw-mocks/ModemSimulator.ts, issue 3 "faxline sim") on an in-process
 * pty behind a stable symlink, so `faxline send --device PATH ...` can be tried in another shell with
 * no hardware. Prints the pty path and one line per call; Ctrl-C (SIGINT/SIGTERM) removes the link.
 *
 * Layer: cli. This is the one place src loads hw-mocks, and only through a dynamic import, so nothing
 * else in src depends on the test-side simulator (the build ships hw-mocks beside src).
 */
import { parseArgs } from "node:util";
import { resolve } from "node:path";
import { FaxError } from "../../core/FaxError.js";
import type { CliIO } from "../io.js";

const USAGE = `usage: faxline sim --link PATH [--class 1|2|2.0] [--out DIR] [--fault SPEC ...] [--time-scale X] [--csi ID] [--rates LIST]
  --link PATH       symlink to create for the modem's pty (e.g. /tmp/faxmodem)
  --class C         1 (default): a T.31 Class 1 modem; 2 or 2.0: a Class 2 (SP-2388) / Class 2.0 (T.32)
                    modem whose firmware runs T.30 (hw-mocks/class2)
  --out DIR         write each call's received pages there as TIFF Class F
  --fault SPEC      kind[:key=value,...], repeatable, e.g. busy, fttAbove:bitRate=9600,
                    postPage:page=2,response=RTN, noReply:to=EOP,times=3, dcn:after=tcf, vanish:page=1
  --time-scale X    real seconds per line second (default 1 = real time; 0.1 = ten times faster)
  --csi ID          the far end's CSI (default "+1 555 0100")
  --rates LIST      the modem's AT+FTM=? list (default 24,48,72,73,74,96,97,98,121,122,145,146)`;

/** Minimal shapes of the hw-mocks modules this command loads (kept here so src has no static import). */
export interface SimCall {
	index: number;
	dial: { raw: string };
	outcome?: string;
	end?: string;
	tsi?: string;
	dcs: { modulation: string; bitRate: number; resolution: string }[];
	tcf: { verdict: string }[];
	pages: { page: number; accepted: boolean; response?: string; badLines: number }[];
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
	/** fault specs as on the command line (see USAGE) */
	faultSpecs?: readonly string[];
	/** real seconds per line second (1 = real time) */
	timeScale?: number;
	rates?: string;
	outDir?: string;
	csi?: string;
	/** "1" (default), "2" or "2.0" */
	fclass?: "1" | "2" | "2.0";
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
	const pair = await openPtyPair({ link });
	const simOpts = {
		timeScale: o.timeScale ?? 1,
		faults,
		...(o.rates ? { rates: o.rates } : {}),
		farEnd: { ...(o.outDir ? { outDir: resolve(o.outDir) } : {}), ...(o.csi !== undefined ? { csi: o.csi } : {}) },
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
		},
	};
}

/** One line describing a finished call. */
export function describeCall(c: SimCall): string {
	const parts = [`call ${c.index}: ATD${c.dial.raw}`, c.outcome ?? "no answer yet"];
	if (c.tsi !== undefined) parts.push(`TSI "${c.tsi}"`);
	const d = c.dcs.at(-1);
	if (d) parts.push(`${d.modulation} ${d.bitRate} ${d.resolution}`);
	if (c.tcf.length) parts.push(`TCF ${c.tcf.map((x) => x.verdict).join("/")}`);
	if (c.pages.length) parts.push(`pages kept ${c.pages.filter((p) => p.accepted).length} of ${c.pages.length} sent (${c.pages.map((p) => p.response ?? "-").join(" ")})`);
	parts.push(`ended: ${c.end ?? "?"}`);
	if (c.tiffPath) parts.push(`TIFF ${c.tiffPath}`);
	return parts.join(", ") + (c.notes.length ? `\n  notes: ${c.notes.join("; ")}` : "");
}

export async function run(argv: string[], io: CliIO, stop?: AbortSignal): Promise<number> {
	const { values } = parseArgs({
		args: argv,
		options: {
			link: { type: "string" },
			out: { type: "string" },
			fault: { type: "string", multiple: true },
			"time-scale": { type: "string" },
			csi: { type: "string" },
			rates: { type: "string" },
			class: { type: "string" },
			help: { type: "boolean", short: "h" },
		},
	});
	if (values.help) {
		io.out(USAGE);
		return 0;
	}
	if (!values.link) throw new FaxError("USAGE", USAGE);
	const timeScale = values["time-scale"] === undefined ? 1 : Number(values["time-scale"]);
	if (!(timeScale > 0 && timeScale <= 10)) throw new FaxError("USAGE", `--time-scale must be a number in (0, 10], not '${values["time-scale"]}'`);
	if (values.rates !== undefined && !/^\d+(,\d+)*$/.test(values.rates)) throw new FaxError("USAGE", `--rates must be a comma-separated list of T.31 codes, not '${values.rates}'`);
	const fclass = values.class ?? "1";
	if (fclass !== "1" && fclass !== "2" && fclass !== "2.0") throw new FaxError("USAGE", `--class must be 1, 2 or 2.0, not '${fclass}'`);
	if (values.csi !== undefined && !/^[\x20-\x7e]{0,20}$/.test(values.csi)) throw new FaxError("USAGE", "--csi must be at most 20 printable ASCII characters");

	const sim = await startSimulator({
		link: values.link,
		faultSpecs: values.fault ?? [],
		timeScale,
		...(values.rates ? { rates: values.rates } : {}),
		...(values.out ? { outDir: values.out } : {}),
		...(values.csi !== undefined ? { csi: values.csi } : {}),
		fclass,
	});
	const { link, pair } = { link: sim.link, pair: { slavePath: sim.slavePath } };
	io.out(`faxline sim: Class ${fclass} modem on ${link} -> ${pair.slavePath} (time scale ${timeScale}${values.fault?.length ? `, faults: ${values.fault.join(" ")}` : ""})`);
	io.out(`try: faxline send --device ${link} --to 5550100 FILE.tif   (Ctrl-C to stop)`);
	sim.onCallEnd((c) => io.out(describeCall(c)));

	await new Promise<void>((done) => {
		const finish = () => {
			process.off("SIGINT", finish);
			process.off("SIGTERM", finish);
			stop?.removeEventListener("abort", finish);
			done();
		};
		process.once("SIGINT", finish);
		process.once("SIGTERM", finish);
		stop?.addEventListener("abort", finish, { once: true });
		if (stop?.aborted) finish();
	});
	await sim.close();
	io.out("faxline sim: stopped");
	return 0;
}
