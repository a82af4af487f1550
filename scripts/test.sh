#!/usr/bin/env bash
# Installs everything (apt, pinned npm packages), builds, and runs the whole test suite:
#   - unit tests in an ASan + UBSan build (build/asan), label "unit";
#   - integration tests (real esbuild, node, sockets, browser) against the Release build
#     (build/release), label "integration".
# Prints one closing line "N passed, N failed". Idempotent: a second run rebuilds only what changed.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
log() { printf '\033[1m[test]\033[0m %s\n' "$*" >&2; }

bash "$here/scripts/setup.sh"   # deps + Release build
jobs="$(nproc)"

asan="$here/build/asan"
if [ ! -f "$asan/build.ninja" ]; then
  cmake -S "$here" -B "$asan" -G Ninja -DCMAKE_BUILD_TYPE=Debug -DHR_SANITIZE=ON \
    -DHR_BENCH=OFF -DHR_INTEGRATION_TESTS=OFF >/dev/null
fi
log "building the ASan+UBSan unit tests"
cmake --build "$asan" -j "$jobs"

export ASAN_OPTIONS="detect_leaks=1:abort_on_error=0"
export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1"
results="$(mktemp)"
status=0
log "unit tests (ASan+UBSan)"
ctest --test-dir "$asan" -L unit --output-on-failure -j "$jobs" | tee -a "$results" || status=1
log "integration tests (Release)"
ctest --test-dir "$here/build/release" -L integration --output-on-failure | tee -a "$results" || status=1

# ctest prints "N% tests passed, F tests failed out of T" per run; add them up into one line.
read -r passed failed < <(awk '/tests passed, .* tests failed out of/ {
  t += $NF; f += $4 } END { print t - f, f + 0 }' "$results")
rm -f "$results"
if [ "${passed:-0}" -eq 0 ]; then echo "no tests ran" >&2; status=1; fi
echo "${passed} passed, ${failed} failed"
exit "$status"
