/**
 * Child process for the received-fax writer crash test: commits pages forever (each page a different
 * pattern so a mix-up shows) and prints "committed n" after each, until it is killed with SIGKILL.
 */
import { ReceivedFaxWriter } from "../../../src/tiff/ReceivedFaxWriter.js";
import { patternPage } from "./patternPage.js";

const path = process.argv[2]!;
const w = ReceivedFaxWriter.create(path, { coding: "mr" });
for (let i = 0; ; i++) {
	await w.addPage({ ...patternPage(i), description: "+1 555 0199", badLines: i % 3, consecutiveBadLines: i % 3 ? 1 : 0 });
	process.stdout.write(`committed ${i + 1}\n`);
}
