#!/usr/bin/env bash
# The test command: installs everything (scripts/setup.sh), builds the release preset and runs every test,
# unit and interop. From a fresh Debian 12 machine: `scripts/test.sh`. CI (.ci/run) calls exactly this.
#
#   HYPASIS_PRESET=asan scripts/test.sh    runs the same suite under ASan+UBSan (clang 14)
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"
preset=${HYPASIS_PRESET:-release}
jobs=$(nproc)

scripts/setup.sh
echo "test: configuring and building preset '$preset' with $jobs jobs"
cmake --preset "$preset" >/dev/null
cmake --build --preset "$preset" -j "$jobs"
echo "test: running unit tests"
ctest --preset "$preset" -j "$jobs" --timeout 600
if [ -x tests/interop/run.sh ]; then
  echo "test: running interop tests against independent implementations"
  tests/interop/run.sh "build/$preset"
fi
