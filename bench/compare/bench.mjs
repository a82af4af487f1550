#!/usr/bin/env node
// The comparison benchmark: the same generated app and the same edits against Vite's dev server,
// `vite build` + reload, esbuild watch + serve + live reload, and hr-orchestrate, in headless
// Chromium, in one run. Writes the raw results as JSON (report.mjs turns them into docs/).
//   node bench/compare/bench.mjs [--sizes 200,2000] [--edits N] [--rounds R] [--systems a,b]
//        [--bin PATH] [--out FILE] [--accuracy-size 200] [--no-accuracy]
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { generateApp } from "../appgen/generate.mjs";
import { applyEdit } from "../appgen/simulate.mjs";
import { loadState } from "../appgen/app-state.mjs";
import { cssColor } from "../appgen/modules.mjs";
import { cliOptions, listOf, number, numbers } from "../lib/cli.mjs";
import { evalRetry, launch, loads, networkQuiet, setWant, waitHit } from "./lib/browser.mjs";
import { machine } from "./lib/machine.mjs";
import { BIN_OPTION, REPO } from "./lib/paths.mjs";
import { nowMs, onCleanup, sleep, stopAll } from "./lib/procs.mjs";
import { logger, resultsFile, runBenchmark, runRounds } from "./lib/rounds.mjs";
import { pct } from "./lib/stats.mjs";
import { SYSTEMS, versions } from "./lib/systems.mjs";
import { CORPUS } from "./lib/corpus.mjs";

const HIT_TIMEOUT_MS = 30000;
const log = logger("bench");

const CLI = {
  usage: "node bench/compare/bench.mjs [options]  (bash bench/compare/run.sh passes its options here)",
  options: {
    sizes: { value: "LIST", help: "app sizes in components, comma-separated", default: [200, 2000], parse: numbers },
    edits: { value: "N", help: "component edits per run (CSS edits: N/4, at least 3)", default: 20, parse: number },
    "build-edits": { value: "N", help: "cap on the edits for `vite build` (each is a full build)", default: 8, parse: number },
    rounds: { value: "R", help: "rounds of every system at every size", default: 3, parse: number },
    systems: { value: "LIST", help: "systems to run, comma-separated", default: Object.keys(SYSTEMS), parse: listOf(Object.keys(SYSTEMS)) },
    bin: BIN_OPTION,
    out: { value: "FILE", help: "where the raw results go", default: path.join(REPO, "build/compare/results.json"),
      shown: "build/compare/results.json", parse: (p) => path.resolve(p) },
    "accuracy-size": { value: "N", help: "app size of the detection-accuracy corpus", default: 200, parse: number },
    "no-accuracy": { help: "skip the detection-accuracy corpus" },
  },
};

function options() {
  const { noAccuracy, ...o } = cliOptions(CLI);
  if (o.systems.some((s) => s.startsWith("hr")) && !fs.existsSync(o.bin)) throw new Error(`no hr-orchestrate binary at ${o.bin} (--bin)`);
  return { ...o, accuracy: !noAccuracy };
}

// A fresh work folder with the app generated into WORK/app (same seed: same files for every system).
function freshApp(system, size) {
  const work = fs.mkdtempSync(path.join(os.tmpdir(), `hr-bench-${system}-${size}-`));
  const app = path.join(work, "app");
  const remove = () => fs.rmSync(work, { recursive: true, force: true });
  const unregister = onCleanup(remove); // removed also when the run is interrupted
  generateApp(app, { components: size, seed: 1 });
  return { work, app, dispose: () => (unregister(), remove()) };
}

