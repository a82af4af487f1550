// bench/compare/report.mjs on results made up for the test: the documents it writes say "met" or
// "missed" and recommend (a), (b) or (c) as the figures and the stated rules decide, whatever the
// combination (the day every goal is met must not crash the report).
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { test } from "node:test";
import { choose } from "../../bench/compare/lib/recommend.mjs";

const REPORT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../bench/compare/report.mjs");

// One round of `system` at `size`: every edit takes `ms`, CSS `css` ms, the server `rssMb`.
function run(system, size, { ms, css = ms, rssMb, cold = 1000 }) {
  const edit = (kind) => ({ kind, target: "comp_1", ms, editMs: 1, reloaded: false, lostState: false,
    ...(system.startsWith("hr") ? { action: kind === "css" ? "css" : "js-update", timings: { total: ms / 4, applied: ms / 2 } } : {}) });
  return { system, size, round: 1, cold: { firstRenderMs: cold, requests: 100, rssAfterLoadKb: rssMb * 1024 },
    edits: Array.from({ length: 4 }, () => edit("component-text")), css: [{ ...edit("css"), ms: css }],
    rssAfterEditsKb: rssMb * 1024, info: system === "hr" ? { rssServerKb: 1024, rssEsbuildKb: 2048 } : {} };
}

function accuracy(system, { fp = 0, fn = 0 }) {
  return Array.from({ length: 6 }, (_, i) => ({ system, i, kind: i < 3 ? "component-text" : "identical", expect: i < 3 ? "js-update" : "none",
    observed: i < 3 ? "js-update" : "none", scored: true, fp: i < fp, fn: i >= 3 && i - 3 < fn, lostState: false }));
}

// hr and Vite at 200, 2,000 and 10,000 components; `hr` figures per size.
function results({ hr, vite, hrPy, hrCli, hrFp = 0, viteFp = 1 }) {
  const runs = [];
  for (const size of [200, 2000, 10000]) {
    runs.push(run("vite-dev", size, vite(size)), run("hr", size, hr(size)));
    if (hrPy) runs.push(run("hr-py", size, hrPy(size)));
    if (hrCli) runs.push(run("hr-cli", size, hrCli(size)));
  }
  return { meta: { date: "2026-12-04T00:00:00Z", totalMs: 60000, machine: { cpu: "test", cores: 2, memGiB: 24, kernel: "test" },
    versions: { vite: "8.3.8" }, options: { sizes: [200, 2000, 10000], edits: 4, rounds: 1, buildEdits: 1, accuracySize: 200, systems: ["vite-dev", "hr"] },
    loadAvgStart: [1, 1, 1], loadAvgEnd: [1, 1, 1] }, runs, accuracy: [...accuracy("vite-dev", { fp: viteFp }), ...accuracy("hr", { fp: hrFp })] };
}

