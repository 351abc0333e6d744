#!/usr/bin/env bash
# Performance budget of the browser app (issue 3), measured, printed, and enforced:
#   1. the release app's wasm + JS, brotli-compressed: ≤ 350 KB (dist/ as built by
#      scripts/build-app.sh; run it first);
#   2. the contacts list's first page after a navigation: median ≤ 300 ms over 10 runs,
#      measured with the Performance API by end2end/perf.spec.ts against the demo data,
#      which writes end2end/test-results/perf.json. If that file is missing (or
#      BUDGET_RUN_PERF=1), this script runs the spec (needs target/debug/oubli-server).
# Exits 1 when a budget is exceeded, 2 when something needed is missing.
set -euo pipefail

root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"

size_budget=${BUDGET_APP_BYTES:-350000}   # 350 KB, 1 KB = 1000 bytes
time_budget=${BUDGET_LIST_MS:-300}
perf_json=end2end/test-results/perf.json
failed=0

command -v brotli >/dev/null || { echo "budget: brotli not installed (apt-get install -y brotli)" >&2; exit 2; }

# --- 1. size of the release app
shopt -s nullglob
wasm=(dist/*.wasm)
js=(dist/*.js)
if [ ${#wasm[@]} -eq 0 ] || [ ${#js[@]} -eq 0 ]; then
  echo "budget: no wasm/js in dist/: run scripts/build-app.sh first" >&2
  exit 2
fi
total=0
printf '%-44s %10s %12s\n' "file" "raw B" "brotli B"
for f in "${wasm[@]}" "${js[@]}"; do
  raw=$(wc -c <"$f")
  br=$(brotli -c -q 11 "$f" | wc -c)
  total=$((total + br))
  printf '%-44s %10d %12d\n' "$f" "$raw" "$br"
done
for f in dist/*.css; do
  printf '%-44s %10d %12d  (not counted)\n' "$f" "$(wc -c <"$f")" "$(brotli -c -q 11 "$f" | wc -c)"
done
if [ "$total" -le "$size_budget" ]; then verdict=ok; else verdict=OVER; failed=1; fi
awk -v t="$total" -v b="$size_budget" -v v="$verdict" \
  'BEGIN { printf "app wasm + js, brotli: %d B (%.1f KB) / budget %d B: %s\n", t, t / 1000, b, v }'

# --- 2. time to the contacts list's first page
if [ ! -f "$perf_json" ] || [ "${BUDGET_RUN_PERF:-0}" = 1 ]; then
  echo "budget: measuring the contacts list (end2end/perf.spec.ts)…"
  if ! npx playwright test --config end2end/playwright.config.ts perf.spec.ts; then
    echo "budget: the perf spec failed (see above)" >&2
  fi
fi
if [ ! -f "$perf_json" ]; then
  echo "budget: $perf_json missing: the perf spec did not run to its measurement" >&2
  exit 2
fi
read -r median max runs samples < <(node -e '
  const p = require(process.argv[1]);
  console.log(p.median_ms, p.max_ms, p.runs, p.samples_ms.join(","));
' "$root/$perf_json")
if awk -v m="$median" -v b="$time_budget" 'BEGIN { exit !(m <= b) }'; then verdict=ok; else verdict=OVER; failed=1; fi
echo "contacts list first page: median ${median} ms, max ${max} ms over ${runs} runs (samples ${samples}) / budget ${time_budget} ms (median): $verdict"

exit "$failed"
