/**
 * Typed, composable fault injection for the modem simulator (issue 3 "Fault injection"). Each fault is
 * plain data; `FaultSet` keeps a use counter per fault so `times` limits apply, and `call` (1-based,
 * counted by ATD) restricts a fault to one call, e.g. BUSY on the first attempt only.
 *
 * Examples: `[{kind:"busy"}]`, `[{kind:"fttAbove", bitRate:9600}]`, `[{kind:"postPage", page:2,
 * response:"RTN", times:1}]`, `[{kind:"noReply", to:"MPS", times:3}]`, `[{kind:"vanish", page:1}]`.
 * Layer: hw-mocks.
 */

/** Frames the simulated far end sends, by T.30 name. */
export type FarFrameName = "NSF" | "CSI" | "DIS" | "CFR" | "FTT" | "MCF" | "RTN" | "RTP" | "PIN" | "PIP" | "CRP" | "DCN" | CallerFrameName;
/** Frames the simulated calling far end (FarEndCaller.ts) sends. */
export type CallerFrameName = "TSI" | "DCS" | "MPS" | "EOP" | "DCN";
/** Host frames the calling far end may answer with CRP. */
export type HostAnswerName = "DIS" | "CFR" | "FTT" | "MCF" | "RTN" | "RTP";
/** Post-page messages the host sends. */
export type PostPageName = "MPS" | "EOM" | "EOP";

interface Base {
	/** only on this call (1-based, counted by ATD); default every call */
	call?: number;
}

export type Fault = Base &
	(
		| { kind: "busy" } // ATD -> BUSY
		| { kind: "noAnswer" } // ATD -> NO ANSWER
		| { kind: "noDialtone" } // ATD -> NO DIALTONE
		| { kind: "noCarrier" } // ATD -> NO CARRIER (answered, but no fax tones)
		| { kind: "fttAbove"; bitRate: number } // FTT to any TCF faster than bitRate
		| { kind: "disAfterDcs"; times?: number } // answer TSI/DCS+TCF with NSF/CSI/DIS again, `times` times (default 1)
		| { kind: "postPage"; page: number; response: "RTN" | "RTP" | "PIN" | "PIP" | "CRP"; times?: number } // reply to the PPM of page N
		| { kind: "noReply"; to: PostPageName | "DCS" | "PPS"; page?: number; times?: number } // ignore that command `times` times (default 1); PPS = a lost PPS reply (ECM)
		| { kind: "badFcs"; frame: FarFrameName; times?: number } // deliver that far-end frame with a corrupt FCS (-> ERROR)
		| { kind: "fcError"; before: FarFrameName; times?: number } // +FRH=3 -> +FCERROR while that frame is the far end's next
		| { kind: "dcn"; after: "dis" | "dcs" | "tcf" | "mps" | "eop" | "pps"; page?: number } // far end sends DCN right after its DIS, or instead of its reply (to DCS: collides with the TCF; pps: to an ECM PPS)
		| { kind: "connectEarly"; notReadyMs?: number } // +FTM CONNECT at once; data sent within notReadyMs (line ms, default 400) of it is lost
		| { kind: "error"; command: string; times?: number } // ERROR to a command, e.g. "+FCLASS=1" (prefix match, no "AT")
		| { kind: "silent"; command: string; nth?: number } // stop answering from the nth (default 1st) command matching
		| { kind: "vanish"; page: number; afterBytes?: number } // the port disappears mid-page (after N data bytes, default 1024)
		// ECM (T.30 Annex A), pages 1-based, blocks 0-based as the PPS counts them:
		| { kind: "ecmCorrupt"; from: number; to?: number; page?: number; block?: number; aboveBitRate?: number; times?: number } // FCD frames from..to arrive with a bad FCS in `times` bursts (default 1) -> PPR; times=999: the block never gets through -> CTC, then EOR; aboveBitRate: only while faster than that
		| { kind: "rnr"; seconds: number; page?: number } // answer a PPS with RNR, and RR with RNR, for `seconds` of line time (one episode)
		| { kind: "pprPhantom"; frame: number; page?: number; times?: number } // answer a complete block's PPS with a PPR naming a frame never sent (default once)
		| { kind: "ecmLostBurst"; page?: number; times?: number } // a burst's training is missed: nothing of it arrives, and the far end answers the PPS with DIS (back to phase B, as SpanDSP does when its T2 runs out)
		// the calling far end (sim --call, FarEndCaller.ts):
		| { kind: "badPage"; page: number; fraction?: number; times?: number } // damage rows of page N (middle `fraction` of its data, default 0.5) on its first sending
		| { kind: "hangup"; page: number; when?: "mid" | "after" } // the caller hangs up in the middle of page N (default) or after its answer, without DCN
		| { kind: "noDcs"; times?: number } // the caller answers the host's DIS with nothing, every DIS unless `times` (the host must end on T1)
		| { kind: "crp"; to: HostAnswerName; times?: number } // the caller answers that host frame with CRP
	);

