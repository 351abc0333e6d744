#!/usr/bin/env bash
# First README command: installs what is missing, builds the app and starts Oubli with
# the demo data on SQLite at http://127.0.0.1:8080 (data in ./data).
set -euo pipefail
source "$(dirname "$0")/setup.sh"
cd "$ROOT"
setup_build
log "building the browser app (release)"
scripts/build-app.sh
log "building and starting the server"
exec cargo run --release -p oubli-server -- --demo --data-dir "${OUBLI_DATA_DIR:-./data}" --bind "${OUBLI_BIND:-127.0.0.1:8080}" --static-dir dist
