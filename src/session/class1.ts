/**
 * The Class 1 / 1.0 session factory (T.31): enter the class and read the rate lists (modem/probe.ts
 * initClass1), wrap the channel in the Class1Link implementation (modem/Class1Modem.ts) and that in the
 * T.30 engine's FaxModem (t30/Class1Session.ts). The profile's T.30 timer overrides apply under the caller's.
 * Layer: session.
 */
import { Class1Modem } from "../modem/Class1Modem.js";
import { initClass1 } from "../modem/probe.js";
import { Class1Session } from "../t30/Class1Session.js";
import type { T30Timers } from "../t30/timers.js";
import type { SessionFactoryInput } from "./factory.js";

/** The SessionFactory for "1" and "1.0". */
export async function class1Session(input: SessionFactoryInput): Promise<Class1Session> {
	const { channel, found, clock, tracer, options } = input;
	const serviceClass = input.faxClass === "1.0" ? "1.0" : "1";
	const rates = await initClass1(channel, found, serviceClass);
	const modem = new Class1Modem(channel, {
		profile: found.profile,
		clock,
		...(tracer ? { tracer } : {}),
		transmitRates: rates.transmitRates,
		receiveRates: rates.receiveRates,
		flowControl: found.flowControl,
		info: { identity: found.identity, classes: found.classes, serviceClass },
	});
	const t = found.profile.timers;
	const fromProfile: Partial<T30Timers> = {};
	for (const k of ["T1", "T2", "T3", "T4", "T5"] as const) if (t[k] !== undefined) fromProfile[k] = t[k];
	const timers = { ...fromProfile, ...(options.timers ?? {}) };
	const k = found.profile.class1;
	const ecm = { enabled: k.ecmSupport, frameSize: k.ecmFrameSize, persistent: k.persistentEcm };
	return new Class1Session(modem, { id: input.path, ecm, ...options, timers }, () => modem.close());
}
