#!/usr/bin/env bash
# Installs everything Hypasis needs on a fresh Debian 12 machine, and builds blst.
# Idempotent: a second run checks and returns in seconds, printing nothing when there is nothing to do.
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
third_party="$root/third_party"   # ignored by git
say() { printf 'setup: %s\n' "$*"; }

# Debian packages. Boost 1.81 (not the default 1.74) because 1.74 has no Boost.JSON/URL.
packages=(
  build-essential cmake ninja-build pkg-config git ccache mold
  clang-14 libfuzzer-14-dev libclang-rt-14-dev
  libboost1.81-dev libboost-json1.81-dev libboost-url1.81-dev libboost-system1.81-dev
  librocksdb-dev libsecp256k1-dev libssl-dev libcrypto++-dev
  libsnappy-dev libzstd-dev liblz4-dev
  libspdlog-dev libfmt-dev libcli11-dev libtomlplusplus-dev libexpected-dev
  libgtest-dev libgmock-dev libbenchmark-dev
  nodejs
)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
# Some machines carry a nodejs build that bundles npm; Debian's own nodejs needs the separate npm package.
command -v npm >/dev/null 2>&1 || missing+=(npm)
if ((${#missing[@]})); then
  sudo_cmd=(); [ "$(id -u)" -eq 0 ] || sudo_cmd=(sudo)
  say "installing ${#missing[@]} Debian packages: ${missing[*]}"
  "${sudo_cmd[@]}" apt-get update -qq
  DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# blst 0.3.10, from the source tree inside the npm package @chainsafe/blst@0.2.11 (Debian has no package).
blst_version=0.2.11
blst_dir="$third_party/blst"
if [ ! -f "$blst_dir/.built-$blst_version" ]; then
  say "building blst from @chainsafe/blst@$blst_version"
  rm -rf "$blst_dir" && mkdir -p "$blst_dir/src" "$blst_dir/build" "$blst_dir/include"
  (cd "$blst_dir/src" && npm pack --silent "@chainsafe/blst@$blst_version" >/dev/null && tar xzf chainsafe-blst-$blst_version.tgz)
  # Portable: the binary must run on any x86-64, not only on the machine that built it.
  (cd "$blst_dir/build" && CFLAGS="-O2 -fPIC -D__BLST_PORTABLE__" sh "$blst_dir/src/package/blst/build.sh" >build.log 2>&1) \
    || { cat "$blst_dir/build/build.log" >&2; exit 1; }
  cp "$blst_dir/build/libblst.a" "$blst_dir/"
  cp "$blst_dir/src/package/blst/bindings/blst.h" "$blst_dir/src/package/blst/bindings/blst_aux.h" \
     "$blst_dir/src/package/blst/bindings/blst.hpp" "$blst_dir/include/"
  touch "$blst_dir/.built-$blst_version"
fi

# Interop peers (independent implementations), pinned by tests/interop/package-lock.json.
interop="$root/tests/interop"
if [ -f "$interop/package-lock.json" ]; then
  stamp="$interop/node_modules/.lock-sha256"
  want=$(sha256sum "$interop/package-lock.json" | cut -d' ' -f1)
  if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$want" ]; then
    say "installing interop packages (npm ci)"
    (cd "$interop" && npm ci --silent --no-audit --no-fund >/dev/null)
    echo "$want" > "$stamp"
  fi
fi
