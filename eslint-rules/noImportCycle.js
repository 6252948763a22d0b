// faxline/no-import-cycle: reports an import that closes a cycle among the linted project's files,
// counting every kind of dependency: `import`, `import type`, `export ... from`, `import()` and
// `typeof import()` types (issue 8: "any import cycle in src/, type-only imports included").
// A local rule because eslint-plugin-import(-x) no-cycle skips type-only imports by design and needs a
// TypeScript resolver; this one resolves relative specifiers the NodeNext way (./x.js -> ./x.ts).
// The graph is read with TypeScript's preProcessFile and cached per file (path + mtime) for the run.
import fs from "node:fs";
import path from "node:path";
import ts from "typescript";

const cache = new Map(); // file -> { mtime, deps }

function resolveSpec(fromFile, spec) {
	if (!spec.startsWith(".")) return undefined;
	const base = path.resolve(path.dirname(fromFile), spec);
	const candidates = [base.replace(/\.js$/, ".ts"), base.replace(/\.mjs$/, ".mts"), `${base}.ts`, path.join(base, "index.ts"), base];
	return candidates.find((c) => c.endsWith("ts") && fs.existsSync(c) && fs.statSync(c).isFile());
}

function depsOf(file, text) {
	if (text === undefined) {
		let st;
		try {
			st = fs.statSync(file);
		} catch {
			return [];
		}
		const hit = cache.get(file);
		if (hit && hit.mtime === st.mtimeMs) return hit.deps;
		text = fs.readFileSync(file, "utf8");
		const deps = parse(file, text);
		cache.set(file, { mtime: st.mtimeMs, deps });
		return deps;
	}
	return parse(file, text);
}

function parse(file, text) {
	const info = ts.preProcessFile(text, true, true);
	const out = new Set();
	for (const f of info.importedFiles) {
		const r = resolveSpec(file, f.fileName);
		if (r) out.add(r);
	}
	return [...out];
}

/** A path of files from `start` back to `target`, or undefined. */
function pathBack(start, target, within) {
	const seen = new Set();
	const stack = [[start, [start]]];
	while (stack.length) {
		const [f, trail] = stack.pop();
		if (f === target) return trail;
		if (seen.has(f)) continue;
		seen.add(f);
		if (!f.startsWith(within)) continue;
		for (const d of depsOf(f)) if (!seen.has(d)) stack.push([d, [...trail, d]]);
	}
	return undefined;
}

export default {
	meta: {
		type: "problem",
		docs: { description: "forbid import cycles, type-only imports included" },
		schema: [{ type: "object", properties: { root: { type: "string" } }, additionalProperties: false }],
		messages: { cycle: "Import cycle{{kind}}: {{cycle}}" },
	},
	create(context) {
		const file = path.resolve(context.filename);
		const root = path.resolve(context.cwd ?? process.cwd(), context.options[0]?.root ?? ".");
		const within = root + path.sep;
		const check = (node, spec, typeOnly) => {
			if (typeof spec !== "string") return;
			const target = resolveSpec(file, spec);
			if (!target || !target.startsWith(within)) return;
			const back = pathBack(target, file, within);
			if (!back) return;
			const rel = (f) => path.relative(root, f);
			context.report({ node, messageId: "cycle", data: { kind: typeOnly ? " (type-only import)" : "", cycle: [file, ...back].map(rel).join(" -> ") } });
		};
		return {
			ImportDeclaration: (n) => check(n, n.source.value, n.importKind === "type"),
			ExportNamedDeclaration: (n) => n.source && check(n, n.source.value, n.exportKind === "type"),
			ExportAllDeclaration: (n) => check(n, n.source.value, n.exportKind === "type"),
			ImportExpression: (n) => n.source.type === "Literal" && check(n, n.source.value, false),
			TSImportType: (n) => {
				const lit = n.argument?.literal ?? n.argument;
				if (lit && typeof lit.value === "string") check(n, lit.value, true);
			},
		};
	},
};
