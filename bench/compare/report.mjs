#!/usr/bin/env node
// Turns bench.mjs's raw results into docs/benchmarks.md, docs/benchmarks-latency.svg and
// docs/recommendation.md. Every figure is the median over rounds with min–max, and every figure
// of another system carries its ratio to Vite's dev server measured in the same run.
//   node bench/compare/report.mjs [--in build/compare/results.json] [--docs docs]
import fs from "node:fs";
import path from "node:path";
import { cliOptions } from "../lib/cli.mjs";
import { REPO } from "./lib/paths.mjs";
import { pct, spread } from "./lib/stats.mjs";
import { SYSTEMS } from "./lib/systems.mjs";
import { latencySvg } from "./lib/svg.mjs";
import { recommendation } from "./lib/recommend.mjs";
import { breakdownSection, medianParts } from "./lib/breakdown.mjs";
import { machineLine } from "./lib/machine.mjs";

const args = cliOptions({
  usage: "node bench/compare/report.mjs [--in FILE] [--docs DIR] [--scaling FILE]",
  options: {
    in: { value: "FILE", help: "bench.mjs's raw results", default: path.join(REPO, "build/compare/results.json"), shown: "build/compare/results.json" },
    docs: { value: "DIR", help: "where benchmarks.md, benchmarks-latency.svg and recommendation.md go", default: path.join(REPO, "docs"), shown: "docs" },
    scaling: { value: "FILE", help: "raw results of a separate scaling run (run.sh --scaling-run), if it exists" },
  },
});
const input = path.resolve(args.in);
const docs = path.resolve(args.docs);
const R = JSON.parse(fs.readFileSync(input, "utf8"));
const BASE = "vite-dev";

// ---- aggregation -------------------------------------------------------------------------------
const METRICS = {
  cold: { title: "cold start → first render", unit: "ms", get: (r) => r.cold.firstRenderMs },
  requests: { title: "requests on first load", unit: "", get: (r) => r.cold.requests },
  p50: { title: "edit → DOM p50", unit: "ms", get: (r) => pct(r.edits.map((e) => e.ms), 50) },
  p90: { title: "edit → DOM p90", unit: "ms", get: (r) => pct(r.edits.map((e) => e.ms), 90) },
  css: { title: "CSS edit → style applied p50", unit: "ms", get: (r) => pct(r.css.map((e) => e.ms), 50) },
  rss: { title: "server RSS (process tree)", unit: "MB", get: (r) => Math.max(r.rssAfterEditsKb ?? 0, r.cold.rssAfterLoadKb ?? 0) / 1024 },
  reloads: { title: "full reloads / 100 edits", unit: "", get: (r) => per100(r, (e) => e.reloaded) },
  lost: { title: "lost state / 100 edits", unit: "", get: (r) => per100(r, (e) => e.lostState) },
  missed: { title: "edits never shown (30 s)", unit: "", get: (r) => [...r.edits, ...r.css].filter((e) => e.ms == null).length },
};

function per100(run, pred) {
  const all = [...run.edits, ...run.css];
  return all.length ? (100 * all.filter(pred).length) / all.length : undefined;
}

function aggregate(R) {
  const sizes = [...new Set(R.runs.map((r) => r.size))].sort((a, b) => a - b);
  const systems = Object.keys(SYSTEMS).filter((s) => R.runs.some((r) => r.system === s) || R.accuracy.some((a) => a.system === s));
  const ok = (s, n) => R.runs.filter((r) => r.system === s && r.size === n && !r.failed);
  const failed = (s, n) => R.runs.filter((r) => r.system === s && r.size === n && r.failed);
  const agg = {};
  for (const n of sizes) {
    agg[n] = {};
    for (const s of systems) {
      agg[n][s] = {};
      for (const [k, m] of Object.entries(METRICS)) agg[n][s][k] = spread(ok(s, n).map(m.get));
      agg[n][s].buildMs = spread(ok(s, n).map((r) => r.info?.buildMs ? median(r.info.buildMs.slice(1)) : undefined));
      agg[n][s].coldBuildMs = spread(ok(s, n).map((r) => r.info?.buildMs?.[0]));
      agg[n][s].buildPeak = spread(ok(s, n).map((r) => r.info?.buildPeakRssKb ? r.info.buildPeakRssKb / 1024 : undefined));
      agg[n][s].rounds = ok(s, n).length;
      agg[n][s].failures = failed(s, n).map((r) => r.failed);
      agg[n][s].editsPerRound = ok(s, n)[0]?.edits.length ?? 0;
    }
  }
  return { agg, sizes, systems, ok };
}

