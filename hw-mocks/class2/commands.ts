/**
 * The Class 2 / 2.0 command layer of the simulated modem, beside the T.31 one (atCommands.ts): a
 * handler table per dialect built from dialect.ts names. Parameters follow V.250 extended syntax
 * (`=v` set, `?` read -> `+NAME:v`, `=?` ranges). T.32 §8.5 (2.0) and SP-2388 §8 (2) list them:
 * session capabilities (+FCC/+FDCC), wanted session (+FIS/+FDIS), current session (+FCS/+FDCS,
 * read-only), ids (+FLI/+FLID, +FPI/+FCIG), reporting (+FNR, +FIE), bit order (+FBO/+FBOR), copy quality
 * (+FCQ, +FRQ), answering (+FAA, +FCR), timeouts and floors (+FIT, +FMS/+FMINSP), flow control (+FLO),
 * page status (+FPS/+FPTS), hang-up status (+FHS/+FHNG); actions +FDT, +FET (Class 2 send: post-page),
 * +FDR (no incoming call is simulated: ERROR), +FKS/+FK. Unknown T.32 optional parameters with a
 * plain numeric value (+FPP, +FCT, +FAP, +FEA, +FPR, +FBU, +FCTCRTY, +FPHCTO, +FBUG...) are accepted
 * and stored, as most firmware does. Layer: hw-mocks.
 */
import type { AtCommand } from "../atCommands.js";
import type { Class2Simulator } from "./Class2Simulator.js";
import type { SimDialect } from "./dialect.js";
import { PARAM_RANGES, applyParams, formatParams } from "./sessionParams.js";

type Result = "ok" | "error" | "done" | "online";
export type Class2Handler = (sim: Class2Simulator, cmd: AtCommand) => Result | Promise<Result>;

/** A stored parameter with a test reply and a validator. */
function param(name: string, range: string, valid: (v: string) => boolean): Class2Handler {
	return (sim, cmd) => {
		if (!sim.inFaxClass) return "error";
		if (cmd.op === "test") return sim.info(range), "done";
		if (cmd.op === "query") return sim.info(`${name}:${sim.params[name] ?? "0"}`), "done";
		if (cmd.op !== "set" || !valid(cmd.arg)) return "error";
		sim.params[name] = cmd.arg;
		return "ok";
	};
}

const num = (max: number) => (v: string) => /^\d+$/.test(v) && Number(v) <= max;
const list = (maxes: number[]) => (v: string) => {
	const p = v.split(",");
	return p.length <= maxes.length && p.every((x, i) => x.trim() === "" || (/^\d+$/.test(x.trim()) && Number(x) <= maxes[i]!));
};
/** T.32 §8.5.1.5: an id string of up to 20 printable characters, quoted (some DTEs omit the quotes). */
const idString = (v: string) => /^"[\x20-\x7e]{0,20}"$/.test(v) || /^[\x20-\x21\x23-\x7e]{0,20}$/.test(v);
const unquote = (v: string) => v.replace(/^"(.*)"$/, "$1");

