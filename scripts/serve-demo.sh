#!/usr/bin/env bash
# Serves a generated Reflex-shaped demo app with hot reload (after scripts/setup.sh has built it).
#   scripts/serve-demo.sh [components=200] [port=3000]
# In another terminal, edit like the compiler would and watch the page update:
#   node bench/appgen/simulate.mjs --app demo-app --edit component-text --run build/release/orchestrator/hr-orchestrate
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
components="${1:-200}"
port="${2:-3000}"
bin="$here/build/release/orchestrator/hr-orchestrate"
app="$here/demo-app"
if [ ! -f "$app/manifest.json" ]; then
  node "$here/bench/appgen/generate.mjs" --out "$app" --components "$components"
fi
# A server left running by an earlier compiler call would hold the port.
"$bin" stop --manifest "$app/manifest.json" >/dev/null 2>&1 || true
cat >&2 <<TXT
[demo] serving $app on http://127.0.0.1:$port/ (Ctrl-C stops it)
[demo] try an edit as the compiler would, in another terminal:
[demo]   node bench/appgen/simulate.mjs --app demo-app --edit component-text --run build/release/orchestrator/hr-orchestrate
[demo]   (other edits: css, page-text, state, hooks, syntax-error, fix-syntax, new-page, new-npm-import)
TXT
exec "$bin" serve --manifest "$app/manifest.json" --port "$port"