const { agg, sizes, systems, ok } = aggregate(R);
// An optional separate scaling run (e.g. --sizes 200,10000 --systems vite-dev,hr): its own 200 and
// 10,000 figures, so the 10,000-vs-200 goal compares numbers of one run.
const scalingFile = args.scaling;
const SC = scalingFile && fs.existsSync(scalingFile) ? JSON.parse(fs.readFileSync(scalingFile, "utf8")) : undefined;
const scaling = SC ? { R: SC, ...aggregate(SC) } : undefined;

function median(v) {
  return spread(v)?.med;
}

// ---- formatting --------------------------------------------------------------------------------
const num = (x) => (x == null ? "–" : x >= 100 ? x.toFixed(0) : x >= 10 ? x.toFixed(1) : x.toFixed(x === Math.round(x) ? 0 : 2));
function cell(sp, unit) {
  if (!sp) return "–";
  const u = unit ? ` ${unit}` : "";
  return sp.min === sp.max ? `${num(sp.med)}${u}` : `${num(sp.med)}${u} (${num(sp.min)}–${num(sp.max)})`;
}
function ratio(a, b) {
  if (a == null || b == null) return "";
  if (b === 0) return a === 0 ? " · =" : "";
  return ` · **${(a / b).toFixed(a / b < 0.1 ? 3 : 2)}×**`;
}
const label = (s) => SYSTEMS[s].label;

function sizeTable(n) {
  const keys = ["cold", "requests", "p50", "p90", "css", "rss", "reloads", "lost", "missed"];
  const lines = [`| system | ${keys.map((k) => METRICS[k].title).join(" | ")} |`, `|---|${keys.map(() => "---").join("|")}|`];
  for (const s of systems) {
    const a = agg[n][s];
    if (!a.rounds) {
      lines.push(`| ${label(s)} | ${keys.map(() => "failed").join(" | ")} |`);
      continue;
    }
    const cells = keys.map((k) => cell(a[k], METRICS[k].unit) + (s === BASE || ["reloads", "lost", "missed"].includes(k) ? "" : ratio(a[k]?.med, agg[n][BASE]?.[k]?.med)));
    lines.push(`| ${label(s)} | ${cells.join(" | ")} |`);
  }
  return lines.join("\n");
}

// ---- accuracy ----------------------------------------------------------------------------------
export const acc = {};
for (const s of systems) {
  const rows = R.accuracy.filter((a) => a.system === s);
  if (!rows.length) continue;
  const scored = rows.filter((r) => r.scored);
  acc[s] = { rows, scored: scored.length, fp: scored.filter((r) => r.fp).length, fn: scored.filter((r) => r.fn).length,
    lost: rows.filter((r) => r.lostState).length, broken: rows.filter((r) => r.brokenPage).length };
}

