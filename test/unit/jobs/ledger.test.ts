/**
 * The kind-neutral commit/event core (jobLedger.ts) and store tables (recordTable.ts): one commit raises
 * one event and runs the final-state work once, when the status first enters a final state; a null change
 * writes nothing; a second kind of job (declared here as a stand-in for incoming faxes) lives in its own
 * table of the same store, and its documents are protected from the spool sweep like outgoing ones.
 */
import test from "ava";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { FaxJobStatus as S } from "../../../src/jobs/enums.js";
import type { JobEvent } from "../../../src/jobs/jobLedger.js";
import { JobLedger } from "../../../src/jobs/jobLedger.js";
import { JobStore } from "../../../src/jobs/JobStore.js";
import type { StoredJob } from "../../../src/jobs/recordTable.js";

interface OtherJob extends StoredJob {
	caller: string;
	pages?: number;
}

function store(t: import("ava").ExecutionContext): JobStore {
	const dir = mkdtempSync(join(tmpdir(), "faxline-ledger-"));
	const s = new JobStore(dir);
	t.teardown(() => {
		s.close();
		rmSync(dir, { recursive: true, force: true });
	});
	return s;
}

const other = (id: string, status: number): Omit<OtherJob, "seq"> => ({ id, status, removedAt: null, announced: true, docFile: `${id}.tif`, caller: "5550100" });

test("commit: one event per change, final-state work once, null change writes nothing", (t) => {
	const s = store(t);
	const table = s.table<OtherJob>({ name: "other_jobs", columns: [{ name: "caller", type: "TEXT NOT NULL", value: (r) => r.caller, indexed: true }], upgrade: (r) => ({ ...r, pages: r.pages ?? 0 }) });
	const events: Array<JobEvent<"other", OtherJob>> = [];
	const finals: string[] = [];
	const ledger = new JobLedger({ kind: "other", table, emit: (e) => events.push(e), onFinal: (r) => finals.push(`${r.id}:${r.status}`) });
	const [a] = ledger.insert([other("00000000000000a1", S.INPROGRESS)], true);
	t.is(a!.seq, 1);
	t.deepEqual(events.map((e) => `${e.kind} ${e.type} ${e.jobId}`), ["other added 00000000000000a1"]);
	const v0 = s.dataVersion();
	t.is(ledger.commit(a!.id, () => null).status, S.INPROGRESS);
	t.is(events.length, 1, "null change: no event");
	ledger.commit(a!.id, { status: S.COMPLETED });
	ledger.commit(a!.id, { status: S.COMPLETED, caller: "x" }); // already final: no second final-state run
	ledger.commit(a!.id, { removedAt: 5 }, { event: "removed" });
	t.deepEqual(events.map((e) => e.type), ["added", "changed", "changed", "removed"]);
	t.deepEqual(finals, [`00000000000000a1:${S.COMPLETED}`]);
	t.is(s.dataVersion(), v0, "own commits do not move data_version (it counts other connections)");
	// the extra column follows the JSON; the upgrade fills a field old rows lack
	t.deepEqual(table.select({ caller: "x" }).map((r) => r.id), ["00000000000000a1"]);
	t.is(table.get(a!.id)!.pages, 0);
	t.throws(() => ledger.commit("ffffffffffffffff", { status: 1 }), { message: /not found/ });
});

test("a second kind of job shares the store: its documents count as referenced, outgoing jobs are unaffected", (t) => {
	const s = store(t);
	const table = s.table<OtherJob>({ name: "other_jobs" });
	table.insert([other("00000000000000b1", S.INPROGRESS), { ...other("00000000000000b2", S.COMPLETED), removedAt: 1 }]);
	t.deepEqual([...s.referencedDocs()], ["00000000000000b1.tif"]);
	t.true(s.docInUse("00000000000000b1.tif", "someone-else"));
	t.false(s.docInUse("00000000000000b2.tif", "someone-else"));
	t.deepEqual(s.queuedJobs(), []);
	t.deepEqual(table.select({ removed_at: null }).map((r) => r.id), ["00000000000000b1"]);
	t.throws(() => table.select({ nope: 1 }), { message: /no column nope/ });
});
