#!/usr/bin/env node
// The Reflex benchmark: the Reflex-shaped fixture (bench/reflexapp) with its real socket.io backend,
// served by hr-orchestrate (the compiler's CLI call with --wait-applied) and by Reflex's own dev
// path, `react-router dev` (Vite 8 + reactRouter()), in the same run and the same headless Chromium
// setup. Measures cold start, memo edit → DOM, CSS edit → computed style, RSS after the edits,
// reloads and whether the page's state survived; prints a table with hr/Vite ratios and writes the
// raw results and docs/benchmarks-reflex.md (lib/reflex-report.mjs).
//   node bench/compare/reflex.mjs [--memos 32,400] [--edits 20] [--css-edits 8] [--rounds 3]
//        [--systems hr,vite-rr] [--bin PATH] [--out FILE] [--doc FILE | --no-doc]
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { cliOptions, listOf, number, numbers } from "../lib/cli.mjs";
import { BACKEND_PY, generateReflexApp } from "../reflexapp/generate.mjs";
import { evalRetry, launch, loads, networkQuiet, setWant, waitHit } from "./lib/browser.mjs";
import { BIN_OPTION, REPO } from "./lib/paths.mjs";
import { freePort, nowMs, onCleanup, sleep, start, stop, stopAll } from "./lib/procs.mjs";
import { machine, markdown, table } from "./lib/reflex-report.mjs";
import { logger, resultsFile, runBenchmark, runRounds } from "./lib/rounds.mjs";
import { SYSTEMS, versions } from "./lib/systems.mjs";
import * as rr from "./servers/vite-react-router.mjs";

const HIT_TIMEOUT_MS = 30000;
// Debian's Python has python3-socketio and python3-uvicorn; the python3 first on PATH may not.
const PYTHON = fs.existsSync("/usr/bin/python3") ? "/usr/bin/python3" : "python3";
const log = logger("reflex");

// How each system is given the app: hr-orchestrate proxies the backend on its one port (the
// manifest's `backend`, env.json relative); under react-router dev the page talks to the backend's
// port itself (env.json absolute, as Reflex's dev mode writes it).
const REFLEX_SYSTEMS = {
  hr: {
    label: "hr-orchestrate",
    generate: (app, memos, backend) => generateReflexApp(app, { memos, backend }),
    start: ({ app, bin }) => SYSTEMS.hr.start({ app, bin }),
  },
  "vite-rr": {
    label: "react-router dev (Vite + reactRouter())",
    generate(app, memos, backend) {
      rr.prepareApp(app);
      const g = generateReflexApp(app, { memos, envBackend: backend });
      rr.writeViteConfig(app);
      return g;
    },
    start: async ({ app }) => rr.start({ app, port: await freePort() }),
  },
};

const CLI = {
  usage: "node bench/compare/reflex.mjs [options]  (bash bench/compare/run.sh --reflex passes its options here)",
  options: {
    memos: { value: "LIST", help: "app sizes in memo components, comma-separated", default: [32, 400], parse: numbers },
    edits: { value: "N", help: "memo edits per run", default: 20, parse: number },
    "css-edits": { value: "N", help: "CSS edits per run", default: 8, parse: number },
    rounds: { value: "R", help: "rounds of every system at every size", default: 3, parse: number },
    systems: { value: "LIST", help: "systems to run, comma-separated", default: ["hr", "vite-rr"], parse: listOf(Object.keys(REFLEX_SYSTEMS)) },
    bin: BIN_OPTION,
    out: { value: "FILE", help: "where the raw results go", default: path.join(REPO, "build/compare/reflex.json"),
      shown: "build/compare/reflex.json", parse: (p) => path.resolve(p) },
    doc: { value: "FILE", help: "the report to write", default: path.join(REPO, "docs/benchmarks-reflex.md"),
      shown: "docs/benchmarks-reflex.md", parse: (p) => path.resolve(p) },
    "no-doc": { help: "write no report" },
  },
};

function options() {
  const { noDoc, ...o } = cliOptions(CLI);
  if (noDoc) o.doc = null;
  for (const n of [...o.memos, o.edits, o.cssEdits, o.rounds]) if (!Number.isInteger(n) || n < 1 || n > 5000) throw new Error(`bad count ${n}`);
  if (o.systems.includes("hr") && !fs.existsSync(o.bin)) throw new Error(`no hr-orchestrate binary at ${o.bin} (--bin)`);
  return o;
}

// bench/reflexapp/backend.py on a free loopback port, stopped with everything else.
async function startBackend() {
  const port = await freePort();
  const child = start("backend.py", PYTHON, [BACKEND_PY, "--port", String(port)]);
  const unregister = onCleanup(() => stop(child));
  const deadline = Date.now() + 20000;
  while (!child.output.includes("listening on") && child.exitCode === null && Date.now() < deadline) await sleep(20);
  if (!child.output.includes("listening on")) {
    unregister();
    await stop(child);
    throw new Error(`the backend did not start (${PYTHON}):\n${child.output.slice(-2000)}`);
  }
  return { url: `http://127.0.0.1:${port}`, stop: async () => (unregister(), await stop(child)) };
}

