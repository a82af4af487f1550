#!/usr/bin/env node
// The startup benchmark (issue 16): on the slice-shaped app (`bench/appgen --shape slice`: pages of
// ~100 modules, imported lazily by the root), hr-orchestrate started as the compiler starts it
// (`hr-orchestrate --manifest M --port P`) against Vite's dev server, in the same headless Chromium:
//   cold start → first render (caches cleared), warm restart → first render (caches kept),
//   F5 reload of a loaded page, peak RSS of the server's process tree during the cold start,
//   and, at 10,000 components, warm restart → serving for hr-orchestrate.
// Writes the raw results as JSON and docs/benchmarks-startup.md (lib/startup-report.mjs).
//   node bench/compare/startup.mjs [--sizes 2000] [--rounds 3] [--reloads 5] [--serving-size 10000]
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { generateApp } from "../appgen/generate.mjs";
import { pageModules } from "../appgen/manifest.mjs";
import { cliOptions, listOf, number, numbers } from "../lib/cli.mjs";
import { launch, networkQuiet } from "./lib/browser.mjs";
import { machine } from "./lib/machine.mjs";
import { BIN_OPTION, HERE, REPO } from "./lib/paths.mjs";
import { commandWords, descendants, firstJsonLine, freePort, nowMs, onCleanup, rssKb, run, sleep, start, stop, stopAll } from "./lib/procs.mjs";
import { logger, resultsFile, runBenchmark, runRounds } from "./lib/rounds.mjs";
import { median } from "./lib/stats.mjs";
import { versions } from "./lib/systems.mjs";
import { consoleSummary, startupMarkdown, STARTUP_SYSTEMS } from "./lib/startup-report.mjs";
import { clearCaches, hrServerPid, lastJson, STARTERS } from "./lib/startup-servers.mjs";

const log = logger("startup");
const RENDER_TIMEOUT_MS = 120000;

const CLI = {
  usage: "node bench/compare/startup.mjs [--sizes 2000] [--rounds 3] [--reloads 5] [--systems LIST] [--serving-size 10000]",
  options: {
    sizes: { value: "LIST", help: "app sizes in components (slice shape), comma-separated", default: [2000], parse: numbers },
    rounds: { value: "R", help: "rounds of every system at every size", default: 3, parse: number },
    reloads: { value: "N", help: "F5 reloads per round (their median is the round's figure)", default: 5, parse: number },
    systems: { value: "LIST", help: "systems, comma-separated", default: Object.keys(STARTUP_SYSTEMS), parse: listOf(Object.keys(STARTUP_SYSTEMS)) },
    "serving-size": { value: "N", help: "size of hr-orchestrate's warm restart → serving part (0: skip it)", default: 10000, parse: number },
    "serving-rounds": { value: "R", help: "warm restarts measured at --serving-size", default: 5, parse: number },
    bin: BIN_OPTION,
    out: { value: "FILE", help: "where the raw results go", default: path.join(REPO, "build/compare/startup.json"),
      shown: "build/compare/startup.json", parse: (p) => path.resolve(p) },
    doc: { value: "FILE", help: "the markdown report", default: path.join(REPO, "docs/benchmarks-startup.md"),
      shown: "docs/benchmarks-startup.md", parse: (p) => path.resolve(p) },
  },
};

// ---- the app, one per system and size (rounds reuse it; cold starts clear the caches) ---------

const apps = new Map();
function appFor(system, size) {
  const key = `${system}/${size}`;
  if (!apps.has(key)) {
    const work = fs.mkdtempSync(path.join(os.tmpdir(), `hr-startup-${system}-${size}-`));
    onCleanup(() => fs.rmSync(work, { recursive: true, force: true }));
    const app = path.join(work, "app");
    generateApp(app, { components: size, seed: 1, shape: "slice" });
    const manifest = JSON.parse(fs.readFileSync(path.join(app, "manifest.json"), "utf8"));
    const page = manifest.modules.find((m) => m.route === "/");
    const last = Number(/_(\d+)\.jsx$/.exec(page.imports.at(-1))[1]);
    const info = { modules: manifest.modules.length, pages: manifest.modules.filter((m) => m.kind === "page").length,
      modulesOnFirstPage: pageModules(manifest, page.id).size };
    // The first page shows its content once its last component is in the DOM (React commits the
    // lazily loaded page at once).
    apps.set(key, { work, app, info, manifest: path.join(app, "manifest.json"), selector: `section[data-route="/"] [data-testid="comp-${last}"]` });
  }
  return apps.get(key);
}

