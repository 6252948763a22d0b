/**
 * Modem probe and Class 1 initialisation (issue 3 "Probe and init"; HylaFAX faxaddmodem/ClassModem
 * setup): wake, reset (ATZ or AT&F per profile), echo off + verbose codes (ATE0V1), identity (ATI,
 * AT+FMI?, AT+FMM?, AT+FMR?), profile choice (drivers/), init and flow-control commands, AT+FCLASS=?
 * (identifyModem: the class-neutral half the session opener uses), then for Class 1 (initClass1): AT+FCLASS=1,
 * adaptive receive, AT+FTM=? / AT+FRM=? rate lists (or the profile's "!list" override). probeModem() and
 * openClass1Modem() do both halves for Class 1 on a channel / a serial path. Layer: modem.
 */
import { selectProfile } from "../../drivers/index.js";
import type { ModemIdentity, ModemProfile } from "../../drivers/_schema.js";
import { SystemClock, type Clock } from "../core/Clock.js";
import { FaxError } from "../core/FaxError.js";
import { nullTracer, type Tracer } from "../core/trace.js";
import { AtChannel, type AtResult } from "../at/AtChannel.js";
import type { ModulationCode } from "./Class1Link.js";
import { SerialPortTransport } from "../transport/SerialPortTransport.js";
import type { FlowControl, Transport } from "../transport/Transport.js";
import { Class1Modem } from "./Class1Modem.js";
import { parseClassList, parseRateList } from "./rates.js";

export interface ProbeResult {
	identity: ModemIdentity;
	classes: string[];
	serviceClass: "1" | "1.0";
	transmitRates: ModulationCode[];
	receiveRates: ModulationCode[];
	profile: ModemProfile;
	flowControl: FlowControl;
}

export interface ProbeOptions {
	/** A profile name from drivers/ or a profile object; default: chosen from the identity. */
	profile?: string | ModemProfile;
	/** Flow control; default the profile's. */
	flowControl?: FlowControl;
	clock: Clock;
	tracer?: Tracer;
}

const stripEcho = (s: string): string => s.replace(/^\+FM[IMR]\s*:\s*/i, "").replace(/^"(.*)"$/, "$1").trim();

/** Run a command; undefined on ERROR or timeout (for optional queries). PORT_CLOSED still throws. */
async function optional(ch: AtChannel, cmd: string, timeoutMs = 3000): Promise<AtResult | undefined> {
	try {
		const r = await ch.command(cmd, { timeoutMs });
		return r.code === "OK" ? r : undefined;
	} catch (e) {
		if (e instanceof FaxError && (e.code === "AT_TIMEOUT" || e.code === "AT_ERROR")) return undefined;
		throw e;
	}
}

async function required(ch: AtChannel, cmd: string, what: string, timeoutMs = 3000): Promise<AtResult> {
	let r: AtResult;
	try {
		r = await ch.command(cmd, { timeoutMs, numericCodes: true });
	} catch (e) {
		if (e instanceof FaxError && e.code === "AT_TIMEOUT") throw new FaxError("MODEM_NO_RESPONSE", `Modem did not answer ${cmd} (${what})`, { context: { cmd }, cause: e });
		throw e;
	}
	if (r.code !== "OK") throw new FaxError("MODEM_INIT_FAILED", `Modem answered ${r.line} to ${cmd} (${what})`, { context: { cmd, line: r.line } });
	return r;
}

/** What identifyModem found: enough for the session opener to pick a class (src/session). */
export interface ModemIdentification {
	identity: ModemIdentity;
	/** AT+FCLASS=? reply, e.g. ["0", "1", "1.0", "2"] ([] when the modem does not answer it) */
	classes: string[];
	profile: ModemProfile;
	flowControl: FlowControl;
}

/**
 * The class-neutral half of the probe: wake, reset, echo off, identity, profile choice, init and
 * flow-control commands, AT+FCLASS=?. Throws FaxError MODEM_NO_RESPONSE / MODEM_INIT_FAILED / CONFIG_INVALID.
 */
