/**
 * The DIS we offer as the called terminal (T.30 §5.3.6.2.1 Table 2, DIS column; sent after CSI in
 * phase B, Figure 5-2a node "R"), and the check of the caller's DCS against it (T.30 §5.3.6.2.1: a DCS
 * must select only what the DIS offered; SpanDSP t30.c process_rx_dcs, HylaFAX Class1Recv
 * recvDCSFrames). The rates offered are what the modem can receive (AT+FRM=?): the DIS bits 11-14 name
 * modulation sets, so V.17 is offered only with its long- and short-train codes.
 * Layer: t30, pure.
 */
import type { FaxResolution } from "../core/bitmap.js";
import type { ModulationCode } from "../modem/Class1Link.js";
import { RATES, dcsRate, dcsResolution, dcsWidth, disRates, disResolutions, disWidths, emptyDis, pageLength, type DisFields, type FaxWidth, type PageLength, type Rate } from "./dis.js";

/** What we accept as a receiver. */
export interface ReceiveCaps {
	/** +FRM codes the modem supports (AT+FRM=?) */
	receiveRates: readonly ModulationCode[];
	/** highest bit rate offered, bit/s; default 14400 */
	maxRate?: number;
	/** resolutions accepted; default all three (standard always) */
	resolutions?: readonly FaxResolution[];
	/** widest page accepted; default 2432 (A3, so A4/B4/A3 are all accepted) */
	maxWidth?: FaxWidth;
	/** longest page accepted; default "unlimited" */
	maxLength?: PageLength;
	/** T.4 2-D (MR) accepted; default true */
	mr?: boolean;
	/** ECM offered; default false (needs the ECM framing) */
	ecm?: boolean;
	/** T.6 (MMR) offered; only with ECM (T.30 Table 2 note: T.6 requires ECM); default = ecm */
	mmr?: boolean;
}

/** DIS bits 11-14 for a set of receivable rates (T.30 Table 2: 0x4 V.27ter, 0xC +V.29, 0xD +V.17). */
function modemCodeFor(rates: readonly Rate[]): number {
	const has = (m: Rate["modulation"]) => rates.some((r) => r.modulation === m);
	if (has("V.17") && has("V.29")) return 0xd;
	if (has("V.29")) return has("V.27ter") && rates.some((r) => r.bitRate === 4800) ? 0xc : 0x8;
	return rates.some((r) => r.bitRate === 4800) ? 0x4 : 0x0;
}

/** The rates we can receive (long-train code usable for TCF and short-train for pages), fastest first. */
export function receivableRates(caps: ReceiveCaps): Rate[] {
	const max = caps.maxRate ?? 14400;
	return RATES.filter((r) => r.bitRate <= max && caps.receiveRates.includes(r.longTrain) && caps.receiveRates.includes(r.shortTrain));
}

/** Build the DIS FIF fields we send. */
export function answerDis(caps: ReceiveCaps): DisFields {
	const d = emptyDis();
	d.t4Receiver = true;
	d.modemCode = modemCodeFor(receivableRates(caps));
	const res = caps.resolutions ?? ["standard", "fine", "superfine"];
	d.fine = res.includes("fine");
	d.superfine = res.includes("superfine");
	d.twoD = caps.mr ?? true;
	const w = caps.maxWidth ?? 2432;
	d.width303 = w === 2432;
	d.width255 = w === 2048;
	const len = caps.maxLength ?? "unlimited";
	d.lengthUnlimited = len === "unlimited";
	d.lengthB4 = len === "b4";
	d.ecm = caps.ecm ?? false;
	d.t6 = d.ecm && (caps.mmr ?? d.ecm);
	d.minScanCode = 7; // 0 ms: the host decodes, no scan-line time needed (T.30 Table 2 bits 21-23 = 1,1,1)
	d.inchPreferred = false;
	d.metricPreferred = true;
	return d;
}

/** A DCS read against our DIS. */
export type DcsCheck =
	| { ok: true; rate: Rate; resolution: FaxResolution; width: FaxWidth; length: PageLength; coding: "mh" | "mr" | "mmr"; ecm: boolean; ecmFrameSize: 64 | 256 }
	| { ok: false; reason: string };

/** Is this DCS acceptable under the DIS we sent? (rate, width, resolution, coding, ECM; T.30 §5.3.6.2.1) */
export function checkDcs(dcs: DisFields, dis: DisFields, caps: ReceiveCaps): DcsCheck {
	if (!dcs.t4Receiver) return { ok: false, reason: "DCS without the receive bit (bit 10)" };
	const rate = dcsRate(dcs.modemCode);
	if (!rate) return { ok: false, reason: `DCS rate code 0x${dcs.modemCode.toString(16)} is V.33 or reserved` };
	const ours = receivableRates(caps);
	if (!disRates(dis.modemCode).some((r) => r.dcsCode === rate.dcsCode) || !ours.some((r) => r.dcsCode === rate.dcsCode))
		return { ok: false, reason: `${rate.modulation} ${rate.bitRate} was not offered` };
	const resolution = dcsResolution(dcs);
	if (!disResolutions(dis).includes(resolution)) return { ok: false, reason: `${resolution} resolution was not offered` };
	const width = dcsWidth(dcs);
	if (!disWidths(dis).includes(width)) return { ok: false, reason: `width ${width} was not offered` };
	const length = pageLength(dcs);
	const order: PageLength[] = ["a4", "b4", "unlimited"];
	if (order.indexOf(length) > order.indexOf(pageLength(dis))) return { ok: false, reason: `length ${length} was not offered` };
	if (dcs.ecm && !dis.ecm) return { ok: false, reason: "ECM was not offered" };
	if (dcs.t6 && !(dis.t6 && dcs.ecm)) return { ok: false, reason: "T.6 (MMR) needs ECM and was not offered" };
	if (dcs.twoD && !dcs.t6 && !dis.twoD) return { ok: false, reason: "2-D coding was not offered" };
	const coding = dcs.t6 ? "mmr" : dcs.twoD ? "mr" : "mh";
	return { ok: true, rate, resolution, width, length, coding, ecm: dcs.ecm, ecmFrameSize: dcs.ecmFrame64 ? 64 : 256 };
}
