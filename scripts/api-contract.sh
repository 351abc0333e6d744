#!/usr/bin/env bash
# The OpenAPI document against the server (issue 13): schemathesis, pinned, in a
# virtual environment this script creates, runs every operation of
# GET /api/v1/openapi.json against a demo server on SQLite, as the demo administrator,
# with its examples, coverage, fuzzing and stateful phases. Any failure of the four
# checks below fails the run.
#   needs: target/debug/oubli-server (cargo build -p oubli-server), python3, curl
#   env:   SCHEMATHESIS_EXAMPLES (default 50 per operation), OUBLI_SERVER_BIN
set -euo pipefail

root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
version=4.32.5
venv="$root/target/schemathesis-$version"
server="${OUBLI_SERVER_BIN:-$root/target/debug/oubli-server}"
examples="${SCHEMATHESIS_EXAMPLES:-50}"

[ -x "$server" ] || { echo "api-contract: $server missing: cargo build -p oubli-server" >&2; exit 2; }
if [ ! -x "$venv/bin/schemathesis" ]; then
  echo "api-contract: installing schemathesis $version in $venv"
  python3 -m venv "$venv"
  "$venv/bin/pip" install --quiet --disable-pip-version-check "schemathesis==$version"
fi

port=8093
while (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; do port=$((port + 1)); done
base="http://127.0.0.1:$port"
work="$(mktemp -d /tmp/oubli-contract.XXXXXX)"
"$server" --demo --data-dir "$work/data" --bind "127.0.0.1:$port" >"$work/server.log" 2>&1 &
pid=$!
cleanup() { kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT
for _ in $(seq 1 360); do
  curl -fsS "$base/api/v1/health" >/dev/null 2>&1 && break
  kill -0 "$pid" 2>/dev/null || { cat "$work/server.log" >&2; exit 1; }
  sleep 0.5
done

# The administrator's session cookie (the document itself needs a session).
curl -fsS -c "$work/jar" -H 'Content-Type: application/json' -H 'X-Oubli-Request: 1' \
  -d '{"email":"admin@demo.fr","password":"demo1234"}' "$base/api/v1/session" >/dev/null
cookie="$(awk '$6 == "oubli_session" { print $6 "=" $7 }' "$work/jar")"
[ -n "$cookie" ] || { echo "api-contract: no session cookie" >&2; exit 1; }
curl -fsS -H "Cookie: $cookie" "$base/api/v1/openapi.json" >"$work/openapi.json"

# Left out: DELETE /session would end the very session every other case runs with.
set +e
"$venv/bin/schemathesis" run "$work/openapi.json" --url "$base" \
  --checks not_a_server_error,status_code_conformance,content_type_conformance,response_schema_conformance \
  --phases examples,coverage,fuzzing,stateful \
  --max-examples "$examples" --seed 20261204 --workers 1 \
  --exclude-operation-id session_logout \
  -H "Cookie: $cookie" -H 'X-Oubli-Request: 1' \
  --suppress-health-check all --generation-database none --no-color 2>&1 | tee "$work/run.log"
status=${PIPESTATUS[0]}
set -e
grep -q 'panicked' "$work/server.log" && { echo "api-contract: the server panicked:" >&2; grep -m5 panicked "$work/server.log" >&2; status=1; }
exit "$status"