export type FaultKind = Fault["kind"];
export type FaultOf<K extends FaultKind> = Extract<Fault, { kind: K }>;

/** Use counters over a list of faults. */
export class FaultSet {
	private readonly used = new Map<Fault, number>();
	constructor(readonly faults: readonly Fault[] = []) {}

	/** Faults of a kind that apply to call `call` and still have uses left (`times`, default 1 where it applies). */
	active<K extends FaultKind>(kind: K, call: number): FaultOf<K>[] {
		return this.faults.filter((f): f is FaultOf<K> => f.kind === kind && (f.call === undefined || f.call === call) && this.left(f) > 0);
	}

	/** The first active fault of `kind` matching `pred`, consuming one use. */
	take<K extends FaultKind>(kind: K, call: number, pred: (f: FaultOf<K>) => boolean = () => true): FaultOf<K> | undefined {
		const f = this.active(kind, call).find(pred);
		if (f) this.used.set(f, (this.used.get(f) ?? 0) + 1);
		return f;
	}

	/** Is there an active fault of `kind` matching `pred` (nothing consumed)? */
	has<K extends FaultKind>(kind: K, call: number, pred: (f: FaultOf<K>) => boolean = () => true): FaultOf<K> | undefined {
		return this.active(kind, call).find(pred);
	}

	private left(f: Fault): number {
		const times = "times" in f && f.times !== undefined ? f.times : limitless.has(f.kind) ? Infinity : 1;
		return times - (this.used.get(f) ?? 0);
	}
}

/** Kinds that fire every time they match unless `times` is given. */
const limitless = new Set<FaultKind>(["busy", "noAnswer", "noDialtone", "noCarrier", "fttAbove", "dcn", "connectEarly", "silent", "vanish", "hangup", "noDcs"]);

/**
 * Parse a CLI fault spec: `kind[:key=value,...]`, e.g. `busy`, `fttAbove:bitRate=9600`,
 * `postPage:page=2,response=RTN,times=1`, `noReply:to=EOP,times=3`. Throws Error on a bad spec.
 */
export function parseFaultSpec(spec: string): Fault {
	const [kind, rest] = spec.split(":", 2) as [string, string | undefined];
	const known: FaultKind[] = ["busy", "noAnswer", "noDialtone", "noCarrier", "fttAbove", "disAfterDcs", "postPage", "noReply", "badFcs", "fcError", "dcn", "connectEarly", "error", "silent", "vanish", "ecmCorrupt", "rnr", "pprPhantom", "ecmLostBurst", "badPage", "hangup", "noDcs", "crp"];
	if (!known.includes(kind as FaultKind)) throw new Error(`unknown fault '${kind}' (known: ${known.join(", ")})`);
	const f: Record<string, string | number> = { kind };
	for (const kv of (rest ?? "").split(",").filter(Boolean)) {
		const i = kv.indexOf("=");
		if (i <= 0) throw new Error(`fault option '${kv}' is not key=value`);
		const k = kv.slice(0, i);
		const v = kv.slice(i + 1);
		f[k] = /^\d+(\.\d+)?$/.test(v) ? Number(v) : v;
	}
	return f as unknown as Fault;
}
