/**
 * AT command line parsing (V.250 §5.2-5.4) and the simulator's handler table (T.31 §8 +F commands),
 * in the style of SpanDSP at_interpreter.c: `{ "+FTH": (sim, cmd) => ... }`. A handler returns
 * "ok" / "error" / "done" (it already sent its result, e.g. an information text plus OK), or
 * "online" (it switched the DCE to a data mode and will send CONNECT etc. itself; the rest of the line
 * is dropped, as V.250 §6.3.1 does after D). Layer: hw-mocks.
 */
import type { ModemSimulator } from "./ModemSimulator.js";

/** One command of a command line. */
export interface AtCommand {
	/** "E", "D", "&F", "S", "+FTH", "+FCLASS" (upper case) */
	name: string;
	/** exec: `E1`, `+FTM=96`; query: `+FCLASS?`, `S0?`; test: `+FTM=?` */
	op: "exec" | "set" | "query" | "test";
	/** argument text: "1" for E1, "96" for +FTM=96, "7=60" becomes name S7 arg "60", dial string for D */
	arg: string;
	/** the command as typed, for records and fault matching ("+FTM=96", "E0", "DT555") */
	text: string;
}

/** Split the part of a line after "AT" into commands. Throws Error on a malformed line. */
export function parseCommandLine(body: string): AtCommand[] {
	const out: AtCommand[] = [];
	let i = 0;
	const s = body;
	while (i < s.length) {
		const c = s[i]!.toUpperCase();
		if (c === " " || c === ";") {
			i++;
			continue;
		}
		const start = i;
		if (c === "+" || c === "&" || c === "%" || c === "\\") {
			i++;
			let name = c;
			if (c === "+") {
				while (i < s.length && /[A-Za-z0-9]/.test(s[i]!)) name += s[i++]!.toUpperCase();
			} else if (i < s.length) name += s[i++]!.toUpperCase();
			let op: AtCommand["op"] = "exec";
			let arg = "";
			if (s.startsWith("=?", i)) {
				op = "test";
				i += 2;
			} else if (s[i] === "?") {
				op = "query";
				i++;
			} else if (s[i] === "=") {
				op = "set";
				i++;
				const end = c === "+" ? indexOrEnd(s, ";", i) : i + (s.slice(i).match(/^\d*/)?.[0].length ?? 0);
				arg = s.slice(i, end);
				i = end;
			} else if (c !== "+") {
				const m = s.slice(i).match(/^\d*/)![0];
				arg = m;
				i += m.length;
			} else {
				// extended command without = or ?: runs to ';'
				const end = indexOrEnd(s, ";", i);
				arg = s.slice(i, end).trim();
				i = end;
			}
			if (name.length < 2) throw new Error(`bad command at '${s.slice(start)}'`);
			out.push({ name, op, arg, text: s.slice(start, i) });
			continue;
		}
		if (c === "D") {
			out.push({ name: "D", op: "exec", arg: s.slice(i + 1), text: s.slice(i) });
			break; // dial consumes the rest of the line
		}
		if (c === "S") {
			i++;
			const reg = s.slice(i).match(/^\d+/)?.[0] ?? "";
			i += reg.length;
			let op: AtCommand["op"] = "exec";
			let arg = "";
			if (s[i] === "?") {
				op = "query";
				i++;
			} else if (s[i] === "=") {
				op = "set";
				i++;
				arg = s.slice(i).match(/^\d*/)![0];
				i += arg.length;
			}
			out.push({ name: `S${reg}`, op, arg, text: s.slice(start, i) });
			continue;
		}
		if (/[A-Z]/.test(c)) {
			i++;
			let op: AtCommand["op"] = "exec";
			if (s[i] === "?") {
				op = "query";
				i++;
			}
			const arg = s.slice(i).match(/^\d*/)![0];
			i += arg.length;
			out.push({ name: c, op, arg, text: s.slice(start, i) });
			continue;
		}
		throw new Error(`bad character '${s[i]}' in command line`);
	}
	return out;
}

const indexOrEnd = (s: string, ch: string, from: number): number => {
	const k = s.indexOf(ch, from);
	return k < 0 ? s.length : k;
};

export type HandlerResult = "ok" | "error" | "done" | "online";
export type AtHandler = (sim: ModemSimulator, cmd: AtCommand) => HandlerResult | Promise<HandlerResult>;

const numArg = (cmd: AtCommand): number | undefined => (cmd.arg === "" ? 0 : /^\d+$/.test(cmd.arg) ? Number(cmd.arg) : undefined);

/** Basic V.250 settings with a digit argument we accept and ignore (speaker, result set, flow...). */
const ignoreDigit: AtHandler = (_sim, cmd) => (numArg(cmd) === undefined ? "error" : "ok");

/** An identity query: `+FMI?` and the T.31 `+FMI` exec form both answer. */
const identity =
	(which: "manufacturer" | "model" | "revision"): AtHandler =>
	(sim, cmd) => {
		if (cmd.op === "test") return "ok";
		sim.info(sim.identity[which]);
		return "done";
	};

