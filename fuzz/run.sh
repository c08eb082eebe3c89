#!/usr/bin/env bash
# Builds the libFuzzer targets (clang 14, ASan+UBSan) and runs each for SECONDS (default 60), seeded from the
# real mainnet blocks in ../shared/fixtures. Crashes are written to build/fuzz/crashes/.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"
seconds=${1:-60}
fixtures=${HYPASIS_FIXTURES:-$root/../shared/fixtures}
cmake --preset fuzz >/dev/null
cmake --build --preset fuzz
corpus=build/fuzz/corpus
mkdir -p "$corpus" build/fuzz/crashes
node fuzz/seed_corpus.mjs "$fixtures" "$corpus"
for target in rlp header transaction receipt block eth_message rlpx_frame rlpx_handshake discv4_packet enr; do
  echo "fuzz: $target for ${seconds}s"
  log=build/fuzz/$target.log
  if ! "build/fuzz/fuzz/${target}_fuzz" -max_total_time="$seconds" -max_len=1048576 -print_final_stats=1 \
      -artifact_prefix=build/fuzz/crashes/"$target"- "$corpus/$target" >"$log" 2>&1; then
    tail -40 "$log" >&2
    echo "fuzz: $target FAILED (log: $log)" >&2
    exit 1
  fi
  grep -E '^stat::number_of_executed_units' "$log" || true
done
