// bench/compare/lib/startup-report.mjs on results made up for the test: issue 16's goals are met or
// missed as the ratios to Vite decide, failed rounds and failed requests are reported, and a run
// without Vite, without --build-all or without the 10,000 part says "not measured" instead of crashing.
import assert from "node:assert/strict";
import { test } from "node:test";
import { consoleSummary, goals, startupMarkdown } from "../../bench/compare/lib/startup-report.mjs";

function run(system, { cold, warm, f5, rssMb = 100, bad }) {
  const load = (ms) => ({ servingMs: ms / 4, firstRenderMs: ms, requests: 104, ...(bad ? { bad } : {}) });
  return { system, size: 2000, round: 1, cold: { ...load(cold), peakRssKb: rssMb * 1024, backgroundDoneMs: cold * 2 },
    warm: load(warm), warmKept: load(warm), reloads: [{ ms: f5 }, { ms: f5 }], f5Ms: f5 };
}

function results(runs, serving) {
  return { meta: { date: "2026-12-04T00:00:00Z", totalMs: 60000, command: "node bench/compare/startup.mjs --sizes 2000",
    machine: { cpu: "test", cores: 2, memGiB: 24, kernel: "test" }, versions: { vite: "8.3.8" }, options: { reloads: 2 },
    loadAvgStart: [1, 1, 1], loadAvgEnd: [1, 1, 1] }, runs, ...(serving ? { serving } : {}) };
}

const verdicts = (r) => goals(r).map((g) => g.met);

test("every goal met when hr-orchestrate is fast enough against Vite and --build-all", () => {
  const r = results([run("vite-dev", { cold: 3000, warm: 2000, f5: 400, rssMb: 500 }), run("hr", { cold: 900, warm: 150, f5: 150, rssMb: 80 }),
    run("hr-build-all", { cold: 2000, warm: 300, f5: 150, rssMb: 120 })], { size: 10000, cold: { servingMs: 1000 }, rounds: [{ round: 1, servingMs: 80 }, { round: 2, servingMs: 90 }] });
  assert.deepEqual(verdicts(r), [true, true, true, true, true, true]);
  const md = startupMarkdown(r);
  assert.match(md, /0\.30×/);
  assert.doesNotMatch(md, /missed/);
  assert.match(md, /None: every request answered/);
});

test("goals missed by ratios just above the bounds, and a slow 10,000 restart", () => {
  const r = results([run("vite-dev", { cold: 3000, warm: 2000, f5: 400 }), run("hr", { cold: 1010, warm: 210, f5: 210, rssMb: 130 }),
    run("hr-build-all", { cold: 2000, warm: 300, f5: 150, rssMb: 120 })], { size: 10000, rounds: [{ round: 1, servingMs: 700 }] });
  assert.deepEqual(verdicts(r), [false, false, false, false, false, false]);
  assert.match(consoleSummary(r), /MISSED/);
});

test("not measured without Vite, without --build-all and without the serving part; failures are listed", () => {
  const r = results([run("hr", { cold: 900, warm: 150, f5: 150, bad: { count: 2, examples: ["503 http://x/app/a.jsx"] } }),
    { system: "vite-dev", size: 2000, round: 1, failed: "no first render within 120 s" }]);
  assert.deepEqual(verdicts(r), [null, null, null, null, null, null]);
  const md = startupMarkdown(r);
  assert.match(md, /failed: no first render/);
  assert.match(md, /2 request\(s\) failed, e\.g\. 503 http:\/\/x\/app\/a\.jsx/);
  assert.match(md, /Not measured in this run/);
});

test("the browser's floor (the page opened on a server already serving) is named beside the restart goals", () => {
  const withFloors = (r, kept, fresh) => ({ ...r, keptFloor: { firstRenderMs: kept }, warmFloor: { firstRenderMs: fresh } });
  const r = results([run("vite-dev", { cold: 3000, warm: 1000, f5: 400 }), withFloors(run("hr", { cold: 900, warm: 150, f5: 150 }), 120, 600)]);
  const [, fresh, kept] = goals(r);
  assert.equal(kept.met, false);
  assert.match(kept.measured, /the browser's floor alone 120 ms = 0\.12×/);
  assert.match(fresh.measured, /the browser's floor alone 600 ms = 0\.60×/);
  assert.doesNotMatch(goals(results([run("vite-dev", { cold: 3000, warm: 1000, f5: 400 }), run("hr", { cold: 900, warm: 150, f5: 150 })]))[2].measured, /floor/);
  assert.match(startupMarkdown(r), /\| 120 ms \|/);
});