export async function identifyModem(ch: AtChannel, opts: ProbeOptions): Promise<ModemIdentification> {
	const tracer = opts.tracer ?? nullTracer;
	const named = typeof opts.profile === "object" ? opts.profile : opts.profile !== undefined ? selectProfile({}, opts.profile) : undefined;

	// Wake: a modem after power-up may ignore the first line, and one left in a data state by a crashed
	// process (+FTM/+FTH waiting for DLE ETX, +FRH receiving) takes "AT" as data. The second try ends any
	// data block (DLE ETX) and aborts any receive (CAN, class1.md §2.1) before asking again.
	let awake = false;
	for (let i = 0; i < 2 && !awake; i++) {
		if (i > 0) {
			await ch.writeRaw(Uint8Array.of(0x10, 0x03, 0x18));
			await opts.clock.sleep(200);
			await ch.resync();
		}
		try {
			awake = (await ch.command("AT", { timeoutMs: 1000, numericCodes: true })).code === "OK";
		} catch (e) {
			if (!(e instanceof FaxError && e.code === "AT_TIMEOUT")) throw e;
		}
	}
	if (!awake) throw new FaxError("MODEM_NO_RESPONSE", "Modem does not answer AT");
	const reset = named?.resetCmd ?? "ATZ";
	await required(ch, reset, "reset", 5000);
	if (named && named.resetDelayMs > 0) await opts.clock.sleep(named.resetDelayMs);
	await required(ch, "ATE0V1", "echo off, verbose result codes");

	const identity: ModemIdentity = {};
	const ati = await optional(ch, "ATI");
	if (ati && ati.info.length) identity.ati = ati.info.join("\n");
	for (const k of ["fmi", "fmm", "fmr"] as const) {
		const r = await optional(ch, `AT+${k.toUpperCase()}?`);
		if (r && r.info.length) identity[k] = stripEcho(r.info.join("\n"));
	}
	const profile = named ?? selectProfile(identity);
	tracer.trace("info", "-", `modem profile: ${profile.name}`, { identity });
	ch.setDleOptions({ dleBug: profile.class1.hasDleBug });

	if (named === undefined && profile.resetCmd !== reset) await required(ch, profile.resetCmd, "profile reset", 5000).then(() => required(ch, "ATE0V1", "echo off"));
	for (const cmd of profile.initCommands) await required(ch, cmd, "profile init");
	const flow = opts.flowControl ?? profile.flowControl;
	if (profile.flowControlCmds[flow]) await required(ch, profile.flowControlCmds[flow], `${flow} flow control`);
	await ch.transport.setFlowControl(flow);

	const fc = await optional(ch, "AT+FCLASS=?");
	const classes = fc ? parseClassList(fc.info.join(",")) : [];
	return { identity, classes, profile, flowControl: flow };
}

/** The Class 1 half: AT+FCLASS=1|1.0, flow control again, adaptive receive, the +FTM/+FRM rate lists. Throws MODEM_INIT_FAILED / MODEM_NO_RATES. */
export async function initClass1(ch: AtChannel, found: ModemIdentification, serviceClass: "1" | "1.0"): Promise<{ transmitRates: ModulationCode[]; receiveRates: ModulationCode[] }> {
	const { profile, flowControl: flow } = found;
	await required(ch, `AT+FCLASS=${serviceClass}`, "enter Class 1");
	ch.setDleOptions({ dleBug: profile.class1.hasDleBug, class10: serviceClass === "1.0" });
	const reflow = profile.class1.flowControlCmds[flow];
	if (reflow) await required(ch, reflow, "flow control after +FCLASS");
	if (profile.class1.adaptRecvCmd) await required(ch, profile.class1.adaptRecvCmd, "adaptive receive");

	const rates = async (query: string): Promise<ModulationCode[]> => {
		if (query.startsWith("!")) return parseRateList(query);
		const r = await optional(ch, query);
		return r ? parseRateList(r.info.join(",")) : [];
	};
	const transmitRates = await rates(profile.class1.tmQueryCmd);
	const receiveRates = await rates(profile.class1.rmQueryCmd);
	if (transmitRates.length === 0) throw new FaxError("MODEM_NO_RATES", `No usable transmit rates from ${profile.class1.tmQueryCmd}`, { disposition: "fail" });
	return { transmitRates, receiveRates: receiveRates.length ? receiveRates : transmitRates };
}

