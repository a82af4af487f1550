// Where an hr-orchestrate edit's time goes, for docs/benchmarks.md: each part measured per edit
// and given as the median over every edit of every round (medians of parts do not add up exactly
// to the median of the whole). The parts follow the edit: the simulator's write; the compiler's
// call until the page has the update message (process start, request, the server's pipeline, the
// socket); the server's pipeline alone (its own timings); then the page, from the message's
// arrival: the new module evaluated, the accept callbacks run, React's refresh committed (the
// client's marks) and the new text in the DOM (the page's MutationObserver, the same observer
// that times the whole edit), which checks the client's marks against what the page showed.
import { median } from "./stats.mjs";

const SYSTEMS = { hr: "hr-orchestrate (CLI from node)", "hr-cli": "hr-orchestrate (CLI from Python)", "hr-py": "hr-orchestrate (Python client)" };

// The parts of one edit, undefined where it was not measured (an edit the page never showed, a
// result file from before the page marks were recorded).
export function editParts(e) {
  const page = e.page ?? {};
  const pipeline = e.timings?.total;
  const toMessage = e.ms != null && page.dom != null ? e.ms - (e.editMs ?? 0) - page.dom : undefined;
  return { whole: e.ms, write: e.editMs, toMessage, pipeline, evaluated: page.evaluated, accepted: page.accepted,
    committed: page.committed, dom: page.dom };
}

// Median of each part over the edits (`kind`: "edits" or "css") of system `s` at size `n`.
export function medianParts(R, s, n, kind = "edits") {
  const parts = R.runs.filter((r) => r.system === s && r.size === n && !r.failed).flatMap((r) => r[kind] ?? []).map(editParts);
  const out = { count: parts.length };
  for (const k of ["whole", "write", "toMessage", "pipeline", "evaluated", "accepted", "committed", "dom"]) {
    out[k] = median(parts.map((p) => p[k]));
  }
  return out;
}

export function breakdownSection(R, sizes, num, title = "## Where an hr-orchestrate edit's time goes") {
  const ms = (x) => (x == null ? "–" : `${num(x)} ms`);
  const rows = [];
  for (const n of sizes) {
    for (const [s, name] of Object.entries(SYSTEMS)) {
      const c = medianParts(R, s, n), css = medianParts(R, s, n, "css");
      if (!c.count) continue;
      rows.push(`| ${n.toLocaleString("en")} | ${name}, component | ${[c.whole, c.write, c.toMessage, c.pipeline, c.evaluated, c.accepted, c.committed, c.dom].map(ms).join(" | ")} |`);
      if (css.count) rows.push(`| ${n.toLocaleString("en")} | ${name}, CSS | ${[css.whole, css.write, css.toMessage, css.pipeline].map(ms).join(" | ")} | – | – | – | ${ms(css.dom)} |`);
    }
  }
  if (!rows.length) return "";
  return [
    title,
    "",
    "Medians over every edit of every round (they do not add up exactly). *Call → message*: from the end of the simulator's write to the update message's arrival in the page: " +
      "the CLI's process start (none with the Python client), the request, the server's pipeline and the socket. *Pipeline*: the server's own timing (read the manifest, plan, esbuild, push). " +
      "The last four columns run from the message's arrival in the page: the new module evaluated (taken from the message, or fetched), the accept callbacks run, React's refresh committed " +
      "(the client's own marks), and the new text or colour seen by the page's MutationObserver (the observer that times the whole edit).",
    "",
    "| size | system, edit | edit → DOM | simulator's write | call → message | pipeline | message → evaluated | → accepted | → React committed | message → DOM (observer) |",
    "|---|---|---|---|---|---|---|---|---|---|",
    ...rows,
    "",
  ].join("\n");
}
