/**
 * The daemon config fields this branch adds (issue 8 / 14): `allowNumbers` (the dial-string rule's allow
 * list) and a per-modem `faxClass` that forces the session opener's choice; bad values are CONFIG_INVALID.
 */
import test from "ava";
import { isFaxError } from "../../../src/core/FaxError.js";
import { parseDaemonConfig } from "../../../src/jobs/daemonConfig.js";

test("allowNumbers and modems[].faxClass are read; bad values are CONFIG_INVALID", (t) => {
	const c = parseDaemonConfig({ spoolDir: "s", modems: [{ path: "/dev/ttyACM0", faxClass: "1.0" }], allowNumbers: ["911", "9911"] }, "/");
	t.deepEqual(c.allowNumbers, ["911", "9911"]);
	t.is(c.modems[0]!.faxClass, "1.0");
	// a JSON number is refused (the schema, issue 13): "000" or "0112" would lose their zeros
	for (const bad of [{ allowNumbers: "911" }, { allowNumbers: [9911] }, { modems: [{ path: "/dev/x", faxClass: "3" }] }, { modems: [{ path: "/dev/x", faxClass: 1 }] }]) {
		const e = t.throws(() => parseDaemonConfig({ spoolDir: "s", modems: [{ path: "/dev/x" }], ...bad }, "/"));
		t.true(isFaxError(e, "CONFIG_INVALID"), JSON.stringify(bad));
	}
});