/** Probe and initialise the modem on `ch` for Class 1 (identifyModem + initClass1). Throws FaxError MODEM_* on failure. */
export async function probeModem(ch: AtChannel, opts: ProbeOptions): Promise<ProbeResult> {
	const found = await identifyModem(ch, opts);
	const { classes, profile } = found;
	const serviceClass = profile.classPreference.find((c): c is "1" | "1.0" => (c === "1" || c === "1.0") && classes.includes(c));
	if (!serviceClass) throw new FaxError("MODEM_NOT_FAX_CLASS1", `Modem offers classes ${classes.join(",") || "(none)"}, not 1`, { context: { classes }, disposition: "fail" });
	const rates = await initClass1(ch, found, serviceClass);
	return { identity: found.identity, classes, serviceClass, ...rates, profile, flowControl: found.flowControl };
}

export interface OpenClass1ModemOptions {
	/** Profile name (drivers/) or object; default chosen from the identity. */
	profile?: string | ModemProfile;
	/** Default SystemClock. */
	clock?: Clock;
	tracer?: Tracer;
	/** DTE speed, bit/s. Default: the named profile's baudRate, else 115200. */
	baud?: number;
	/** Flow control. Default: the profile's. */
	flowControl?: FlowControl;
	/** Use this transport instead of opening `path` with serialport (e.g. a DuplexTransport). */
	transport?: Transport;
	/** Device-node watchdog period, ms (SerialPortTransport). Default 250. */
	watchdogMs?: number;
}

/** An AtChannel on `path` (or on `opts.transport`), with the DTE speed and flow control of the named profile. */
export async function openAtChannel(path: string, opts: OpenClass1ModemOptions & { clock: Clock }): Promise<{ channel: AtChannel; named: ModemProfile | undefined }> {
	const named = typeof opts.profile === "string" ? selectProfile({}, opts.profile) : opts.profile;
	const transport =
		opts.transport ??
		(await SerialPortTransport.open(path, {
			baudRate: opts.baud ?? named?.baudRate ?? 115200,
			flowControl: opts.flowControl ?? named?.flowControl ?? "none",
			...(opts.watchdogMs !== undefined ? { watchdogMs: opts.watchdogMs } : {}),
		}));
	return { channel: new AtChannel(transport, { clock: opts.clock, ...(opts.tracer ? { tracer: opts.tracer } : {}) }), named };
}

/**
 * Open `path`, probe and initialise the modem for Class 1, and return the Class1Link implementation.
 * Throws FaxError PORT_NOT_FOUND / PORT_OPEN_FAILED / MODEM_NO_RESPONSE / MODEM_INIT_FAILED /
 * MODEM_NOT_FAX_CLASS1 / MODEM_NO_RATES / CONFIG_INVALID (unknown profile name); the port is closed again
 * on failure.
 */
export async function openClass1Modem(path: string, opts: OpenClass1ModemOptions = {}): Promise<Class1Modem> {
	const clock = opts.clock ?? new SystemClock();
	const { channel, named } = await openAtChannel(path, { ...opts, clock });
	try {
		const p = await probeModem(channel, { clock, ...(named ? { profile: named } : {}), ...(opts.flowControl ? { flowControl: opts.flowControl } : {}), ...(opts.tracer ? { tracer: opts.tracer } : {}) });
		return new Class1Modem(channel, {
			profile: p.profile,
			clock,
			...(opts.tracer ? { tracer: opts.tracer } : {}),
			transmitRates: p.transmitRates,
			receiveRates: p.receiveRates,
			flowControl: p.flowControl,
			info: { identity: p.identity, classes: p.classes, serviceClass: p.serviceClass },
		});
	} catch (e) {
		await channel.transport.close();
		throw e;
	}
}
