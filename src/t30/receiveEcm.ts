/**
 * Phase C/D of the answerer under ECM (T.30 Annex A; T.4 Annex A frames; SpanDSP t30.c
 * process_rx_pps / send_response_to_pps): each partial page arrives as HDLC frames inside the +FRM
 * data (FCD frames "FF 03 06 <frame#> <data>", closed by RCP), deframed in software (hdlc/deframer.ts);
 * the caller's PPS-<PPM> (FIF: PPM, page, block, frames - 1) is answered MCF when every frame of the
 * block is in, else PPR with the 256-bit map of frames to resend (bit i of octet i/8 = frame i, as
 * SpanDSP builds it); the frame count is taken as the largest seen for the block (bursts of resent frames
 * may announce fewer). CTC is answered CTR (the caller continues, possibly at another rate), EOR with
 * ERR (the block is given up). A page ends with PPS-MPS/EOM/EOP: its blocks go to the sink in order.
 * Layer: t30.
 */
import { FaxError } from "../core/FaxError.js";
import { HdlcDeframer } from "../hdlc/deframer.js";
import type { Class1Link, ModulationCode } from "../modem/Class1Link.js";
import type { PageResult, ReceivedPageWriter, ReceiveSink, NegotiatedParams } from "../modem/FaxModem.js";
import { T4Decoder } from "../t4/index.js";
import type { OutFrame, RxContext } from "./context.js";
import { dcsRate, parseDis } from "./dis.js";
import { Fcf, fcfName } from "./fcf.js";
import { postPageCommand, type PostPageCommand } from "./receiveDecisions.js";
import { MAX_COMMAND_TRIES } from "./timers.js";

const FCD = 0x06;
const RCP = 0x86;

export interface EcmPageContext {
	ctx: RxContext;
	link: Class1Link;
	sink: ReceiveSink;
	params: NegotiatedParams;
	mod: ModulationCode;
	page: number;
	/** answer a command (remembered for CRP) */
	respond(frames: OutFrame[]): Promise<void>;
	/** receive a command sequence */
	hear(timeoutMs: number): Promise<{ kind: "frames"; frames: { fcf: number; fif: Uint8Array }[] } | { kind: "timeout" | "bad" | "noCarrier" | "fcError" }>;
}

export interface EcmPageResult {
	ppm: PostPageCommand;
	rows: number;
	badRows: number;
	bytes: number;
	/** frames asked again with PPR over the page */
	pprs: number;
	/** the caller gave up a block (EOR): the page has holes */
	incomplete: boolean;
}

