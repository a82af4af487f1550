// Small statistics over the raw results: percentiles, medians of rounds with min–max.
export function pct(values, p) {
  const v = values.filter((x) => x != null && Number.isFinite(x));
  if (!v.length) return undefined;
  const s = [...v].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1))];
}

export function median(values) {
  const v = values.filter((x) => x != null && Number.isFinite(x)).sort((a, b) => a - b);
  if (!v.length) return undefined;
  const m = Math.floor(v.length / 2);
  return v.length % 2 ? v[m] : (v[m - 1] + v[m]) / 2;
}

// { med, min, max, n } of one metric over the rounds.
export function spread(values) {
  const v = values.filter((x) => x != null && Number.isFinite(x));
  if (!v.length) return undefined;
  return { med: median(v), min: Math.min(...v), max: Math.max(...v), n: v.length };
}
