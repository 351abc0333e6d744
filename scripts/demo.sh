#!/usr/bin/env bash
# First README command: installs what is missing, builds the app and starts Oubli with
# the demo data on SQLite at http://127.0.0.1:8080 (data in ./data), and, beside it, a
# third-party page that embeds the demo's two lead forms at http://127.0.0.1:8081
# (scripts/demo-host.mjs; its origin is the one the demo widgets allow).
set -euo pipefail
source "$(dirname "$0")/setup.sh"
cd "$ROOT"
setup_build
log "building the browser app (release)"
scripts/build-app.sh
log "building the server"
cargo build --release -p oubli-server
bind="${OUBLI_BIND:-127.0.0.1:8080}"
host_port="${DEMO_HOST_PORT:-8081}"
node scripts/demo-host.mjs --port "$host_port" --oubli "http://${bind/0.0.0.0/127.0.0.1}" &
host_pid=$!
server_pid=
# Both end with this script: Ctrl-C, a kill of the script, an error, the server's exit.
stop() { kill $host_pid $server_pid 2>/dev/null || true; }
trap stop EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
log "Page d'exemple avec les formulaires : http://127.0.0.1:${host_port}/"
log "starting the server at http://${bind}"
cargo run --release -p oubli-server -- --demo --data-dir "${OUBLI_DATA_DIR:-./data}" --bind "$bind" --static-dir dist &
server_pid=$!
# `wait` (unlike a command in the foreground) lets the traps run at once.
wait "$server_pid"
