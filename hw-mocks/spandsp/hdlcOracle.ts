/**
 * SpanDSP's own HDLC (hdlc_tx / hdlc_rx of libspandsp 0.0.6, via tools/hdlc_oracle.c built by build.sh) as
 * an independent oracle for faxline's software HDLC (src/hdlc/framer.ts, deframer.ts). Octets are in
 * Class 1 line order (first bit on the line = LSB). Layer: hw-mocks (tests only).
 */
import { execFileSync } from "node:child_process";
import { join } from "node:path";
import { buildPeer } from "./SpanDspPeer.js";

const hex = (b: Uint8Array): string => Buffer.from(b).toString("hex");

let bin: string | undefined;

/** Build the oracle (and the peer) if needed; resolves the oracle's path. */
export async function buildHdlcOracle(): Promise<string> {
	const peer = await buildPeer();
	bin = join(peer, "..", "hdlc-oracle");
	return bin;
}

function oracle(): string {
	if (!bin) throw new Error("call buildHdlcOracle() first");
	return bin;
}

/** SpanDSP's bit stream for `frames` after `leadingFlags` flags (it ends with a few idle flags). */
export function spandspFrame(frames: readonly Uint8Array[], leadingFlags = 1): Uint8Array {
	const input = [String(leadingFlags), ...frames.map(hex)].join("\n") + "\n";
	return Buffer.from(execFileSync(oracle(), ["tx"], { input, maxBuffer: 64 << 20 }).toString().trim(), "hex");
}

export type OracleEvent = { kind: "ok" | "bad"; frame: Uint8Array } | { kind: "abort" };

/** What SpanDSP's deframer makes of a bit stream. */
export function spandspDeframe(stream: Uint8Array): OracleEvent[] {
	const out = execFileSync(oracle(), ["rx"], { input: hex(stream) + "\n", maxBuffer: 64 << 20 }).toString();
	return out
		.split("\n")
		.filter(Boolean)
		.map((l): OracleEvent => {
			if (l === "abort") return { kind: "abort" };
			const [k, h] = l.split(" ");
			return { kind: k === "ok" ? "ok" : "bad", frame: Buffer.from(h ?? "", "hex") };
		});
}
