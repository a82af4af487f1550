#!/usr/bin/env bash
# Installs everything, builds hr-orchestrate in Release, and serves a generated demo app with hot
# reload, printing its URL. Until the orchestrator lands (issue 5), it stops after the build.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
bash "$here/scripts/setup.sh"
bin="$here/build/release/orchestrator/hr-orchestrate"
if [ ! -x "$bin" ]; then
  echo "Built the libraries in build/release. The hr-orchestrate executable arrives with the" >&2
  echo "orchestrator (issue 5); until then there is no demo to serve." >&2
  exit 0
fi
exec bash "$here/scripts/serve-demo.sh"
