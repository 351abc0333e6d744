#!/usr/bin/env bash
# Runs trunk for the browser app with the environment it needs: wasm-opt 123 from
# node_modules/.bin (npm binaryen@123.0.0), the cargo shim of scripts/trunk-cargo
# (selects the `oubli` package; see there), no update check. Installs nothing.
#   scripts/trunk.sh serve            # http://127.0.0.1:8080, /api proxied to :8091
#   scripts/trunk.sh build --release  # what scripts/build-app.sh does
set -euo pipefail

root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"

export PATH="$root/scripts/trunk-cargo:$root/node_modules/.bin:$HOME/.cargo/bin:$PATH"
export TRUNK_SKIP_VERSION_CHECK=true

exec trunk "$@"
