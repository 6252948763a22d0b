/**
 * Per-destination memory of the transmitter (class1.md §2.4, HylaFAX FaxMachineInfo `hasV17Trouble`):
 * what earlier calls to a number taught us, behind a small pluggable store (in memory by default; a job
 * layer can back it with a file or a database). Today one trait: V.17 trouble — the far end hung up with
 * DCN right after our first V.17 TCF, or answered FTT to V.17 training more than once in a call — after
 * which calls to that number leave V.17 out of the rate ladder (params.ts `rateLadder`, `avoidV17`).
 * Keys are the dialled number reduced to its digits (and * #), so "+1 (555) 0100" and "1-555-0100" meet.
 * Layer: t30 (pure apart from the store the caller supplies).
 */
import { dialDigits } from "../core/dialString.js";
import type { Rate } from "./dis.js";

/** What is remembered about one destination. */
export interface DestinationTraits {
	/** leave V.17 out of the ladder for this destination (class1.md §2.4) */
	v17Trouble?: boolean;
	/** why it was set, e.g. "DCN after the first V.17 TCF (14400)" */
	v17TroubleReason?: string;
	/** when it was set, ms since the Unix epoch */
	v17TroubleSince?: number;
}

/** Where destination traits live. Either method may be async; errors are traced, never fail a call. */
export interface DestinationStore {
	get(key: string): DestinationTraits | undefined | Promise<DestinationTraits | undefined>;
	set(key: string, traits: DestinationTraits): void | Promise<void>;
}

/** The default store: a Map, for the life of the process. */
export class MemoryDestinationStore implements DestinationStore {
	private readonly map = new Map<string, DestinationTraits>();
	get(key: string): DestinationTraits | undefined {
		const t = this.map.get(key);
		return t ? { ...t } : undefined;
	}
	set(key: string, traits: DestinationTraits): void {
		this.map.set(key, { ...traits });
	}
	/** Number of destinations remembered. */
	get size(): number {
		return this.map.size;
	}
}

/**
 * The store key of a dial string: its digits, * and # only (separators, "+", pauses and dial modifiers
 * dropped). Undefined when nothing is left (the call fails on the dial string anyway).
 */
export function destinationKey(number: string): string | undefined {
	const key = dialDigits(String(number));
	return key === "" ? undefined : key;
}

/** V.17 trainings of the current call, counted by the transmitter. */
export interface V17Tally {
	/** TCFs sent at a V.17 rate */
	tcfs: number;
	/** FTT replies to them */
	ftts: number;
}

/** FTTs at V.17 in one call that mark the destination (the ladder's two V.17 rates both failed). */
const V17_FTT_LIMIT = 2;

/**
 * After one training exchange: count it in `tally` and say whether it marks the destination as having
 * V.17 trouble (the reason) or not (undefined). `outcome` is the far end's answer to DCS + TCF.
 */
export function noteV17Training(tally: V17Tally, rate: Pick<Rate, "modulation" | "bitRate">, outcome: "CFR" | "FTT" | "DCN" | "other"): string | undefined {
	if (rate.modulation !== "V.17") return undefined;
	tally.tcfs++;
	if (outcome === "DCN" && tally.tcfs === 1) return `DCN after the first V.17 TCF (${rate.bitRate})`;
	if (outcome === "FTT" && ++tally.ftts === V17_FTT_LIMIT) return `FTT to V.17 training ${V17_FTT_LIMIT} times (last at ${rate.bitRate})`;
	return undefined;
}
