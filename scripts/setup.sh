#!/usr/bin/env bash
# Installs everything hr-orchestrate needs on a Debian 12 machine (run as root) and builds it.
# Idempotent: packages already installed and an npm tree matching the lockfile are skipped.
#   scripts/setup.sh            apt + npm + Release build (build/release)
#   scripts/setup.sh --deps     apt + npm only
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
log() { printf '\033[1m[setup]\033[0m %s\n' "$*" >&2; }

apt_packages=(
  build-essential cmake ninja-build clang libclang-rt-14-dev clang-format
  libboost1.81-dev libboost-json1.81-dev libboost-program-options1.81-dev
  libxxhash-dev robin-map-dev libspdlog-dev catch2 libssl-dev libbsd-dev
  chromium wrk
  # The Reflex-shaped fixture's backend (bench/reflexapp/backend.py): socket.io under uvicorn.
  python3-socketio python3-uvicorn python3-websockets
  # The Python package's suite (python/tests, run by CTest).
  python3-pytest
)
# Node.js 20 is on the machine image; Debian's own nodejs/npm packages only when it is missing
# (the image's nodejs bundles npm and conflicts with Debian's npm package).
command -v node >/dev/null 2>&1 || apt_packages+=(nodejs)
command -v npm >/dev/null 2>&1 || apt_packages+=(npm)

install_apt() {
  local missing=()
  for p in "${apt_packages[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
  done
  if [ ${#missing[@]} -eq 0 ]; then log "apt: all ${#apt_packages[@]} packages present"; return; fi
  log "apt: installing ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

install_npm() {
  # Pinned packages live in npm/ (package.json + package-lock.json); the stamp records the lockfile
  # hash so a second run skips npm entirely.
  local stamp="$here/npm/node_modules/.hr-lock-hash" want
  want="$(sha256sum "$here/npm/package-lock.json" | cut -d' ' -f1)"
  if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ]; then log "npm: node_modules matches the lockfile"; return; fi
  log "npm: installing pinned packages into npm/node_modules"
  (cd "$here/npm" && npm ci --no-audit --no-fund --loglevel=error)
  echo "$want" >"$stamp"
}

build() {
  local dir="$here/build/$1"; shift
  if [ ! -f "$dir/build.ninja" ]; then
    cmake -S "$here" -B "$dir" -G Ninja -DCMAKE_EXPORT_COMPILE_COMMANDS=ON "$@" >/dev/null
  fi
  log "building $(basename "$dir")"
  cmake --build "$dir"
}

install_apt
install_npm
[ "${1:-}" = "--deps" ] && exit 0
build release -DCMAKE_BUILD_TYPE=Release
ln -sf build/release/compile_commands.json "$here/compile_commands.json"
