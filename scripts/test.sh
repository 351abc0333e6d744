#!/usr/bin/env bash
# Second README command: every test. Installs what is missing, then: formatting,
# clippy (-D warnings), the domain crate built for wasm32, all Rust tests on SQLite,
# the server suite again on a throwaway PostgreSQL, schemathesis against the OpenAPI
# document (scripts/api-contract.sh), the app built with Trunk, its
# wasm-bindgen tests in headless Chromium, the Playwright journeys, and the performance
# budget of scripts/budget.sh (app first load as served, contacts list timing), which
# fails the run.
set -euo pipefail
source "$(dirname "$0")/setup.sh"
cd "$ROOT"
start=$(date +%s)
step() { log "[$(( $(date +%s) - start ))s] $*"; }
summary=()

step "setup"
setup_test

step "cargo fmt --check"
cargo fmt --all -- --check

step "clippy (native crates, all targets)"
cargo clippy -p oubli-domain -p oubli-server --all-targets -- -D warnings
step "clippy (browser app, wasm32)"
cargo clippy -p oubli --target wasm32-unknown-unknown --all-targets -- -D warnings

step "domain crate for wasm32"
cargo build -p oubli-domain --target wasm32-unknown-unknown

count() { grep -Eo 'test result: ok\. [0-9]+ passed' "$1" | awk '{s+=$4} END {print s+0}'; }

step "Rust tests on SQLite (domain + server)"
cargo test -p oubli-domain -p oubli-server 2>&1 | tee /tmp/oubli-test-sqlite.log
summary+=("Rust tests on SQLite: $(count /tmp/oubli-test-sqlite.log) passed")

step "server tests on PostgreSQL"
pg_start
trap pg_stop EXIT
# The same packages as above, so that cargo reuses the build (with `-p oubli-server`
# alone, feature unification differs and half the dependency tree is built again).
cargo test -p oubli-domain -p oubli-server 2>&1 | tee /tmp/oubli-test-pg.log
summary+=("Rust tests on PostgreSQL (domain + server): $(count /tmp/oubli-test-pg.log) passed")
pg_stop
unset DATABASE_URL

step "browser app (trunk build --release)"
scripts/build-app.sh
wasm=$(ls dist/*.wasm | head -1); js=$(ls dist/*.js | grep -v -e '/boot-' -e '/embed.js' | head -1)
br() { if command -v brotli >/dev/null; then brotli -c "$1" | wc -c; else gzip -9c "$1" | wc -c; fi; }
summary+=("app: wasm $(wc -c <"$wasm") B ($(br "$wasm") B compressed), js $(wc -c <"$js") B ($(br "$js") B compressed)")

step "wasm-bindgen tests in headless Chromium"
cargo test -p oubli --target wasm32-unknown-unknown 2>&1 | tee /tmp/oubli-test-wasm.log
summary+=("wasm-bindgen tests: $(count /tmp/oubli-test-wasm.log) passed")

step "OpenAPI document against the server (schemathesis, demo data on SQLite)"
cargo build -p oubli-domain -p oubli-server
contract_status=0
scripts/api-contract.sh 2>&1 | tee /tmp/oubli-contract.log || contract_status=$?
summary+=("schemathesis: $(grep -A1 '^Test cases:' /tmp/oubli-contract.log | tail -1 | sed 's/^ *//'); $(grep -E '^=+ .* in [0-9.]+s =+$' /tmp/oubli-contract.log | tail -1 | tr -d '=' | sed 's/^ *//;s/ *$//')")
[ "$contract_status" -eq 0 ] || { printf '%s\n' "${summary[@]}"; echo "schemathesis found failures (scripts/api-contract.sh exited $contract_status)" >&2; exit 1; }

step "Playwright journeys"
npx playwright test --config end2end/playwright.config.ts 2>&1 | tee /tmp/oubli-test-e2e.log
summary+=("Playwright: $(grep -Eo '[0-9]+ passed' /tmp/oubli-test-e2e.log | tail -1)")

step "performance budget (app first load as served, contacts list first page)"
# Gating: the app's first load as served (brotli, every file index.html pulls in) and
# the contacts list median. Needs target/debug/oubli-server (built above).
budget_status=0
scripts/budget.sh 2>&1 | tee /tmp/oubli-budget.log || budget_status=$?
summary+=("$(grep -E '^app first load as served' /tmp/oubli-budget.log || echo 'app first load: not measured')" "$(grep -E '^app wasm' /tmp/oubli-budget.log || echo 'app wasm + js: not measured')" "$(grep -E '^widget loader' /tmp/oubli-budget.log || echo 'widget loader: not measured')" "$(grep -E '^widget wasm' /tmp/oubli-budget.log || echo 'widget: not measured')" "$(grep -E '^administration module' /tmp/oubli-budget.log || echo 'administration: not measured')" "$(grep -E '^contacts list first page: median' /tmp/oubli-budget.log | tail -1 || echo 'list timing: not measured')")

step "done"
printf '%s\n' "${summary[@]}"
echo "total: $(( $(date +%s) - start ))s"
if [ "$budget_status" -ne 0 ]; then
  echo "performance budget not met (scripts/budget.sh exited $budget_status)" >&2
  exit 1
fi
