// The startup benchmark's report (startup.mjs): the figures as medians over rounds with min–max,
// hr-orchestrate's ratios to Vite dev measured in the same run, issue 16's goals met or missed, the
// per-round numbers, as docs/benchmarks-startup.md and as a short summary on the console.
import { machineLine } from "./machine.mjs";
import { spread } from "./stats.mjs";

export const STARTUP_SYSTEMS = {
  hr: { label: "hr-orchestrate", how: "started by the compiler's call `hr-orchestrate --manifest M --port P` (on demand: entries first, a module when the page asks, the rest in the background; persistent module cache)" },
  "vite-dev": { label: "Vite dev + plugin-react", how: "`servers/vite-dev.mjs` (Vite's dev server, root = the app, `$` alias, plugin-react), a fresh node process" },
  "hr-build-all": { label: "hr-orchestrate --build-all", how: "the same call with `--build-all`: every module built before serving (the behaviour before on-demand builds; the memory reference)" },
};
const BASE = "vite-dev";

export const METRICS = {
  coldServing: { title: "cold start → serving", unit: "ms", get: (r) => r.cold?.servingMs },
  cold: { title: "cold start → first render", unit: "ms", get: (r) => r.cold?.firstRenderMs },
  warmServing: { title: "warm restart → serving", unit: "ms", get: (r) => r.warm?.servingMs },
  warm: { title: "warm restart → first render (fresh browser profile)", unit: "ms", get: (r) => r.warm?.firstRenderMs },
  warmKept: { title: "warm restart → first render (browser kept)", unit: "ms", get: (r) => r.warmKept?.firstRenderMs },
  warmFloor: { title: "browser floor: `/` opened in a fresh profile, the server already serving", unit: "ms", get: (r) => r.warmFloor?.firstRenderMs },
  keptFloor: { title: "browser floor: `/` opened again in the kept browser, the server already serving", unit: "ms", get: (r) => r.keptFloor?.firstRenderMs },
  f5: { title: "F5 reload → content", unit: "ms", get: (r) => r.f5Ms },
  requests: { title: "requests on first load", unit: "", get: (r) => r.cold?.requests },
  f5Revalidated: { title: "F5: requests answered 304", unit: "", get: (r) => spread((r.reloads ?? []).map((x) => x.statuses?.[304] ?? 0))?.med },
  peakRss: { title: "peak RSS, cold start (process tree)", unit: "MB", get: (r) => kbToMb(r.cold?.peakRssKb) },
  background: { title: "cold start → every module built", unit: "ms", get: (r) => r.cold?.backgroundDoneMs ?? undefined },
};

const GOALS = [
  { metric: "cold", title: "cold start → first render ≤ 1/3 of Vite's", max: 1 / 3 },
  { metric: "warm", floor: "warmFloor", title: "warm restart → first render ≤ 1/10 of Vite's restart (Vite keeps its deps cache), fresh browser profile", max: 1 / 10 },
  { metric: "warmKept", floor: "keptFloor", title: "the same with the browser kept open (its HTTP cache warm)", max: 1 / 10 },
  { metric: "f5", title: "F5 reload of a loaded page ≤ 1/2 of Vite's", max: 1 / 2 },
];
const GOAL_SIZE = 2000;
const SERVING_GOAL_MS = 500;

const kbToMb = (kb) => (kb == null ? undefined : kb / 1024);

export function fmt(v, unit = "ms") {
  if (v == null || !Number.isFinite(v)) return "–";
  const digits = Math.abs(v) >= 100 ? 0 : Math.abs(v) >= 10 ? 1 : 2;
  return `${v.toFixed(digits)}${unit ? " " + unit : ""}`;
}

const ratio = (a, b) => (a != null && b ? a / b : undefined);
const fmtRatio = (r) => (r == null ? "–" : `${r.toFixed(2)}×`);
const fmtSpread = (s, unit) => (s ? `${fmt(s.med, unit)} (${fmt(s.min, "")}–${fmt(s.max, "")})` : "–");

