/**
 * The checks `faxline send` and `faxline submit` share, so a number, a document or an option that `send`
 * refuses at once is refused by `submit` the same way before anything is queued (issue 13): the one
 * dial-string rule with the emergency numbers and the config's block/allow lists (core/dialString.ts; the
 * daemon applies the same rule),
 * the TSID rule (T.30 §5.3.6.2.4: 20 printable characters), and every document opened as send opens
 * it (headers and page directories checked). Layer: cli.
 */
import { FaxError } from "../core/FaxError.js";
import { checkDialString, type DialPolicy } from "../core/dialString.js";
import { openDocuments } from "./documents.js";

/** The dial string as it will be dialled, or BAD_DIAL_STRING / BLACKLISTED (emergency numbers by default). */
export function checkNumber(to: string, policy: DialPolicy = {}): string {
	return checkDialString(to, policy);
}

/** USAGE unless `tsid` is at most 20 printable ASCII characters. */
export function checkTsid(tsid: string | undefined): void {
	if (tsid !== undefined && !/^[\x20-\x7e]{0,20}$/.test(tsid)) throw new FaxError("USAGE", "--tsid must be at most 20 printable ASCII characters");
}

/** USAGE unless `v` is an integer bit rate from 2400 to 14400; undefined when absent. */
export function checkMaxRate(v: string | undefined): number | undefined {
	if (v === undefined) return undefined;
	const n = Number(v);
	if (!(Number.isInteger(n) && n >= 2400 && n <= 14400)) throw new FaxError("USAGE", `--max-rate must be a bit rate from 2400 to 14400, not '${v}'`);
	return n;
}

/** Opens every file as `send` does (TIFF/PBM headers and page directories), then closes them: the page count. */
export async function checkDocuments(files: readonly string[], opts: { maxBadRowShare?: number } = {}): Promise<number> {
	if (files.length === 0) throw new FaxError("USAGE", "no document given");
	const doc = await openDocuments(files, opts);
	await doc.close();
	return doc.pageCount;
}