// Start the system, open the page, wait for the first render and for the network to go quiet.
async function coldStart(sysName, size, opts) {
  const { work, app, dispose } = freshApp(sysName, size);
  const browser = await launch();
  const { page, tap } = browser;
  const t0 = nowMs();
  let handle;
  try {
    handle = await SYSTEMS[sysName].start({ app, work, bin: opts.bin });
  } catch (e) {
    await closeRun({ browser, dispose });
    throw e;
  }
  const ready = nowMs();
  try {
    tap.reset();
    const navStart = nowMs();
    await page.goto(handle.url, { waitUntil: "commit", timeout: 120000 });
    await setWant(page, { id: "cold", selector: '[data-testid="comp-1"]' });
    const first = await waitHit(page, "cold", 120000);
    if (!first) throw new Error(`${sysName}: no first render within 120 s; errors: ${tap.errors.join(" | ")}`);
    await networkQuiet(tap, 500, 30000);
    return { work, app, dispose, browser, page, tap, handle, cold: { serverReadyMs: ready - t0, firstRenderMs: first - t0, pageLoadMs: first - navStart,
      requests: tap.requests.length, rssAfterLoadKb: handle.rssKb() } };
  } catch (e) {
    await closeRun({ handle, browser, dispose });
    throw e;
  }
}

// Stops the system (if it started), closes the browser and removes the work folder.
async function closeRun({ handle, browser, dispose }) {
  await handle?.stop();
  await browser.close();
  dispose();
}

// What the page shows where a missed edit should have shown: the text, or the style property.
function seenNow(page, want) {
  return evalRetry(page, (w) => {
    const el = document.querySelector(w.selector);
    return el ? (w.prop ? getComputedStyle(el)[w.prop] : el.textContent) : "(missing)";
  }, want).catch((e) => String(e));
}

// Marker on window + counter clicked twice: both survive a hot update, neither survives a reload.
async function armState(page) {
  const value = () => evalRetry(page, () => document.querySelector('[data-testid="counter-value"]')?.textContent ?? null);
  for (let attempt = 0; ; attempt++) {
    try {
      await page.waitForSelector('[data-testid="counter-button"]', { timeout: 20000 });
      for (let i = 0; i < 5 && (await value()) !== "2"; i++) {
        if (Number(await value()) > 2) throw new Error(`counter at ${await value()}`);
        await page.click('[data-testid="counter-button"]', { timeout: 20000 });
      }
      await evalRetry(page, () => { window.__benchMarker = "kept"; });
      return;
    } catch (e) {
      if (attempt >= 1) throw new Error(`cannot arm the page state: ${e.message}; page: ` +
        (await page.evaluate(() => document.body?.innerText?.slice(0, 300)).catch(() => "?")));
      await page.reload({ waitUntil: "commit" }).catch(() => {});
    }
  }
}

async function stateKept(page) {
  const s = await evalRetry(page, () => ({ marker: window.__benchMarker ?? null,
    counter: document.querySelector('[data-testid="counter-value"]')?.textContent ?? null }), undefined, 30000);
  return { markerKept: s.marker === "kept", counterKept: s.counter === "2" };
}

// One edit: want set, edit written (t0), the system's own step (hr: the compiler's call; vite
// build: build + reload), then the page's hit time. Returns latency and what happened to state.
async function timedEdit(ctx, kind, target, want) {
  const { page, app, handle } = ctx;
  const loadsBefore = await loads(page);
  await setWant(page, want);
  ctx.tap.reset();
  const t0 = nowMs();
  const edit = applyEdit(app, kind, { target });
  const editMs = nowMs() - t0;
  const details = await handle.afterEdit(edit, page);
  const hit = await waitHit(page, want.id, HIT_TIMEOUT_MS);
  const pageParts = hit && details?.build ? await pageMarks(page, details.build, hit) : undefined;
  let seen;
  if (!hit) seen = await seenNow(page, want);
  await sleep(60);
  const reloaded = (await loads(page)) > loadsBefore;
  const kept = await stateKept(page);
  const lost = !kept.markerKept || !kept.counterKept;
  if (lost) await armState(page);
  return { kind, target, ms: hit ? hit - t0 : null, editMs, reloaded, lostState: lost, ...pick(details), ...(pageParts ? { page: pageParts } : {}), ...(hit ? {} : { expected: want.text ?? want.value, seen, frames: ctx.tap.frames.map((f) => JSON.stringify(f).slice(0, 200)), requests: ctx.tap.requests.slice(0, 10), errors: ctx.tap.errors }) };
}

