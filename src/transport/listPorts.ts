/**
 * listPorts: serial devices found by scanning /dev/serial/by-id and /sys/class/tty (never
 * SerialPort.list(), which spawns udevadm and crashes where udev is absent: node-notes.md).
 * Layer: transport.
 */
import { readdir, readlink, realpath } from "node:fs/promises";
import { basename, join } from "node:path";

export interface PortInfo {
	/** /dev path, e.g. /dev/ttyACM0 */
	path: string;
	/** Stable /dev/serial/by-id link when udev made one (survives re-plugging). */
	byId?: string;
	/** Kernel driver, e.g. "cdc_acm", "ftdi_sio", "serial8250". */
	driver?: string;
}

/** Serial ports with a backing device (USB, PCI, platform UARTs), sorted by path. Never throws. */
export async function listPorts(): Promise<PortInfo[]> {
	const found = new Map<string, PortInfo>();
	const ttys = await readdir("/sys/class/tty").catch(() => [] as string[]);
	for (const name of ttys) {
		const dev = join("/sys/class/tty", name, "device");
		const driver = await readlink(join(dev, "driver")).then(basename, () => undefined);
		if (!driver) continue; // virtual consoles, ptys
		if (driver === "serial8250" && !/^ttyS[0-3]$/.test(name)) continue; // phantom legacy UARTs
		found.set(`/dev/${name}`, { path: `/dev/${name}`, driver });
	}
	const ids = await readdir("/dev/serial/by-id").catch(() => [] as string[]);
	for (const id of ids) {
		const link = join("/dev/serial/by-id", id);
		const target = await realpath(link).catch(() => undefined);
		if (!target) continue;
		const info = found.get(target) ?? { path: target };
		info.byId = link;
		found.set(target, info);
	}
	return [...found.values()].sort((a, b) => a.path.localeCompare(b.path));
}
