#!/usr/bin/env bash
# The main job in one command, on a fresh Debian 12 machine: installs everything (scripts/setup.sh), builds the
# release binary, then runs a local devnet (a generated chain that grows every 2 s, served by devp2p peers on
# 127.0.0.1, with a checkpoint signed by > 2/3 of its validators' stake) and Hypasis against it: Hypasis verifies
# the checkpoint, anchors on it, follows the tip (forward) while it fills history down to genesis (backward), and
# `hypasis status` shows both as live progress bars. The dashboard and the REST API are printed at start.
# Ctrl-C stops everything. State lives in $HYPASIS_DEMO_DIR (default ./hypasis-demo); a second run resumes it.
#
# Knobs (environment): HYPASIS_DEMO_BLOCKS (initial chain, default 50000), HYPASIS_DEMO_PEERS (profiles, default
# honest,honest,honest,slow,invalid), HYPASIS_DEMO_BANDWIDTH (default 0 = unlimited), HYPASIS_DEMO_API_PORT (8555).
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"

scripts/setup.sh
echo "demo: building hypasis (release)"
cmake --preset release >/dev/null
cmake --build --preset release --target hypasis >/dev/null
bin="$root/build/release/src/cmd/hypasis/hypasis"

dir=$(mkdir -p "${HYPASIS_DEMO_DIR:-$root/hypasis-demo}" && cd "${HYPASIS_DEMO_DIR:-$root/hypasis-demo}" && pwd)
blocks=${HYPASIS_DEMO_BLOCKS:-50000}
peers=${HYPASIS_DEMO_PEERS:-honest,honest,honest,slow,invalid}
api_port=${HYPASIS_DEMO_API_PORT:-8555}

devnet_pid=""
node_pid=""
stop_all() {
  trap - INT TERM EXIT
  echo
  echo "demo: stopping"
  [ -n "$node_pid" ] && kill -TERM "$node_pid" 2>/dev/null && wait "$node_pid" 2>/dev/null || true
  [ -n "$devnet_pid" ] && kill -TERM "$devnet_pid" 2>/dev/null && wait "$devnet_pid" 2>/dev/null || true
  echo "demo: logs in $dir/devnet.log and $dir/hypasis.log"
}
trap stop_all INT TERM EXIT

rm -f "$dir/devnet/devnet.json"
echo "demo: starting the devnet ($blocks blocks, peers $peers) in $dir/devnet"
# History crosses the Shanghai, Cancun and Prague transitions; a fresh signed checkpoint every 15 blocks becomes
# Hypasis's trusted tip (it re-reads checkpoint.json every 30 s).
"$bin" devnet --dir "$dir/devnet" --blocks "$blocks" --checkpoint-at $((blocks * 9 / 10)) --block-interval 2 \
  --forks "shanghai=$((blocks / 5)),cancun=$((blocks * 2 / 5)),prague=$((blocks * 3 / 5))" --checkpoint-every 15 \
  --peers "$peers" --port 0 >"$dir/devnet.log" 2>&1 &
devnet_pid=$!
for _ in $(seq 1 600); do
  [ -s "$dir/devnet/devnet.json" ] && break
  kill -0 "$devnet_pid" 2>/dev/null || { echo "demo: the devnet failed:"; tail -20 "$dir/devnet.log"; exit 1; }
  sleep 0.2
done
[ -s "$dir/devnet/devnet.json" ] || { echo "demo: the devnet did not start in 120 s"; exit 1; }

static_peers=()
while read -r enode; do [ -n "$enode" ] && static_peers+=(--static-peer "$enode"); done <"$dir/devnet/peers.txt"
echo "demo: starting hypasis (datadir $dir/node)"
"$bin" run --datadir "$dir/node" --genesis "$dir/devnet/genesis.json" \
  --checkpoint "file:$dir/devnet/checkpoint.json" --validators "$dir/devnet/validators.json" \
  --port 0 --no-discovery --api-port "$api_port" --bandwidth "${HYPASIS_DEMO_BANDWIDTH:-0}" \
  --checkpoint-refresh 30 "${static_peers[@]}" \
  >"$dir/hypasis.out" 2>"$dir/hypasis.log" &
node_pid=$!
for _ in $(seq 1 300); do
  grep -q 'REST API and dashboard' "$dir/hypasis.log" 2>/dev/null && break
  kill -0 "$node_pid" 2>/dev/null || { echo "demo: hypasis failed:"; tail -20 "$dir/hypasis.log"; exit 1; }
  sleep 0.2
done
echo
echo "  dashboard:  http://127.0.0.1:$api_port/"
echo "  REST API:   http://127.0.0.1:$api_port/api/v1/status   (also /gaps /peers /checkpoints /metrics)"
echo "  pause:      curl -X POST -H \"Authorization: Bearer \$(cat $dir/node/api-token)\" http://127.0.0.1:$api_port/api/v1/sync/pause"
echo "  logs:       $dir/hypasis.log (hypasis), $dir/devnet.log (devnet)"
echo "  Ctrl-C stops the demo."
echo
"$bin" status --api "http://127.0.0.1:$api_port" || true