// hr-orchestrate's page marks of the update of `build` (ms from the message's arrival, as the
// client reports them) and `dom`: the page's own MutationObserver hit, from the same arrival. The
// client's marks are checked against what the page showed.
async function pageMarks(page, build, hit) {
  return page.evaluate(({ build, hit }) => {
    const at = (step) => performance.getEntriesByName(`hr:${build}:${step}`)[0]?.startTime;
    const arrived = at("arrived");
    if (arrived === undefined) return undefined;
    const out = { dom: +(hit - performance.timeOrigin - arrived).toFixed(3) };
    for (const step of ["evaluated", "accepted", "committed", "acknowledged"]) {
      const t = at(step);
      if (t !== undefined) out[step] = +(t - arrived).toFixed(3);
    }
    return out;
  }, { build, hit }).catch(() => undefined);
}

function pick(d) {
  const o = {};
  for (const k of ["buildMs", "action", "callMs", "error", "timings"]) if (d?.[k] !== undefined) o[k] = d[k];
  return o;
}

function predictedText(app, k) {
  return `Component ${k} (edit ${loadState(app).edits + 1})`;
}

async function measure(sysName, size, round, opts) {
  log(`${sysName} size ${size} round ${round}: cold start`);
  const ctx = await coldStart(sysName, size, opts);
  const out = { system: sysName, size, round, cold: ctx.cold, edits: [], css: [] };
  try {
    await armState(ctx.page);
    const n = SYSTEMS[sysName].short === "vite build" ? Math.min(opts.edits, opts.buildEdits) : opts.edits;
    // The second half edits the first half's components again, as a person edits the same
    // components over and over: an edit must show however many updates its module went through
    // before (a target edited once per run never met the stale-code path of d1fae48).
    for (let i = 0; i < n; i++) {
      const k = 1 + (((i % Math.ceil(n / 2)) * 7) % 48);
      const want = { id: `e${i}`, selector: `[data-testid="comp-${k}"] > .label`, text: predictedText(ctx.app, k) };
      out.edits.push(await timedEdit(ctx, "component-text", String(k), want));
    }
    const nCss = Math.max(3, Math.round(n / 4));
    for (let i = 0; i < nCss; i++) {
      const want = { id: `c${i}`, selector: '[data-testid="comp-0"]', prop: "color", value: cssColor(loadState(ctx.app).cssEdits + 1) };
      out.css.push(await timedEdit(ctx, "css", undefined, want));
    }
    out.rssAfterEditsKb = ctx.handle.rssKb();
    out.info = ctx.handle.info?.();
    out.pageErrors = ctx.tap.errors.slice(0, 5);
    const lat = out.edits.map((e) => e.ms).filter((x) => x != null);
    log(`  cold ${ctx.cold.firstRenderMs.toFixed(0)} ms, ${ctx.cold.requests} requests, edit p50 ${pct(lat, 50)?.toFixed(0)} ms, ` +
      `css p50 ${pct(out.css.map((e) => e.ms).filter((x) => x != null), 50)?.toFixed(0)} ms, rss ${(out.rssAfterEditsKb / 1024).toFixed(0)} MB, ` +
      `reloads ${out.edits.filter((e) => e.reloaded).length}/${out.edits.length}, missed ${out.edits.filter((e) => e.ms == null).length}`);
  } finally {
    await closeRun(ctx);
  }
  return out;
}

// Detection accuracy: each labelled edit, what the browser was sent / did, and whether it showed.
const RANK = { none: 0, css: 1, "js-update": 2, "full-reload": 3 };