function report(r) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "hr-report-"));
  try {
    fs.writeFileSync(path.join(dir, "results.json"), JSON.stringify(r));
    execFileSync(process.execPath, [REPORT, "--in", path.join(dir, "results.json"), "--docs", dir], { stdio: "pipe" });
    const read = (f) => fs.readFileSync(path.join(dir, f), "utf8");
    return { benchmarks: read("benchmarks.md"), recommendation: read("recommendation.md") };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

test("every goal met: recommendation (a), each goal 'met'", () => {
  const docs = report(results({ hr: () => ({ ms: 10, rssMb: 20 }), vite: () => ({ ms: 100, rssMb: 200 }) }));
  assert.match(docs.recommendation, /^## Recommendation: \(a\) implement single-port mode$/m);
  assert.match(docs.benchmarks, /edit → DOM p50 at 2000, hr-orchestrate, ≤ 1\/5 of Vite's \| 10(\.0)? ms vs 100 ms = 0\.10× \(goal ≤ 0\.20×\) \| met/);
  assert.doesNotMatch(docs.benchmarks, /\*\*missed\*\*/);
});

test("faster but not five times: (c) a hybrid, the latency goal missed", () => {
  const docs = report(results({ hr: () => ({ ms: 50, rssMb: 20 }), vite: () => ({ ms: 100, rssMb: 200 }) }));
  assert.match(docs.recommendation, /^## Recommendation: \(c\) a hybrid$/m);
  assert.match(docs.benchmarks, /≤ 1\/5 of Vite's \| 50(\.0)? ms vs 100 ms = 0\.50× \(goal ≤ 0\.20×\) \| \*\*missed\*\*/);
});

test("scaling missed at 10,000 keeps (a) out even when the rest is met", () => {
  const docs = report(results({ hr: (n) => ({ ms: n === 10000 ? 19 : 10, rssMb: 20 }), vite: () => ({ ms: 100, rssMb: 200 }) }));
  assert.match(docs.recommendation, /^## Recommendation: \(c\) a hybrid$/m);
  assert.match(docs.benchmarks, /10,000 within 1\.3× of 200 \(issue 17; 1\.5× before it\) \| 19(\.0)? ms vs 10(\.0)? ms = 1\.90× \(this run\) \| \*\*missed\*\*/);
});

test("the Python client's goal (≤ 1/6 of Vite's) is reported when it ran", () => {
  const docs = report(results({ hr: () => ({ ms: 30, rssMb: 20 }), hrPy: () => ({ ms: 15, rssMb: 20 }), vite: () => ({ ms: 100, rssMb: 200 }) }));
  assert.match(docs.benchmarks, /through the Python client ≤ 1\/6 of Vite's \| 15(\.0)? ms vs 100 ms = 0\.15× \(goal ≤ 0\.17×\) \| met/);
  assert.match(docs.benchmarks, /\| hr-orchestrate, Python client \|/);
});

test("the CLI called from Python gets its own edit, scaling and CSS rows when it ran", () => {
  const docs = report(results({ hr: () => ({ ms: 30, rssMb: 20 }), hrCli: (n) => ({ ms: n === 10000 ? 12 : 10, css: 4, rssMb: 20 }),
    vite: () => ({ ms: 100, css: 10, rssMb: 200 }) }));
  assert.match(docs.benchmarks, /edit → DOM p50 at 2000, hr-orchestrate \(CLI from Python\), ≤ 1\/5 of Vite's \| 10(\.0)? ms vs 100 ms = 0\.10× \(goal ≤ 0\.20×\) \| met/);
  assert.match(docs.benchmarks, /hr-orchestrate \(CLI from Python\) edit → DOM at 10,000 within 1\.3× of 200 \(issue 17; 1\.5× before it\) \| 12(\.0)? ms vs 10(\.0)? ms = 1\.20× \(this run\) \| met/);
  assert.match(docs.benchmarks, /CSS edit → applied p50 at 2,000, hr-orchestrate \(CLI from Python\), ≤ 1\/2 of Vite's \| 4(\.0+)? ms vs 10(\.0)? ms = 0\.40×/);
  assert.match(docs.benchmarks, /edit → DOM p50 at 2000, hr-orchestrate, ≤ 1\/5 of Vite's \| 30(\.0)? ms vs 100 ms = 0\.30× \(goal ≤ 0\.20×\) \| \*\*missed\*\*/);
});

test("the rules: (b) when hr-orchestrate is ahead nowhere", () => {
  const none = { hrFaster: false, hrFiveTimes: false, hrLeaner: false, hrQuarter: false, hrColdFaster: false, hrAccurate: true };
  assert.match(choose(none, undefined, false).choice, /^\(b\)/);
  assert.match(choose(none, undefined, true).choice, /^\(c\)/, "fewer false positives is a win");
  assert.match(choose({ ...none, hrFaster: true, hrFiveTimes: true, hrQuarter: true }, undefined, false).choice, /^\(a\)/, "scaling not measured");
  assert.match(choose({ ...none, hrFaster: true, hrFiveTimes: true, hrQuarter: true }, false, false).choice, /^\(c\)/);
});
