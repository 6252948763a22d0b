/**
 * PDF and PostScript as a FaxDocument, rendered by Ghostscript straight to fax geometry (geometry.ts
 * rules: -g W x L at 204 x 98/196/391 dpi, -dFIXEDMEDIA with -dPDFFitPage / -dPSFitPage) as one raw
 * PBM per page in a private temp dir (cheaper for gs than its own G4 coding, which our encoder redoes
 * faster for whatever the far end accepts). A PDF's page count comes first (a cheap xref pass); then gs
 * renders in the background and page(i) waits only for page i's file (complete once page i+1 appears or
 * gs has exited), so the first page can go on the line while later ones render, and memory holds one
 * page at a time however long the document (the temp dir holds the rendered pages, ~0.5 MB per A4 fine
 * page, until close). PostScript has no page count
 * before it runs, so a PostScript file is rendered whole (to disk) when opened. Limits: a page limit
 * (DOC_TOO_LARGE) and a time limit (DOC_TIMEOUT); the temp dir is removed on close. Layer: docs.
 */
import { existsSync, watch } from "node:fs";
import type { FSWatcher } from "node:fs";
import { mkdtemp, readdir, rm, symlink } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { FaxError } from "../core/FaxError.js";
import type { DecodedPage, FaxDocument, PageInfo } from "../tiff/document.js";
import { openFaxDocument as openBilevel } from "../tiff/document.js";
import type { PageBox } from "./geometry.js";
import type { GsResult, GsRun } from "./ghostscript.js";
import { gsFailure, pdfPageCount, startGs } from "./ghostscript.js";

export interface GsLimits {
	/** base time limit for a Ghostscript run, ms (default 60 s); a PDF run gets 2 s more per page it has */
	timeoutMs?: number;
	/** most pages accepted (default 1000) */
	maxPages?: number;
}

export const DEFAULT_GS_TIMEOUT_MS = 60_000;
export const DEFAULT_MAX_PAGES = 1000;
const PER_PAGE_MS = 2_000;

const pageFile = (dir: string, i: number): string => join(dir, `p${String(i + 1).padStart(6, "0")}.pbm`);

/** The gs arguments that render `input` to per-page G4 TIFFs in `dir` at the box's geometry. */
export function renderArgs(kind: "pdf" | "ps", box: PageBox, input: string, dir: string, lastPage: number): string[] {
	return [
		"-sDEVICE=pbmraw",
		`-r${box.xRes}x${box.yRes}`,
		`-g${box.width}x${box.height}`,
		"-dFIXEDMEDIA",
		kind === "pdf" ? "-dPDFFitPage" : "-dPSFitPage",
		"-dUseCropBox",
		"-dFirstPage=1",
		`-dLastPage=${lastPage}`,
		`-sOutputFile=${join(dir, "p%06d.pbm")}`,
		input,
	];
}

/** Opens a PDF (`kind` "pdf") or PostScript/EPS ("ps") file. */
export async function openGsDocument(path: string, kind: "pdf" | "ps", box: PageBox, limits: GsLimits = {}): Promise<FaxDocument> {
	const timeoutMs = limits.timeoutMs ?? DEFAULT_GS_TIMEOUT_MS;
	const maxPages = limits.maxPages ?? DEFAULT_MAX_PAGES;
	const what = path;
	const dir = await mkdtemp(join(tmpdir(), "faxline-gs-"));
	let run: GsRun | undefined;
	try {
		const input = join(dir, "in");
		await symlink(resolve(path), input);
		let count: number;
		let exit: GsResult | FaxError | undefined;
		if (kind === "pdf") {
			// rendering starts at once; the page count (a cheap xref pass) runs beside it
			run = startGs(renderArgs(kind, box, input, dir, maxPages), timeoutMs, what);
			count = await pdfPageCount(input, timeoutMs, what);
			if (count > maxPages) throw new FaxError("DOC_TOO_LARGE", `${what} has ${count} pages; the limit is ${maxPages}`);
			run.rearm(timeoutMs + PER_PAGE_MS * count);
			run.done.then(
				(r) => void (exit = r),
				(e: FaxError) => void (exit = e),
			);
		} else {
			run = startGs(renderArgs(kind, box, input, dir, maxPages + 1), timeoutMs, what);
			const r = await run.done;
			if (r.code !== 0) throw gsFailure(r, what);
			count = (await readdir(dir)).filter((f) => /^p\d{6}\.pbm$/.test(f)).length;
			if (count > maxPages) throw new FaxError("DOC_TOO_LARGE", `${what} has more than ${maxPages} pages`);
			if (count === 0) throw new FaxError("DOC_MALFORMED", `${what}: the PostScript program printed no page`);
			exit = r;
		}
		return gsDocument(dir, count, box, kind, what, run, () => exit);
	} catch (e) {
		run?.kill();
		await rm(dir, { recursive: true, force: true });
		throw e;
	}
}

function gsDocument(dir: string, count: number, box: PageBox, kind: "pdf" | "ps", what: string, run: GsRun, exit: () => GsResult | FaxError | undefined): FaxDocument {
	const pages: PageInfo[] = Array.from({ length: count }, (_, index) => ({
		index,
		format: kind === "pdf" ? "pdf" : "postscript",
		width: box.width,
		height: box.height,
		xRes: box.xRes,
		yRes: box.yRes,
		resolutionKnown: true,
		resolution: box.resolution,
		compressionName: `${kind === "pdf" ? "PDF" : "PostScript"} (rendered by Ghostscript)`,
	}));
	// wake-ups: a file appeared in the dir, or gs exited
	let wake: () => void = () => undefined;
	let changed = new Promise<void>((r) => (wake = r));
	const tick = (): void => {
		const w = wake;
		changed = new Promise<void>((r) => (wake = r));
		w();
	};
	let watcher: FSWatcher | undefined;
	try {
		watcher = watch(dir, tick);
		watcher.on("error", () => undefined);
	} catch {
		watcher = undefined; // no inotify: gs's exit still wakes us
	}
	run.done.then(tick, tick);
	let closed = false;

	async function ready(i: number): Promise<void> {
		for (;;) {
			if (closed) throw new FaxError("INVALID_OPERATION", "document is closed");
			const c = changed;
			const e = exit();
			if (e instanceof FaxError) throw e;
			if (e !== undefined) {
				if (e.code !== 0) throw gsFailure(e, what);
				if (existsSync(pageFile(dir, i))) return;
				throw new FaxError("DOC_MALFORMED", `${what}: Ghostscript rendered fewer pages than the document declares (no page ${i + 1})`);
			}
			if (existsSync(pageFile(dir, i + 1))) return;
			await c;
		}
	}

	async function decode(i: number): Promise<DecodedPage> {
		if (closed) throw new FaxError("INVALID_OPERATION", "document is closed");
		if (!Number.isInteger(i) || i < 0 || i >= count) throw new FaxError("INVALID_ARG", `page ${i} out of range (0..${count - 1})`);
		await ready(i);
		const one = await openBilevel(pageFile(dir, i));
		try {
			const d = await one.decodePage(0);
			return { ...d, page: { bitmap: d.page.bitmap, xRes: box.xRes, yRes: box.yRes } };
		} finally {
			await one.close();
		}
	}

	return {
		pages,
		pageCount: count,
		decodePage: decode,
		page: async (i) => (await decode(i)).page,
		async close() {
			if (closed) return;
			closed = true;
			tick();
			watcher?.close();
			if (exit() === undefined) run.kill();
			await run.done.catch(() => undefined);
			await rm(dir, { recursive: true, force: true });
		},
	};
}
