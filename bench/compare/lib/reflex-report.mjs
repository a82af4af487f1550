// The Reflex benchmark's report (bench/compare/reflex.mjs): one row per system and memo count
// (edits pooled over rounds, cold start and RSS as medians of rounds), hr-orchestrate / Vite ratios,
// as a plain-text table for the terminal and as docs/benchmarks-reflex.md.
import { median, pct } from "./stats.mjs";

export { machine } from "./machine.mjs";
import { machineLine } from "./machine.mjs";

const BASE = "vite-rr";

function aggregate(results) {
  const rows = [];
  const memoCounts = [...new Set(results.runs.map((r) => r.memos))];
  for (const memos of memoCounts) {
    for (const system of [...new Set(results.runs.map((r) => r.system))]) {
      const all = results.runs.filter((r) => r.memos === memos && r.system === system);
      const runs = all.filter((r) => !r.failed);
      if (!all.length) continue;
      const edits = runs.flatMap((r) => r.edits), css = runs.flatMap((r) => r.css);
      const ms = (l) => l.map((e) => e.ms).filter((x) => x != null);
      rows.push({
        memos, system, rounds: runs.length, failed: [...all.filter((r) => r.failed).map((r) => r.failed.split("\n")[0]),
          ...runs.filter((r) => r.restartFailed).map((r) => `restart: ${r.restartFailed.split("\n")[0]}`)],
        cold: median(runs.map((r) => r.cold?.firstRenderMs)), coldRange: range(runs.map((r) => r.cold?.firstRenderMs)),
        p50: pct(ms(edits), 50), p95: pct(ms(edits), 95), cssP50: pct(ms(css), 50), cssP95: pct(ms(css), 95),
        rssMb: mb(median(runs.map((r) => r.rssAfterEditsKb))), rssLoadMb: mb(median(runs.map((r) => r.cold?.rssAfterLoadKb))),
        edits: edits.length, css: css.length, missed: edits.length - ms(edits).length, cssMissed: css.length - ms(css).length,
        restart: median(runs.map((r) => r.restart?.firstRenderMs)),
        startReloads: runs.reduce((n, r) => n + Math.max(0, (r.cold?.loads ?? 1) - 1), 0),
        reloads: runs.reduce((n, r) => n + Math.max(0, (r.loads ?? 1) - (r.cold?.loads ?? 1)), 0),
        lost: [...edits, ...css].filter((e) => e.lostState).length,
        keptAtEnd: runs.every((r) => r.stateKeptAtEnd),
        actions: count([...edits, ...css].map((e) => e.action).filter(Boolean)),
      });
    }
  }
  return rows;
}

const mb = (kb) => (kb == null ? undefined : kb / 1024);
const range = (v) => { const f = v.filter(Number.isFinite); return f.length > 1 ? [Math.min(...f), Math.max(...f)] : undefined; };
const count = (l) => l.reduce((o, k) => ((o[k] = (o[k] ?? 0) + 1), o), {});
const num = (v, d = 0) => (v == null || !Number.isFinite(v) ? "n/a" : v.toFixed(d));
const ratio = (a, b) => (a == null || b == null || !b ? "n/a" : `${(a / b).toFixed(2)}×`);

function columns(row, labels) {
  return [String(row.memos), labels[row.system] ?? row.system,
    `${num(row.cold)}${row.coldRange ? ` (${num(row.coldRange[0])}–${num(row.coldRange[1])})` : ""}`,
    `${row.startReloads}`, num(row.restart), num(row.p50), num(row.p95), num(row.cssP50), num(row.rssMb),
    `${row.reloads}`, `${row.lost}${row.keptAtEnd ? "" : " (lost at end)"}`,
    `${row.missed}/${row.edits} · ${row.cssMissed}/${row.css}`];
}

const HEAD = ["memos", "system", "cold start ms", "its reloads", "restart ms", "edit→DOM p50 ms", "p95 ms", "CSS p50 ms", "RSS MB", "edit reloads", "state lost", "missed (edit · CSS)"];

function ratioRows(rows) {
  const out = [];
  for (const memos of [...new Set(rows.map((r) => r.memos))]) {
    const hr = rows.find((r) => r.memos === memos && r.system === "hr"), v = rows.find((r) => r.memos === memos && r.system === BASE);
    if (!hr || !v) continue;
    out.push({ memos, cold: ratio(hr.cold, v.cold), restart: ratio(hr.restart, v.restart), p50: ratio(hr.p50, v.p50), p95: ratio(hr.p95, v.p95), css: ratio(hr.cssP50, v.cssP50), rss: ratio(hr.rssMb, v.rssMb) });
  }
  return out;
}

