/**
 * Readable form of a simulator transcript (AtDce.transcript: every byte both ways, stamped in line ms):
 * text lines as typed/answered, DLE-framed blocks and data as a byte count with their first octets,
 * e.g. `  1234.5 host  AT+FTH=3` / `  1234.9 modem CONNECT` / `  1240.1 host  [frame 7 B] ff 13 83 ...`.
 * For debugging failed end-to-end tests and for `faxline sim` users. Layer: hw-mocks (pure).
 */
import { hex as hexOf } from "../src/core/bytes.js";
import type { TranscriptEntry } from "./records.js";

const printable = (b: Buffer): boolean => b.every((x) => x === 0x0d || x === 0x0a || (x >= 0x20 && x < 0x7f));

/**
 * One line per text line (echoed characters and split writes joined; binary as `[n B] hex...`),
 * stamped with the time its first byte was seen. `last` keeps the tail only.
 */
export function formatTranscript(entries: readonly TranscriptEntry[], opts: { last?: number; hexBytes?: number } = {}): string {
	const out: string[] = [];
	const hexBytes = opts.hexBytes ?? 12;
	let cur: { dir: TranscriptEntry["dir"]; t: number; text: string } | undefined;
	const stamp = (t: number, dir: TranscriptEntry["dir"]) => `${t.toFixed(1).padStart(9)} ${dir === "host" ? "host " : "modem"}`;
	const flush = () => {
		if (cur && cur.text.trim()) out.push(`${stamp(cur.t, cur.dir)} ${cur.text.trim()}`);
		cur = undefined;
	};
	for (const e of entries) {
		if (cur && cur.dir !== e.dir) flush();
		if (!printable(e.data)) {
			flush();
			const hex = hexOf(e.data.subarray(0, hexBytes));
			out.push(`${stamp(e.t, e.dir)} [${e.data.length} B] ${hex}${e.data.length > hexBytes ? " ..." : ""}`);
			continue;
		}
		for (const ch of e.data.toString("latin1")) {
			if (ch === "\r" || ch === "\n") {
				flush();
				continue;
			}
			cur ??= { dir: e.dir, t: e.t, text: "" };
			cur.text += ch;
		}
	}
	flush();
	return (opts.last ? out.slice(-opts.last) : out).join("\n");
}