async function accuracy(sysName, size, opts) {
  log(`${sysName} size ${size}: detection corpus (${CORPUS.length} edits)`);
  const ctx = await coldStart(sysName, size, opts);
  const rows = [];
  try {
    await armState(ctx.page);
    for (const [i, item] of CORPUS.entries()) {
      const { page, tap, app, handle } = ctx;
      const st = loadState(app);
      const want = item.want?.(st, i);
      if (want) await setWant(page, want);
      const loadsBefore = await loads(page);
      tap.reset();
      const edit = applyEdit(app, item.kind, { target: item.target });
      const details = await handle.afterEdit(edit, page);
      const shown = want ? (await waitHit(page, want.id, 15000)) != null : null;
      const seen = shown === false ? await seenNow(page, want) : undefined;
      await sleep(item.expect === "none" ? 1500 : 700);
      const reloaded = (await loads(page)) > loadsBefore || tap.frames.some((f) => f.type === "full-reload");
      const updates = tap.frames.filter((f) => f.type === "update").flatMap((f) => f.updates ?? []);
      const isCss = (p) => /\.css($|\?)/.test(p ?? "");
      const jsUpdates = updates.filter((u) => u.type === "js-update" && !isCss(u.path));
      const cssUpdates = updates.filter((u) => u.type === "css-update" || (u.type === "js-update" && isCss(u.path)));
      const reqs = tap.requests.filter((u) => !u.includes("/@hr/ws") && !u.startsWith("ws"));
      const jsReqs = reqs.filter((u) => /\.(jsx?|mjs)(\?|$)/.test(new URL(u).pathname));
      const cssReqs = reqs.filter((u) => isCss(new URL(u).pathname + new URL(u).search));
      const observed = reloaded ? "full-reload" : jsUpdates.length || jsReqs.length ? "js-update" : cssUpdates.length || cssReqs.length ? "css" : "none";
      const fn = item.scored !== false && (shown === false || (item.expect !== "none" && observed === "none"));
      const fp = item.scored !== false && RANK[observed] > RANK[item.expect];
      const kept = await stateKept(page);
      const lost = !kept.markerKept || !kept.counterKept;
      let broken;
      if (lost) await armState(page).catch((e) => (broken = e.message.slice(0, 300)));
      rows.push({ ...(broken ? { brokenPage: broken } : {}), system: sysName, size, i, kind: item.kind, target: item.target ?? null, expect: item.expect, observed,
        decided: details.action ?? null, shown, fp, fn, lostState: lost, modulesUpdated: jsUpdates.length + cssUpdates.length,
        requests: reqs.length, scored: item.scored !== false, ...(seen !== undefined ? { expected: want.text ?? want.value ?? "present", seen } : {}),
        ...(tap.errors.length ? { errors: tap.errors.slice(0, 3) } : {}) });
      log(`  ${item.kind}${item.target ? " " + item.target : ""}: expect ${item.expect}, observed ${observed}` +
        `${details.action ? ` (decided ${details.action})` : ""}, shown ${shown}, requests ${reqs.length}${fp ? " FP" : ""}${fn ? " FN" : ""}`);
    }
  } finally {
    await closeRun(ctx);
  }
  return rows;
}

async function main() {
  const opts = options();
  const { results, save, minutes } = resultsFile(opts.out, { date: new Date().toISOString(), machine: machine(), versions: versions(),
    options: { ...opts }, ...(opts.systems.some((s) => s.startsWith("hr")) ? { hr: hrBuild(opts.bin) } : {}) }, { accuracy: [] });
  try {
    if (opts.accuracy) {
      for (const s of opts.systems) results.accuracy.push(...(await accuracy(s, opts.accuracySize, opts)));
      save();
    }
    await runRounds({ sizes: opts.sizes, key: "size", rounds: opts.rounds, systems: opts.systems, results, save, log,
      measure: (s, size, round) => measure(s, size, round, opts) });
  } finally {
    save();
    await stopAll();
  }
  log(`done in ${minutes()} min; results in ${opts.out}`);
}

// Which hr-orchestrate ran: the binary, when it was built, and the checkout's HEAD.
function hrBuild(bin) {
  let commit = "";
  try { commit = execFileSync("git", ["-C", REPO, "log", "-1", "--format=%h %cI"], { encoding: "utf8" }).trim(); } catch { /* not a checkout */ }
  return { bin, built: fs.statSync(bin).mtime.toISOString(), repoHead: commit };
}

runBenchmark(main, log);
