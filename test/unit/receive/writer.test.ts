/**
 * ReceivedFaxWriter: after every committed page libtiff (tiffinfo -D, tiffcp) reads exactly the pages
 * committed so far with their pixels and the reception tags (ImageDescription = TSID, BadFaxLines,
 * ConsecutiveBadFaxLines, CleanFaxData, FaxDcs); a process killed with SIGKILL while writing leaves either
 * no file or a file of whole pages that libtiff reads without a warning, recognisably unfinished and
 * repairable.
 */
import test from "ava";
import { spawn } from "node:child_process";
import { appendFileSync, existsSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { ReceivedFaxWriter, inspectReceivedFax, recoverReceivedFax } from "../../../src/tiff/ReceivedFaxWriter.js";
import { bitmapDiff, libtiffPages, sh, tiffinfo, tmp } from "../tiff/oracle.js";
import { patternPage } from "./patternPage.js";

test("every committed page is readable by libtiff at once; tags; totals patched by finish()", async (t) => {
	const dir = tmp(t);
	const path = join(dir, "rx.tif");
	const w = ReceivedFaxWriter.create(path, { coding: "mh" });
	t.false(existsSync(path), "nothing on disk before the first page");
	const pages = [0, 1, 2].map((i) => patternPage(i));
	for (let i = 0; i < 3; i++) {
		await w.addPage({ ...pages[i]!, description: "+49 30 1234", badLines: i, consecutiveBadLines: i ? 1 : 0, dcs: "V.17 14400, fine, 1-D", recvTimeSec: 7 });
		const info = await tiffinfo(path);
		t.is(info.code, 0);
		t.is(info.stderr.trim(), "", `page ${i + 1}: no libtiff warning`);
		const theirs = await libtiffPages(path);
		t.is(theirs.length, i + 1);
		t.is(bitmapDiff(theirs[i]!, pages[i]!.bitmap), "");
		t.deepEqual(await inspectReceivedFax(path), { pages: i + 1, finished: false, tailBytes: 0 });
	}
	t.is(await w.finish(), 3);
	t.deepEqual(await inspectReceivedFax(path), { pages: 3, finished: true, tailBytes: 0 });
	const out = (await tiffinfo(path)).stdout.toString();
	t.regex(out, /ImageDescription: \+49 30 1234/);
	t.regex(out, /Bad Fax Lines: 2/);
	t.regex(out, /Consecutive Bad Fax Lines: 1/);
	t.regex(out, /Fax Data: clean \(0 = 0x0\)/);
	t.regex(out, /Fax Data: receiver regenerated \(1 = 0x1\)/);
	t.regex(out, /Page Number: 2-3/);
	t.deepEqual(readdirSync(dir), ["rx.tif"], "no temporary file left");
});

test("a call with no page leaves no file; a torn append is cut by recovery", async (t) => {
	const dir = tmp(t);
	const none = ReceivedFaxWriter.create(join(dir, "none.tif"));
	t.is(await none.finish(), 0);
	t.deepEqual(readdirSync(dir), []);
	const path = join(dir, "rx.tif");
	const w = ReceivedFaxWriter.create(path);
	await w.addPage(patternPage(4));
	await w.addPage(patternPage(5));
	appendFileSync(path, new Uint8Array(5000).fill(0x55)); // a page whose IFD was never linked
	const st = await inspectReceivedFax(path);
	t.deepEqual(st, { pages: 2, finished: false, tailBytes: 5000 });
	t.is((await tiffinfo(path)).stderr.trim(), "");
	t.deepEqual(await recoverReceivedFax(path), st);
	t.deepEqual(await inspectReceivedFax(path), { pages: 2, finished: true, tailBytes: 0 });
	t.regex((await tiffinfo(path)).stdout.toString(), /Page Number: 1-2/);
});

test("SIGKILL while writing: only whole pages, libtiff reads them cleanly, recovery finishes the file", async (t) => {
	const dir = tmp(t);
	const path = join(dir, "rx.tif");
	const child = spawn(process.execPath, ["--import=tsx", join(import.meta.dirname, "writerChild.ts"), path], { stdio: ["ignore", "pipe", "inherit"] });
	let committed = 0;
	await new Promise<void>((resolve, reject) => {
		child.stdout.on("data", (d: Buffer) => {
			const m = /committed (\d+)\s*$/.exec(d.toString());
			if (m) committed = Number(m[1]);
			if (committed >= 4) {
				child.kill("SIGKILL");
				resolve();
			}
		});
		child.on("exit", () => resolve());
		child.on("error", reject);
	});
	await new Promise((r) => child.once("exit", r));
	const st = await inspectReceivedFax(path);
	t.true(st.pages >= committed, `${st.pages} pages on disk, ${committed} reported committed`);
	t.false(st.finished);
	const info = await tiffinfo(path);
	t.is(info.stderr.trim(), "", "libtiff reads the crashed file without a warning");
	const theirs = await libtiffPages(path);
	t.is(theirs.length, st.pages);
	theirs.forEach((b, i) => t.is(bitmapDiff(b, patternPage(i).bitmap), "", `page ${i + 1}`));
	await recoverReceivedFax(path);
	t.true((await inspectReceivedFax(path)).finished);
	t.is((await sh("tiffinfo", [path])).code, 0);
	t.deepEqual(readdirSync(dir).filter((f) => f.endsWith(".tmp")), []);
});
