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
import type { Bitmap } from "../../src/core/bitmap.js";
import { RATES, buildDis, dcsMinScanCode, emptyDis, encodeId, type Rate } from "../../src/t30/dis.js";
import { encodeBitmap } from "../../src/t4/index.js";
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

/** ATE0, AT+FCLASS=1, ATD: returns the dial result and (on CONNECT) the NSF/CSI/DIS frames. */
export async function dialToDis(c: RawAtClient, number = "5550100"): Promise<{ code: string; frames: Uint8Array[] }> {
	await c.at("ATE0");
	if ((await c.final("AT+FCLASS=1")) !== "OK") throw new Error("AT+FCLASS=1 failed");
	const code = await c.final(`ATDT${number}`, 10000);
	if (code !== "CONNECT") return { code, frames: [] };
	return { code, frames: (await readFrameSet(c)).frames };
}

/** A DCS FIF for `rate` (standard resolution, MH, A4, 0 ms scan-line time). */
export function dcsFor(rate: Rate, fine = false): Uint8Array {
	const d = emptyDis();
	d.t4Receiver = true;
	d.modemCode = rate.dcsCode;
	d.fine = fine;
	d.minScanCode = dcsMinScanCode(0);
	return buildDis(d);
}

/** TSI+DCS, +FTS=7, TCF (1.5 s of zeros unless `tcf` given) at the long train; returns the answer's frame names. */
export async function train(c: RawAtClient, rate: Rate, o: { tcf?: Uint8Array; connectDelayMs?: number; code?: number } = {}): Promise<{ names: string[]; codes: string[] }> {
	await c.final("AT+FRS=7");
	await sendFrames(c, [tsiFrame("faxline test"), hostFrame("DCS", dcsFor(rate))]);
	await c.final("AT+FTS=7");
	await sendData(c, o.code ?? rate.longTrain, o.tcf ?? new Uint8Array((rate.bitRate * 1.5) / 8), o.connectDelayMs ?? 0);
	const r = await readFrameSet(c, "frh");
	return { names: r.frames.map(nameOf), codes: r.codes };
}

/** One MH page (RTC + 20 zero octets) at the short train. Returns the +FTM results. */
export async function sendPage(c: RawAtClient, rate: Rate, page: Bitmap): Promise<string[]> {
	const coded = encodeBitmap(page, { coding: "mh", rtc: true, bitOrder: "lsb" });
	const withPad = new Uint8Array(coded.length + 20);
	withPad.set(coded);
	await c.final("AT+FRS=7");
	return sendData(c, rate.shortTrain, withPad);
}

/** +FTS=7, send a post-page message, +FRH=3: the answer's frame names (or the +FRH result when no frame). */
export async function postPage(c: RawAtClient, name: "MPS" | "EOM" | "EOP", waitMs = 5000): Promise<{ names: string[]; codes: string[] }> {
	await c.final(name === "EOP" ? "AT+FTS=9" : "AT+FTS=7");
	await sendFrames(c, [hostFrame(name)]);
	return answer(c, waitMs);
}

/** +FRH=3 and read the far end's frame set; `{names: [], codes: [result]}` when +FRH=3 ends without CONNECT. */
export async function answer(c: RawAtClient, waitMs = 5000): Promise<{ names: string[]; codes: string[] }> {
	const r = await c.final("AT+FRH=3", waitMs);
	if (r !== "CONNECT") return { names: [], codes: [r] };
	const names: string[] = [];
	const codes: string[] = [];
	for (let first = true; ; first = false) {
		if (!first && (await c.final("AT+FRH=3")) !== "CONNECT") break;
		const { data, code } = await c.readBlock(waitMs);
		names.push(nameOf(data));
		codes.push(code);
		if (data[1] === 0x13) break;
	}
	return { names, codes };
}

/** DCN and ATH0. */
export async function disconnect(c: RawAtClient): Promise<void> {
	await c.final("AT+FRS=7");
	await sendFrames(c, [hostFrame("DCN")]);
	await c.final("ATH0");
}

/** The fastest rate of the default far end (V.17 14400) and V.29 9600. */
export const V17_14400 = RATES[0]!;
export const V29_9600 = RATES.find((r) => r.modulation === "V.29" && r.bitRate === 9600)!;
