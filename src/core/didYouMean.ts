/**
 * "Did you mean ...?" for a misspelled name (a command, a config key): the closest candidate by edit
 * distance (Damerau-Levenshtein with adjacent swaps), if it is close enough to be a likely typo.
 * Layer: core (pure).
 */

/** Edit distance where an adjacent swap costs 1 (optimal string alignment). */
export function editDistance(a: string, b: string): number {
	const d: number[][] = Array.from({ length: a.length + 1 }, (_, i) => [i, ...new Array<number>(b.length).fill(0)]);
	for (let j = 1; j <= b.length; j++) d[0]![j] = j;
	for (let i = 1; i <= a.length; i++) {
		for (let j = 1; j <= b.length; j++) {
			const cost = a[i - 1] === b[j - 1] ? 0 : 1;
			let v = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + cost);
			if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) v = Math.min(v, d[i - 2]![j - 2]! + 1);
			d[i]![j] = v;
		}
	}
	return d[a.length]![b.length]!;
}

/** The candidate closest to `word` (case-insensitive), when at most ~40% of it differs; else undefined. */
export function didYouMean(word: string, candidates: Iterable<string>): string | undefined {
	let best: string | undefined;
	let bestD = Infinity;
	const w = word.toLowerCase();
	for (const c of candidates) {
		const dist = editDistance(w, c.toLowerCase());
		if (dist < bestD) {
			bestD = dist;
			best = c;
		}
	}
	if (best === undefined) return undefined;
	return bestD <= Math.max(1, Math.floor(Math.max(word.length, best.length) * 0.4)) ? best : undefined;
}
