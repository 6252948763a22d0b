/**
 * Shared set-up for the simulator's own tests (test/integration/sim-*.test.ts): a ModemSimulator on an
 * in-process pty (hw-mocks/ptyPair.ts), opened through the real serialport binding and driven by the
 * raw scripted AT client (hw-mocks/RawAtClient.ts), plus the scripted steps of a Class 1 send
 * (class1.md §2.1) written out by hand, independent of our driver.
 */
import type { ExecutionContext } from "ava";
import { SerialPort } from "serialport";
import { buildFrame } from "../../src/hdlc/frame.js";
import { Fcf, fcfName } from "../../src/t30/fcf.js";
import { encodeId } from "../../src/t30/dis.js";
import { ModemSimulator, type ModemSimulatorOptions } from "../../hw-mocks/ModemSimulator.js";
import { openPtyPair, type PtyPair } from "../../hw-mocks/ptyPair.js";
import { RawAtClient, fromEmitter } from "../../hw-mocks/RawAtClient.js";

export const openPort = (path: string): Promise<SerialPort> =>
	new Promise<SerialPort>((res, rej) => {
		const p = new SerialPort({ path, baudRate: 115200, autoOpen: false });
		p.open((e) => (e ? rej(e) : res(p)));
	});

export const closePort = (p: SerialPort): Promise<void> => new Promise<void>((res) => (p.isOpen ? p.close(() => res()) : res()));

export interface SimRig {
	sim: ModemSimulator;
	client: RawAtClient;
	port: SerialPort;
	pair: PtyPair;
}

/** A simulator on a pty (timeScale 0.02 unless given), a serialport client on its slave; torn down after the test. */
export async function simRig(t: ExecutionContext, opts: ModemSimulatorOptions = {}): Promise<SimRig> {
	const pair = await openPtyPair();
	const sim = new ModemSimulator(pair.master, { timeScale: 0.02, ...opts });
	const port = await openPort(pair.path);
	const client = new RawAtClient(fromEmitter(port));
	t.teardown(async () => {
		await closePort(port);
		sim.detach();
		await pair.close();
	});
	return { sim, client, port, pair };
}

/** X bit set: we are the caller, the station that received the DIS (T.30 §5.3.6.1). */
export const hostFrame = (name: keyof typeof Fcf, fif?: Uint8Array, final = true): Uint8Array => buildFrame(Fcf[name] | 1, fif, final);

/** Read frames until a final one (control 0x13): the first is already pending after CONNECT. */
export async function readFrameSet(c: RawAtClient, first: "pending" | "frh" = "pending"): Promise<{ frames: Uint8Array[]; codes: string[] }> {
	const frames: Uint8Array[] = [];
	const codes: string[] = [];
	let pending = first === "pending";
	for (;;) {
		if (!pending) {
			const r = await c.final("AT+FRH=3");
			if (r !== "CONNECT") throw new Error(`AT+FRH=3 -> ${r}`);
		}
		pending = false;
		const { data, code } = await c.readBlock();
		frames.push(data.subarray(0, data.length - 2)); // strip the 2 FCS octets
		codes.push(code);
		if (data[1] === 0x13) return { frames, codes };
	}
}

/** Send frames with +FTH=3: CONNECT before each, OK after the final one. */
export async function sendFrames(c: RawAtClient, frames: Uint8Array[]): Promise<string[]> {
	const codes: string[] = [];
	let r = await c.final("AT+FTH=3");
	codes.push(r);
	for (const f of frames) {
		await c.sendBlock(f);
		r = (await c.response()).at(-1)!;
		codes.push(r);
	}
	return codes;
}

/** Send high-speed data with +FTM=code; returns [CONNECT result, final result]. */
export async function sendData(c: RawAtClient, code: number, data: Uint8Array, connectDelayMs = 0): Promise<string[]> {
	const r1 = await c.final(`AT+FTM=${code}`);
	if (r1 !== "CONNECT") return [r1];
	if (connectDelayMs) await new Promise((r) => setTimeout(r, connectDelayMs));
	await c.sendBlock(data);
	return [r1, (await c.response(60000)).at(-1)!];
}

/** Name of a received frame (X bit ignored). */
export const nameOf = (f: Uint8Array): string => fcfName(f[2] ?? 0) ?? `0x${(f[2] ?? 0).toString(16)}`;

/** TSI frame for `id`. */
export const tsiFrame = (id: string): Uint8Array => hostFrame("TSI", encodeId(id), false);
