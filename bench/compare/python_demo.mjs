#!/usr/bin/env node
// The seed's end-to-end question on the Python demo (examples/python-framework): a component's
// Python file saved → the page shows the change, p50, and where that time goes. The demo's dev
// command polls the app's files, compiles what changed (its own compile), writes the modules and
// the manifest and calls hr-orchestrate through the Python client; the page is headless Chromium
// instrumented like the other benchmarks (lib/browser.mjs: MutationObserver + 4 ms poll on the
// driver's wall clock). Each build line of the dev command gives its compile and total time.
//   node bench/compare/python_demo.mjs [--edits 20] [--interval 0.05] [--out docs/benchmarks-python-demo.md]
import fs from "node:fs";
import path from "node:path";
import { PythonDemo } from "../../tests/e2e/python_demo_fixture.mjs";
import { cliOptions, number } from "../lib/cli.mjs";
import { launch, setWant, waitHit, loads } from "./lib/browser.mjs";
import { machine } from "./lib/machine.mjs";
import { BIN_OPTION, REPO } from "./lib/paths.mjs";
import { nowMs, sleep, stopAll } from "./lib/procs.mjs";
import { logger, runBenchmark } from "./lib/rounds.mjs";
import { pct } from "./lib/stats.mjs";

const FILE = "counter.py";
const SELECTOR = '[data-testid="counter-title"]';

const CLI = {
  usage: "node bench/compare/python_demo.mjs [--edits 20] [--interval 0.05] [--out FILE] [--bin PATH]",
  options: {
    edits: { value: "N", help: "timed edits of the counter's title", default: 20, parse: number },
    interval: { value: "S", help: "the demo watcher's polling interval in seconds", default: 0.05, parse: number },
    out: { value: "FILE", help: "the report to write", default: path.join(REPO, "docs/benchmarks-python-demo.md"),
      shown: "docs/benchmarks-python-demo.md" },
    bin: BIN_OPTION,
  },
};

// One edit: the counter's title text, saved as an editor saves it; the page's hit time and the
// dev command's build line for it.
async function timedEdit(demo, page, i) {
  const want = { id: `title-${i}`, selector: SELECTOR, text: `Counter v${i}` };
  await setWant(page, want);
  const file = demo.file(FILE);
  const before = fs.readFileSync(file, "utf8");
  const next = before.replace(/el\.h2\("Counter[^"]*"/, `el.h2("Counter v${i}"`);
  if (next === before) throw new Error(`${FILE} has no el.h2("Counter...") to edit`);
  const builds = demo.builds().length;
  const t0 = nowMs();
  fs.writeFileSync(file, next);
  const hit = await waitHit(page, want.id, 15000);
  await waitUntilBuilt(demo, builds);
  const build = demo.builds().at(-1);
  const compile = Number(/compile ([\d.]+) ms/.exec(build.line)?.[1]);
  const total = Number(/total ([\d.]+) ms/.exec(build.line)?.[1]);
  return { ms: hit ? hit - t0 : null, compile, call: total - compile, action: build.action };
}

async function waitUntilBuilt(demo, builds) {
  for (let i = 0; i < 200 && demo.builds().length <= builds; i++) await sleep(25);
}

function report(o, rows, reloads) {
  const col = (k) => rows.map((r) => r[k]);
  const f = (x) => (x == null ? "–" : `${x.toFixed(1)} ms`);
  const dom = col("ms"), compile = col("compile"), call = col("call");
  const rest = rows.map((r) => (r.ms == null ? null : r.ms - r.compile - r.call));
  const m = machine();
  return `# Python file saved → DOM, on the Python demo

Written by \`node bench/compare/python_demo.mjs --edits ${o.edits} --interval ${o.interval}\` on ${new Date().toISOString()};
${m.cpu}, ${m.cores} cores. The demo (\`examples/python-framework\`) runs its dev command: a polling watcher
(every ${o.interval * 1000} ms), its own compile of the changed component, \`ManifestWriter\` and
\`Client.recompile(wait_applied=10000)\` (no process per call; it returns once the page applied the update,
so its time includes the browser's part). Each edit changes the Counter component's title in
\`app/${FILE}\`; the time runs from the file's write to the page showing the new title (headless Chromium,
MutationObserver on the same clock).

| part | p50 | p90 |
|---|---|---|
| saved → DOM shows it | ${f(pct(dom, 50))} | ${f(pct(dom, 90))} |
| the demo's compile (Python → JS modules, manifest written) | ${f(pct(compile, 50))} | ${f(pct(compile, 90))} |
| the Python client's call until the page applied it (hr-orchestrate's read, plan, esbuild, push; the browser's fetch and render) | ${f(pct(call, 50))} | ${f(pct(call, 90))} |
| the rest: the watcher noticing the save (it polls every ${o.interval * 1000} ms) | ${f(pct(rest, 50))} | ${f(pct(rest, 90))} |

${rows.length} edits, ${dom.filter((x) => x == null).length} not shown within 15 s, ${reloads} full reloads;
hr-orchestrate's answers: ${[...new Set(col("action"))].join(", ")}.
`;
}

async function main() {
  const o = cliOptions(CLI);
  const demo = await PythonDemo.start({ binary: o.bin, interval: o.interval, waitApplied: 10000 });
  const browser = await launch();
  try {
    await browser.page.goto(demo.url + "/");
    await browser.page.locator(SELECTOR).waitFor({ timeout: 30000 });
    const loadsBefore = await loads(browser.page);
    const rows = [];
    for (let i = 1; i <= o.edits; i++) {
      rows.push(await timedEdit(demo, browser.page, i));
      await sleep(100);
    }
    const md = report(o, rows, (await loads(browser.page)) - loadsBefore);
    fs.writeFileSync(o.out, md);
    process.stdout.write(md);
  } finally {
    await browser.close();
    await demo.stop();
    demo.remove();
    await stopAll();
  }
}

runBenchmark(main, logger("python-demo"));
