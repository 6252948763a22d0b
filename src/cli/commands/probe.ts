/**
 * `faxline probe --device PATH [--json] [--profile NAME] [--baud N] [--flow none|xonxoff|rtscts]
 * [--trace FILE]`: open a modem, run the Class 1 probe (modem/probe.ts) and print its identity, service
 * classes, rate lists and the quirk profile chosen. `faxline probe --list` lists serial ports found in
 * /dev/serial/by-id and /sys/class/tty. Layer: cli.
 */
import { SystemClock } from "../../core/Clock.js";
import { FaxError } from "../../core/FaxError.js";
import { openClass1Modem } from "../../modem/probe.js";
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
		const modem = await openClass1Modem(device, {
			clock,
			...(tracer ? { tracer } : {}),
			...port,
		});
		await modem.close();
		const info = modem.info;
		const result = {
			device,
			identity: info?.identity ?? {},
			classes: info?.classes ?? [],
			serviceClass: info?.serviceClass ?? "1",
			transmitRates: modem.transmitRates,
			receiveRates: modem.receiveRates,
			profile: modem.profile.name,
			profileDescription: modem.profile.description,
			flowControl: modem.profile.flowControl,
		};
		if (v.json) {
			io.out(JSON.stringify(result, null, 2));
		} else {
			io.out(`device:        ${device}`);
			io.out(`identity:      ATI=${JSON.stringify(result.identity.ati ?? null)} +FMI=${JSON.stringify(result.identity.fmi ?? null)} +FMM=${JSON.stringify(result.identity.fmm ?? null)} +FMR=${JSON.stringify(result.identity.fmr ?? null)}`);
			io.out(`classes:       ${result.classes.join(",")} (using ${result.serviceClass})`);
			io.out(`transmit:      ${describeRates(result.transmitRates)}`);
			io.out(`receive:       ${describeRates(result.receiveRates)}`);
			io.out(`profile:       ${result.profile} (${result.profileDescription})`);
		}
		return 0;
	} finally {
		await tracer?.close();
	}
}
