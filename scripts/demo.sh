#!/usr/bin/env bash
# Installs everything, builds hr-orchestrate in Release, and runs the Python demo
# (examples/python-framework): a small Reflex-style framework whose components are Python functions.
# It prints the page's URL and which .py file to edit; every save reaches the open page.
#   scripts/demo.sh [port=3000]
# The generated JavaScript demo app (edits simulated as the compiler makes them) is
# scripts/serve-demo.sh.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
bash "$here/scripts/setup.sh"
port="${1:-3000}"
# Debian's Python: it has python3-websockets (the demo's backend); a python3 earlier on PATH may not.
exec /usr/bin/python3 "$here/examples/python-framework/dev.py" --port "$port" \
  --hr-orchestrate "$here/build/release/orchestrator/hr-orchestrate"
