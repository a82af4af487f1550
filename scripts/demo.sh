#!/usr/bin/env bash
# Installs everything, builds hr-orchestrate in Release, and serves a generated demo app with hot
# reload, printing its URL (see scripts/serve-demo.sh for how to edit it).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
bash "$here/scripts/setup.sh"
exec bash "$here/scripts/serve-demo.sh" "$@"
