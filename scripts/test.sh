#!/usr/bin/env bash
# The test command. From a fresh Debian 12 machine it installs everything (scripts/setup.sh), then:
#   1. builds the `asan` preset (clang 14, ASan+UBSan) and runs every test under the sanitizers;
#   2. builds the libFuzzer targets and runs each for a short smoke period (HYPASIS_FUZZ_SECONDS, default 20),
#      seeded from the mainnet fixtures;
#   3. builds the `release` preset (gcc 12) and runs every test: unit, real-data and interop.
# CI (.ci/run) calls exactly this. HYPASIS_QUICK=1 runs step 3 only (for a fast local loop).
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"
jobs=$(nproc)

scripts/setup.sh

run_suite() {
  local preset=$1
  echo "test: building preset '$preset' with $jobs jobs"
  cmake --preset "$preset" >/dev/null
  cmake --build --preset "$preset" -j "$jobs"
  echo "test: running the '$preset' suite"
  ctest --preset "$preset" -j "$jobs" --timeout 600
}

if [ "${HYPASIS_QUICK:-0}" != 1 ]; then
  run_suite asan
  echo "test: fuzz smoke run"
  fuzz/run.sh "${HYPASIS_FUZZ_SECONDS:-20}"
fi
run_suite release