// agg[size][system][metric] = spread over the rounds that did not fail.
export function aggregate(results) {
  const sizes = [...new Set(results.runs.map((r) => r.size))].sort((a, b) => a - b);
  const systems = Object.keys(STARTUP_SYSTEMS).filter((s) => results.runs.some((r) => r.system === s));
  const agg = {};
  for (const n of sizes) {
    agg[n] = {};
    for (const s of systems) {
      const ok = results.runs.filter((r) => r.system === s && r.size === n && !r.failed);
      agg[n][s] = { rounds: ok.length, failed: results.runs.filter((r) => r.system === s && r.size === n && r.failed).length };
      for (const [k, m] of Object.entries(METRICS)) agg[n][s][k] = spread(ok.map(m.get));
    }
  }
  return { sizes, systems, agg };
}

// [{ title, measured, met }] for issue 16's goals.
export function goals(results) {
  const { sizes, agg } = aggregate(results);
  const size = sizes.includes(GOAL_SIZE) ? GOAL_SIZE : sizes.at(-1);
  const out = [];
  for (const g of GOALS) {
    const hr = agg[size]?.hr?.[g.metric]?.med, vite = agg[size]?.[BASE]?.[g.metric]?.med;
    const r = ratio(hr, vite);
    // A page opened on a server that already serves: what the browser takes whatever the server.
    const floor = g.floor ? agg[size]?.hr?.[g.floor]?.med : undefined;
    const floorNote = floor == null || vite == null ? "" : `; the browser's floor alone ${fmt(floor)} = ${fmtRatio(ratio(floor, vite))}`;
    out.push({ title: `${g.title} (at ${size ?? "?"})`, measured: r == null ? "not measured" : `${fmt(hr)} vs ${fmt(vite)} = ${fmtRatio(r)} (goal ≤ ${g.max.toFixed(2)}×)${floorNote}`,
      met: r == null ? null : r <= g.max });
  }
  const serving = spread((results.serving?.rounds ?? []).filter((r) => !r.failed).map((r) => r.servingMs));
  out.push({ title: `warm restart → serving at ${results.serving?.size ?? 10000} components ≤ ${SERVING_GOAL_MS} ms`,
    measured: serving ? `${fmtSpread(serving, "ms")} over ${serving.n} restarts` : "not measured", met: serving ? serving.med <= SERVING_GOAL_MS : null });
  const peak = agg[size]?.hr?.peakRss?.med, today = agg[size]?.["hr-build-all"]?.peakRss?.med;
  out.push({ title: `cold start peak memory (server + esbuild) no more than \`--build-all\`'s (at ${size ?? "?"})`,
    measured: peak != null && today != null ? `${fmt(peak, "MB")} vs ${fmt(today, "MB")} = ${fmtRatio(ratio(peak, today))}` : "not measured",
    met: peak != null && today != null ? peak <= today : null });
  return out;
}

function appSizes(results) {
  const seen = new Map();
  for (const r of [...results.runs, ...(results.serving ? [results.serving] : [])]) if (r.app) seen.set(r.size, r.app);
  return [...seen].sort((a, b) => a[0] - b[0]).map(([n, a]) => `At ${n.toLocaleString("en-US")} components: ${a.modules} modules, ${a.pages} pages, ` +
    `${a.modulesOnFirstPage} modules loaded for \`/\`.`).join(" ");
}

const verdict = (met) => (met == null ? "not measured" : met ? "met" : "**missed**");