// ---- the browser --------------------------------------------------------------------------------

// Records, per document, the wall-clock time the first page's content is first in the DOM.
const renderProbe = (selector) => `(() => {
  const now = () => performance.timeOrigin + performance.now();
  const check = () => {
    if (window.__benchRender) return true;
    if (!document.querySelector(${JSON.stringify(selector)})) return false;
    window.__benchRender = now();
    return true;
  };
  new MutationObserver(check).observe(document, { subtree: true, childList: true });
  const tick = () => { if (!check()) setTimeout(tick, 4); };
  tick();
})();`;

// Chromium goes on starting (its GPU, network and renderer processes) after launch() returns: a
// server started at once shared the machine's 2 cores with it (a 10,000-module restart → serving:
// 345–545 ms so, about 200 ms on a quiet machine). Each system's start waits the same.
const BROWSER_SETTLE_MS = 1000;

async function openBrowser(ctx) {
  const browser = await launch();
  await browser.context.addInitScript(renderProbe(ctx.selector));
  const responses = [];
  browser.page.on("response", (r) => responses.push({ url: r.url(), status: r.status() }));
  browser.page.on("requestfailed", (r) => responses.push({ url: r.url(), status: 0, failure: r.failure()?.errorText }));
  browser.responses = responses;
  await sleep(BROWSER_SETTLE_MS);
  return browser;
}

async function waitRender(page, timeoutMs) {
  const end = Date.now() + timeoutMs;
  while (Date.now() < end) {
    const t = await page.evaluate(() => window.__benchRender ?? null).catch(() => null);
    if (t) return t;
    await sleep(10);
  }
  return null;
}

// Requests that did not answer 2xx/304, by status, with a few examples.
function badResponses(responses) {
  const bad = responses.filter((r) => r.status === 0 || r.status >= 400);
  return bad.length ? { count: bad.length, examples: bad.slice(0, 5).map((r) => `${r.status || r.failure} ${r.url}`) } : undefined;
}

function statusCounts(responses) {
  const c = {};
  for (const r of responses) c[r.status] = (c[r.status] ?? 0) + 1;
  return c;
}

// Goes to the server's first page and waits for its content; { firstRenderMs, ... } from t0.
async function firstRender(browser, server, what) {
  const { page, tap } = browser;
  tap.reset();
  browser.responses.length = 0;
  await page.goto(server.url, { waitUntil: "commit", timeout: RENDER_TIMEOUT_MS });
  const t = await waitRender(page, RENDER_TIMEOUT_MS);
  if (!t) throw new Error(`${what}: no first render within ${RENDER_TIMEOUT_MS / 1000} s; errors: ${tap.errors.join(" | ")}; ` +
    `bad responses: ${JSON.stringify(badResponses(browser.responses))}`);
  await networkQuiet(tap, 500, 30000);
  return { servingMs: server.servingMs, firstRenderMs: t - server.t0, requests: tap.requests.length,
    statuses: statusCounts(browser.responses), bad: badResponses(browser.responses), errors: tap.errors.slice(0, 5) };
}

// RSS of the server's process tree every 25 ms until stop() (which returns the peak, kB); at the
// peak, where the memory was (process name -> kB).
function rssSampler(pids) {
  let peak = 0;
  let where = {};
  const tick = () => {
    const tree = new Set();
    for (const p of pids().filter(Boolean)) for (const q of [p, ...descendants(p)]) tree.add(q);
    let sum = 0;
    const parts = {};
    for (const p of tree) {
      const kb = rssKb(p);
      sum += kb;
      parts[`${processName(p)} ${p}`] = kb;
    }
    if (sum > peak) peak = sum, where = parts;
  };
  const timer = setInterval(tick, 25);
  return { peak: () => (tick(), peak), where: () => where, stop: () => (clearInterval(timer), tick(), peak) };
}

function processName(pid) {
  try { return path.basename(commandWords(pid)[0]); } catch { return "?"; }
}

// hr-orchestrate builds what the page did not need in the background: wait for it (bounded).
async function backgroundDone(server, t0, timeoutMs) {
  const end = Date.now() + timeoutMs;
  let s;
  while (Date.now() < end) {
    s = await server.status();
    if (!s || s.unbuilt === 0 || s.unbuilt === undefined) return { ms: nowMs() - t0, status: pickStatus(s) };
    await sleep(100);
  }
  return { ms: null, status: pickStatus(s) };
}