function accuracyTables() {
  const ss = Object.keys(acc);
  if (!ss.length) return "_Not run (--no-accuracy)._";
  const out = [];
  out.push(`| system | scored edits | false positives | false negatives | lost state (all ${acc[ss[0]].rows.length} edits) |`, "|---|---|---|---|---|");
  for (const s of ss) out.push(`| ${label(s)} | ${acc[s].scored} | ${acc[s].fp} | ${acc[s].fn} | ${acc[s].lost} |`);
  out.push("", `Per edit (observed in the browser: \`none\`, \`css\`, \`js-update\`, \`full-reload\`; FP = more than needed, FN = the change never showed or nothing was sent when something was needed; hr-orchestrate's own decision in brackets):`, "");
  out.push(`| # | edit | needs | ${ss.map(label).join(" | ")} |`, `|---|---|---|${ss.map(() => "---").join("|")}|`);
  const n = acc[ss[0]].rows.length;
  for (let i = 0; i < n; i++) {
    const r0 = acc[ss[0]].rows[i];
    const cells = ss.map((s) => {
      const r = acc[s].rows[i];
      if (!r) return "–";
      const flags = [r.fp && "**FP**", r.fn && "**FN**", r.lostState && r.expect !== "full-reload" && "state lost", r.brokenPage && "page broken"].filter(Boolean);
      return `${r.observed}${r.decided ? ` [${r.decided}]` : ""}${r.requests ? `, ${r.requests} req` : ""}${flags.length ? " " + flags.join(", ") : ""}`;
    });
    out.push(`| ${i + 1} | ${r0.kind}${r0.target ? ` ${r0.target}` : ""}${r0.scored ? "" : " (not scored)"} | ${r0.expect} | ${cells.join(" | ")} |`);
  }
  const notes = [];
  for (const s of ss) for (const r of acc[s].rows) if (r.fn || r.brokenPage) notes.push(`- ${label(s)}, edit ${r.i + 1} (${r.kind}${r.target ? " " + r.target : ""}): ` +
    `${r.seen !== undefined ? `expected \`${r.expected}\`, page showed \`${String(r.seen).slice(0, 80)}\`` : `observed ${r.observed}`}` +
    `${r.errors ? `; page error: \`${r.errors[0].slice(0, 120)}\`` : ""}${r.brokenPage ? "; the page could not be brought back (counter missing after a reload)" : ""}.`);
  if (notes.length) out.push("", "Failures in detail:", "", ...notes);
  return out.join("\n");
}

// ---- document ----------------------------------------------------------------------------------
function versionsLine() {
  return Object.entries(R.meta.versions).map(([k, v]) => `${k} ${v}`).join(", ");
}

function goals() {
  const big = sizes.includes(2000) ? 2000 : sizes[sizes.length - 1];
  const a = (s, k, n = big) => agg[n]?.[s]?.[k]?.med;
  const rows = [];
  const vite = a(BASE, "p50");
  for (const s of ["hr", "hr-cli"]) {
    const hr = a(s, "p50");
    if (hr == null && s !== "hr" && !systems.includes(s)) continue;
    rows.push([`edit → DOM p50 at ${big}, ${SYSTEMS[s].short}, ≤ 1/5 of Vite's`, hr != null && vite != null ? `${num(hr)} ms vs ${num(vite)} ms = ${(hr / vite).toFixed(2)}× (goal ≤ 0.20×)` : "not measured",
      hr != null && vite != null ? (hr <= vite / 5 ? "met" : "**missed**") : "–"]);
  }
  const py = a("hr-py", "p50");
  if (py != null || systems.includes("hr-py")) {
    rows.push(["edit → DOM p50 at " + big + " through the Python client ≤ 1/6 of Vite's", py != null && vite != null ? `${num(py)} ms vs ${num(vite)} ms = ${(py / vite).toFixed(2)}× (goal ≤ 0.17×)` : "not measured",
      py != null && vite != null ? (py <= vite / 6 ? "met" : "**missed**") : "–"]);
  }
  const sc = sizes.includes(10000) && sizes.includes(200) ? { agg, where: "this run" } : scaling?.sizes.includes(10000) && scaling.sizes.includes(200) ? { agg: scaling.agg, where: "the scaling run below" } : undefined;
  if (sc) {
    for (const s of ["hr", "hr-cli"]) {
      const l1 = sc.agg[10000]?.[s]?.p50?.med, l0 = sc.agg[200]?.[s]?.p50?.med;
      if (s !== "hr" && (l1 == null || l0 == null)) continue;
      rows.push([`${SYSTEMS[s].short} edit → DOM at 10,000 within 1.3× of 200 (issue 17; 1.5× before it)`, l1 != null && l0 != null ? `${num(l1)} ms vs ${num(l0)} ms = ${(l1 / l0).toFixed(2)}× (${sc.where})` : "not measured",
        l1 != null && l0 != null ? (l1 <= 1.3 * l0 ? "met" : "**missed**") : "–"]);
    }
  } else {
    const top = sizes[sizes.length - 1], bot = sizes[0];
    const l1 = a("hr", "p50", top), l0 = a("hr", "p50", bot);
    rows.push(["hr-orchestrate edit → DOM at 10,000 within 1.3× of 200", `10,000 not in this run (opt-in: \`--sizes 200,2000,10000\`)${l1 != null && l0 != null && top !== bot ? `; ${top} vs ${bot}: ${(l1 / l0).toFixed(2)}×` : ""}`, "not measured"]);
  }
  rows.push(...latencyFloorGoals(big, a));
  const r1 = a("hr", "rss"), r0 = a(BASE, "rss");
  rows.push(["server RSS at " + big + " ≤ 1/4 of Vite's", r1 != null && r0 != null ? `${num(r1)} MB vs ${num(r0)} MB = ${(r1 / r0).toFixed(2)}× (goal ≤ 0.25×)` : "not measured",
    r1 != null && r0 != null ? (r1 <= r0 / 4 ? "met" : "**missed**") : "–"]);
  const h = acc.hr;
  rows.push(["hr-orchestrate: 0 false positives, 0 false negatives on the corpus", h ? `${h.fp} FP, ${h.fn} FN over ${h.scored} scored edits` : "not measured",
    h ? (h.fp === 0 && h.fn === 0 ? "met" : "**missed**") : "–"]);
  return ["| goal | measured | |", "|---|---|---|", ...rows.map((r) => `| ${r.join(" | ")} |`)].join("\n");
}