// The page's state: the backend's count (clicked to 1 over socket.io) and a marker on window.
// Both survive a hot update; a reload loses the marker (the count comes back from the backend).
async function armState(page) {
  const count = () => evalRetry(page, () => document.querySelector('[data-testid="count"]')?.textContent ?? null);
  await page.waitForSelector('[data-testid="increment"]', { timeout: 30000 });
  for (let i = 0; i < 3 && (await count()) !== "1"; i++) {
    if (Number(await count()) > 1) throw new Error(`count at ${await count()}`);
    await page.click('[data-testid="increment"]', { timeout: 10000 });
    const deadline = Date.now() + 10000;
    while ((await count()) !== "1" && Date.now() < deadline) await sleep(20);
  }
  if ((await count()) !== "1") throw new Error(`the backend's count did not reach 1 (reads ${await count()}): no socket.io round trip`);
  await evalRetry(page, () => { window.__benchMarker = "kept"; });
}

async function stateKept(page) {
  return evalRetry(page, () => window.__benchMarker === "kept" && document.querySelector('[data-testid="count"]')?.textContent === "1", undefined, 30000);
}

// One timed edit as the compiler makes it: the file written, the manifest rewritten with the
// `changed` hint (both systems: the same file work), then the system's step (hr: the CLI call).
async function timedEdit(ctx, id, from, to, want) {
  const { page, app, manifest, handle, tap } = ctx;
  const loadsBefore = await loads(page);
  await setWant(page, want);
  tap.reset();
  const t0 = nowMs();
  const file = path.join(app, id);
  const before = fs.readFileSync(file, "utf8");
  if (!before.includes(from)) throw new Error(`${id} does not contain ${from}`);
  fs.writeFileSync(file, before.replace(from, to));
  manifest.build++;
  manifest.write([id]);
  const details = await handle.afterEdit();
  const hit = await waitHit(page, want.id, HIT_TIMEOUT_MS);
  await sleep(60); // a reload triggered right after the hit still counts
  const reloaded = (await loads(page)) > loadsBefore;
  const kept = await stateKept(page);
  if (!kept) await armState(page);
  return { id, ms: hit ? hit - t0 : null, reloaded, lostState: !kept, action: details.action, timings: details.timings, callMs: details.callMs,
    ...(hit ? {} : { errors: tap.errors.slice(0, 3) }) };
}

// Server start → "/" rendered (the page title in the DOM) in a fresh Chromium, then until the
// page's network is quiet: Vite may reload the page once its dependency optimizer has run.
async function firstLoad(sys, app, opts) {
  const browser = await launch();
  try {
    const { page, tap } = browser;
    const t0 = nowMs();
    const handle = await sys.start({ app, bin: opts.bin });
    const ready = nowMs();
    try {
      await page.goto(handle.url, { waitUntil: "commit", timeout: 120000 });
      await setWant(page, { id: "cold", selector: '[data-testid="page-title"]', text: "Home" });
      const first = await waitHit(page, "cold", 120000);
      if (!first) throw new Error(`no first render within 120 s; errors: ${tap.errors.join(" | ")}`);
      await networkQuiet(tap, 1000, 30000);
      const timing = { serverReadyMs: ready - t0, firstRenderMs: first - t0, quietMs: nowMs() - t0, loads: await loads(page), rssAfterLoadKb: handle.rssKb() };
      return { browser, handle, timing };
    } catch (e) {
      await handle.stop();
      throw e;
    }
  } catch (e) {
    await browser.close();
    throw e;
  }
}