function pickStatus(s) {
  if (!s) return undefined;
  const c = s.counters ?? {};
  return { modules: s.modules, unbuilt: s.unbuilt, cache: s.cache, esbuildModuleBuilds: c.esbuild_module_builds,
    builtOnRequest: c.modules_built_on_request, compileErrors: c.compile_errors, esbuildRestarts: c.esbuild_restarts };
}

// ---- one round ----------------------------------------------------------------------------------

// A round on one port (a browser's HTTP cache is per origin): cold start in a fresh profile; warm
// restart with that browser kept (its HTTP cache warm, the page opened again); warm restart in a
// fresh profile (the server's caches only); then F5 on that page.
async function measure(system, size, round, opts) {
  const ctx = appFor(system, size);
  const port = await freePort();
  const startServer = () => STARTERS[system](ctx, opts, port);
  const hr = system.startsWith("hr");
  const out = { system, size, round, app: ctx.info };
  const browsers = [];
  const open = async () => (browsers.push(await openBrowser(ctx)), browsers.at(-1));
  let server;
  let sampler;
  try {
    log(`${system} ${size} round ${round}: cold start`);
    clearCaches(system, ctx);
    const kept = await open();
    let pids = hr ? () => [hrServerPid(ctx.manifest)] : () => [];
    sampler = rssSampler(() => pids());
    server = await startServer();
    pids = server.pids;
    out.cold = await firstRender(kept, server, `${system} cold`);
    out.cold.peakRssToRenderKb = sampler.peak();
    if (hr) {
      const bg = await backgroundDone(server, server.t0, 180000);
      out.cold.backgroundDoneMs = bg.ms;
      out.cold.status = bg.status;
    } else {
      await sleep(1000); // what Vite does after the page loaded (its deps optimizer) is in the peak too
    }
    out.cold.peakRssKb = sampler.stop();
    out.cold.peakRssWhereKb = sampler.where();
    sampler = null;
    // Off the page first: its HMR client would reload it when the server comes back, racing ours.
    await kept.page.goto("about:blank").catch(() => {});
    await server.stop();

    log(`${system} ${size} round ${round}: warm restarts`);
    server = await startServer();
    out.warmKept = await firstRender(kept, server, `${system} warm restart, browser kept`);
    // The browser's own part: the same page opened again with the server already serving.
    await kept.page.goto("about:blank").catch(() => {});
    out.keptFloor = await firstRender(kept, { ...server, t0: nowMs() }, `${system} browser floor, browser kept`);
    await server.stop();
    await kept.close();

    const fresh = await open();
    server = await startServer();
    out.warm = await firstRender(fresh, server, `${system} warm restart`);
    out.warm.status = pickStatus(await server.status());

    out.reloads = [];
    for (let i = 0; i < opts.reloads; i++) out.reloads.push(await reload(fresh));
    out.f5Ms = median(out.reloads.map((r) => r.ms));
    const another = await open();
    out.warmFloor = await firstRender(another, { ...server, t0: nowMs() }, `${system} browser floor, fresh profile`);
    log(`  cold: serving ${out.cold.servingMs.toFixed(0)} ms, first render ${out.cold.firstRenderMs.toFixed(0)} ms, ` +
      `${out.cold.requests} requests, peak RSS ${(out.cold.peakRssKb / 1024).toFixed(0)} MB; warm restart: serving ` +
      `${out.warm.servingMs.toFixed(0)} ms, first render ${out.warm.firstRenderMs.toFixed(0)} ms (browser kept: ` +
      `${out.warmKept.firstRenderMs.toFixed(0)} ms); F5 ${out.f5Ms?.toFixed(0)} ms` +
      `${out.cold.bad || out.warm.bad || out.warmKept.bad ? `; bad responses ${JSON.stringify(out.cold.bad ?? out.warmKept.bad ?? out.warm.bad)}` : ""}`);
  } finally {
    sampler?.stop();
    await server?.stop();
    for (const b of browsers) await b.close();
  }
  return out;
}

// F5 on the loaded page: from the reload until the first page's content shows again.
async function reload(browser) {
  const { page, tap } = browser;
  await sleep(200);
  tap.reset();
  browser.responses.length = 0;
  const t0 = nowMs();
  await page.reload({ waitUntil: "commit", timeout: RENDER_TIMEOUT_MS });
  const t = await waitRender(page, RENDER_TIMEOUT_MS);
  if (!t) throw new Error(`F5: no render within ${RENDER_TIMEOUT_MS / 1000} s; errors: ${tap.errors.join(" | ")}`);
  await networkQuiet(tap, 300, 10000);
  return { ms: t - t0, requests: tap.requests.length, statuses: statusCounts(browser.responses), bad: badResponses(browser.responses) };
}