export function class2Handlers(d: SimDialect): Record<string, Class2Handler> {
	const h: Record<string, Class2Handler> = {};
	// session parameters
	h[d.caps] = (sim, cmd) => {
		if (!sim.inFaxClass) return "error";
		if (cmd.op === "test") return sim.info(PARAM_RANGES), "done";
		if (cmd.op === "query") return sim.info(`${d.caps}:${formatParams(sim.caps)}`), "done";
		const p = cmd.op === "set" ? applyParams(sim.caps, cmd.arg) : undefined;
		if (!p) return "error";
		sim.caps = p;
		// SP-2388 7.5.1 (Rockwell): "When +FDCC is modified by the DTE, the DCE copies +FDCC into +FDIS"; T.32 +FCC likewise
		sim.want = { ...p };
		return "ok";
	};
	h[d.dis] = (sim, cmd) => {
		if (!sim.inFaxClass) return "error";
		if (cmd.op === "test") return sim.info(PARAM_RANGES), "done";
		if (cmd.op === "query") return sim.info(`${d.dis}:${formatParams(sim.want)}`), "done";
		const p = cmd.op === "set" ? applyParams(sim.want, cmd.arg, sim.caps) : undefined;
		if (!p) return "error";
		sim.want = p;
		return "ok";
	};
	h[d.dcs] = (sim, cmd) => {
		if (!sim.inFaxClass || cmd.op === "set") return "error";
		if (cmd.op === "test") return sim.info(PARAM_RANGES), "done";
		sim.info(`${d.dcs}:${formatParams(sim.session ?? sim.want)}`);
		return "done";
	};
	// ids
	for (const name of [d.localId, d.pollId]) {
		h[name] = (sim, cmd) => {
			if (!sim.inFaxClass) return "error";
			if (cmd.op === "test") return sim.info("(20)(32-127)"), "done";
			if (cmd.op === "query") return sim.info(`${name}:"${sim.params[name] ?? ""}"`), "done";
			if (cmd.op !== "set" || !idString(cmd.arg)) return "error";
			sim.params[name] = unquote(cmd.arg);
			return "ok";
		};
	}
	h[d.bitOrder] = param(d.bitOrder, "(0-3)", num(3));
	h[d.minSpeed] = param(d.minSpeed, "(0-5)", num(5));
	h["+FNR"] = param("+FNR", "(0,1),(0,1),(0,1),(0,1)", list([1, 1, 1, 1]));
	h["+FIE"] = param("+FIE", "(0,1)", num(1));
	h["+FCQ"] = param("+FCQ", "(0-2),(0-2)", list([2, 2]));
	h["+FRQ"] = param("+FRQ", "(0-64),(0-FF)", (v) => /^[\dA-Fa-f]*(,[\dA-Fa-f]*)?$/.test(v));
	h["+FAA"] = param("+FAA", "(0,1)", num(1));
	h["+FCR"] = param("+FCR", "(0,1)", num(1));
	h["+FIT"] = param("+FIT", "(0-255),(0,1)", list([255, 1]));
	h["+FLO"] = param("+FLO", "(0-2)", num(2));
	h["+FBU"] = param("+FBU", "(0,1)", num(1));
	h["+FPP"] = param("+FPP", "(0)", num(0));
	h["+FAP"] = param("+FAP", "(0,1),(0,1),(0,1)", list([1, 1, 1]));
	h[d.pageStatus] = (sim, cmd) => {
		if (!sim.inFaxClass) return "error";
		if (cmd.op === "test") return sim.info("(1-5)"), "done";
		if (cmd.op === "query") return sim.info(`${d.pageStatus}:${sim.pageStatus}`), "done";
		if (cmd.op !== "set" || !num(5)(cmd.arg)) return "error";
		sim.pageStatus = Number(cmd.arg);
		return "ok";
	};
	h[d.hangupReport] = (sim, cmd) => {
		if (!sim.inFaxClass || cmd.op !== "query") return cmd.op === "test" ? "ok" : "error";
		sim.info(`${d.hangupReport}:${d.name === "2.0" ? d.hangupCode(sim.hangupStatus) : String(sim.hangupStatus)}`);
		return "done";
	};
	// actions
	h["+FDT"] = (sim, cmd) => {
		if (cmd.op === "test") return "ok";
		if (cmd.op === "set") {
			// +FDT=df,vr,wd,ln (SP-2388 and T.32 §8.3.3 optional form): update the wanted session first
			const [df, vr, wd, ln] = cmd.arg.split(",");
			const p = applyParams(sim.want, [vr ?? "", "", wd ?? "", ln ?? "", df ?? ""].join(","), sim.caps);
			if (!p) return "error";
			sim.want = p;
		}
		return sim.transmitPage();
	};
	h["+FET"] = (sim, cmd) => (d.pageEnd === "fet" && cmd.op === "set" ? sim.postPageCommand(cmd.arg) : "error");
	h["+FDR"] = (sim, cmd) => (cmd.op === "exec" ? sim.receiveData() : "error");
	h[d.abort] = (sim) => sim.abortSession();
	h["D"] = (sim, cmd) => sim.dial(cmd.arg);
	h["A"] = (sim) => sim.answerCall();
	// SP-2388 identity queries (+FMFR?, +FMDL?, +FREV?); T.32 uses +FMI/+FMM/+FMR (atCommands.ts)
	const ident = (k: "manufacturer" | "model" | "revision"): Class2Handler => (sim, cmd) => (cmd.op === "test" ? "ok" : (sim.info(sim.identity[k]), "done"));
	h["+FMFR"] = ident("manufacturer");
	h["+FMDL"] = ident("model");
	h["+FREV"] = ident("revision");
	// Class 1 commands are not there in Class 2 mode
	for (const c of ["+FTH", "+FRH", "+FTM", "+FRM", "+FTS", "+FRS"]) h[c] = () => "error";
	// optional parameters other firmware accepts: stored, read back
	for (const c of ["+FCT", "+FEA", "+FPR", "+FLP", "+FSP", "+FNS", "+FPA", "+FSA", "+FPW", "+FBUG", "+FCTCRTY", "+FPHCTO", "+FECM", "+FBADLIN", "+FBADMUL", "+FREL", "+FTBC", "+FRBC", "+FWDFC", "+FVRFC", "+FLNFC", "+FDFFC", "+FSPL", "+FLPL", "+FAXERR", "+FBS", "+FBUF", "+FDD"]) {
		h[c] ??= param(c, "(0-255)", (v) => /^[\w",. -]*$/.test(v));
	}
	return h;
}
