#!/usr/bin/env bash
# Builds the browser app into dist/ (release: cargo profile `wasm-release`, wasm-opt -Oz).
# Installs nothing. Needs on the machine (TOOLCHAIN.md):
#   - trunk 0.21.14 and wasm-bindgen-cli 0.2.130 (cargo install), target wasm32-unknown-unknown;
#   - `npm ci` done at the repo root, for wasm-opt 123 (npm binaryen@123.0.0).
# Trunk runs cargo with --offline, so this fetches the crates first (a no-op when they are there).
# Extra arguments go to trunk, e.g. `scripts/build-app.sh --dist /tmp/dist`.
set -euo pipefail

root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"

if ! "$root/node_modules/.bin/wasm-opt" --version 2>/dev/null | grep -q 'version 123'; then
  echo "build-app: wasm-opt 123 not found in node_modules/.bin; run 'npm ci' at the repo root" >&2
  exit 1
fi

cargo fetch --quiet
# Leptos' type erasure of components: the release wasm measured 1.89 MB raw / 505 KB
# brotli without it, 1.52 MB / 407 KB with it (same sources). Only the wasm-release
# profile sees this flag, so debug and test builds keep their own artifacts.
export RUSTFLAGS="${RUSTFLAGS:-} --cfg erase_components"
exec "$root/scripts/trunk.sh" build --release "$@"
