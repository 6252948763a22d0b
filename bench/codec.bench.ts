/**
 * T.4/T.6 codec benchmark: encode and decode pages/s and Mpixel/s per compression (MH, MR with K=2 and
 * K=4, MMR) on a realistic 20-page document (invoice, dense text, halftone) at standard and fine
 * resolution, beside libtiff 4.5 measured in the same run on the same pages by
 * bench/c/t4bench.c (built with cc by bench/c/build.sh into bench/build/). Rounds alternate ours/libtiff
 * and are timed in main-thread CPU time; each side reports its best of N rounds (T4_BENCH_ROUNDS,
 * default 7: the least disturbed round on a shared machine). Also: bytes/page for both, and peak memory
 * of a 200-page encode+decode pass streamed row by row in a fresh process. Measures only; asserts
 * nothing except that our decode equals the source.
 */
import { execFileSync } from "node:child_process";
import { createRequire } from "node:module";
import { rmSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import type { Bitmap } from "../src/core/bitmap.js";
import { T4Decoder, T4Encoder, decodeToBitmap, encodeBitmap } from "../src/t4/index.js";
import type { T4EncodeOptions } from "../src/t4/index.js";
import { fixtureDocument, fixturePage } from "../test/helpers/fixtures.js";
import type { FixtureRes } from "../test/helpers/fixtures.js";

const here = dirname(fileURLToPath(import.meta.url));
const ROUNDS = Math.max(1, Number(process.env.T4_BENCH_ROUNDS ?? 7));
const PAGES = 20;

interface CRes {
	scheme: string;
	pages: number;
	encodeSec: number;
	decodeSec: number;
	bytes: number;
}


let cBin: string | undefined | null = null;

/** Build (once) and locate the C reference bench; undefined when libtiff-dev or cc is missing. */
function libtiffBin(): string | undefined {
	if (cBin !== null) return cBin;
	try {
		cBin = execFileSync("sh", [join(here, "c", "build.sh")], { encoding: "utf8" }).trim();
	} catch (e) {
		console.log(`(libtiff reference unavailable: ${String(e).split("\n")[0]})`);
		cBin = undefined;
	}
	return cBin;
}

/** One libtiff round (encode all pages, then decode them) on the pages stored in `file`. */
/** libtiff picks the MR K factor from YResolution (4 above 150 dpi, else 2): pass the dpi that gives `k`. */
function libtiffRound(file: string, doc: Bitmap[], k: number, scheme: string): CRes | undefined {
	const bin = libtiffBin();
	if (!bin) return undefined;
	const b0 = doc[0]!;
	const out = execFileSync(bin, [file, String(b0.width), String(b0.height), String(doc.length), k === 4 ? "196" : "98", scheme, "1"], { encoding: "utf8" });
	return JSON.parse(out) as CRes;
}

interface Round {
	encodeSec: number;
	decodeSec: number;
	decodeSinkSec: number;
	decodeBitmapSec: number;
	bytes: number;
	streams: Uint8Array[];
}

/** One round of ours: encode all pages; decode them into a reused page buffer (as libtiff's bench does), via decodeToBitmap, and via the row-callback API. */
function oursRound(doc: Bitmap[], o: Omit<T4EncodeOptions, "width">, page: Uint8Array): Round {
	const { width, height, stride } = doc[0]!;
	let t0 = cpuMs();
	const streams = doc.map((b) => encodeBitmap(b, o));
	const encodeSec = (cpuMs() - t0) / 1000;
	t0 = cpuMs();
	for (const s of streams) new T4Decoder({ coding: o.coding, width, rows: height }).decodePage(s, height, page);
	const decodeSec = (cpuMs() - t0) / 1000;
	t0 = cpuMs();
	for (const s of streams) decodeToBitmap(s, { coding: o.coding, width, rows: height });
	const decodeBitmapSec = (cpuMs() - t0) / 1000;
	t0 = cpuMs();
	for (const s of streams) {
		let y = 0;
		new T4Decoder({ coding: o.coding, width, rows: height }).decodeAll(s, (row) => {
			page.set(row, y * stride);
			y++;
		});
	}
	const decodeSinkSec = (cpuMs() - t0) / 1000;
	return { encodeSec, decodeSec, decodeSinkSec, decodeBitmapSec, bytes: streams.reduce((a, x) => a + x.length, 0), streams };
}

function verify(doc: Bitmap[], streams: Uint8Array[], coding: T4EncodeOptions["coding"]): void {
	streams.forEach((s, i) => {
		const d = decodeToBitmap(s, { coding, width: doc[i]!.width, rows: doc[i]!.height });
		if (d.badLines !== 0 || Buffer.compare(d.bitmap.data, doc[i]!.data) !== 0) throw new Error(`codec bench: page ${i} does not round-trip`);
	});
}

const best = (xs: number[]): number => Math.min(...xs);


/** The part of koffi's API the clock uses. */
interface Ffi {
	load(path: string): { func(signature: string): (clock: number, out: { tv_sec: number | bigint; tv_nsec: number | bigint }) => number };
	struct(name: string, fields: Record<string, string>): unknown;
}

/**
 * koffi's native module. Loaded directly, not through koffi's JS entry: importing that entry under tsx
 * (this bench runs under tsx) invalidates V8's process-wide ArrayBuffer-detaching protector, after which
 * every typed-array access in optimized code tests its buffer for detachment. That made the codec
 * measured here about 10 % slower than the same code in a plain `node dist/...` process (which does not
 * lose the protector, koffi loaded or not), i.e. the clock perturbed what it measured. Falls back to the
 * JS entry where no prebuilt native module matches.
 */
function loadFfi(): Ffi {
	const require = createRequire(import.meta.url);
	try {
		return require(`koffi/build/koffi/${process.platform}_${process.arch}/koffi.node`) as Ffi;
	} catch {
		return require("koffi") as Ffi;
	}
}

/**
 * CPU time of this (main) thread in ms, via clock_gettime(CLOCK_THREAD_CPUTIME_ID) through koffi: unlike
 * wall time it is not inflated by other processes on a shared machine, and unlike process.cpuUsage it
 * does not charge V8's background compiler and GC threads' leftovers to whichever phase runs next.
 * Falls back to process.cpuUsage when the FFI is unavailable.
 */
const cpuMs: () => number = (() => {
	try {
		const ffi = loadFfi();
		const lib = ffi.load("libc.so.6");
		ffi.struct("faxline_timespec", { tv_sec: "int64", tv_nsec: "int64" });
		const clockGettime = lib.func("int clock_gettime(int, _Out_ faxline_timespec *)");
		const ts = { tv_sec: 0, tv_nsec: 0 };
		const CLOCK_THREAD_CPUTIME_ID = 3;
		return () => {
			clockGettime(CLOCK_THREAD_CPUTIME_ID, ts);
			return Number(ts.tv_sec) * 1e3 + Number(ts.tv_nsec) / 1e6;
		};
	} catch {
		return () => {
			const u = process.cpuUsage();
			return (u.user + u.system) / 1000;
		};
	}
})();

const fmt = (x: number, d = 0) => x.toFixed(d).padStart(8);

/** 200-page MMR encode + decode, row by row in 64-row chunks, as a fax line or a TIFF converter streams it. */
async function memoryPass(): Promise<void> {
	const pages = [await fixturePage("form", "fine"), await fixturePage("text", "fine"), await fixturePage("halftone", "fine")];
	const before = process.memoryUsage().rss;
	const maxRssBefore = process.resourceUsage().maxRSS * 1024;
	let peak = before;
	let rows = 0;
	let bytes = 0;
	const t0 = performance.now();
	for (let p = 0; p < 200; p++) {
		const b = pages[p === 0 ? 0 : p % 10 === 9 ? 2 : 1]!;
		const enc = new T4Encoder({ coding: "mmr", width: b.width, rtc: true });
		const dec = new T4Decoder({ coding: "mmr", width: b.width });
		for (let y = 0; y < b.height; y++) {
			enc.encodeRow(b.data.subarray(y * b.stride, (y + 1) * b.stride));
			if ((y & 63) === 63) {
				const chunk = enc.take();
				bytes += chunk.length;
				dec.pushRows(chunk, () => rows++);
			}
		}
		const last = enc.finish();
		bytes += last.length;
		dec.pushRows(last, () => rows++);
		dec.finishRows(() => rows++);
		if ((p & 7) === 0) peak = Math.max(peak, process.memoryUsage().rss);
	}
	const ms = performance.now() - t0;
	peak = Math.max(peak, process.memoryUsage().rss);
	const maxRss = process.resourceUsage().maxRSS * 1024;
	const mb = (x: number) => (x / 2 ** 20).toFixed(1);
	console.log(
		`\nstreamed 200-page fine MMR encode+decode (row by row, 64-row chunks): ${rows} rows, ${(bytes / 200 / 1024).toFixed(1)} kB/page, ${(200 / (ms / 1000)).toFixed(0)} pages/s (wall)` +
			`\n  RSS before ${mb(before)} MB (node + tsx + 3 fixture pages; maxRSS so far ${mb(maxRssBefore)} MB), peak sampled every 8 pages ${mb(peak)} MB (+${mb(peak - before)} MB), process maxRSS after ${mb(maxRss)} MB`,
	);
}

export async function run(): Promise<void> {
	console.log(`T.4/T.6 codec vs libtiff 4.5 (same pages, same run, rounds interleaved, main-thread CPU time), ${PAGES}-page document (invoice, ${PAGES - 2} text pages, halftone), 1728 px, best of ${ROUNDS} rounds`);
	console.log("ratio = ours / libtiff speed (>1 = ours faster); size = our bytes / libtiff bytes; enc = encodeBitmap, dec = T4Decoder.decodePage into a reused page buffer (libtiff's bench also reuses one); last columns: decodeToBitmap (allocates each page) and the row-callback API");
	console.log("res       scheme | bytes/page ours  libtiff   size | enc pg/s ours libtiff ratio  Mpx/s | dec pg/s ours libtiff ratio  Mpx/s | toBitmap callback pg/s");
	{
		// JIT warm-up of every code path first (a fax server is a long-running process): otherwise the
		// first scheme measured runs partly in on-stack-replaced code and looks 20% slower than it is.
		// On the very pages measured, both resolutions: rare branches (a row ending black, a VL code
		// stepping back over a reference change) first taken during a measured round deoptimize the row
		// decoder, and V8 then runs it as on-stack-replaced code for the rest of that resolution
		// (seen with --trace-deopt: standard MR/MMR decoding measured 10-20% slow, fine unaffected).
		for (const res of ["standard", "fine"] as FixtureRes[]) {
			const warm = await fixtureDocument(res, PAGES);
			const page = new Uint8Array(warm[0]!.data.length);
			for (let r = 0; r < 4; r++) for (const [coding, k] of [["mh", 2], ["mr", 2], ["mr", 4], ["mmr", 2]] as const) oursRound(warm, { coding, k }, page);
		}
	}
	for (const res of ["standard", "fine"] as FixtureRes[]) {
		const doc = await fixtureDocument(res, PAGES);
		const mpx = (doc[0]!.width * doc[0]!.height) / 1e6;
		const file = `/dev/shm/faxline-t4bench-${process.pid}.raw`;
		const all = new Uint8Array(doc.length * doc[0]!.data.length);
		doc.forEach((b, i) => all.set(b.data, i * doc[0]!.data.length));
		writeFileSync(file, all);
		const page = new Uint8Array(doc[0]!.data.length);
		try {
			const schemes = [["mh", 2], ["mr", 2], ["mr", 4], ["mmr", 2]] as const;
			for (const [scheme, k] of schemes) {
				const ours: Round[] = [];
				const lt: CRes[] = [];
				for (let r = 0; r <= ROUNDS; r++) {
					// round 0 warms up (JIT, caches) and is not counted
					const o = oursRound(doc, { coding: scheme, k }, page);
					const c = libtiffRound(file, doc, k, scheme);
					if (r === 0) {
						verify(doc, o.streams, scheme);
						continue;
					}
					ours.push(o);
					if (c) lt.push(c);
				}
				const encPs = PAGES / best(ours.map((x) => x.encodeSec));
				const decPs = PAGES / best(ours.map((x) => x.decodeSec));
				const decSinkPs = PAGES / best(ours.map((x) => x.decodeSinkSec));
				const decBmPs = PAGES / best(ours.map((x) => x.decodeBitmapSec));
				const ltEnc = lt.length ? PAGES / best(lt.map((x) => x.encodeSec)) : NaN;
				const ltDec = lt.length ? PAGES / best(lt.map((x) => x.decodeSec)) : NaN;
				const ltBytes = lt.length ? lt[0]!.bytes : NaN;
				const label = `${res.padEnd(8)} ${(scheme === "mr" ? `mr k=${k}` : scheme).padStart(7)}`;
				console.log(
					`${label} | ${fmt(ours[0]!.bytes / PAGES)} ${fmt(ltBytes / PAGES)} ${fmt(ours[0]!.bytes / ltBytes, 4)} |` +
						` ${fmt(encPs)} ${fmt(ltEnc)} ${fmt(encPs / ltEnc, 2)} ${fmt(encPs * mpx, 0)} |` +
						` ${fmt(decPs)} ${fmt(ltDec)} ${fmt(decPs / ltDec, 2)} ${fmt(decPs * mpx, 0)} | ${fmt(decBmPs)} ${fmt(decSinkPs)}`,
				);
			}
		} finally {
			rmSync(file, { force: true });
		}
	}
	// the memory pass runs in a fresh process so the figures above do not inflate it
	const out = execFileSync(process.execPath, ["--import", "tsx", fileURLToPath(import.meta.url)], { encoding: "utf8", env: { ...process.env, T4_BENCH_MEMORY: "1" } });
	process.stdout.write(out);
}

if (process.env.T4_BENCH_MEMORY === "1") await memoryPass();
