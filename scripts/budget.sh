#!/usr/bin/env bash
# Performance budget of the browser app (issue 3), measured, printed, and enforced:
#   1. the bytes a browser downloads for the app's first load, as the server sends them
#      to a client that accepts brotli: index.html and every file it references (the
#      stylesheets, the icon, the French dictionaries of the first screens it preloads,
#      the boot script, the wasm-bindgen JS and the wasm it loads), summed as received
#      (response bodies, compressed): ≤ 350 KB (BUDGET_APP_BYTES), gating; the wasm +
#      JS of dist/ through brotli -q 11 is printed beside it. Starts the built server for that
#      (OUBLI_SERVER_BIN, else target/debug/oubli-server; dist/ as built by
#      scripts/build-app.sh: run both first). The dictionaries fetched later are
#      printed as information;
#   1b. the lead capture widget: the loader dist/embed.js raw ≤ 2,048 B, and the widget
#      page's wasm + JS (dist/widget/, under /widget/) as served ≤ 120,000 B; both gate;
#   2. the contacts list's first page after a navigation: median ≤ 300 ms over 10 runs,
#      measured with the Performance API by end2end/perf.spec.ts against the demo data,
#      which writes end2end/test-results/perf.json. If that file is missing (or
#      BUDGET_RUN_PERF=1), this script runs the spec (needs target/debug/oubli-server).
#   3. the offline cache (issue 17), measured by end2end/offline-bench.spec.ts (10,000
#      contacts synced into the encrypted cache, Dexie.js bulkPut of the same records
#      beside it, the offline list's first paint after a reload), which writes
#      end2end/test-results/offline-bench.json: printed against its targets
#      (sync ≤ 2 s, writes ≤ 2× Dexie, list first paint ≤ 300 ms). Not gating yet:
#      the sync and the first paint miss their targets (issue 17 stays open).
# BUDGET_DIST (default dist) and BUDGET_ACCEPT_ENCODING (default br; "identity" to see
# what an uncompressed server would send) change what is measured.
# Exits 1 when a budget is exceeded, 2 when something needed is missing.
set -euo pipefail

root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"

size_budget=${BUDGET_APP_BYTES:-350000}   # 350 KB, 1 KB = 1000 bytes
time_budget=${BUDGET_LIST_MS:-300}
perf_json=end2end/test-results/perf.json
failed=0

command -v brotli >/dev/null || { echo "budget: brotli not installed (apt-get install -y brotli)" >&2; exit 2; }

