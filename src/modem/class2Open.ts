/**
 * Open a Class 2 / 2.0 modem: wake, reset, echo off (V.250), identity (the dialect's queries: T.32
 * +FMI?/+FMM?/+FMR?, SP-2388 +FMFR?/+FMDL?/+FREV?), AT+FCLASS=? (the dialect must be offered, else
 * MODEM_CLASS_UNSUPPORTED), AT+FCLASS=<dialect>, XON/XOFF host flow control for page data (the DCE holds
 * the DTE back with XOFF, SP-2388 7.1.2; data bytes 0x11/0x13 from the DTE are not flow control).
 * Layer: modem.
 */
import { SystemClock, type Clock } from "../core/Clock.js";
import { FaxError } from "../core/FaxError.js";
import { nullTracer, type Tracer } from "../core/trace.js";
import { AtChannel, type AtResult } from "../at/AtChannel.js";
import { SerialPortTransport } from "../transport/SerialPortTransport.js";
import type { Transport } from "../transport/Transport.js";
import { CLASS2_DIALECTS, type Class2DialectName } from "./class2Dialects.js";
import { Class2Modem, type Class2ModemOptions } from "./Class2Modem.js";
import { parseClassList } from "./rates.js";

export interface Class2Identity {
	manufacturer?: string;
	model?: string;
	revision?: string;
	classes: string[];
}

export interface OpenClass2Options extends Omit<Class2ModemOptions, "onClose"> {
	baud?: number;
	transport?: Transport;
}

async function must(ch: AtChannel, cmd: string, what: string): Promise<AtResult> {
	let r: AtResult;
	try {
		r = await ch.command(cmd, { timeoutMs: 3000, numericCodes: true });
	} catch (e) {
		if (e instanceof FaxError && e.code === "AT_TIMEOUT") throw new FaxError("MODEM_NO_RESPONSE", `Modem did not answer ${cmd} (${what})`, { context: { cmd }, cause: e });
		throw e;
	}
	if (r.code !== "OK") throw new FaxError("MODEM_INIT_FAILED", `Modem answered ${r.line} to ${cmd} (${what})`, { context: { cmd, line: r.line } });
	return r;
}

async function query(ch: AtChannel, cmd: string): Promise<string | undefined> {
	try {
		const r = await ch.command(cmd, { timeoutMs: 3000 });
		return r.code === "OK" && r.info.length ? r.info.join("\n").replace(/^\+F\w+\s*:\s*/i, "").replace(/^"(.*)"$/, "$1").trim() : undefined;
	} catch (e) {
		if (e instanceof FaxError && e.code === "AT_TIMEOUT") return undefined;
		throw e;
	}
}

/**
 * Enter the dialect's class on a modem already reset and identified (the session opener's identifyModem):
 * AT+FCLASS=2|2.0, the dialect's init (2.0: +FNR reporting on) and the profile's class2 init commands.
 */
export async function enterClass2(ch: AtChannel, dialect: Class2DialectName, init: readonly string[] = [], tracer: Tracer = nullTracer): Promise<void> {
	const d = CLASS2_DIALECTS[dialect];
	await must(ch, `AT+FCLASS=${d.fclass}`, `enter Class ${d.fclass}`);
	for (const cmd of d.cmd.init) await must(ch, cmd, "Class 2 reporting");
	// profile commands work around firmware bugs (HylaFAX Class2BUGCmd ...): a refusal is traced, not fatal
	for (const cmd of init) await query(ch, cmd).catch(() => tracer.trace("info", "-", `${cmd} refused`));
}

/** Put the modem on `ch` into the dialect's class from cold (wake, reset, classes); returns what it said about itself. */
export async function initClass2(ch: AtChannel, dialect: Class2DialectName, tracer: Tracer = nullTracer): Promise<Class2Identity> {
	const d = CLASS2_DIALECTS[dialect];
	await must(ch, "AT", "wake");
	await must(ch, "ATZ", "reset");
	await must(ch, "ATE0V1", "echo off, verbose result codes");
	const fc = await query(ch, "AT+FCLASS=?");
	const classes = fc ? parseClassList(fc) : [];
	if (!classes.includes(d.fclass)) throw new FaxError("MODEM_CLASS_UNSUPPORTED", `Modem offers classes ${classes.join(",") || "(none)"}, not ${d.fclass}`, { context: { classes }, disposition: "fail" });
	await enterClass2(ch, dialect, [], tracer);
	const [manufacturer, model, revision] = [await query(ch, `AT${d.cmd.identity[0]}`), await query(ch, `AT${d.cmd.identity[1]}`), await query(ch, `AT${d.cmd.identity[2]}`)];
	const id: Class2Identity = { classes, ...(manufacturer ? { manufacturer } : {}), ...(model ? { model } : {}), ...(revision ? { revision } : {}) };
	tracer.trace("info", "-", `Class ${d.fclass} modem`, id);
	return id;
}

/** Open `path`, initialise Class 2/2.0 and return the FaxModem; the port is closed again on failure. */
export async function openClass2Modem(path: string, o: OpenClass2Options): Promise<Class2Modem> {
	const clock: Clock = o.clock ?? new SystemClock();
	const transport = o.transport ?? (await SerialPortTransport.open(path, { baudRate: o.baud ?? 115200, flowControl: "xonxoff" }));
	const channel = new AtChannel(transport, { clock, ...(o.tracer ? { tracer: o.tracer } : {}) });
	try {
		await initClass2(channel, o.dialect, o.tracer);
		return new Class2Modem(channel, { ...o, id: o.id ?? path, clock, flowControl: "xonxoff", onClose: () => transport.close() });
	} catch (e) {
		await transport.close();
		throw e;
	}
}
