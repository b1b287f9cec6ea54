#!/usr/bin/env bash
# ERP core's order flow: create a 3-line order for a random customer,
# confirm it (reserve), create a shipment for everything and ship it.
#  1. in process, through the domain services (examples/order_flow.rs);
#  2. over HTTP against the release server on 127.0.0.1, through the same
#     server functions the browser calls (bench/orders.mjs), reporting the
#     server's peak RSS.
# With 1, 4 and 16 concurrent workers, SECONDS_PER_RUN each (default 10).
# Usage: bench/orders.sh [sqlite|postgres]. Run after `make build`.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
BIN="$ROOT/target/release/tandem"
[[ -x "$BIN" ]] || { echo "build first: make build" >&2; exit 1; }
engine="${1:-sqlite}"
seconds="${SECONDS_PER_RUN:-10}"
dir="$(mktemp -d)"
new_db() {
  case "$engine" in
    sqlite) echo "sqlite://$dir/$1.db?mode=rwc" ;;
    postgres)
      psql "$admin_url" -qc "CREATE DATABASE tandem_bench_$1_$$" >/dev/null
      echo "${admin_url%/*}/tandem_bench_$1_$$"
      ;;
  esac
}
case "$engine" in
  sqlite) ;;
  postgres) admin_url="$("$ROOT/scripts/start-postgres.sh" | tail -1)" ;;
  *) echo "usage: $0 [sqlite|postgres]" >&2; exit 2 ;;
esac
cleanup() {
  [[ -n "${pid:-}" ]] && { kill -TERM "$pid" 2>/dev/null; wait "$pid" 2>/dev/null || true; }
  if [[ "$engine" == postgres ]]; then
    for name in inproc http; do
      psql "$admin_url" -qc "DROP DATABASE IF EXISTS tandem_bench_${name}_$$ WITH (FORCE)" >/dev/null || true
    done
  fi
  rm -rf "$dir"
}
trap cleanup EXIT

echo "== in process ($engine)"
(cd "$ROOT" && cargo run --quiet --release --example order_flow -- \
  --url "$(new_db inproc)" --workers 1,4,16 --seconds "$seconds")

echo "== over HTTP ($engine)"
url="$(new_db http)"
export DATABASE_URL="$url" TANDEM_LOG=warn
"$BIN" seed-demo >/dev/null
port="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')"
TANDEM_ADDR="127.0.0.1:$port" TANDEM_ADMIN_PASSWORD=bench-admin-pass-1 "$BIN" serve >/dev/null &
pid=$!
until curl -fsS "http://127.0.0.1:$port/readyz" >/dev/null 2>&1; do sleep 0.05; done
SECONDS_PER_RUN="$seconds" node "$ROOT/bench/orders.mjs" "http://127.0.0.1:$port" manager@demo.tandem.test demo-manager-pass
echo "server peak RSS (VmHWM): $(awk '/VmHWM/ {printf "%.1f MB", $2/1024}' "/proc/$pid/status")"
"$BIN" check
