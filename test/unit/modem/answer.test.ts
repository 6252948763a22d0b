/**
 * Class1Modem.answer (T.31 §8.2: ATA in +FCLASS=1 answers with CED and leaves the DCE in V.21 HDLC
 * transmit): CONNECT lets the answerer's first frames (CSI, DIS) go out without +FTH=3; later frames
 * issue +FTH=3 again; NO CARRIER and ERROR map to AnswerOutcome.
 */
import test from "ava";
import { modemRig } from "./modemRig.js";

const CSI = Uint8Array.of(0xff, 0x03, 0x40, 0x31, 0x32);
const DIS = Uint8Array.of(0xff, 0x13, 0x80, 0x00, 0x46);

test("ATA CONNECT: the first frames need no +FTH=3, the next burst does", async (t) => {
	const { dce, modem } = modemRig();
	dce.once("ATA", (_l, _m, d) => d.hdlcTx()); // CONNECT, then frames as after +FTH=3
	t.deepEqual(await modem.answer(), { kind: "connect" });
	await modem.sendFrames([CSI, DIS]);
	t.deepEqual(dce.commands, ["ATA"]);
	t.deepEqual(dce.framesReceived.map((f) => [...f]), [[...CSI], [...DIS]]);
	await modem.sendFrames([DIS]);
	t.deepEqual(dce.commands, ["ATA", "AT+FTH=3"]);
});

test("ATA answered NO CARRIER / ERROR", async (t) => {
	const a = modemRig();
	a.dce.once("ATA", "\r\nNO CARRIER\r\n");
	t.deepEqual(await a.modem.answer(), { kind: "noCarrier" });
	const b = modemRig();
	b.dce.once("ATA", "\r\nERROR\r\n");
	t.deepEqual(await b.modem.answer(), { kind: "error", line: "ERROR" });
	await b.modem.sendFrames([DIS]); // not answered: frames go through +FTH=3 as usual
	t.deepEqual(b.dce.commands, ["ATA", "AT+FTH=3"]);
});

test("hang-up after ATA CONNECT closes the open HDLC transmission before ATH", async (t) => {
	const { dce, modem } = modemRig();
	dce.once("ATA", (_l, _m, d) => {
		d.send("\r\nCONNECT\r\n");
		d.expectData(() => d.send("\r\nOK\r\n"));
	});
	await modem.answer();
	await modem.hangup();
	t.deepEqual(dce.commands, ["ATA", "ATH0"]);
});
