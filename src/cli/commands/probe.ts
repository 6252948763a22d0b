/**
 * `faxline probe --device PATH [--json] [--profile NAME] [--baud N] [--flow none|xonxoff|rtscts]
 * [--class 1|1.0|2|2.0|auto] [--trace FILE]`: open a modem, identify it (modem/probe.ts identifyModem:
 * identity, profile, AT+FCLASS=?), pick the class as the session opener does (session/classes.ts), enter
 * it, and print identity, classes, the class in use, rate lists (Class 1; a Class 2 modem runs T.30
 * itself) and the quirk profile chosen. `faxline probe --list` lists serial ports found in
 * /dev/serial/by-id and /sys/class/tty. Layer: cli.
 */
import { SystemClock } from "../../core/Clock.js";
import { FaxError } from "../../core/FaxError.js";
import { identifyModem, initClass1, openAtChannel } from "../../modem/probe.js";
import { enterClass2 } from "../../modem/class2Open.js";
import { pickClass, SESSION_FACTORIES } from "../../session/classes.js";
import { MODULATIONS } from "../../modem/rates.js";
import type { ModulationCode } from "../../modem/Class1Link.js";
import { listPorts } from "../../transport/listPorts.js";
import type { CliIO } from "../io.js";
import { openTrace, portSettings } from "../portOptions.js";
import type { Parsed } from "../program.js";
import { checkOutputFile } from "../outputPaths.js";

const describeRates = (rates: readonly ModulationCode[]): string =>
	rates.map((r) => `${r} (${MODULATIONS[r].name} ${MODULATIONS[r].bitRate}${MODULATIONS[r].train ? ` ${MODULATIONS[r].train}` : ""})`).join(", ");

interface ProbeOpts {
	device?: string;
	profile?: string;
	baud?: string;
	flow?: string;
	trace?: string;
	json?: boolean;
	list?: boolean;
}

export async function run(p: Parsed, io: CliIO): Promise<number> {
	const v = p.opts as ProbeOpts;
	const positionals = p.args;
	if (v.list) {
		const ports = await listPorts();
		if (v.json) io.out(JSON.stringify(ports, null, 2));
		else if (ports.length === 0) io.out("no serial ports found");
		else for (const p of ports) io.out(`${p.path}${p.byId ? `  ${p.byId}` : ""}${p.driver ? `  (${p.driver})` : ""}`);
		return 0;
	}
	const device = v.device ?? positionals[0];
	if (!device) throw new FaxError("USAGE", "--device is required (or --list)");
	const port = portSettings(v);

	if (v.trace !== undefined) checkOutputFile(v.trace, "--trace", [{ path: device, what: "the modem device" }]);
	const clock = new SystemClock();
	const tracer = openTrace(v.trace, clock);
	try {
		const { channel, named } = await openAtChannel(device, {
			clock,
			...(tracer ? { tracer } : {}),
			...(port.profile !== undefined ? { profile: port.profile } : {}),
			...(port.baud !== undefined ? { baud: port.baud } : {}),
			...(port.flowControl !== undefined ? { flowControl: port.flowControl } : {}),
		});
		let result;
		try {
			const found = await identifyModem(channel, { clock, ...(named ? { profile: named } : {}), ...(port.flowControl ? { flowControl: port.flowControl } : {}), ...(tracer ? { tracer } : {}) });
			const { faxClass } = pickClass(found.classes, found.profile.classPreference, SESSION_FACTORIES, port.faxClass);
			const class1 = faxClass === "1" || faxClass === "1.0";
			const rates = class1 ? await initClass1(channel, found, faxClass) : { transmitRates: [] as ModulationCode[], receiveRates: [] as ModulationCode[] };
			if (!class1) await enterClass2(channel, faxClass === "2" ? "2" : "2.0", found.profile.class2.init, tracer);
			result = {
				device,
				identity: found.identity,
				classes: found.classes,
				serviceClass: faxClass,
				transmitRates: rates.transmitRates,
				receiveRates: rates.receiveRates,
				profile: found.profile.name,
				profileDescription: found.profile.description,
				flowControl: found.flowControl,
			};
		} finally {
			await channel.transport.close();
		}
		if (v.json) {
			io.out(JSON.stringify(result, null, 2));
		} else {
			io.out(`device:        ${device}`);
			io.out(`identity:      ATI=${JSON.stringify(result.identity.ati ?? null)} +FMI=${JSON.stringify(result.identity.fmi ?? null)} +FMM=${JSON.stringify(result.identity.fmm ?? null)} +FMR=${JSON.stringify(result.identity.fmr ?? null)}`);
			io.out(`classes:       ${result.classes.join(",")} (using ${result.serviceClass})`);
			if (result.transmitRates.length || result.receiveRates.length) {
				io.out(`transmit:      ${describeRates(result.transmitRates)}`);
				io.out(`receive:       ${describeRates(result.receiveRates)}`);
			} else io.out(`rates:         chosen by the modem (Class ${result.serviceClass} runs T.30 in its firmware)`);
			io.out(`profile:       ${result.profile} (${result.profileDescription})`);
		}
		return 0;
	} finally {
		await tracer?.close();
	}
}
