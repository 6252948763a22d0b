/**
 * A PDF against a TIFF, by tools nobody here wrote: poppler's pdftoppm renders each PDF page at the TIFF
 * page's resolution (from tiffinfo), libtiff (tiffcp + tifftopnm) decodes the TIFF page; the PBM bytes
 * must be equal. Also: the base64 attachment of a given Content-Type from a raw RFC 5322 message.
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const sh = (cmd: string, args: string[]) => execFileSync(cmd, args, { stdio: ["ignore", "pipe", "ignore"] });

/** Per page of `tif`: whether pdftoppm's rendering of the same page of `pdf` has libtiff's pixels. */
export function pdfPagesMatchTiff(pdf: Uint8Array | string, tif: Uint8Array | string): boolean[] {
	const dir = mkdtempSync(join(tmpdir(), "faxline-pdfcmp-"));
	try {
		const pdfPath = typeof pdf === "string" ? pdf : join(dir, "a.pdf");
		const tifPath = typeof tif === "string" ? tif : join(dir, "a.tif");
		if (typeof pdf !== "string") writeFileSync(pdfPath, pdf);
		if (typeof tif !== "string") writeFileSync(tifPath, tif);
		const res = [...sh("tiffinfo", [tifPath]).toString().matchAll(/Resolution: ([\d.]+), ([\d.]+)/g)].map((m) => [Math.round(Number(m[1])), Math.round(Number(m[2]))] as const);
		const pdfPages = Number(/Pages:\s+(\d+)/.exec(sh("pdfinfo", [pdfPath]).toString())?.[1]);
		if (pdfPages !== res.length) return [];
		return res.map(([x, y], p) => {
			const one = join(dir, `lt${p}.tif`);
			sh("tiffcp", ["-c", "none", `${tifPath},${p}`, one]);
			const ref = sh("tifftopnm", [one]);
			sh("pdftoppm", ["-rx", String(x), "-ry", String(y), "-mono", "-f", String(p + 1), "-l", String(p + 1), pdfPath, join(dir, "pp")]);
			const out = readFileSync(join(dir, `pp-${String(p + 1).padStart(String(pdfPages).length, "0")}.pbm`));
			return out.equals(ref);
		});
	} finally {
		rmSync(dir, { recursive: true, force: true });
	}
}

/** The decoded base64 body of the first MIME part with `contentType`, and its file name. */
export function mailAttachment(raw: string, contentType: string): { filename: string; content: Buffer } | undefined {
	const esc = contentType.replace(/[/+.]/g, "\\$&");
	const m = new RegExp(`Content-Type: ${esc}(?:;\\s*name=("?)([^\\r\\n"]+)\\1)?[^]*?\\r\\n\\r\\n([A-Za-z0-9+/\\r\\n]+=*)`).exec(raw);
	if (!m) return undefined;
	return { filename: m[2] ?? "", content: Buffer.from(m[3]!.replace(/\r\n/g, ""), "base64") };
}
