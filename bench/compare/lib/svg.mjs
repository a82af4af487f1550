// The edit → DOM plot (p50 against app size, log–log, min–max whiskers over rounds), hand-written SVG.
const COLORS = { "vite-dev": "#646cff", "vite-build": "#b45309", "esbuild-live": "#ca8a04", hr: "#059669" };
const esc = (s) => String(s).replace(/&/g, "&amp;").replace(/</g, "&lt;");

export function latencySvg(agg, sizes, systems, label, note = "") {
  const W = 840, H = 440, L = 70, Rm = 290, T = 40, B = 60;
  const pts = [];
  for (const s of systems) for (const n of sizes) {
    const p = agg[n]?.[s]?.p50;
    if (p) pts.push(p.min, p.max, p.med);
  }
  if (!pts.length) return `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="80"><text x="10" y="40">no data</text></svg>\n`;
  const lo = Math.pow(10, Math.floor(Math.log10(Math.max(1, Math.min(...pts)))));
  const hi = Math.pow(10, Math.ceil(Math.log10(Math.max(...pts) * 1.05)));
  const xs = sizes.length > 1 ? sizes : [sizes[0] / 2, sizes[0], sizes[0] * 2];
  const x0 = Math.log10(Math.min(...xs)), x1 = Math.log10(Math.max(...xs));
  const X = (n) => L + ((Math.log10(n) - x0) / (x1 - x0 || 1)) * (W - L - Rm - 20) + 10;
  const Y = (v) => T + (1 - (Math.log10(v) - Math.log10(lo)) / (Math.log10(hi) - Math.log10(lo))) * (H - T - B);
  const out = [];
  out.push(`<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="system-ui, sans-serif" font-size="12">`);
  out.push(`<rect width="${W}" height="${H}" fill="#fff"/>`);
  out.push(`<text x="${L}" y="22" font-size="14" font-weight="600">Edit → DOM updated, p50 (min–max over rounds), log–log</text>`);
  for (let d = lo; d <= hi; d *= 10) {
    for (const m of [1, 2, 5]) {
      const v = d * m;
      if (v > hi) break;
      out.push(`<line x1="${L}" x2="${W - Rm}" y1="${Y(v).toFixed(1)}" y2="${Y(v).toFixed(1)}" stroke="${m === 1 ? "#ccc" : "#eee"}"/>`);
      out.push(`<text x="${L - 6}" y="${(Y(v) + 4).toFixed(1)}" text-anchor="end" fill="#555">${v >= 1000 ? v / 1000 + " s" : v + " ms"}</text>`);
    }
  }
  out.push(`<line x1="${L}" x2="${L}" y1="${T}" y2="${H - B}" stroke="#333"/><line x1="${L}" x2="${W - Rm}" y1="${H - B}" y2="${H - B}" stroke="#333"/>`);
  for (const n of sizes) out.push(`<text x="${X(n).toFixed(1)}" y="${H - B + 18}" text-anchor="middle">${n.toLocaleString("en")}</text>`);
  out.push(`<text x="${(L + W - Rm) / 2}" y="${H - 18}" text-anchor="middle" fill="#333">app size (components)${note ? ` — ${esc(note)}` : ""}</text>`);
  systems.forEach((s, i) => {
    const c = COLORS[s] ?? "#000";
    const series = sizes.map((n) => [n, agg[n]?.[s]?.p50]).filter(([, p]) => p);
    if (series.length > 1) out.push(`<polyline fill="none" stroke="${c}" stroke-width="2" points="${series.map(([n, p]) => `${X(n).toFixed(1)},${Y(p.med).toFixed(1)}`).join(" ")}"/>`);
    for (const [n, p] of series) {
      out.push(`<line x1="${X(n).toFixed(1)}" x2="${X(n).toFixed(1)}" y1="${Y(p.min).toFixed(1)}" y2="${Y(p.max).toFixed(1)}" stroke="${c}" stroke-width="1.5"/>`);
      out.push(`<circle cx="${X(n).toFixed(1)}" cy="${Y(p.med).toFixed(1)}" r="4" fill="${c}"><title>${esc(label(s))}, ${n}: ${p.med.toFixed(0)} ms</title></circle>`);
    }
    const ly = T + 10 + i * 22;
    out.push(`<line x1="${W - Rm + 15}" x2="${W - Rm + 40}" y1="${ly}" y2="${ly}" stroke="${c}" stroke-width="3"/>`);
    out.push(`<text x="${W - Rm + 46}" y="${ly + 4}">${esc(label(s))}</text>`);
  });
  out.push("</svg>");
  return out.join("\n") + "\n";
}
