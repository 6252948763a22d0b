/**
 * The Class 2 / 2.0 session factory (issue 11): enter the class the opener picked (AT+FCLASS=2 or 2.0,
 * modem/class2Open.ts initClass2 without the reset identifyModem already did), and wrap the channel in
 * modem/Class2Modem.ts with the profile's class2 knobs, dial prefix and timeout, and the dial rule's policy
 * from the session options. Layer: session.
 */
import { Class2Modem } from "../modem/Class2Modem.js";
import { enterClass2 } from "../modem/class2Open.js";
import type { SessionFactoryInput } from "./factory.js";

/** The SessionFactory for "2" and "2.0". */
export async function class2Session(input: SessionFactoryInput): Promise<Class2Modem> {
	const { channel, found, clock, tracer, options } = input;
	const dialect = input.faxClass === "2" ? "2" : "2.0";
	await enterClass2(channel, dialect, found.profile.class2.init, tracer);
	return new Class2Modem(channel, {
		dialect,
		id: options.id ?? input.path,
		clock,
		...(tracer ? { tracer } : {}),
		...(options.tracerForCall ? { tracerForCall: options.tracerForCall } : {}),
		...(options.afterCall ? { afterCall: options.afterCall } : {}),
		...(options.tsid !== undefined ? { tsid: options.tsid } : {}),
		...(options.maxRate ? { maxRate: options.maxRate } : {}),
		...(options.minRate ? { minRate: options.minRate } : {}),
		...(options.allowMr !== undefined ? { allowMr: options.allowMr } : {}),
		dialPrefix: found.profile.dialPrefix,
		dialTimeoutMs: Math.max(found.profile.dialTimeoutMs, 90_000), // ATD runs to the remote's DIS in Class 2
		dialPolicy: { blockList: options.blockList ?? [], allowNumbers: options.allowNumbers ?? [], ...(options.emergencyNumbers ? { emergencyNumbers: options.emergencyNumbers } : {}) },
		knobs: found.profile.class2,
		flowControl: found.flowControl,
		onClose: () => channel.transport.close(),
	});
}
