/**
 * `faxline probe --device PATH [--json] [--profile NAME] [--baud N] [--flow none|xonxoff|rtscts]
 * [--trace FILE]`: open a modem, run the Class 1 probe (modem/probe.ts) and print its identity, service
 * classes, rate lists and the quirk profile chosen. `faxline probe --list` lists serial ports found in
 * /dev/serial/by-id and /sys/class/tty. Layer: cli.
 */
import { parseArgs } from "node:util";
import { SystemClock } from "../../core/Clock.js";
import { FaxError } from "../../core/FaxError.js";
import { openClass1Modem } from "../../modem/probe.js";
import { MODULATIONS } from "../../modem/rates.js";
import type { ModulationCode } from "../../modem/Class1Link.js";
import { listPorts } from "../../transport/listPorts.js";
import type { CliIO } from "../io.js";
import { openTrace, portOptions, portSettings } from "../portOptions.js";

const USAGE = "usage: faxline probe --device PATH [--json] [--profile NAME] [--baud N] [--flow none|xonxoff|rtscts] [--trace FILE] | faxline probe --list [--json]";

const describeRates = (rates: readonly ModulationCode[]): string =>
	rates.map((r) => `${r} (${MODULATIONS[r].name} ${MODULATIONS[r].bitRate}${MODULATIONS[r].train ? ` ${MODULATIONS[r].train}` : ""})`).join(", ");

export async function run(argv: string[], io: CliIO): Promise<number> {
	const { values: v, positionals } = parseArgs({
		args: argv,
		allowPositionals: true,
		options: {
			...portOptions,
			json: { type: "boolean" },
			list: { type: "boolean" },
		},
	});
	if (v.list) {
		const ports = await listPorts();
		if (v.json) io.out(JSON.stringify(ports, null, 2));
		else if (ports.length === 0) io.out("no serial ports found");
		else for (const p of ports) io.out(`${p.path}${p.byId ? `  ${p.byId}` : ""}${p.driver ? `  (${p.driver})` : ""}`);
		return 0;
	}
	const device = v.device ?? positionals[0];
	if (!device) throw new FaxError("USAGE", `--device is required\n${USAGE}`);
	const port = portSettings(v, USAGE);

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