// Issue 17's goals: CSS at half of Vite's at every size, and the page's part of a component update.
function latencyFloorGoals(big, a) {
  const rows = [];
  for (const n of sizes) {
    for (const s of ["hr", "hr-cli", "hr-py"]) {
      const v = a(s, "css", n), vite = a(BASE, "css", n);
      if (v == null || vite == null) continue;
      rows.push([`CSS edit → applied p50 at ${n.toLocaleString("en")}, ${SYSTEMS[s].short}, ≤ 1/2 of Vite's`, `${num(v)} ms vs ${num(vite)} ms = ${(v / vite).toFixed(2)}× (goal ≤ 0.50×)`, v <= vite / 2 ? "met" : "**missed**"]);
    }
  }
  // The same page and client whoever makes the call; the call's process runs beside the page on
  // the machine's two cores (node's spawn forks the driver, whose copied pages fault while the page
  // works), so each way of calling gets its row.
  for (const s of ["hr", "hr-cli", "hr-py"]) {
    const p = medianParts(R, s, big);
    if (p.dom == null) continue;
    rows.push([`the page's part of a component update at ${big.toLocaleString("en")} (message → DOM), ${SYSTEMS[s].short}, ≤ 5 ms p50`,
      `${num(p.dom)} ms by the page's MutationObserver; ${num(p.committed)} ms to React's commit by the client's marks (${p.count} edits)`, p.dom <= 5 && p.committed <= 5 ? "met" : "**missed**"]);
  }
  return rows;
}

function buildTable() {
  const lines = ["| size | `vite build` (cold) | `vite build` per edit | edit → DOM (build + reload) | peak RSS of `vite build` | Vite dev HMR edit → DOM |", "|---|---|---|---|---|---|"];
  for (const n of sizes) {
    const b = agg[n]["vite-build"];
    if (!b?.rounds) continue;
    lines.push(`| ${n} | ${cell(b.coldBuildMs, "ms")} | ${cell(b.buildMs, "ms")} | ${cell(b.p50, "ms")} | ${cell(b.buildPeak, "MB")} | ${cell(agg[n][BASE]?.p50, "ms")} |`);
  }
  return lines.join("\n");
}