/** Commands of class 1 that need a call in progress and a V.21/high-speed code. */
const HANDLERS: Record<string, AtHandler> = {
	E: (sim, cmd) => {
		const n = numArg(cmd);
		if (n !== 0 && n !== 1) return "error";
		sim.settings.echo = n === 1;
		return "ok";
	},
	V: (sim, cmd) => {
		const n = numArg(cmd);
		if (n !== 0 && n !== 1) return "error";
		sim.settings.verbose = n === 1;
		return "ok";
	},
	Q: (sim, cmd) => {
		const n = numArg(cmd);
		if (n !== 0 && n !== 1) return "error";
		sim.settings.quiet = n === 1;
		return "ok";
	},
	X: ignoreDigit,
	L: ignoreDigit,
	M: ignoreDigit,
	"&C": ignoreDigit,
	"&D": ignoreDigit,
	"&K": ignoreDigit, // flow control: a pty has no RTS/CTS; XON/XOFF is the kernel's business
	"&S": ignoreDigit,
	"&W": ignoreDigit,
	Z: (sim) => {
		sim.reset("ATZ");
		return "ok";
	},
	"&F": (sim) => {
		sim.reset("AT&F");
		return "ok";
	},
	H: (sim, cmd) => {
		if (numArg(cmd) !== 0) return "error";
		sim.hangup("host");
		return "ok";
	},
	I: (sim, cmd) => {
		const n = numArg(cmd) ?? 0;
		const lines = sim.identity.ati[n];
		if (lines === undefined) return "error";
		for (const l of lines.split("\n")) sim.info(l);
		return "done";
	},
	A: (sim) => sim.answer(),
	"+VCID": (sim, cmd) => {
		if (cmd.op === "test") return (sim.info("(0-2)"), "done");
		if (cmd.op === "query") return (sim.info(String(sim.callerIdReporting)), "done");
		if (!["0", "1", "2"].includes(cmd.arg)) return "error";
		sim.callerIdReporting = Number(cmd.arg);
		return "ok";
	},
	D: (sim, cmd) => sim.dial(cmd.arg),
	"+FMI": identity("manufacturer"),
	"+FMM": identity("model"),
	"+FMR": identity("revision"),
	"+GMI": identity("manufacturer"),
	"+GMM": identity("model"),
	"+GMR": identity("revision"),
	"+FCLASS": (sim, cmd) => {
		if (cmd.op === "test") {
			sim.info(sim.classes.join(","));
			return "done";
		}
		if (cmd.op === "query") {
			sim.info(sim.settings.fclass);
			return "done";
		}
		if (cmd.op !== "set" || !sim.classes.includes(cmd.arg)) return "error";
		sim.settings.fclass = cmd.arg;
		return "ok";
	},
	"+FAR": (sim, cmd) => (cmd.op === "test" ? (sim.info("0,1"), "done") : cmd.op === "query" ? (sim.info("0"), "done") : ["0", "1"].includes(cmd.arg) ? "ok" : "error"),
	"+FDD": (sim, cmd) => (cmd.op === "test" ? (sim.info("0,1"), "done") : cmd.op === "query" ? (sim.info("0"), "done") : ["0", "1"].includes(cmd.arg) ? "ok" : "error"),
	"+FTH": (sim, cmd) => hdlcCmd(sim, cmd, () => sim.startHdlcTransmit()),
	"+FRH": (sim, cmd) => hdlcCmd(sim, cmd, () => sim.startHdlcReceive()),
	"+FTM": (sim, cmd) => dataCmd(sim, cmd, (code) => sim.startDataTransmit(code)),
	"+FRM": (sim, cmd) => dataCmd(sim, cmd, (code) => sim.startDataReceive(code)),
	"+FTS": (sim, cmd) => waitCmd(sim, cmd, (ms) => sim.transmitSilence(ms)),
	"+FRS": (sim, cmd) => waitCmd(sim, cmd, (ms) => sim.receiveSilence(ms)),
};

function hdlcCmd(sim: ModemSimulator, cmd: AtCommand, start: () => HandlerResult): HandlerResult {
	if (sim.settings.fclass !== "1" && sim.settings.fclass !== "1.0") return "error";
	if (cmd.op === "test") {
		sim.info("3");
		return "done";
	}
	if (cmd.op !== "set" || cmd.arg !== "3") return "error";
	return start();
}

function dataCmd(sim: ModemSimulator, cmd: AtCommand, start: (code: number) => HandlerResult): HandlerResult {
	if (sim.settings.fclass !== "1" && sim.settings.fclass !== "1.0") return "error";
	if (cmd.op === "test") {
		sim.info(sim.rateList);
		return "done";
	}
	const code = Number(cmd.arg);
	if (cmd.op !== "set" || !/^\d+$/.test(cmd.arg) || !sim.rateCodes.includes(code)) return "error";
	return start(code);
}

async function waitCmd(sim: ModemSimulator, cmd: AtCommand, wait: (ms: number) => Promise<HandlerResult>): Promise<HandlerResult> {
	if (cmd.op === "test") {
		sim.info("0-255");
		return "done";
	}
	if (cmd.op !== "set" || !/^\d{1,3}$/.test(cmd.arg) || Number(cmd.arg) > 255) return "error";
	return wait(Number(cmd.arg) * 10);
}

/** The default handler table; `ModemSimulatorOptions.handlers` entries override or extend it. */
export const defaultHandlers: Readonly<Record<string, AtHandler>> = HANDLERS;

/** Handler lookup: exact name, then S-registers (accepted and stored, S0? answers 000). */
export function findHandler(table: Readonly<Record<string, AtHandler>>, name: string): AtHandler | undefined {
	if (table[name]) return table[name];
	if (/^S\d+$/.test(name)) return sRegister;
	return undefined;
}

const sRegister: AtHandler = (sim, cmd) => {
	const reg = Number(cmd.name.slice(1));
	if (cmd.op === "query") {
		sim.info(String(sim.settings.sregs[reg] ?? 0).padStart(3, "0"));
		return "done";
	}
	if (cmd.op === "set") {
		const v = Number(cmd.arg);
		if (!(v >= 0 && v <= 255)) return "error";
		sim.settings.sregs[reg] = v;
		return "ok";
	}
	return "ok"; // "S7" alone selects a register (V.250 legacy); nothing to do
};