export function table(results, labels) {
  const rows = aggregate(results);
  const cells = [HEAD, ...rows.map((r) => columns(r, labels))];
  const w = HEAD.map((_, i) => Math.max(...cells.map((c) => c[i].length)));
  const line = (c) => c.map((x, i) => (i < 2 ? x.padEnd(w[i]) : x.padStart(w[i]))).join("  ");
  const out = [line(HEAD), w.map((n) => "-".repeat(n)).join("  "), ...rows.map((r) => line(columns(r, labels)))];
  for (const r of ratioRows(rows)) out.push(`hr/Vite at ${r.memos} memos: cold start ${r.cold}, restart ${r.restart}, edit p50 ${r.p50}, p95 ${r.p95}, CSS p50 ${r.css}, RSS ${r.rss}`);
  for (const r of rows) if (r.failed.length) out.push(`FAILED ${r.system} at ${r.memos} memos: ${r.failed.join("; ")}`);
  return out.join("\n");
}

export function markdown(results, labels) {
  const { meta } = results;
  const rows = aggregate(results);
  const md = (c) => `| ${c.join(" | ")} |`;
  const v = meta.versions;
  const o = meta.options;
  const out = [];
  out.push("# hr-orchestrate against Reflex's dev path (`react-router dev`)", "");
  out.push("Written by `bench/compare/reflex.mjs`; regenerate with:", "", "```sh", meta.command, "```", "");
  out.push(`The Reflex-shaped fixture (\`bench/reflexapp\`: React Router framework mode with \`ssr: false\`, Radix Themes, Emotion's \`jsx\`, lucide icons, ` +
    `socket.io state; ${o.memos.join(" and ")} memo components) with its real socket.io backend (\`bench/reflexapp/backend.py\`), served in the same run by:`, "");
  out.push(`- **hr-orchestrate**: started by the compiler's first call \`hr-orchestrate --manifest .web/manifest.json --port P\`; after each edit the ` +
    "compiler's call with `--wait-applied` (it returns once the page applied the update). The backend is reached through hr-orchestrate's port (the manifest's `backend`).");
  out.push(`- **react-router dev**: Reflex's dev path, \`react-router dev\` = Vite ${v.vite} with \`reactRouter()\` from @react-router/dev ${v["@react-router/dev"]} ` +
    `(no @vitejs/plugin-react), \`app/routes.js\` with \`flatRoutes()\` from @react-router/fs-routes ${v["@react-router/fs-routes"]}, ` +
    "`react-router.config.js` and vite.config.js of Reflex's shape (`ssr: false`, `unstable_optimizeDeps`; Vite's native plugins off, React Router's HMR runtime patched " +
    "to skip routes the page has not loaded, `$` aliased to the app's folder: `servers/vite-react-router.mjs`). The page talks to the backend's own port " +
    "(`env.json` holds absolute URLs, as in Reflex's dev mode). Vite watches the files.", "");
  out.push(`Each system: a fresh copy of the app (fresh caches), a fresh backend, a fresh headless Chromium (\`lib/browser.mjs\`). ` +
    `${o.edits} memo edits (a card's label on "/"), then ${o.cssEdits} CSS edits (the colour in \`styles/styles.css\`, @imported by the linked global stylesheet), ` +
    `${o.rounds} round${o.rounds > 1 ? "s" : ""} per memo count, the order of the systems alternating between rounds.`, "");
  out.push("- **cold start**: server start → `/` rendered in Chromium (the page title in the DOM), from before the first CLI call / before starting `react-router dev`, " +
    "on a fresh copy (no caches). **its reloads**: document loads after the first until the page's network was quiet for 1 s (Vite reloads the page when its dependency optimizer " +
    "finds dependencies on the first request). **restart**: the same, after the edits, on the same app with the caches on disk kept (Vite's `node_modules/.vite`, hr-orchestrate's `.hr/`) and a fresh browser: the next `reflex run`.");
  out.push("- **edit → DOM**: file written (and the manifest, for both) → the new text in the DOM, seen by a MutationObserver plus a 4 ms poll in the page; p50 and p95 over all edits.");
  out.push("- **CSS**: the file written → the new computed `border-left-color`; p50.");
  out.push("- **RSS**: sum of VmRSS over the server's whole process tree after the edits (hr-orchestrate: the server and its esbuild child; react-router dev: the CLI and the node process it relaunches itself in). The backend and Chromium are not counted.");
  out.push("- **edit reloads / state lost**: document loads during the edits; edits after which the page's window marker or the backend's count (clicked to 1 over socket.io) was gone.", "");
  out.push(md(HEAD), md(HEAD.map(() => "---")));
  for (const r of rows) out.push(md(columns(r, labels)));
  out.push("");
  const ratios = ratioRows(rows);
  if (ratios.length) {
    out.push("hr-orchestrate / react-router dev (below 1: hr-orchestrate is faster or smaller):", "");
    out.push(md(["memos", "cold start", "restart", "edit→DOM p50", "edit→DOM p95", "CSS p50", "RSS"]), md(["---", "---", "---", "---", "---", "---", "---"]));
    for (const r of ratios) out.push(md([String(r.memos), r.cold, r.restart, r.p50, r.p95, r.css, r.rss]));
    out.push("");
  }
  for (const r of rows) if (r.failed.length) out.push(`**Failed**: ${labels[r.system] ?? r.system} at ${r.memos} memos: ${r.failed.join("; ")}`, "");
  out.push(...details(results, labels));
  const hrActions = rows.filter((r) => r.system === "hr").map((r) => `${r.memos} memos: ${Object.entries(r.actions).map(([k, n]) => `${k} ×${n}`).join(", ")}`);
  if (hrActions.length) out.push(`hr-orchestrate's decisions (the CLI's \`action\`): ${hrActions.join("; ")}.`, "");
  out.push("## Setup", "");
  out.push(`- Date: ${meta.date}, ${(meta.totalMs / 60000).toFixed(1)} min; load average ${meta.loadAvgStart?.join(" ")} at the start, ${meta.loadAvgEnd?.join(" ")} at the end.`);
  out.push(`- Machine: ${machineLine(meta.machine)}.`);
  out.push(`- Versions: node ${v.node}, vite ${v.vite} (rolldown ${v.rolldown}), @react-router/dev ${v["@react-router/dev"]}, @react-router/fs-routes ${v["@react-router/fs-routes"]}, ` +
    `react-router ${v["react-router"]}, react ${v.react}, @radix-ui/themes ${v["@radix-ui/themes"]}, @emotion/react ${v["@emotion/react"]}, socket.io-client ${v["socket.io-client"]}, ` +
    `esbuild ${v.esbuild} (hr-orchestrate's), playwright-core ${v["playwright-core"]}, ${v.chromium ?? "Chromium"} (\`/usr/bin/chromium\`); backend under ${v.python}.`);
  if (meta.hr) out.push(`- hr-orchestrate: \`${meta.hr.bin.replace(/^.*\/(build\/)/, "$1")}\` (Release), built ${meta.hr.built}.`);
  out.push("- @react-router/dev 8.3.0 declares `engines: node >= 22.22.0`; it ran here on node " + v.node + " (npm warns, nothing failed). " +
    "The app's `node_modules` is a folder of symlinks to npm/'s packages and then bench/compare's (Vite, @react-router/dev): vite.config.js and app/routes.js import them from the app, " +
    "and npm/ (the test setup) must not hold Vite; npm/'s copies come first so the page has one React and one React Router (`servers/vite-react-router.mjs`).");
  out.push("");
  return out.join("\n");
}