# --- 1. the app's first load, as served
dist=${BUDGET_DIST:-dist}
accept=${BUDGET_ACCEPT_ENCODING:-br}
server_bin=${OUBLI_SERVER_BIN:-target/debug/oubli-server}
shopt -s nullglob
wasm=("$dist"/*.wasm)
# The app's JS; embed.js is the widget loader, measured apart below.
js=()
for f in "$dist"/*.js; do [ "$(basename "$f")" = embed.js ] || js+=("$f"); done
if [ ${#wasm[@]} -eq 0 ] || [ ${#js[@]} -eq 0 ] || [ ! -f "$dist/index.html" ]; then
  echo "budget: no index.html/wasm/js in $dist/: run scripts/build-app.sh first" >&2
  exit 2
fi
[ -x "$server_bin" ] || { echo "budget: $server_bin missing: cargo build -p oubli-server" >&2; exit 2; }
command -v curl >/dev/null || { echo "budget: curl not installed" >&2; exit 2; }

work=$(mktemp -d)
port=${BUDGET_PORT:-8190}
while (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; do port=$((port + 1)); done
base="http://127.0.0.1:$port"
"$server_bin" --demo --data-dir "$work/data" --bind "127.0.0.1:$port" --static-dir "$dist" \
  >"$work/server.log" 2>&1 &
server_pid=$!
cleanup() { kill "$server_pid" 2>/dev/null || true; wait "$server_pid" 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT
for _ in $(seq 1 360); do
  curl -fsS -o /dev/null "$base/api/v1/health" 2>/dev/null && break
  kill -0 "$server_pid" 2>/dev/null || { echo "budget: the server stopped:" >&2; tail -5 "$work/server.log" >&2; exit 2; }
  sleep 0.5
done
curl -fsS -o /dev/null "$base/api/v1/health" || { echo "budget: the server did not answer on $base" >&2; exit 2; }

# GET $1 as a browser that accepts $accept: sets served (body bytes as received), raw
# (decoded) and enc; the decoded body is left in $work/plain.
fetch() {
  local out="$work/body" hdr="$work/headers"
  served=$(curl -fsS -H "Accept-Encoding: $accept" -D "$hdr" -o "$out" -w '%{size_download}' "$base$1") \
    || { echo "budget: GET $1 failed" >&2; exit 2; }
  enc=$(tr -d '\r' <"$hdr" | awk -F': *' 'tolower($1) == "content-encoding" { print $2 }')
  enc=${enc:-identity}
  case "$enc" in
    br) brotli -dc "$out" >"$work/plain" ;;
    gzip) gzip -dc "$out" >"$work/plain" ;;
    identity) cp "$out" "$work/plain" ;;
    *) echo "budget: GET $1: unexpected Content-Encoding $enc" >&2; exit 2 ;;
  esac
  raw=$(wc -c <"$work/plain")
}

total=0
printf '%-44s %10s %10s  %s\n' "first load (GET, Accept-Encoding: $accept)" "raw B" "served B" "encoding"
row() {
  fetch "$1"
  total=$((total + served))
  printf '%-44s %10d %10d  %s\n' "$1" "$raw" "$served" "$enc"
}
row /
cp "$work/plain" "$work/index.html"
# What index.html references (stylesheets, icon, preloads, module scripts), then what
# its module scripts import or load (the boot script: the wasm-bindgen JS and the wasm).
# Attribute values quoted or not (Trunk's minified HTML drops the quotes).
refs() { grep -oE '(href|src)=("/[^"]*"|/[^"> ]*)' "$1" | sed -E 's/^(href|src)=//; s/"//g'; }
# Specifiers absolute ('/x.js') or relative to the script ('./snippets/…/inline0.js',
# the wasm-bindgen JS's own snippets), resolved against $2, the script's path.
imports() {
  grep -oE "(from|import|module_or_path:) *['\"](\./|/)[^'\"]*['\"]" "$1" | grep -oE "(\./|/)[^'\"]*" |
    while read -r spec; do
      case "$spec" in ./*) echo "$(dirname "$2")/${spec#./}" | sed 's#^//#/#' ;; *) echo "$spec" ;; esac
    done
}
# walk HTML [code]: a row (fetched, printed, added to $total) for each file the page
# HTML references and each file its module scripts import, once each ($seen); with
# `code`, only the scripts and the wasm. Used for the three wasm modules.
walk() {
  local queue path
  mapfile -t queue < <(refs "$1" | awk '!seen[$0]++')
  while [ ${#queue[@]} -gt 0 ]; do
    path=${queue[0]}
    queue=("${queue[@]:1}")
    case "$path" in *.js | *.wasm) ;; *) [ "${2:-}" = code ] && continue ;; esac
    case "$seen" in *" $path "*) continue ;; esac
    seen="$seen$path "
    row "$path"
    if [[ "$path" == *.js ]]; then
      cp "$work/plain" "$work/script.js"
      while read -r dep; do queue+=("$dep"); done < <(imports "$work/script.js" "$path")
    fi
  done
}
seen=" / "
walk "$work/index.html"
# The dictionaries the first screen needs are preloaded by index.html (i18n::BOOT_AREAS),
# so the walk above counted them. The French ones fetched later, when a screen needs
# them, are reported apart (messages.json: never fetched in French, see src/i18n.rs).
first_load=$total
total=0
later=()
for f in "$dist"/locales/fr/*.json; do
  path="/locales/fr/$(basename "$f")"
  case "$seen" in *" $path "*) continue ;; esac
  [ "$(basename "$f")" = messages.json ] && continue
  fetch "$path"
  total=$((total + served))
  later+=("$(basename "$f") $served")
done
# What a browser really downloads: this is the measure the budget gates.
if [ "$first_load" -le "$size_budget" ]; then verdict=ok; else verdict=OVER; failed=1; fi
awk -v t="$first_load" -v b="$size_budget" -v v="$verdict" -v a="$accept" \
  'BEGIN { printf "app first load as served (Accept-Encoding: %s): %d B (%.1f KB) / budget %d B: %s\n", a, t, t / 1000, b, v }'
echo "fetched when a screen needs them (French dictionaries): $total B served (${later[*]})"

# --- the lead capture widget (issue 16): the loader third-party pages fetch, and the
# widget page's wasm + JS as served (dist/widget/index.html is what the server answers
# at /w/{key}; its files are under /widget/). The loader's raw size gates (≤ 2,048 B,
# BUDGET_LOADER_BYTES), and so do the widget's wasm + JS bodies as received, the boot
# script included (≤ 120,000 B, BUDGET_WIDGET_BYTES).
loader_budget=${BUDGET_LOADER_BYTES:-2048}
widget_budget=${BUDGET_WIDGET_BYTES:-120000}
if [ ! -f "$dist/embed.js" ] || [ ! -f "$dist/widget/index.html" ]; then
  echo "budget: no $dist/embed.js or $dist/widget/index.html: run scripts/build-app.sh first" >&2
  exit 2
fi
loader=$(wc -c <"$dist/embed.js")
if [ "$loader" -le "$loader_budget" ]; then verdict=ok; else verdict=OVER; failed=1; fi
echo "widget loader: $loader B (embed.js raw) / budget $loader_budget B: $verdict"
total=0
seen=" "
walk "$dist/widget/index.html" code
widget=$total
if [ "$widget" -le "$widget_budget" ]; then verdict=ok; else verdict=OVER; failed=1; fi
awk -v t="$widget" -v b="$widget_budget" -v v="$verdict" -v a="$accept" \
  'BEGIN { printf "widget wasm + js brotli: %d B (%.1f KB, as served, Accept-Encoding: %s) / budget %d B: %s\n", t, t / 1000, a, b, v }'

# --- the administration module (/admin, dist/admin/): what an administrator downloads
# on opening it, as served; information, not gated (no salesperson ever loads it).
if [ -f "$dist/admin/index.html" ]; then
  total=0
  seen=" /admin "
  row /admin
  cp "$work/plain" "$work/admin.html"
  walk "$work/admin.html"
  admin=$total
  awk -v t="$admin" -v a="$accept" \
    'BEGIN { printf "administration module first load as served (Accept-Encoding: %s): %d B (%.1f KB), information\n", a, t, t / 1000 }'
fi
kill "$server_pid" 2>/dev/null || true

# For information (the measure that gated before the first load as served did): the
# wasm + JS files of dist/ through brotli -q 11.
raw_br=0
for f in "${wasm[@]}" "${js[@]}"; do raw_br=$((raw_br + $(brotli -c -q 11 "$f" | wc -c))); done
awk -v t="$raw_br" 'BEGIN { printf "app wasm + js, brotli -q 11: %d B (%.1f KB), information\n", t, t / 1000 }'

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

# --- 3. the offline cache (information until it meets its targets)
offline_json=end2end/test-results/offline-bench.json
if [ -f "$offline_json" ]; then
  node -e '
    const r = require(process.argv[1]);
    const t = r.targets;
    const v = (ok) => (ok ? "met" : "MISSED");
    const ratio = r.sync_writes_ms / r.dexie_writes_ms;
    console.log(`offline cache, ${r.contacts} contacts (${r.sync_pages} /sync pages), measured ${r.measured_at}:`);
    console.log("| what | ms | target |");
    console.log("|---|---:|---|");
    console.log(`| cache opened at login (key derivation, key wrapping) | ${r.open_ms} | |`);
    console.log(`| sync into the cache, whole | ${r.sync_ms} | ≤ ${t.sync_ms}: ${v(r.sync_ms <= t.sync_ms)} |`);
    console.log(`| waiting for /sync answers (server, transfer; overlaps the writes) | ${r.sync_fetch_ms} | |`);
    console.log(`| applying the batches during that sync (overlapped by the arrival of the next page) | ${r.sync_apply_ms} | |`);
    console.log(`| the same pages applied alone to a new cache: decoding, sealing, IndexedDB (ours) | ${r.sync_writes_ms} | ≤ ${t.writes_vs_dexie}× Dexie: ${ratio.toFixed(2)}×, ${v(ratio <= t.writes_vs_dexie)} |`);
    console.log(`| Dexie.js bulkPut of the same pages (peer, decoded beforehand, no encryption) | ${r.dexie_writes_ms} | |`);
    console.log(`| reload offline → password form painted (median of ${r.paint_runs}) | ${r.reload_to_password_form_ms} | |`);
    console.log(`| password → contacts list first paint (median of ${r.paint_runs}; ${r.paint_samples_ms.join(", ")}) | ${r.password_to_list_paint_ms} | ≤ ${t.first_paint_ms}: ${v(r.password_to_list_paint_ms <= t.first_paint_ms)} |`);
  ' "$root/$offline_json"
else
  echo "offline cache: $offline_json missing (end2end/offline-bench.spec.ts did not run)"
fi

exit "$failed"
