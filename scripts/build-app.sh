#!/usr/bin/env bash
# Builds the browser app into dist/ (release: cargo profile `wasm-release`, std rebuilt
# for size, wasm-opt -O2).
# Installs nothing. Needs on the machine (TOOLCHAIN.md):
#   - trunk 0.21.14 and wasm-bindgen-cli 0.2.130 (cargo install), target wasm32-unknown-unknown,
#     component rust-src;
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
# The standard library rebuilt for size (measured, same sources, wasm + JS brotli:
# 384.0 KB with the prebuilt std; 372.8 KB rebuilt without panic locations; 363.9 KB
# with panics that abort at once; 356.6 KB with Debug formatting compiled out and
# std's optimize_for_size). What that costs: a panic in the release app traps without
# a message (debug builds, `trunk serve` and the wasm tests keep the messages), and
# `{:?}` prints nothing (the app never shows Debug output). Needs the rust-src
# component (scripts/setup.sh) and RUSTC_BOOTSTRAP for these -Z flags on stable rustc;
# OUBLI_WASM_BUILD_STD=0 builds with the prebuilt std instead.
if [ "${OUBLI_WASM_BUILD_STD:-1}" = 1 ]; then
  export RUSTC_BOOTSTRAP=1 OUBLI_WASM_BUILD_STD=1
  # Trunk runs cargo offline: fetch the standard library's own dependencies too.
  cargo fetch --quiet --manifest-path "$(rustc --print sysroot)/lib/rustlib/src/rust/library/Cargo.toml"
  RUSTFLAGS="$RUSTFLAGS -Zlocation-detail=none -Zfmt-debug=none -Zunstable-options -Cpanic=immediate-abort"
fi
exec "$root/scripts/trunk.sh" build --release "$@"
