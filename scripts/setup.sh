#!/usr/bin/env bash
# Installs what Oubli needs and is missing on this machine, and nothing else; safe to
# run again. Sourced by scripts/demo.sh and scripts/test.sh.
#   setup_build   wasm target, Trunk, wasm-bindgen-cli, npm packages (wasm-opt), brotli
#   setup_test    + Chromium and ChromeDriver, PostgreSQL server binaries
# Versions: see TOOLCHAIN.md (Trunk 0.22 needs a newer rustc; wasm-bindgen-cli must
# equal the wasm-bindgen of Cargo.lock).

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
export PATH="$HOME/.cargo/bin:$ROOT/node_modules/.bin:$PATH"
TRUNK_VERSION=0.21.14

log() { printf '\033[1m==> %s\033[0m\n' "$*"; }

as_root() {
  if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi
}

apt_install() {
  log "apt-get install $*"
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "$@" >/dev/null \
    || { as_root apt-get update >/dev/null && as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "$@" >/dev/null; }
}

wasm_bindgen_version() {
  awk '/^name = "wasm-bindgen"$/ { getline; gsub(/version = |"/, ""); print; exit }' "$ROOT/Cargo.lock"
}

setup_build() {
  rustup target list --installed | grep -qx wasm32-unknown-unknown || { log "rustup target add wasm32-unknown-unknown"; rustup target add wasm32-unknown-unknown; }
  for c in clippy rustfmt rust-src; do
    rustup component list --installed 2>/dev/null | grep -q "^$c" || rustup component add "$c"
  done
  if ! trunk --version 2>/dev/null | grep -q "$TRUNK_VERSION"; then
    log "cargo install trunk $TRUNK_VERSION (about 9 minutes the first time)"
    cargo install trunk --version "$TRUNK_VERSION" --locked
  fi
  local wb; wb="$(wasm_bindgen_version)"
  if ! wasm-bindgen --version 2>/dev/null | grep -q "$wb"; then
    log "cargo install wasm-bindgen-cli $wb"
    # Not --locked: its lock file pins a crate version the registry here lacks.
    cargo install wasm-bindgen-cli --version "$wb"
  fi
  if [ ! -x "$ROOT/node_modules/.bin/wasm-opt" ] || [ "$ROOT/package-lock.json" -nt "$ROOT/node_modules/.package-lock.json" ]; then
    log "npm ci"
    (cd "$ROOT" && PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --no-audit --no-fund)
  fi
  # scripts/build-app.sh writes the .br variants of the app's files with it.
  command -v brotli >/dev/null || apt_install brotli
  log "cargo fetch"
  (cd "$ROOT" && cargo fetch --quiet)
}

setup_test() {
  setup_build
  { [ -x /usr/bin/chromium ] && [ -x /usr/bin/chromedriver ]; } || apt_install chromium chromium-driver
  ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || apt_install postgresql
}

# Starts a throwaway PostgreSQL under /tmp and exports DATABASE_URL; pg_stop stops it.
pg_start() {
  PGBIN="$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)"
  PGTMP="$(mktemp -d /tmp/oubli-pg.XXXXXX)"
  PGPORT_CI="${PGPORT_CI:-55432}"
  while (exec 3<>"/dev/tcp/127.0.0.1/$PGPORT_CI") 2>/dev/null; do PGPORT_CI=$((PGPORT_CI + 1)); done
  local run=()
  if [ "$(id -u)" = 0 ]; then chown postgres:postgres "$PGTMP"; run=(su postgres -s /bin/sh -c); else run=(sh -c); fi
  "${run[@]}" "$PGBIN/initdb -D $PGTMP/data -U postgres --auth=trust -E UTF8 --locale=C.UTF-8 -N" >/dev/null
  "${run[@]}" "$PGBIN/pg_ctl -D $PGTMP/data -l $PGTMP/log -w -o '-p $PGPORT_CI -k $PGTMP -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=300' start" >/dev/null
  export DATABASE_URL="postgres://postgres@127.0.0.1:$PGPORT_CI/postgres"
  PG_RUN=("${run[@]}")
  log "throwaway PostgreSQL on port $PGPORT_CI"
}

pg_stop() {
  [ -n "${PGTMP:-}" ] || return 0
  "${PG_RUN[@]}" "$PGBIN/pg_ctl -D $PGTMP/data -m fast -w stop" >/dev/null 2>&1 || true
  rm -rf "$PGTMP"
}
