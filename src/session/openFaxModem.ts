/**
 * openFaxModem: the class-neutral session opener (issue 8; HylaFAX faxd ModemServer::deduceModem). Open the
 * device, identify the modem (modem/probe.ts identifyModem: reset, identity, profile, AT+FCLASS=?), pick
 * the fax class from what it offers, the profile's preference and an optional forced class
 * (classes.ts pickClass), and hand the channel to that class's session factory, which returns the FaxModem
 * the job layer and the CLI use. Today Class 1 / 1.0 have a factory; a Class-2-only modem gets
 * MODEM_CLASS_UNSUPPORTED ("Class 2 support is not available yet"). The port is closed again on failure.
 * Layer: session (imports modem, t30; imported by jobs, cli).
 */
import { SystemClock } from "../core/Clock.js";
import type { FaxClass } from "../modem/faxClass.js";
import type { FaxModem } from "../modem/FaxModem.js";
import { identifyModem, openAtChannel, type OpenClass1ModemOptions } from "../modem/probe.js";
import { pickClass, SESSION_FACTORIES, type SessionFactory, type SessionOptions } from "./classes.js";

export type OpenFaxModemOptions = SessionOptions &
	Omit<OpenClass1ModemOptions, "clock" | "tracer"> & {
		/** Use this class, if the modem offers it (config `faxClass`); default: the profile's preference. */
		faxClass?: FaxClass;
		/** The class -> factory table (default SESSION_FACTORIES); tests and embedders may add or replace one. */
		sessionFactories?: Readonly<Partial<Record<FaxClass, SessionFactory>>>;
	};

/**
 * Open `path` (e.g. /dev/ttyACM0 or a pty), pick and initialise a fax class and return a FaxModem. Throws
 * PORT_NOT_FOUND, PORT_OPEN_FAILED, MODEM_NO_RESPONSE, MODEM_INIT_FAILED, MODEM_NOT_FAX_CLASS1 (no fax
 * class at all), MODEM_CLASS_UNSUPPORTED, MODEM_NO_RATES, CONFIG_INVALID; `close()` releases the port.
 */
export async function openFaxModem(path: string, opts: OpenFaxModemOptions = {}): Promise<FaxModem> {
	const { profile, baud, flowControl, transport, watchdogMs, faxClass, sessionFactories, ...options } = opts;
	const clock = options.clock ?? new SystemClock();
	const tracer = options.tracer;
	const { channel, named } = await openAtChannel(path, {
		clock,
		...(tracer ? { tracer } : {}),
		...(profile !== undefined ? { profile } : {}),
		...(baud !== undefined ? { baud } : {}),
		...(flowControl !== undefined ? { flowControl } : {}),
		...(transport !== undefined ? { transport } : {}),
		...(watchdogMs !== undefined ? { watchdogMs } : {}),
	});
	try {
		const found = await identifyModem(channel, { clock, ...(named ? { profile: named } : {}), ...(flowControl ? { flowControl } : {}), ...(tracer ? { tracer } : {}) });
		const pick = pickClass(found.classes, found.profile.classPreference, sessionFactories ?? SESSION_FACTORIES, faxClass);
		tracer?.trace("info", "-", `fax class ${pick.faxClass} (modem offers ${found.classes.join(",") || "none"}; profile prefers ${found.profile.classPreference.join(",")})`);
		return await pick.factory({ path, channel, found, faxClass: pick.faxClass, clock, ...(tracer ? { tracer } : {}), options });
	} catch (e) {
		await channel.transport.close();
		throw e;
	}
}

/** The per-destination memory the daemon shares between its modems (t30/destinations.ts), for layers above. */
export { MemoryDestinationStore, type DestinationStore } from "../t30/destinations.js";
