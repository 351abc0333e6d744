#!/usr/bin/env bash
# Builds the browser app into dist/ (release: cargo profile `wasm-release`, std rebuilt
# for size, wasm-opt -O2), then the widget page (widget.html, the `oubli-widget` binary,
# wasm-opt -Oz) into dist/widget/ with its files under /widget/: second, because
# trunk empties its dist directory first. The server answers /w/{key} with
# dist/widget/index.html and /embed.js with dist/embed.js (public/embed.js).
# Installs nothing. Needs on the machine (TOOLCHAIN.md):
#   - trunk 0.21.14 and wasm-bindgen-cli 0.2.130 (cargo install), target wasm32-unknown-unknown,
#     component rust-src;
#   - `npm ci` done at the repo root, for wasm-opt 123 (npm binaryen@123.0.0).
# Trunk runs cargo with --offline, so this fetches the crates first (a no-op when they are there).
# Extra arguments go to trunk, e.g. `scripts/build-app.sh --dist /tmp/dist`.
# After trunk, for the server's wire.rs: Trunk's inline loader script is moved to
# dist/boot-<hash>.js (scripts/externalize-boot.mjs; the CSP allows no inline script),
# then the wasm-bindgen JS is minified by terser (scripts/minify-glue.mjs, which
# rewrites its integrity hash in index.html), then every text file of 1 KB or more gets its `.br` (brotli -q 11) and `.gz`
# (gzip -9) beside it, which the server sends as they are to clients that accept them.
# Needs `brotli` (Debian package; scripts/setup.sh installs it) and gzip.
set -euo pipefail

root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"

command -v brotli >/dev/null || { echo "build-app: brotli not installed (apt-get install -y brotli)" >&2; exit 1; }

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
"$root/scripts/trunk.sh" build --release "$@"

# Where trunk wrote: Trunk.toml's dist unless --dist was given.
dist=dist
while [ $# -gt 0 ]; do
  case "$1" in
    --dist) dist="$2"; shift ;;
    --dist=*) dist="${1#--dist=}" ;;
  esac
  shift
done

node "$root/scripts/externalize-boot.mjs" "$dist" / sw
node "$root/scripts/minify-glue.mjs" "$dist"

# The other wasm modules, into folders of dist/ (the first build empties dist/): the
# lead widget page (/w/{key}), the administration (/admin) and the offline view.
"$root/scripts/trunk.sh" build widget.html --release --public-url /widget/ --dist "$dist/widget"
node "$root/scripts/externalize-boot.mjs" "$dist/widget" /widget/
node "$root/scripts/minify-glue.mjs" "$dist/widget"
"$root/scripts/trunk.sh" build admin.html --release --public-url /admin/ --dist "$dist/admin"
node "$root/scripts/externalize-boot.mjs" "$dist/admin" /admin/
node "$root/scripts/minify-glue.mjs" "$dist/admin"
# The offline view (/hors-ligne, src/offline/), whose module the CRM also imports
# after login to open and sync the cache: entry.js, a name that does not change,
# re-exports its wasm-bindgen JS.
"$root/scripts/trunk.sh" build offline.html --release --public-url /hors-ligne/ --dist "$dist/hors-ligne"
node "$root/scripts/externalize-boot.mjs" "$dist/hors-ligne" /hors-ligne/
node "$root/scripts/minify-glue.mjs" "$dist/hors-ligne"
# (Its default export starts the module with the hashed wasm's address, which
# the wasm-bindgen JS does not know: Trunk renamed the file.)
glue="$(cd "$dist/hors-ligne" && ls oubli-offline-*.js | head -1)"
bg="$(cd "$dist/hors-ligne" && ls oubli-offline-*_bg.wasm | head -1)"
cat >"$dist/hors-ligne/entry.js" <<EOF
import init from './$glue';
export * from './$glue';
export default () => init({ module_or_path: '/hors-ligne/$bg' });
EOF
# The service worker: the app's files, the offline view's included, for opening with
# no network (issue 17).
node "$root/scripts/make-sw.mjs" "$dist"

# Precompressed variants. Smaller files go as they are (the server compresses nothing
# under 1 KB either); a variant that would not be smaller is not written.
find "$dist" -type f \( -name '*.wasm' -o -name '*.js' -o -name '*.css' -o -name '*.html' \
  -o -name '*.json' -o -name '*.svg' \) -size +1023c -print0 |
  while IFS= read -r -d '' f; do
    size=$(wc -c <"$f")
    brotli -q 11 -f -k -o "$f.br" "$f"
    gzip -9 -n -c "$f" >"$f.gz"
    for v in "$f.br" "$f.gz"; do
      [ "$(wc -c <"$v")" -lt "$size" ] || rm -f "$v"
    done
  done
echo "build-app: precompressed $(find "$dist" -name '*.br' | wc -l) files (.br, .gz) in $dist"