export function startupMarkdown(results, { rawPath = "build/compare/startup.json" } = {}) {
  const { meta } = results;
  const { sizes, systems, agg } = aggregate(results);
  const v = meta.versions ?? {};
  const lines = [
    "# Startup benchmark: hr-orchestrate against Vite",
    "",
    `Written by \`${meta.command ?? "node bench/compare/startup.mjs"}\`; do not edit by hand. Raw results: \`${rawPath}\`.`,
    "",
    `- **Date**: ${meta.date} (whole run ${((meta.totalMs ?? 0) / 60000).toFixed(1)} min)`,
    `- **Machine**: ${machineLine(meta.machine)}; load average (1/5/15 min) ` +
      `${(meta.loadAvgStart ?? []).join(" / ")} at the start, ${(meta.loadAvgEnd ?? []).join(" / ")} at the end (other work on the machine shares the cores)`,
    `- **Versions**: ${Object.entries(v).map(([k, x]) => `${k} ${x}`).join(", ")}; Chromium /usr/bin/chromium headless` +
      (meta.hr ? `; hr-orchestrate binary built ${meta.hr.built} (repository at ${meta.hr.repoHead})` : ""),
    `- **App**: \`bench/appgen --shape slice\` (seed 1): pages each rendering the 70 shared components and their own ~19 (~100 modules a page), ` +
      "the root importing the pages with `React.lazy(() => import(...))` under `<Suspense>`; the entry loads the opened page's module before the first render, as routers do. " +
      appSizes(results),
    "- **Systems**:",
    ...systems.map((s) => `  - *${STARTUP_SYSTEMS[s].label}*: ${STARTUP_SYSTEMS[s].how}.`),
    "",
    "How it is measured, per round: **cold start** clears the caches (hr-orchestrate: `.hr/cache` and `.hr/deps`; Vite: its deps cache), " +
      "starts the server and opens `/` in a fresh Chromium profile (the flags of `lib/browser.mjs`; a browser is launched 1 s before the server starts, " +
      "as Chromium goes on starting its processes after launch returns); the time runs from starting the server " +
      "to the first page's last component in the DOM (MutationObserver + 4 ms poll, on the driver's clock). *Serving* is when the start returned " +
      "(hr: the CLI call; Vite: its \"listening\" line). **Warm restart** stops the server and starts it again with its caches kept, " +
      "again in a fresh browser profile. **F5** reloads the loaded page (browser cache warm) until the content shows again; the round's figure is the median " +
      `of ${meta.options?.reloads ?? "several"} reloads. *Browser kept*: the cold start's browser stays open (on \`about:blank\` while the server restarts, so that no HMR client reloads on its own) and opens \`/\` again once the restarted server (same port) serves. ` +
      `The rest of the page's time is the browser's: a fresh profile's first navigation and React's development build take a few hundred ms whatever the server. **Peak RSS** is VmRSS summed over the server's process tree (hr: the background server and its esbuild; ` +
      "Vite: node and its children), sampled every 25 ms from the start until the page is loaded and, for hr-orchestrate, the background build is done. " +
      "Every figure is the **median over rounds with min–max**; **bold ratios are hr-orchestrate / Vite dev in the same run** (below 1× is better).",
    "",
    "## Goals (issue 16)",
    "",
    "| goal | measured | |",
    "|---|---|---|",
    ...goals(results).map((g) => `| ${g.title} | ${g.measured} | ${verdict(g.met)} |`),
    "",
  ];
  for (const n of sizes) lines.push(...sizeSection(n, systems, agg[n]), "");
  lines.push(...servingSection(results.serving), "");
  lines.push(...roundsSection(results), "");
  lines.push(...countersSection(results), "");
  lines.push(...oddities(results), "");
  return lines.join("\n");
}

