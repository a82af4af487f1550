#!/usr/bin/env bash
# Builds the libFuzzer targets with clang (ASan + UBSan + libFuzzer) and runs each for a while.
#   scripts/fuzz.sh [seconds-per-target]   (default 60)
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
secs="${1:-60}"
dir="$here/build/fuzz"
if [ ! -f "$dir/build.ninja" ]; then
  CXX=clang++ cmake -S "$here" -B "$dir" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DHR_FUZZ=ON \
    -DHR_TESTS=OFF -DHR_BENCH=OFF >/dev/null
fi
targets=$(cd "$here/fuzz" && grep -ho 'add_executable(fuzz_[a-z_]*' */CMakeLists.txt | sed 's/add_executable(//')
cmake --build "$dir" --target $targets
for t in $targets; do
  corpus="$here/build/fuzz-corpus/$t"
  mkdir -p "$corpus"
  echo "== $t for ${secs}s"
  bin=$(find "$dir/fuzz" -type f -name "$t" | head -1)
  "$bin" -max_total_time="$secs" -print_final_stats=1 "$corpus" 2>&1 | grep -E 'stat::number_of_executed_units|stat::peak_rss_mb|ERROR|SUMMARY' || true
done