/** Receive one ECM page (all its blocks) and hand it to the sink; resolves after our MCF to its PPS-<PPM>. */
export async function receiveEcmPage(e: EcmPageContext): Promise<EcmPageResult> {
	const { ctx, link } = e;
	const blocks: Uint8Array[] = [];
	let frames = new Map<number, Uint8Array>();
	let count = -1;
	let pprs = 0;
	let incomplete = false;
	let tries = 0;
	const deframer = new HdlcDeframer({ maxLength: 4 + 256 });
	let mod = e.mod;
	let nextMod = e.mod;
	for (;;) {
		ctx.enter("C", "F_DOC_ECM");
		deframer.reset();
		const got = await link.receiveData(mod, (chunk) => {
			for (const ev of deframer.push(chunk)) {
				if (ev.kind !== "frame" || ev.frame.length < 3) continue;
				if (ev.frame[2] === FCD && ev.frame.length >= 4) frames.set(ev.frame[3]!, ev.frame.slice(4));
				else if (ev.frame[2] === RCP) continue;
			}
		}, ctx.timers.T2, ctx.signal);
		mod = nextMod;
		if (got.kind === "noCarrier") throw new FaxError("CARRIER_LOST", `NO CARRIER during ECM page ${e.page}`, { context: { page: e.page } });
		if (got.kind === "data") ctx.tracer.trace("info", "rx", `ECM burst: ${frames.size} frame(s) held, deframer ${JSON.stringify(deframer.stats)}`);
		ctx.enter("D", "F_POST_DOC_ECM");
		const heard = await e.hear(ctx.timers.T2);
		if (heard.kind === "noCarrier") throw new FaxError("CARRIER_LOST", `the caller hung up during ECM page ${e.page}`);
		if (heard.kind !== "frames") {
			if (++tries >= MAX_COMMAND_TRIES) throw new FaxError("RX_T2_TIMEOUT", `no PPS after ECM data (page ${e.page})`);
			continue;
		}
		tries = 0;
		const last = heard.frames.at(-1)!;
		const name = fcfName(last.fcf);
		if (name === "DCN") throw new FaxError("REMOTE_DCN", `the caller disconnected during ECM page ${e.page}`);
		if (name === "CTC") {
			// continue to correct, maybe at another rate (FIF bits 11-14 as in DCS); the first burst after
			// CTC is sent with long training (T.30 §5 note 5), later ones short again
			const rate = dcsRate(parseDis(last.fif).modemCode);
			if (rate) {
				mod = rate.longTrain;
				nextMod = rate.shortTrain;
			}
			await e.respond([{ fcf: Fcf.CTR }]);
			continue;
		}
		if (name === "RR") {
			await e.respond(frames.size >= count && count >= 0 ? [{ fcf: Fcf.MCF }] : [{ fcf: Fcf.PPR, fif: pprMap(frames, Math.max(count, 0)) }]);
			continue;
		}
		const isPps = name === "PPS";
		const isEor = name === "EOR";
		if (!isPps && !isEor) {
			ctx.tracer.trace("info", "-", `unexpected ${name ?? last.fcf} during ECM page ${e.page}`);
			continue;
		}
		const fif = last.fif;
		const ppmFcf = fif[0] ?? 0;
		const n = fif.length >= 4 ? (fif[3]! + 1) & 0xff : 0;
		if (n > count) count = n === 0 && frames.size > 0 ? frames.size : n;
		const missing = [...Array(Math.max(count, 0)).keys()].filter((i) => !frames.has(i));
		if (isPps && missing.length > 0) {
			pprs++;
			ctx.tracer.trace("info", "rx", `PPS page ${e.page}: ${missing.length} of ${count} frames missing -> PPR`);
			ctx.enter("D", "F_POST_RCP_PPR");
			await e.respond([{ fcf: Fcf.PPR, fif: pprMap(frames, count) }]);
			continue;
		}
		if (isEor) {
			incomplete = missing.length > 0;
			await e.respond([{ fcf: Fcf.ERR }]);
		}
		// the block is complete (or given up): keep it in order
		blocks.push(concat([...Array(Math.max(count, 0)).keys()].map((i) => frames.get(i) ?? new Uint8Array(0))));
		frames = new Map();
		count = -1;
		const ppm = ppmFcf === 0 ? undefined : postPageCommand(fcfName(ppmFcf));
		if (!ppm) {
			if (isPps) {
				ctx.enter("D", "F_POST_RCP_MCF");
				await e.respond([{ fcf: Fcf.MCF }]);
			}
			continue; // PPS-NULL: more blocks of this page follow
		}
		const data = concat(blocks);
		const dec = decodeRows(data, e.params);
		ctx.emit({ type: "pageReceiving", page: e.page });
		const writer: ReceivedPageWriter = await e.sink.beginPage({ page: e.page, params: e.params });
		await writer.write(data);
		const result: PageResult = incomplete ? "RTN" : "MCF";
		await writer.end({ result, confirmed: !incomplete, rows: dec.rows, badRows: dec.bad });
		if (isPps) {
			ctx.enter("D", "F_POST_RCP_MCF");
			await e.respond([{ fcf: Fcf.MCF }]);
		}
		return { ppm, rows: dec.rows, badRows: dec.bad, bytes: data.length, pprs, incomplete };
	}
}

/** PPR FIF: 256 bits, 1 = frame i to be resent (octet i/8, bit i%8), frames 0..count-1. */
function pprMap(frames: Map<number, Uint8Array>, count: number): Uint8Array {
	const map = new Uint8Array(32);
	for (let i = 0; i < count; i++) if (!frames.has(i)) map[i >> 3]! |= 1 << (i & 7);
	return map;
}

function decodeRows(data: Uint8Array, p: NegotiatedParams): { rows: number; bad: number } {
	const dec = new T4Decoder({ coding: p.coding, width: p.width, bitOrder: "lsb" });
	let rows = 0;
	try {
		dec.pushRows(data, () => void rows++);
		const s = dec.finishRows(() => void rows++);
		return { rows, bad: s.badLines };
	} catch {
		return { rows, bad: dec.stats().badLines };
	}
}

function concat(parts: Uint8Array[]): Uint8Array {
	const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
	let o = 0;
	for (const p of parts) {
		out.set(p, o);
		o += p.length;
	}
	return out;
}