function sizeSection(n, systems, agg) {
  const keys = Object.keys(METRICS);
  const rows = systems.map((s) => {
    const cells = keys.map((k) => {
      const m = agg[s][k];
      const base = agg[BASE]?.[k]?.med;
      const r = s !== BASE && m ? ratio(m.med, base) : undefined;
      return `${fmtSpread(m, METRICS[k].unit)}${r != null ? ` · **${fmtRatio(r)}**` : ""}`;
    });
    return `| ${STARTUP_SYSTEMS[s].label}${agg[s].failed ? ` (${agg[s].failed} failed round(s))` : ""} | ${cells.join(" | ")} |`;
  });
  return [`## ${n.toLocaleString("en-US")} components`, "", `| system | ${keys.map((k) => METRICS[k].title).join(" | ")} |`,
    `|---|${keys.map(() => "---").join("|")}|`, ...rows];
}

function servingSection(serving) {
  if (!serving) return ["## Warm restart → serving at 10,000 components", "", "Not measured in this run (`--serving-size 0`)."];
  const n = serving.size.toLocaleString("en-US");
  const ok = (serving.rounds ?? []).filter((r) => !r.failed);
  const row = (title, vals, unit = "ms") => `| ${title} | ${fmtSpread(spread(vals), unit)} |`;
  return [
    `## hr-orchestrate: warm restart → serving at ${n} components`, "",
    `The cache is filled by one cold start (serving after ${fmt(serving.cold?.servingMs)}, every module built after ${fmt(serving.cold?.backgroundDoneMs)}, ` +
      `peak RSS ${fmt(kbToMb(serving.cold?.peakRssKb), "MB")}); then ${ok.length} restarts, each: stop, start (the CLI call), \`GET /\`, \`/\` rendered in a fresh profile.` +
      (serving.failed ? ` The part failed: ${serving.failed.split("\n")[0]}` : ""), "",
    "| warm restart at " + n + " | median (min–max) |", "|---|---|",
    row("→ serving (the CLI call returned)", ok.map((r) => r.servingMs)),
    row("→ the server answers `GET /`", ok.map((r) => r.answersMs)),
    row("→ first render of `/`", ok.map((r) => r.firstRenderMs)),
    row("→ every module built (from the cache)", ok.map((r) => r.backgroundDoneMs)),
    `| esbuild module builds / cache hits / misses after the restart | ${ok.map((r) => `${r.status?.esbuildModuleBuilds ?? "?"} / ${r.status?.cache?.hits ?? "?"} / ${r.status?.cache?.misses ?? "?"}`).join(", ")} |`,
  ];
}

function roundsSection(results) {
  const head = "| system | size | round | cold → serving | cold → render | requests | peak RSS | warm, browser kept → render | browser floor, kept | warm → serving | warm → render | browser floor, fresh profile | F5 (each reload) |";
  const rows = results.runs.map((r) => r.failed
    ? `| ${STARTUP_SYSTEMS[r.system]?.label ?? r.system} | ${r.size} | ${r.round} | failed: ${r.failed.split("\n")[0].slice(0, 200).replaceAll("|", "\\|")} ||||||||| `
    : `| ${STARTUP_SYSTEMS[r.system]?.label ?? r.system} | ${r.size} | ${r.round} | ${fmt(r.cold.servingMs)} | ${fmt(r.cold.firstRenderMs)} | ${r.cold.requests} | ` +
      `${fmt(kbToMb(r.cold.peakRssKb), "MB")} | ${fmt(r.warmKept?.firstRenderMs)} | ${fmt(r.keptFloor?.firstRenderMs)} | ${fmt(r.warm.servingMs)} | ` +
      `${fmt(r.warm.firstRenderMs)} | ${fmt(r.warmFloor?.firstRenderMs)} | ${r.reloads.map((x) => fmt(x.ms, "")).join(", ")} |`);
  const serving = (results.serving?.rounds ?? []).map((r) => r.failed ? `| ${r.round} | failed: ${r.failed.split("\n")[0].slice(0, 200)} ||||` :
    `| ${r.round} | ${fmt(r.servingMs)} | ${fmt(r.answersMs)} | ${fmt(r.firstRenderMs)} | ${r.requests} |`);
  return ["## Per round", "", head, "|---|---|---|---|---|---|---|---|---|---|---|---|---|", ...rows,
    ...(serving.length ? ["", `Warm restarts at ${results.serving.size.toLocaleString("en-US")} (hr-orchestrate):`, "",
      "| round | → serving | → answers | → first render | requests |", "|---|---|---|---|---|", ...serving] : [])];
}

