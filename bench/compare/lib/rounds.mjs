// What the comparison benchmarks (bench.mjs, reflex.mjs, python_demo.mjs) share around their
// measurements: the log line, the raw results file, the rounds over sizes and systems, and the
// process-level cleanup. One piece so that the benchmarks cannot drift apart in how they order
// systems, record failures or leave servers behind.
import fs from "node:fs";
import path from "node:path";
import { stopAll } from "./procs.mjs";

// `[name hh:mm:ss] …` on stderr (stdout is kept for results).
export const logger = (name) => (...a) => process.stderr.write(`[${name} ${new Date().toISOString().slice(11, 19)}] ${a.join(" ")}\n`);

// The 1/5/15-minute load average: other work on the machine shares the cores, so the results say
// how busy it was at the start and at the end.
export function loadAvg() {
  return fs.readFileSync("/proc/loadavg", "utf8").split(" ").slice(0, 3).map(Number);
}

// The raw results ({ meta, runs, ...extra }) and save(), which writes them to `out` with the total
// time and the load average at the end. Saved after every run, so an interrupted or failed
// benchmark keeps what it measured.
export function resultsFile(out, meta, extra = {}) {
  const started = Date.now();
  const results = { meta: { ...meta, loadAvgStart: loadAvg() }, runs: [], ...extra };
  const save = () => {
    results.meta.totalMs = Date.now() - started;
    results.meta.loadAvgEnd = loadAvg();
    fs.mkdirSync(path.dirname(out), { recursive: true });
    fs.writeFileSync(out, JSON.stringify(results, null, 1) + "\n");
  };
  return { results, save, minutes: () => ((Date.now() - started) / 60000).toFixed(1) };
}

// measure(system, size, round) for every size and system, `rounds` times; `key` names the size in
// the records ("size", "memos"). Every round goes over every size, as over every system: other
// work on the machine comes and goes over minutes, and a goal that compares sizes (10,000 against
// 200) would otherwise compare a busy phase with a quiet one. A failed run is recorded and the
// next one goes on.
export async function runRounds({ sizes, key, rounds, systems, measure, results, save, log }) {
  for (let round = 1; round <= rounds; round++) {
    for (const size of sizes) {
      for (const system of rotated(systems, round)) {
        try {
          results.runs.push(await measure(system, size, round));
        } catch (e) {
          log(`  ${system} ${key} ${size} round ${round} FAILED: ${e.stack ?? e}`);
          results.runs.push({ system, [key]: size, round, failed: String(e.message ?? e).slice(0, 2000) });
        }
        save();
      }
    }
  }
}

// Round r starts with the r-th system, so none always runs first (on a cooler, or a warmer, machine).
function rotated(systems, round) {
  return systems.map((_, i) => systems[(i + round - 1) % systems.length]);
}

// Runs the benchmark's main; on failure or SIGINT/SIGTERM every process it started is stopped
// first, so no server outlives the run.
export function runBenchmark(main, log) {
  const interrupted = async (sig) => {
    log(`${sig}: stopping everything`);
    await stopAll();
    process.exit(130);
  };
  for (const sig of ["SIGINT", "SIGTERM"]) process.on(sig, () => interrupted(sig));
  main().catch(async (e) => {
    log(`FAILED: ${e.stack ?? e}`);
    await stopAll();
    process.exit(1);
  });
}