const o = R.meta.options;
const m = R.meta.machine;
const md = `# Benchmarks: hr-orchestrate against Vite

Written by \`bash bench/compare/run.sh\` (${o.sizes.join(", ")} components, ${o.edits} component edits per run` +
` (\`vite build\`: ${Math.min(o.edits, o.buildEdits)}), ${o.rounds} round(s)); do not edit by hand. Raw results: \`build/compare/results.json\`.

- **Date**: ${R.meta.date} (whole run ${(R.meta.totalMs / 60000).toFixed(1)} min)
- **Machine**: ${machineLine(m)}; load average (1/5/15 min) ${R.meta.loadAvgStart?.join(" / ") ?? "?"} at the start, ${R.meta.loadAvgEnd?.join(" / ") ?? "?"} at the end (other work on the machine shares the cores)
- **Versions**: ${versionsLine()}; Chromium ${"/usr/bin/chromium"} headless${R.meta.hr ? `; hr-orchestrate binary built ${R.meta.hr.built} (repository at ${R.meta.hr.repoHead})` : ""}
- **Systems**, all serving the same generated app (\`bench/appgen\`, seed 1) with the same edits:
  - *Vite dev + plugin-react*: Vite's dev server, root = the app, \`$\` aliased to it; edits are files written by the compiler simulator, Vite watches the disk.
  - *vite build per edit + reload*: \`vite build\` (a fresh node process, as a compiler would call it) after every edit, then the page is reloaded from a static server.
  - *esbuild watch + serve + live reload*: esbuild's context \`watch()\` + \`serve()\` with the \`/esbuild\` event source and esbuild's documented live-reload snippet (one bundle).
  - *hr-orchestrate*: the simulator's edit, then the compiler's call \`hr-orchestrate --manifest M --wait-applied\` (its process start is part of every figure).
  - *hr-orchestrate, CLI called from Python*: the same call, \`hr-orchestrate --manifest M --wait-applied\`, started by a long-lived Python process with \`subprocess.run\` (\`bench/compare/servers/py-cli.py\`), as Reflex's compiler (Python) would start it. *hr-orchestrate* above is started by the node driver, whose \`spawn\` forks the driver: that costs 1.4 ms from a small node and grows with the driver's heap (4.2 ms at 143 MB RSS), a cost of the harness that Python's \`subprocess\` (vfork) does not have.
  - *hr-orchestrate, Python client*: the same server; the compiler's call is \`Client.recompile(wait_applied=…)\` of \`python/hr_orchestrate\` in one long-lived Python process (\`bench/compare/servers/py-compiler.py\`), as a Python compiler makes it: no process start per recompile.

How it is measured: every figure is the **median over rounds, with min–max** in brackets; **bold ratios are against Vite dev measured in the same run** (below 1× is better for every metric). Edit → DOM runs from the moment the simulator starts writing the edit to the moment the page shows the new text of the edited component (MutationObserver + 4 ms poll in the page, recorded on the same wall clock as the writer, also across a reload); p50 and p90 are over the run's edits (components on the home page; the second half of the edits edits the first half's components again). CSS → applied is the same for the computed colour of the edited rule. Cold start runs from starting the server to the first component rendered in a fresh browser profile (for \`vite build\` it includes the first build). RSS is VmRSS summed over the server's whole process tree (for \`vite build\`: the static server; the build's own peak is below), read after the edits. Full reloads and lost state are counted over all edits of a run: before the edits a counter is clicked to 2 and a \`window\` marker set; a reload or a remount loses them.

## Goals

${goals()}

${sizes.map((n) => `## ${n.toLocaleString("en")} components\n\n${sizeTable(n)}\n${failureNotes(n)}`).join("\n\n")}

![edit → DOM p50 against app size](benchmarks-latency.svg)

${breakdownSection(R, sizes, num)}
${scalingSection()}## \`vite build\` after each edit against Vite's HMR (question 1 of the investigation)

${buildTable()}

## Detection accuracy (${o.accuracySize} components)

${accuracyTables()}

## Caveats

