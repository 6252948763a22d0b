/**
 * The simulator's receiver checks (hw-mocks/lineChecks.ts): the EOL scanner against streams nobody
 * here wrote (ghostscript's faxg3/faxg32d devices, i.e. libtiff's encoder: one EOL per row) and
 * against rows built bit by bit; the TCF rule against HylaFAX's numbers.
 */
import test from "ava";
import { reverseBits } from "../../../src/hdlc/bitOrder.js";
import { judgeTcf, scanLines } from "../../../hw-mocks/lineChecks.js";
import { ghostscriptFax, pageRows } from "../../helpers/fixtures.js";

test("ghostscript faxg3 (MH): one data row per scan line", async (t) => {
	const msb = await ghostscriptFax("text", "standard", "faxg3");
	const s = scanLines(reverseBits(msb), "mh"); // gs writes MSB first; the line carries LSB first
	// rows between two EOLs are measured; ghostscript ends the page with EOLs after the last row
	t.true(s.eols >= pageRows("standard"));
	t.true(s.dataRows >= pageRows("standard") - 1 && s.dataRows <= pageRows("standard"), `${s.dataRows} rows`);
	t.true(s.minRowBits >= 12 + 9, "an all-white MH row is at least EOL + a white makeup and terminating code");
});

test("ghostscript faxg32d (MR): tag bits are part of each row", async (t) => {
	const msb = await ghostscriptFax("form", "fine", "faxg32d");
	const s = scanLines(reverseBits(msb), "mr");
	t.true(s.dataRows >= pageRows("fine") - 1 && s.dataRows <= pageRows("fine"), `${s.dataRows} rows`);
	t.true(s.minRowBits >= 13 + 1, "EOL+1 plus at least one V0 code");
});

/** Build an LSB-first line-order byte stream from a string of bits. */
function bits(s: string): Uint8Array {
	const clean = s.replace(/\s+/g, "");
	const out = new Uint8Array(Math.ceil(clean.length / 8));
	for (let i = 0; i < clean.length; i++) if (clean[i] === "1") out[i >> 3]! |= 1 << (i & 7);
	return out;
}

const EOL = "000000000001";
const WHITE1728 = "010011011" + "00110101"; // makeup 1728 (T.4 Table 3) + terminating white 0

test("row length = data + fill + EOL, RTC found only with six EOLs", (t) => {
	const fill = "0000000";
	const one = scanLines(bits(EOL + WHITE1728 + EOL + WHITE1728 + fill + EOL + EOL.repeat(5)), "mh");
	t.deepEqual(one.rowBits, [17 + 12, 17 + 7 + 12]);
	t.is(one.minRowBits, 29);
	t.true(one.rtc);
	t.is(one.firstEol, 0);
	const five = scanLines(bits(EOL + WHITE1728 + EOL + EOL.repeat(4)), "mh");
	t.false(five.rtc, "five EOLs are not an RTC");
	const mr = scanLines(bits(EOL + "1" + WHITE1728 + EOL + "0" + "1" + EOL + "1" + (EOL + "1").repeat(5)), "mr");
	t.deepEqual(mr.rowBits, [17 + 13, 1 + 13], "a V0-only 2-D row: one bit plus EOL+tag");
	t.true(mr.rtc);
});

test("TCF: HylaFAX's rule (>= 1000 ms zero run, <= 10 % non-zero)", (t) => {
	const z = (n: number) => new Uint8Array(n);
	t.true(judgeTcf(z(2700), 14400).ok);
	t.is(Math.round(judgeTcf(z(2700), 14400).durationMs), 1500);
	t.false(judgeTcf(z(1790), 14400).ok, "994 ms");
	t.true(judgeTcf(z(1800), 14400).ok, "1000 ms");
	const noisy = z(2700);
	noisy.fill(0x55, 0, 300); // 11 % non-zero, long zero run after
	t.false(judgeTcf(noisy, 14400).ok);
	const ok = z(2700);
	ok.fill(0x55, 0, 260); // 9.6 %
	t.true(judgeTcf(ok, 14400).ok);
	t.is(judgeTcf(z(0), 14400).nonZeroFraction, 1, "no TCF at all is not zeros");
	t.false(judgeTcf(z(0), 14400).ok);
	t.true(judgeTcf(z(450), 2400).ok, "1.5 s at 2400 bit/s is 450 octets");
});