// hr-orchestrate's status after the cold start (once every module is built) and after the warm
// restart, and where the cold start's peak memory was, per process.
function countersSection(results) {
  const runs = results.runs.filter((r) => !r.failed && r.system.startsWith("hr"));
  const where = (r) => Object.entries(r.cold.peakRssWhereKb ?? {}).map(([p, kb]) => `${p.replace(/ \d+$/, "")} ${fmt(kbToMb(kb), "MB")}`).join(", ");
  const row = (r) => {
    const c = r.cold.status ?? {}, w = r.warm.status ?? {};
    return `| ${STARTUP_SYSTEMS[r.system].label} | ${r.size} | ${r.round} | ${c.esbuildModuleBuilds ?? "–"} | ${c.builtOnRequest ?? "–"} | ` +
      `${c.cache ? `${c.cache.written}/${c.cache.misses}` : "–"} | ${w.cache ? `${w.cache.hits}/${w.cache.misses}` : "–"} | ${w.esbuildModuleBuilds ?? "–"} | ${where(r)} |`;
  };
  return ["## hr-orchestrate's counters", "",
    "From `hr-orchestrate status` once the cold start's background build is done, and after the warm restart (fresh profile's page loaded).", "",
    "| system | size | round | cold: esbuild calls | cold: modules built on request | cold: cache entries written / misses | warm: cache hits / misses | warm: esbuild calls | cold: peak RSS by process |",
    "|---|---|---|---|---|---|---|---|---|", ...runs.map(row)];
}

// Failed requests and page errors seen in any measured load.
function oddities(results) {
  const notes = [];
  for (const r of results.runs.filter((x) => !x.failed)) {
    for (const [what, x] of [["cold", r.cold], ["warm restart, browser kept", r.warmKept ?? {}], ["warm restart", r.warm], ...r.reloads.map((y, i) => [`F5 #${i + 1}`, y])]) {
      if (x.bad) notes.push(`- ${STARTUP_SYSTEMS[r.system].label} ${r.size} round ${r.round}, ${what}: ${x.bad.count} request(s) failed, e.g. ${x.bad.examples.slice(0, 2).join("; ")}`);
      if (x.errors?.length) notes.push(`- ${STARTUP_SYSTEMS[r.system].label} ${r.size} round ${r.round}, ${what}: page errors: ${x.errors.slice(0, 2).join(" | ")}`);
    }
  }
  return ["## Failed requests and page errors", "", ...(notes.length ? notes : ["None: every request answered 2xx or 304 and no page error was thrown."])];
}

export function consoleSummary(results) {
  const { sizes, systems, agg } = aggregate(results);
  const lines = [];
  for (const n of sizes) {
    lines.push(`${n} components (slice shape):`);
    for (const k of ["cold", "warm", "warmKept", "keptFloor", "warmFloor", "f5", "peakRss", "coldServing", "warmServing", "requests", "f5Revalidated"]) {
      const cells = systems.map((s) => `${STARTUP_SYSTEMS[s].label} ${fmt(agg[n][s][k]?.med, METRICS[k].unit)}`);
      const r = ratio(agg[n].hr?.[k]?.med, agg[n][BASE]?.[k]?.med);
      lines.push(`  ${METRICS[k].title}: ${cells.join(", ")}${r != null ? `; hr/Vite ${fmtRatio(r)}` : ""}`);
    }
  }
  lines.push("goals:");
  for (const g of goals(results)) lines.push(`  ${g.met == null ? "not measured" : g.met ? "met   " : "MISSED"}  ${g.title}: ${g.measured}`);
  return lines.join("\n") + "\n";
}