// ---- 10,000 components: hr-orchestrate's warm restart → serving ------------------------------------

async function servingPart(opts, results, save) {
  const size = opts.servingSize;
  const ctx = appFor("hr-serving", size);
  const rec = { size, app: ctx.info, cold: null, rounds: [] };
  results.serving = rec;
  log(`hr ${size}: cold start (filling the cache)`);
  clearCaches("hr", ctx);
  let server = await STARTERS.hr(ctx, opts, await freePort());
  const sampler = rssSampler(server.pids);
  try {
    const bg = await backgroundDone(server, server.t0, 600000);
    rec.cold = { servingMs: server.servingMs, backgroundDoneMs: bg.ms, peakRssKb: sampler.stop(), peakRssWhereKb: sampler.where(), status: bg.status };
  } finally {
    sampler.stop();
    await server.stop();
  }
  save();
  for (let round = 1; round <= opts.servingRounds; round++) {
    const browser = await openBrowser(ctx);
    try {
      server = await STARTERS.hr(ctx, opts, await freePort());
      const answersMs = (await firstAnswer(server.url, 10000)) - server.t0;
      const r = await firstRender(browser, server, `hr ${size} warm restart`);
      const bg = await backgroundDone(server, server.t0, 60000);
      rec.rounds.push({ round, servingMs: server.servingMs, answersMs, firstRenderMs: r.firstRenderMs, requests: r.requests,
        bad: r.bad, backgroundDoneMs: bg.ms, status: bg.status });
      log(`  warm restart ${round}: serving ${server.servingMs.toFixed(0)} ms, answers ${answersMs.toFixed(0)} ms, ` +
        `first render ${r.firstRenderMs.toFixed(0)} ms, esbuild module builds ${bg.status?.esbuildModuleBuilds}, cache ${JSON.stringify(bg.status?.cache)}`);
    } catch (e) {
      log(`  warm restart ${round} FAILED: ${e.stack ?? e}`);
      rec.rounds.push({ round, failed: String(e.message ?? e).slice(0, 2000) });
    } finally {
      await server?.stop();
      await browser.close();
      save();
    }
  }
}

// The wall-clock time the server first answers GET / (any status).
async function firstAnswer(url, timeoutMs) {
  const end = Date.now() + timeoutMs;
  while (Date.now() < end) {
    try {
      const res = await fetch(url, { headers: { accept: "text/html" }, signal: AbortSignal.timeout(2000) });
      await res.arrayBuffer();
      return nowMs();
    } catch { await sleep(5); }
  }
  return NaN;
}

function hrBuild(bin) {
  let commit = "";
  try { commit = execFileSync("git", ["-C", REPO, "log", "-1", "--format=%h %cI"], { encoding: "utf8" }).trim(); } catch { /* */ }
  return { bin, built: fs.statSync(bin).mtime.toISOString(), repoHead: commit };
}

async function main() {
  const opts = cliOptions(CLI);
  if (!fs.existsSync(opts.bin)) throw new Error(`no hr-orchestrate binary at ${opts.bin} (--bin)`);
  const command = `node bench/compare/startup.mjs ${process.argv.slice(2).join(" ")}`.trim();
  const { results, save, minutes } = resultsFile(opts.out, { date: new Date().toISOString(), machine: machine(), versions: versions(),
    options: { ...opts }, command, hr: hrBuild(opts.bin) });
  try {
    await runRounds({ sizes: opts.sizes, key: "size", rounds: opts.rounds, systems: opts.systems, results, save, log,
      measure: (s, size, round) => measure(s, size, round, opts) });
    if (opts.servingSize > 0) {
      await servingPart(opts, results, save).catch((e) => {
        log(`serving part FAILED: ${e.stack ?? e}`);
        results.serving = { ...(results.serving ?? {}), failed: String(e.message ?? e).slice(0, 2000) };
      });
    }
  } finally {
    save();
    await stopAll();
  }
  fs.mkdirSync(path.dirname(opts.doc), { recursive: true });
  fs.writeFileSync(opts.doc, startupMarkdown(results, { rawPath: path.relative(REPO, opts.out) }));
  process.stdout.write(consoleSummary(results));
  log(`done in ${minutes()} min; results in ${opts.out}, report in ${opts.doc}`);
}

runBenchmark(main, log);
