import test from "ava";
import { FaxError, isFaxError, ManualClock, withTimeout } from "../../src/index.js";

test("FaxError carries code, number, disposition and hresult", (t) => {
	const e = new FaxError("MESSAGE_NOT_FOUND", "no job 12");
	t.true(e instanceof Error);
	t.true(isFaxError(e, "MESSAGE_NOT_FOUND"));
	t.is(e.number, 800);
	t.is(e.hresult, 0x80041b61);
	t.is(e.message, "no job 12 (FAX-800)");
	t.is(e.text, "no job 12");
	t.is(new FaxError("BAD_DIAL_STRING", "x").disposition, "fail");
	t.is(new FaxError("DIAL_BUSY", "x").disposition, "retry");
});

test("withTimeout on a ManualClock rejects at expiry, not before", async (t) => {
	const clock = new ManualClock();
	let settled = false;
	const p = withTimeout(new Promise<void>(() => {}), 3000, { clock, onTimeout: () => new FaxError("AT_TIMEOUT", "T4") });
	p.catch(() => (settled = true));
	await clock.advance(2999);
	t.false(settled);
	await clock.advance(1);
	await t.throwsAsync(p, { instanceOf: FaxError, message: /T4/ });
});