- One machine, 2 cores: the browser, the server and the writer share them (and, when the load average above is well over 2, other jobs too); figures of one run are comparable with each other because the systems, and the sizes, alternate within every round, less so across machines or runs.
- hr-orchestrate's figures include starting the \`hr-orchestrate\` CLI process for every edit (the compiler's call) and \`--wait-applied\`; Vite's include its file watcher's delay.
- Edits the page never showed within 30 s are left out of the latency percentiles and counted in their own column (with what the page showed and what the server sent, in the notes under each table).
- Vite's dev server is measured without warm-up (\`server.warmup\`) and with a fresh dependency cache: the first load includes its dependency optimisation.
`;

function scalingSection() {
  if (!scaling) return "";
  const o2 = scaling.R.meta.options;
  const keys = ["cold", "requests", "p50", "p90", "css", "rss", "reloads", "lost", "missed"];
  const out = [`## Scaling run (separate invocation: \`--sizes ${o2.sizes.join(",")} --systems ${o2.systems.join(",")} --rounds ${o2.rounds}\`)`, "",
    `${scaling.R.meta.date}, ${(scaling.R.meta.totalMs / 60000).toFixed(1)} min, load average ${scaling.R.meta.loadAvgStart?.join(" / ") ?? "?"} → ${scaling.R.meta.loadAvgEnd?.join(" / ") ?? "?"}; ratios against Vite dev of this scaling run.`, "",
    `| size | system | ${keys.map((k) => METRICS[k].title).join(" | ")} |`, `|---|---|${keys.map(() => "---").join("|")}|`];
  for (const n of scaling.sizes) for (const s of scaling.systems) {
    const a = scaling.agg[n][s];
    if (!a.rounds) { out.push(`| ${n} | ${label(s)} | ${keys.map(() => "failed").join(" | ")} |`); continue; }
    out.push(`| ${n.toLocaleString("en")} | ${label(s)} | ${keys.map((k) => cell(a[k], METRICS[k].unit) + (s === BASE || ["reloads", "lost", "missed"].includes(k) ? "" : ratio(a[k]?.med, scaling.agg[n][BASE]?.[k]?.med))).join(" | ")} |`);
  }
  const parts = breakdownSection(scaling.R, scaling.sizes, num, "### Where an hr-orchestrate edit's time goes in the scaling run");
  return out.join("\n") + "\n\n" + (parts ? parts + "\n" : "");
}

function failureNotes(n) {
  const notes = [];
  for (const s of systems) for (const f of agg[n][s].failures) notes.push(`- ${label(s)}: a round failed: \`${f.split("\n")[0].slice(0, 200)}\``);
  for (const s of systems) {
    for (const r of ok(s, n)) for (const e of [...r.edits, ...r.css]) if (e.ms == null) notes.push(`- ${label(s)}, round ${r.round}: a ${e.kind} edit (target ${e.target ?? "-"}) never showed within 30 s (page showed \`${String(e.seen).slice(0, 60)}\`).`);
  }
  return notes.length ? "\n" + notes.join("\n") + "\n" : "";
}

fs.mkdirSync(docs, { recursive: true });
fs.writeFileSync(path.join(docs, "benchmarks.md"), md);
// The plot adds the scaling run's 10,000-component points when the main run has none.
const extra = scaling && !sizes.includes(10000) && scaling.agg[10000] ? 10000 : undefined;
const plotAgg = extra ? { ...agg, [extra]: scaling.agg[extra] } : agg;
const plotSizes = extra ? [...sizes, extra] : sizes;
fs.writeFileSync(path.join(docs, "benchmarks-latency.svg"), latencySvg(plotAgg, plotSizes, systems.filter((s) => sizes.some((n) => agg[n][s].rounds)), label,
  extra ? "10,000: separate scaling run" : ""));
fs.writeFileSync(path.join(docs, "recommendation.md"), recommendation({ R, agg, acc, sizes, label, num, BASE, scaling }));
process.stderr.write(`report: wrote ${["benchmarks.md", "benchmarks-latency.svg", "recommendation.md"].map((f) => path.join(docs, f)).join(", ")}\n`);
