#!/usr/bin/env bash
# The REST API's order intake over HTTP: a fresh database with the demo
# data, an API token for the demo manager (`tandem token create`), then
# bench/api.mjs creates and confirms orders with 1, 4 and 16 concurrent
# clients for SECONDS_PER_RUN seconds each (default 10), and the stock
# ledger is checked after.
# Usage: bench/api.sh [sqlite|postgres]. Run after `make build` (or point
# TANDEM_BIN at another build).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
BIN="${TANDEM_BIN:-$ROOT/target/release/tandem}"
[[ -x "$BIN" ]] || { echo "build first: make build" >&2; exit 1; }
engine="${1:-sqlite}"
dir="$(mktemp -d)"
case "$engine" in
  sqlite) url="sqlite://$dir/bench.db?mode=rwc" ;;
  postgres)
    admin_url="$("$ROOT/scripts/start-postgres.sh" | tail -1)"
    psql "$admin_url" -qc "CREATE DATABASE tandem_bench_api_$$" >/dev/null
    url="${admin_url%/*}/tandem_bench_api_$$"
    ;;
  *) echo "usage: $0 [sqlite|postgres]" >&2; exit 2 ;;
esac
cleanup() {
  [[ -n "${pid:-}" ]] && { kill -TERM "$pid" 2>/dev/null; wait "$pid" 2>/dev/null || true; }
  [[ "$engine" == postgres ]] && psql "$admin_url" -qc "DROP DATABASE IF EXISTS tandem_bench_api_$$ WITH (FORCE)" >/dev/null
  rm -rf "$dir"
}
trap cleanup EXIT

export DATABASE_URL="$url" TANDEM_LOG=warn
"$BIN" seed-demo >/dev/null
token="$("$BIN" token create --email manager@demo.tandem.test --name benchmark | tail -1)"
port="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')"
TANDEM_ADDR="127.0.0.1:$port" TANDEM_ADMIN_PASSWORD=bench-admin-pass-1 "$BIN" serve >/dev/null &
pid=$!
until curl -fsS "http://127.0.0.1:$port/readyz" >/dev/null 2>&1; do sleep 0.05; done
node "$ROOT/bench/api.mjs" "http://127.0.0.1:$port" "$token"
echo "server peak RSS (VmHWM): $(awk '/VmHWM/ {printf "%.1f MB", $2/1024}' "/proc/$pid/status")"
"$BIN" check
