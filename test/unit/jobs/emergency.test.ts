/**
 * Issue 14 through the queue: the emergency forms that used to slip past its block list ("911#", "9911",
 * "9T911", "*911", and 999/000/110/119) end CALL_BLACKLISTED with nothing dialled, whatever the configured
 * block list; ordinary numbers holding those digits are dialled; `allowNumbers` lifts the block.
 */
import test from "ava";
import { FaxJobExtendedStatus as X, FaxJobStatus as S } from "../../../src/jobs/enums.js";
import { jobHarness } from "../../helpers/jobHarness.js";

test("emergency forms are never dialled by the queue, even with a custom block list", async (t) => {
	const h = await jobHarness(t, { extra: { blockedNumbers: ["5550999"] } });
	const ids = await h.submit(["911#", "9911", "9T911", "*911", "999", "000", "9,110", "+119"]);
	for (const id of ids) {
		await h.until(() => h.rec(id).status === S.RETRIES_EXCEEDED, `blacklisted ${h.rec(id).recipient.faxNumber}`);
		t.is(h.rec(id).extCode, X.CALL_BLACKLISTED, h.rec(id).recipient.faxNumber);
	}
	t.is(h.bank.get("fake:1").calls.length, 0);
});

test("numbers that merely contain emergency digits are dialled; allowNumbers lets an emergency entry through", async (t) => {
	const h = await jobHarness(t, { extra: { allowNumbers: ["112"] } });
	const ids = await h.submit(["5550911", "9115550100", "9,112"]);
	for (const id of ids) await h.until(() => h.rec(id).status === S.COMPLETED, `completed ${h.rec(id).recipient.faxNumber}`);
	t.deepEqual(h.bank.get("fake:1").calls.map((c) => c.number).sort(), ["5550911", "9,112", "9115550100"]);
});
