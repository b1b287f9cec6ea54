#!/usr/bin/env bash
# Prints Foundation's figures for a release build: binary size, WASM size raw
# and gzipped, time from process start to /readyz OK, and idle RSS.
# Run after `cargo leptos build --release` (e.g. `make build`).
# Usage: bench/foundation.sh [runs]   (default 5 start-ups)
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
BIN="$ROOT/target/release/tandem"
SITE="$ROOT/target/site"
RUNS="${1:-5}"
[[ -x "$BIN" && -f "$SITE/pkg/tandem.wasm" ]] || { echo "build first: make build" >&2; exit 1; }

size() { stat -c %s "$1"; }
kib() { awk -v b="$1" 'BEGIN { printf "%.0f KiB", b / 1024 }'; }

echo "release binary:      $(kib "$(size "$BIN")") ($(size "$BIN") bytes)"
wasm_raw="$(size "$SITE/pkg/tandem.wasm")"
wasm_gz="$(gzip -9 -c "$SITE/pkg/tandem.wasm" | wc -c)"
echo "WASM raw:            $(kib "$wasm_raw")"
echo "WASM gzip -9:        $(kib "$wasm_gz")"
echo "JS glue raw:         $(kib "$(size "$SITE/pkg/tandem.js")")"
echo "CSS raw:             $(kib "$(size "$SITE/pkg/tandem.css")")"

port="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')"
times=()
rss=""
for run in $(seq 1 "$RUNS"); do
  dir="$(mktemp -d)"
  start="$(date +%s%N)"
  TANDEM_ADDR="127.0.0.1:$port" DATABASE_URL="sqlite://$dir/t.db?mode=rwc" TANDEM_SITE_ROOT="$SITE" \
    TANDEM_LOG=warn "$BIN" serve >/dev/null &
  pid=$!
  until curl -fsS "http://127.0.0.1:$port/readyz" >/dev/null 2>&1; do sleep 0.005; done
  end="$(date +%s%N)"
  times+=("$(( (end - start) / 1000000 ))")
  if [[ "$run" == "$RUNS" ]]; then
    # Warm the page once, then let the process settle before reading its memory.
    curl -fsS "http://127.0.0.1:$port/" >/dev/null
    sleep 2
    rss="$(awk '/VmRSS/ { print $2 }' "/proc/$pid/status")"
  fi
  kill -TERM "$pid"
  wait "$pid"
  rm -rf "$dir"
done
sorted="$(printf '%s\n' "${times[@]}" | sort -n | tr '\n' ' ')"
echo "start to /readyz OK: ${sorted}ms (fresh SQLite database each run: includes creating it and migrating)"
echo "idle RSS:            $((rss / 1024)) MiB ($rss KiB, after serving one page)"
