/**
 * The pages a retry sends (issue 14 "retries resume at the first page the far end did not confirm", as
 * HylaFAX does): a FaxPageSource presenting only the listed pages of the job's document, in order, to the
 * T.30 engine, which then numbers them 1..n of n for its own protocol bookkeeping. Wrap it around the
 * branded document so the banner keeps the document's numbering ("P. 3/5"); the job maps the engine's
 * page numbers back through the attempt's page list (transitions.ts `progressed`). `withLeadingPage` puts a
 * continuation cover page in front. Layer: jobs (pure).
 */
import type { FaxPage, FaxPageSource } from "../core/bitmap.js";
import { FaxError } from "../core/FaxError.js";

/** `pages` are 1-based page numbers of `src`, each within 1..src.pageCount. */
export function pageSubset(src: FaxPageSource, pages: readonly number[]): FaxPageSource {
	for (const p of pages) {
		if (!Number.isInteger(p) || p < 1 || p > src.pageCount) throw new FaxError("INVALID_ARG", `page ${p} is not in the document (1..${src.pageCount})`);
	}
	if (pages.length === src.pageCount && pages.every((p, i) => p === i + 1)) return src;
	return {
		pageCount: pages.length,
		page(i: number): Promise<FaxPage> {
			const p = pages[i];
			if (p === undefined) return Promise.reject(new FaxError("INVALID_ARG", `page index ${i} out of 0..${pages.length - 1}`));
			return src.page(p - 1);
		},
	};
}

/** `first` followed by every page of `src` (a continuation cover page before a resumed retry). */
export function withLeadingPage(first: FaxPage, src: FaxPageSource): FaxPageSource {
	return {
		pageCount: src.pageCount + 1,
		page: (i: number): Promise<FaxPage> => (i === 0 ? Promise.resolve(first) : src.page(i - 1)),
	};
}
