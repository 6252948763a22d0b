/**
 * Session parameter choice for the transmitter (T.30 §5.3.6.2.1, HylaFAX Class1Send sendPrepare /
 * dropToNextBR): which rates to try and in which order (the fallback ladder of class1.md §2.4), which page
 * format (width, resolution) and coding the far end's DIS allows, and the DCS that announces them.
 * Layer: t30 (pure).
 */
import { resolutionOf, type FaxPage, type FaxResolution } from "../core/bitmap.js";
import type { NegotiatedParams, Coding } from "../modem/FaxModem.js";
import { chooseWidth } from "../tiff/normalize.js";
import type { ModulationCode } from "../modem/Class1Link.js";
import {
	dcsMinScanCode,
	dcsMinScanMs,
	disMinScanMs,
	disRates,
	disResolutions,
	disWidths,
	emptyDis,
	type DisFields,
	type FaxWidth,
	type PageLength,
	type Rate,
} from "./dis.js";

/** What our side can and may do. */
export interface LocalCaps {
	/** +FTM codes the modem supports (AT+FTM=?) */
	transmitRates: readonly ModulationCode[];
	/** highest bit rate to use, bit/s (default 14400) */
	maxRate?: number;
	/** lowest bit rate before the call fails with TRAINING_FAILED, bit/s (default 2400) */
	minRate?: number;
	/** use T.4 2-D (MR) when the far end offers it (default true) */
	allowMr?: boolean;
	/** leave V.17 out when another modulation is common (destination with V.17 trouble, destinations.ts) */
	avoidV17?: boolean;
}

/**
 * The rates to try, fastest first: DIS ∩ modem ∩ [minRate, maxRate]. V.17 9600/7200 are dropped when V.29
 * offers the same speed ("some receivers give up after three failed TCFs", HylaFAX), so after V.17 12000
 * the ladder goes V.29 9600 -> 7200 -> V.27ter 4800 -> 2400 and never climbs back to V.17. With
 * `avoidV17`, V.17 is left out altogether unless nothing else is common (class1.md §2.4).
 */
export function rateLadder(dis: Pick<DisFields, "modemCode">, local: LocalCaps): Rate[] {
	const max = local.maxRate ?? 14400;
	const min = local.minRate ?? 2400;
	const usable = disRates(dis.modemCode).filter(
		(r) => r.bitRate <= max && r.bitRate >= min && local.transmitRates.includes(r.longTrain) && local.transmitRates.includes(r.shortTrain),
	);
	const others = usable.filter((r) => r.modulation !== "V.17");
	if (local.avoidV17 && others.length > 0) return others;
	return usable.filter((r) => !(r.modulation === "V.17" && r.bitRate <= 9600 && usable.some((o) => o.modulation === "V.29" && o.bitRate === r.bitRate)));
}

/** Index of the next slower rate in `ladder` after `index`, or undefined at the bottom. */
export function nextSlower(ladder: readonly Rate[], index: number): number | undefined {
	const cur = ladder[index];
	if (!cur) return undefined;
	const i = ladder.findIndex((r, j) => j > index && r.bitRate < cur.bitRate);
	return i < 0 ? undefined : i;
}

/** Width and resolution of a page as it will be sent. */
export interface PageFormat {
	width: FaxWidth;
	resolution: FaxResolution;
}

/** Resolution order for falling back when the far end lacks one. */
const RES_DOWN: Record<FaxResolution, FaxResolution[]> = {
	superfine: ["superfine", "fine", "standard"],
	fine: ["fine", "standard"],
	standard: ["standard"],
};

/** The format a page is sent in: its own resolution if the DIS accepts it (else the next lower), and the narrowest accepted width it fits. */
export function pageFormat(page: FaxPage, dis: Pick<DisFields, "fine" | "superfine" | "width255" | "width303">): PageFormat {
	const offered = disResolutions(dis);
	const resolution = RES_DOWN[resolutionOf(page.yRes)].find((r) => offered.includes(r)) ?? "standard";
	return { width: chooseWidth(page, disWidths(dis)), resolution };
}

export const sameFormat = (a: PageFormat, b: PageFormat): boolean => a.width === b.width && a.resolution === b.resolution;

/** Coding for non-ECM pages: MR when offered and allowed, else MH (MMR needs ECM, out of scope). */
const chooseCoding = (dis: Pick<DisFields, "twoD">, local: LocalCaps): Extract<Coding, "mh" | "mr"> => (dis.twoD && local.allowMr !== false ? "mr" : "mh");

/** MR K factor (T.4 §4.2.1.3.1): 2 at 3.85 l/mm, 4 at 7.7, 8 at 15.4. */
export const kFactor = (r: FaxResolution): number => (r === "standard" ? 2 : r === "fine" ? 4 : 8);

/** Everything a DCS announces. */
export interface SessionParams {
	rate: Rate;
	format: PageFormat;
	coding: "mh" | "mr";
	length: PageLength;
	/** scan-line time applied to the pages, ms (DCS value, ≥ the receiver's minimum) */
	minScanMs: number;
}

/** Choose the DCS parameters for a format at a rate. */
export function sessionParams(dis: DisFields, rate: Rate, format: PageFormat, local: LocalCaps): SessionParams {
	const length: PageLength = dis.lengthUnlimited ? "unlimited" : dis.lengthB4 ? "b4" : "a4";
	const minScanMs = dcsMinScanMs(dcsMinScanCode(disMinScanMs(dis, format.resolution)));
	return { rate, format, coding: chooseCoding(dis, local), length, minScanMs };
}

/** The DCS information field for `p` (T.30 Table 2, DCS column). */
export function dcsFields(p: SessionParams): DisFields {
	const d = emptyDis();
	d.t4Receiver = true; // bit 10: receiver shall receive a T.4 document
	d.modemCode = p.rate.dcsCode;
	d.fine = p.format.resolution === "fine";
	d.superfine = p.format.resolution === "superfine"; // bit 41 alone selects R8 x 15.4
	d.twoD = p.coding === "mr";
	d.width255 = p.format.width === 2048;
	d.width303 = p.format.width === 2432;
	d.lengthB4 = p.length === "b4";
	d.lengthUnlimited = p.length === "unlimited";
	d.minScanCode = dcsMinScanCode(p.minScanMs);
	return d;
}

/** The job-facing view of the parameters. */
export const negotiated = (p: SessionParams): NegotiatedParams => ({
	bitRate: p.rate.bitRate,
	modulation: p.rate.modulation,
	resolution: p.format.resolution,
	width: p.format.width,
	coding: p.coding,
	ecm: false,
	minScanLineMs: p.minScanMs,
});
