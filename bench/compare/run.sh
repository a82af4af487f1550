#!/usr/bin/env bash
# The comparison benchmark in one command: installs the pinned Vite peers (bench/compare/package.json
# + package-lock.json, skipped when the lockfile is unchanged), makes sure hr-orchestrate is built,
# runs every system in headless Chromium (bench.mjs) and writes docs/benchmarks.md,
# docs/benchmarks-latency.svg and docs/recommendation.md (report.mjs).
#   bash bench/compare/run.sh [--sizes 200,2000] [--edits N] [--rounds R] [--systems a,b] [--build-edits N]
#                             [--accuracy-size N] [--no-accuracy] [--scaling-run]
# Sizes 200 and 2000 run in under 30 minutes on a 2-core machine. The 10,000-component size is
# opt-in: --sizes 200,2000,10000 runs every system at it; --scaling-run adds a second, cheaper run
# of Vite dev and hr-orchestrate only at 200 and 10,000 (same rounds and edits) for the scaling goal.
# HR_ORCHESTRATE=path picks another binary.
#   bash bench/compare/run.sh --reflex [--memos 32,400] [--edits 20] [--css-edits 8] [--rounds 3]
# runs the Reflex benchmark instead (reflex.mjs: the Reflex-shaped fixture under hr-orchestrate and
# under `react-router dev`, Reflex's dev path) and writes docs/benchmarks-reflex.md.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
log() { printf '\033[1m[bench/compare]\033[0m %s\n' "$*" >&2; }

install_peers() {
  local stamp="$here/node_modules/.hr-lock-hash" want
  want="$(sha256sum "$here/package-lock.json" | cut -d' ' -f1)"
  if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ]; then log "npm: bench/compare/node_modules matches the lockfile"; return; fi
  log "npm: installing the pinned Vite peers into bench/compare/node_modules"
  (cd "$here" && npm ci --no-audit --no-fund --loglevel=error)
  echo "$want" >"$stamp"
}

find_binary() {
  if [ -n "${HR_ORCHESTRATE:-}" ]; then echo "$HR_ORCHESTRATE"; return; fi
  # The project's Release build (scripts/setup.sh); if it is missing, a Release build of the
  # executable alone into build/bench-compare.
  if [ -x "$repo/build/release/orchestrator/hr-orchestrate" ]; then echo "$repo/build/release/orchestrator/hr-orchestrate"; return; fi
  log "no build/release; building hr-orchestrate (Release) into build/bench-compare"
  [ -f "$repo/build/bench-compare/build.ninja" ] ||
    cmake -S "$repo" -B "$repo/build/bench-compare" -G Ninja -DCMAKE_BUILD_TYPE=Release -DHR_TESTS=OFF >&2
  cmake --build "$repo/build/bench-compare" --target hr-orchestrate >&2
  echo "$repo/build/bench-compare/orchestrator/hr-orchestrate"
}

[ -d "$repo/npm/node_modules/playwright-core" ] || bash "$repo/scripts/setup.sh" --deps
install_peers
bin="$(find_binary)"
for a in "$@"; do
  if [ "$a" = "--reflex" ]; then
    rest=()
    for b in "$@"; do [ "$b" = "--reflex" ] || rest+=("$b"); done
    log "hr-orchestrate: $bin"
    exec node "$here/reflex.mjs" --bin "$bin" --out "$repo/build/compare/reflex.json" --doc "$repo/docs/benchmarks-reflex.md" ${rest[@]+"${rest[@]}"}
  fi
done
out="$repo/build/compare/results.json"
scaling_out="$repo/build/compare/scaling.json"
args=() scaling=0 pass=()
while [ $# -gt 0 ]; do
  case "$1" in
    --scaling-run) scaling=1 ;;
    --rounds | --edits) pass+=("$1" "$2"); args+=("$1" "$2"); shift ;;
    *) args+=("$1") ;;
  esac
  shift
done
log "hr-orchestrate: $bin"
node "$here/bench.mjs" --bin "$bin" --out "$out" ${args[@]+"${args[@]}"}
report=(--in "$out" --docs "$repo/docs")
if [ "$scaling" = 1 ]; then
  node "$here/bench.mjs" --bin "$bin" --out "$scaling_out" --sizes 200,10000 --systems vite-dev,hr,hr-cli --no-accuracy ${pass[@]+"${pass[@]}"}
  report+=(--scaling "$scaling_out")
fi
node "$here/report.mjs" "${report[@]}"
log "wrote docs/benchmarks.md, docs/benchmarks-latency.svg, docs/recommendation.md (raw: ${out#"$repo"/})"