// Where the time and the memory go, per memo count: hr-orchestrate's own timings (the CLI's JSON)
// for memo and CSS edits, and the RSS split between processes, right after load and after edits.
function details(results, labels) {
  const out = ["## Where the time and the memory go", ""];
  const med = (l) => num(median(l));
  for (const memos of [...new Set(results.runs.map((r) => r.memos))]) {
    const runs = results.runs.filter((r) => r.memos === memos && !r.failed);
    const hr = runs.filter((r) => r.system === "hr");
    if (hr.length) {
      const part = (edits) => `pipeline ${med(edits.map((e) => e.timings?.total))} ms (esbuild ${med(edits.map((e) => e.timings?.esbuild))} ms), ` +
        `applied by the page ${med(edits.map((e) => e.timings?.applied))} ms after the call reached the server, whole CLI call ${med(edits.map((e) => e.callMs))} ms`;
      out.push(`- ${memos} memos, hr-orchestrate, medians: memo edit: ${part(hr.flatMap((r) => r.edits))}; CSS edit: ${part(hr.flatMap((r) => r.css))}.`);
      out.push(`- ${memos} memos, hr-orchestrate RSS after the edits: server ${med(hr.map((r) => r.info?.rssServerKb / 1024))} MB, esbuild child ${med(hr.map((r) => r.info?.rssEsbuildKb / 1024))} MB.`);
    }
    for (const sys of [...new Set(runs.map((r) => r.system))]) {
      const rs = runs.filter((r) => r.system === sys);
      out.push(`- ${memos} memos, ${labels[sys] ?? sys} RSS right after the first load: cold ${med(rs.map((r) => r.cold?.rssAfterLoadKb / 1024))} MB, ` +
        `restart (caches kept) ${med(rs.map((r) => r.restart?.rssAfterLoadKb / 1024))} MB; after the edits ${med(rs.map((r) => r.rssAfterEditsKb / 1024))} MB` +
        (rs[0].info?.rssProcessesKb ? ` (the CLI's first process ${med(rs.map((r) => r.info.rssProcessesKb[0] / 1024))} MB, the relaunched one running Vite ` +
          `${med(rs.map((r) => r.info.rssProcessesKb.slice(1).reduce((a, b) => a + b, 0) / 1024))} MB)` : "") + ".");
    }
  }
  out.push("");
  return out;
}
