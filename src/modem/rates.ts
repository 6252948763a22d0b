/**
 * T.31 modulation codes (T.31 Table 2): bit rates, modulation names, training lengths, and parsing of
 * the AT+FTM=? / AT+FRM=? capability replies ("24,48,72,96", ELSA-style "(24,48)", "+FTM: ...",
 * ranges "24-96" are not used by any modem we know and are ignored). Layer: modem (pure).
 */
import type { ModulationCode } from "./Class1Link.js";

export interface Modulation {
	code: ModulationCode;
	bitRate: number;
	name: "V.27ter" | "V.29" | "V.17";
	/** V.17 long (TCF) or short (page) train; undefined for V.27ter/V.29. */
	train?: "long" | "short";
}

export const MODULATIONS: Readonly<Record<ModulationCode, Modulation>> = {
	24: { code: 24, bitRate: 2400, name: "V.27ter" },
	48: { code: 48, bitRate: 4800, name: "V.27ter" },
	72: { code: 72, bitRate: 7200, name: "V.29" },
	73: { code: 73, bitRate: 7200, name: "V.17", train: "long" },
	74: { code: 74, bitRate: 7200, name: "V.17", train: "short" },
	96: { code: 96, bitRate: 9600, name: "V.29" },
	97: { code: 97, bitRate: 9600, name: "V.17", train: "long" },
	98: { code: 98, bitRate: 9600, name: "V.17", train: "short" },
	121: { code: 121, bitRate: 12000, name: "V.17", train: "long" },
	122: { code: 122, bitRate: 12000, name: "V.17", train: "short" },
	145: { code: 145, bitRate: 14400, name: "V.17", train: "long" },
	146: { code: 146, bitRate: 14400, name: "V.17", train: "short" },
};

const isModulationCode = (n: number): n is ModulationCode => Object.prototype.hasOwnProperty.call(MODULATIONS, n);

/**
 * Training time before data flows, ms: V.27ter 4800 ~ 708 ms / 2400 ~ 943 ms, V.29 ~ 253 ms,
 * V.17 long ~ 1393 ms, short ~ 142 ms (V.27ter §2.5, V.29 §4, V.17 Table 3; rounded up).
 */
export function trainingMs(code: ModulationCode): number {
	const m = MODULATIONS[code];
	if (m.name === "V.27ter") return m.bitRate === 2400 ? 950 : 710;
	if (m.name === "V.29") return 260;
	return m.train === "long" ? 1400 : 150;
}

/**
 * Parse a rate-list reply or a profile override ("!24,48,72,96"). Unknown codes are dropped; the
 * result is sorted and unique. Returns [] when nothing usable is found.
 */
export function parseRateList(text: string): ModulationCode[] {
	let s = text.trim();
	if (s.startsWith("!")) s = s.slice(1);
	s = s.replace(/^\+F[TR]M\s*:\s*/i, "").replace(/[()"\s]/g, "");
	const out = new Set<ModulationCode>();
	for (const part of s.split(",")) {
		if (!/^\d+$/.test(part)) continue;
		const n = Number(part);
		if (isModulationCode(n)) out.add(n);
	}
	return [...out].sort((a, b) => a - b);
}

/** Parse the AT+FCLASS=? reply ("0,1,1.0,2" or "(0,1,2)") into class names. */
export function parseClassList(text: string): string[] {
	return text
		.replace(/^\+FCLASS\s*:\s*/i, "")
		.replace(/[()"\s]/g, "")
		.split(",")
		.filter((x) => /^\d+(\.\d+)?$/.test(x));
}
