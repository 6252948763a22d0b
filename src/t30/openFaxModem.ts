/**
 * openFaxModem: the real modem wired to the T.30 engine — open and probe a Class 1 modem on a device path
 * (modem/probe.ts openClass1Modem, the Class1Link over AT commands) and wrap it in a Class1Session, the
 * FaxModem the job layer and the CLI use. The profile's T.30 timer overrides apply under the caller's.
 * Layer: t30.
 */
import type { FaxModem } from "../modem/FaxModem.js";
import { openClass1Modem, type OpenClass1ModemOptions } from "../modem/probe.js";
import { Class1Session, type Class1SessionOptions } from "./Class1Session.js";

export type OpenFaxModemOptions = Class1SessionOptions & Omit<OpenClass1ModemOptions, "clock" | "tracer">;

/**
 * Open `path` (e.g. /dev/ttyACM0 or a pty), initialise Class 1 and return a FaxModem. Throws the
 * openClass1Modem errors (PORT_NOT_FOUND, PORT_OPEN_FAILED, MODEM_NO_RESPONSE, MODEM_NOT_FAX_CLASS1,
 * MODEM_NO_RATES, CONFIG_INVALID); `close()` releases the port.
 */
export async function openFaxModem(path: string, opts: OpenFaxModemOptions = {}): Promise<FaxModem> {
	const { profile, baud, flowControl, transport, watchdogMs, ...session } = opts;
	const modem = await openClass1Modem(path, {
		...(profile !== undefined ? { profile } : {}),
		...(baud !== undefined ? { baud } : {}),
		...(flowControl !== undefined ? { flowControl } : {}),
		...(transport !== undefined ? { transport } : {}),
		...(watchdogMs !== undefined ? { watchdogMs } : {}),
		...(session.clock ? { clock: session.clock } : {}),
		...(session.tracer ? { tracer: session.tracer } : {}),
	});
	const t = modem.profile.timers;
	const timers = {
		...(t.T1 !== undefined ? { T1: t.T1 } : {}),
		...(t.T2 !== undefined ? { T2: t.T2 } : {}),
		...(t.T4 !== undefined ? { T4: t.T4 } : {}),
		...(t.T5 !== undefined ? { T5: t.T5 } : {}),
		...(session.timers ?? {}),
	};
	// the profile's ECM knobs (HylaFAX Class1ECMSupport / ECMFrameSize / PersistentECM); the caller's options win,
	// except that a modem that cannot do ECM never gets it
	const k = modem.profile.class1;
	const ecm = { ecm: k.ecmSupport && (session.ecm ?? true), ecmFrameSize: session.ecmFrameSize ?? k.ecmFrameSize, persistentEcm: session.persistentEcm ?? k.persistentEcm };
	return new Class1Session(modem, { id: path, ...session, ...ecm, timers }, () => modem.close());
}