async function measure(sysName, memos, round, opts) {
  const sys = REFLEX_SYSTEMS[sysName];
  log(`${sysName} memos ${memos} round ${round}: cold start`);
  const work = fs.mkdtempSync(path.join(os.tmpdir(), `hr-bench-reflex-${sysName}-`));
  const unregisterRm = onCleanup(() => fs.rmSync(work, { recursive: true, force: true }));
  const app = path.join(work, ".web");
  const backend = await startBackend();
  const out = { system: sysName, memos, round, edits: [], css: [] };
  let browser, handle;
  try {
    const { manifest, memos: all } = sys.generate(app, memos, backend.url);
    ({ browser, handle, timing: out.cold } = await firstLoad(sys, app, opts));
    const { page, tap } = browser;
    await armState(page);
    const ctx = { page, tap, app, manifest, handle };
    // Memo edits: the label of a card on "/" (every third memo is there), cycling over them.
    const onIndex = all.filter((m) => m.page === 0 && !m.counter);
    const label = new Map(onIndex.map((m) => [m.testid, m.label]));
    for (let i = 0; i < opts.edits; i++) {
      const m = onIndex[(i * 7) % onIndex.length];
      const next = `${m.label} (edit ${i + 1})`;
      out.edits.push(await timedEdit(ctx, m.module, JSON.stringify(label.get(m.testid)), JSON.stringify(next),
        { id: `e${i}`, selector: `[data-testid="${m.testid}"]`, text: next }));
      label.set(m.testid, next);
    }
    // CSS edits: the banner's border colour in styles/styles.css (@imported by the linked global sheet).
    let colour = "rgb(0, 128, 0)";
    for (let i = 0; i < opts.cssEdits; i++) {
      const next = `rgb(${(37 * (i + 1)) % 256}, ${(91 * (i + 1) + 40) % 256}, 200)`;
      out.css.push(await timedEdit(ctx, "styles/styles.css", colour, next,
        { id: `c${i}`, selector: '[data-testid="page-note"]', prop: "borderLeftColor", value: next }));
      colour = next;
    }
    await sleep(300);
    out.rssAfterEditsKb = handle.rssKb();
    out.info = handle.info?.();
    out.loads = await loads(page);
    out.stateKeptAtEnd = await stateKept(page);
    out.pageErrors = tap.errors.slice(0, 5);
    await handle.stop();
    await browser.close();
    handle = browser = undefined;
    // The next `reflex run` on the same app: the server's caches on disk are kept (Vite's
    // node_modules/.vite, hr-orchestrate's .hr/), the browser is fresh.
    log(`${sysName} memos ${memos} round ${round}: restart`);
    try {
      ({ browser, handle, timing: out.restart } = await firstLoad(sys, app, opts));
    } catch (e) { // the cold start and the edits stand
      out.restartFailed = String(e.message ?? e).slice(0, 1000);
      log(`  restart FAILED: ${out.restartFailed}`);
    }
    const ok = (l) => l.filter((e) => e.ms != null).length;
    log(`  cold ${out.cold.firstRenderMs.toFixed(0)} ms (loads ${out.cold.loads}), restart ${out.restart?.firstRenderMs.toFixed(0) ?? "failed"} ms, ` +
      `edits shown ${ok(out.edits)}/${out.edits.length}, css shown ${ok(out.css)}/${out.css.length}, rss ${(out.rssAfterEditsKb / 1024).toFixed(0)} MB, loads ${out.loads}`);
  } finally {
    await handle?.stop();
    await browser?.close();
    await backend.stop();
    fs.rmSync(work, { recursive: true, force: true });
    unregisterRm();
  }
  return out;
}

async function main() {
  const opts = options();
  const { results, save, minutes } = resultsFile(opts.out, { date: new Date().toISOString(), machine: machine(), versions: reflexVersions(),
    options: { ...opts }, command: rerunCommand(process.argv.slice(2)),
    ...(opts.systems.includes("hr") ? { hr: { bin: opts.bin, built: fs.statSync(opts.bin).mtime.toISOString() } } : {}) });
  try {
    await runRounds({ sizes: opts.memos, key: "memos", rounds: opts.rounds, systems: opts.systems, results, save, log,
      measure: (s, memos, round) => measure(s, memos, round, opts) });
  } finally {
    save();
    await stopAll();
  }
  const labels = Object.fromEntries(Object.entries(REFLEX_SYSTEMS).map(([k, v]) => [k, v.label]));
  process.stdout.write(table(results, labels) + "\n");
  if (opts.doc) {
    fs.writeFileSync(opts.doc, markdown(results, labels));
    log(`wrote ${path.relative(REPO, opts.doc)}`);
  }
  log(`done in ${minutes()} min; raw results in ${path.relative(REPO, opts.out)}`);
}

// The command the report prints to regenerate it: this run's options without the paths run.sh
// fills in itself (--bin, --out, --doc, in either `--flag value` or `--flag=value` form).
function rerunCommand(argv) {
  const paths = ["--bin", "--out", "--doc"];
  const kept = argv.filter((a, i) => !paths.includes(a) && !paths.includes(argv[i - 1]) && !paths.some((p) => a.startsWith(p + "=")));
  return `bash bench/compare/run.sh --reflex ${kept.join(" ")}`.trim();
}

function reflexVersions() {
  const v = versions();
  const pkg = (p) => { try { return JSON.parse(fs.readFileSync(p, "utf8")).version; } catch { return undefined; } };
  for (const n of ["@react-router/dev", "@react-router/fs-routes"]) v[n] = pkg(path.join(REPO, "bench/compare/node_modules", n, "package.json"));
  for (const n of ["react-router", "@radix-ui/themes", "@emotion/react", "socket.io-client"]) v[n] = pkg(path.join(REPO, "npm/node_modules", n, "package.json"));
  delete v["@vitejs/plugin-react"]; // not on Reflex's path
  v.python = fs.existsSync(PYTHON) ? PYTHON : "python3";
  try { v.chromium = execFileSync("/usr/bin/chromium", ["--version"], { encoding: "utf8", timeout: 20000 }).trim(); } catch { /* not found */ }
  return v;
}

runBenchmark(main, log);
