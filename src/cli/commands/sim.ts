/**
 * `faxline sim --link PATH [--out DIR] [--fault SPEC ...] [--time-scale X] [--csi ID] [--rates LIST]
 * [--call DOC [--calls N] [--tsi ID] [--caller-number N] [--caller-name S]]`:
 * runs the Class 1 modem simulator (hw-mocks/ModemSimulator.ts, issue 3 "faxline sim") on an in-process
 * pty behind a stable symlink, so `faxline send --device PATH ...` can be tried in another shell with
 * no hardware. With --call (issue 10) the simulated line rings the host once it is idle in class 1
 * (RING, caller id) and, answered, a calling fax (hw-mocks/FarEndCaller.ts) sends DOC (TIFF or PBM,
 * fitted to fax geometry) so `faxline receive --device PATH` can be tried.
 * Prints the pty path and one line per call; Ctrl-C (SIGINT/SIGTERM) removes the link.
 *
 * Layer: cli. This is the one place src loads hw-mocks, and only through a dynamic import, so nothing
 * else in src depends on the test-side simulator (the build ships hw-mocks beside src).
 */
import { parseArgs } from "node:util";
import { resolve } from "node:path";
import type { FaxPage } from "../../core/bitmap.js";
import { FaxError } from "../../core/FaxError.js";
import { openFaxDocument } from "../../tiff/index.js";
import type { CliIO } from "../io.js";

const USAGE = `usage: faxline sim --link PATH [--out DIR] [--fault SPEC ...] [--time-scale X] [--csi ID] [--rates LIST]
  --link PATH       symlink to create for the modem's pty (e.g. /tmp/faxmodem)
  --out DIR         write each call's received pages there as TIFF Class F
  --fault SPEC      kind[:key=value,...], repeatable, e.g. busy, fttAbove:bitRate=9600,
                    postPage:page=2,response=RTN, noReply:to=EOP,times=3, dcn:after=tcf, vanish:page=1
  --time-scale X    real seconds per line second (default 1 = real time; 0.1 = ten times faster)
  --csi ID          the far end's CSI (default "+1 555 0100")
  --rates LIST      the modem's AT+FTM=? list (default 24,48,72,73,74,96,97,98,121,122,145,146)
  --call DOC        the line calls the host and a fax sends DOC (TIFF/PBM); caller faults: badPage:page=1,
                    hangup:page=2[,when=after], noDcs, crp:to=MCF, badFcs:frame=DCS
  --calls N         how many calls the line makes with --call, one after the other (default 1)
  --tsi ID          the calling fax's TSI (default "+1 555 0199")
  --caller-number N caller id number sent with RING (default 5550199; "" for private)
  --caller-name S   caller id name (default "SIM CALLER")`;

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
	pages: { page: number; accepted: boolean; response?: string; badLines: number }[];
	ppms: { name: string; page: number; response: string }[];
	tiffPath?: string;
	notes: string[];
}
interface SimModule {
	ModemSimulator: new (port: unknown, opts: Record<string, unknown>) => { on(ev: "callEnd", fn: (c: SimCall) => void): unknown; once(ev: "callEnd", fn: (c: SimCall) => void): unknown; detach(): void };
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
	const pair = await openPtyPair({ link });
	const sim = new ModemSimulator(pair.master, {
		timeScale: o.timeScale ?? 1,
		faults,
		...(o.rates ? { rates: o.rates } : {}),
		farEnd: { ...(o.outDir ? { outDir: resolve(o.outDir) } : {}), ...(o.csi !== undefined ? { csi: o.csi } : {}) },
		...(o.call ? { caller: o.call } : {}),
	});
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
	const parts = [c.direction === "in" ? `call ${c.index}: incoming from ${c.callerId?.number || "private"} answered after ${c.rings ?? 0} RINGs` : `call ${c.index}: ATD${c.dial.raw}`, c.outcome ?? "no answer yet"];
	if (c.tsi !== undefined) parts.push(`${c.direction === "in" ? "CSI" : "TSI"} "${c.tsi}"`);
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
			call: { type: "string" },
			calls: { type: "string" },
			tsi: { type: "string" },
			"caller-number": { type: "string" },
			"caller-name": { type: "string" },
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
	if (values.csi !== undefined && !/^[\x20-\x7e]{0,20}$/.test(values.csi)) throw new FaxError("USAGE", "--csi must be at most 20 printable ASCII characters");

	if (values.tsi !== undefined && !/^[\x20-\x7e]{0,20}$/.test(values.tsi)) throw new FaxError("USAGE", "--tsi must be at most 20 printable ASCII characters");
	if (values["caller-number"] !== undefined && !/^\+?\d{0,20}$/.test(values["caller-number"])) throw new FaxError("USAGE", "--caller-number must be digits (optionally a leading +)");
	const calls = values.calls === undefined ? 1 : Number(values.calls);
	if (!(Number.isInteger(calls) && calls >= 1 && calls <= 1000)) throw new FaxError("USAGE", `--calls must be a whole number 1-1000, not '${values.calls}'`);
	const call = values.call === undefined ? undefined : { pages: await loadPages(values.call), calls, ...(values.tsi !== undefined ? { tsi: values.tsi } : {}), ...(values["caller-number"] !== undefined ? { number: values["caller-number"] } : {}), ...(values["caller-name"] !== undefined ? { name: values["caller-name"] } : {}) };

	const sim = await startSimulator({
		link: values.link,
		faultSpecs: values.fault ?? [],
		timeScale,
		...(values.rates ? { rates: values.rates } : {}),
		...(values.out ? { outDir: values.out } : {}),
		...(values.csi !== undefined ? { csi: values.csi } : {}),
		...(call ? { call } : {}),
	});
	const { link, pair } = { link: sim.link, pair: { slavePath: sim.slavePath } };
	io.out(`faxline sim: Class 1 modem on ${link} -> ${pair.slavePath} (time scale ${timeScale}${values.fault?.length ? `, faults: ${values.fault.join(" ")}` : ""})`);
	io.out(call ? `the line calls once the host waits in class 1 (${call.pages.length} page(s), ${calls} call(s)); try: faxline receive --device ${link} --once   (Ctrl-C to stop)` : `try: faxline send --device ${link} --to 5550100 FILE.tif   (Ctrl-C to stop)`);
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
