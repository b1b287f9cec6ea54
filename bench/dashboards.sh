#!/usr/bin/env bash
# Dashboards and reports at volume: loads 100,000 customers and 1,000,000
# orders (with lines, shipments, invoices, payments and tickets) into a
# fresh database with `tandem seed`, starts the release server on it and
# prints p50/p95 of each board's server time (measured inside the server
# function) and of the request round trip, at 1, 8 and 32 concurrent users,
# then the database size and the server's peak RSS.
# Usage: bench/dashboards.sh [sqlite|postgres]. Run after `make build`.
# CUSTOMERS, ORDERS, ROUNDS and USERS override the sizes; ONLY=text runs the
# cases whose label holds it; BENCH_DIR keeps (and reuses) the database: the
# SQLite file in it, or the PostgreSQL database tandem_bench_kept.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
BIN="${TANDEM_BIN:-$ROOT/target/release/tandem}"
[[ -x "$BIN" ]] || { echo "build first: make build" >&2; exit 1; }
engine="${1:-sqlite}"
dir="${BENCH_DIR:-$(mktemp -d)}"
case "$engine" in
  sqlite) url="sqlite://$dir/bench.db?mode=rwc" ;;
  postgres)
    admin_url="$("$ROOT/scripts/start-postgres.sh" | tail -1)"
    # With BENCH_DIR, the database is kept (and reused) as tandem_bench_kept.
    if [[ -n "${BENCH_DIR:-}" ]]; then db=tandem_bench_kept; else db="tandem_bench_$$"; fi
    psql "$admin_url" -Atc "SELECT 1 FROM pg_database WHERE datname = '$db'" | grep -q 1 ||
      psql "$admin_url" -qc "CREATE DATABASE $db" >/dev/null
    url="${admin_url%/*}/$db"
    ;;
  *) echo "usage: $0 [sqlite|postgres]" >&2; exit 2 ;;
esac
cleanup() {
  [[ -n "${pid:-}" ]] && { kill -TERM "$pid" 2>/dev/null; wait "$pid" 2>/dev/null || true; }
  [[ "$engine" == postgres && -z "${BENCH_DIR:-}" ]] &&
    psql "$admin_url" -qc "DROP DATABASE IF EXISTS $db WITH (FORCE)" >/dev/null
  [[ -z "${BENCH_DIR:-}" ]] && rm -rf "$dir"
  true
}
trap cleanup EXIT
export DATABASE_URL="$url" TANDEM_LOG=warn
echo "engine: $engine; machine: $(nproc) cores, $(free -g | awk '/Mem:/ {print $2}') GiB"
kept() {
  case "$engine" in
    sqlite) [[ -s "$dir/bench.db" ]] ;;
    postgres) [[ "$(psql "$url" -Atc "SELECT to_regclass('sales_orders') IS NOT NULL AND EXISTS (SELECT 1 FROM sales_orders)" 2>/dev/null)" == t ]] ;;
  esac
}
if kept; then
  echo "reusing the kept database"
else
  "$BIN" seed --customers "${CUSTOMERS:-100000}" --orders "${ORDERS:-1000000}"
fi
case "$engine" in
  sqlite) echo "database size: $(du -sh "$dir" | cut -f1) (file and WAL)" ;;
  postgres) echo "database size: $(psql "$url" -Atc "SELECT pg_size_pretty(pg_database_size(current_database()))")" ;;
esac
port="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')"
TANDEM_ADDR="127.0.0.1:$port" TANDEM_ADMIN_PASSWORD=bench-admin-pass-1 "$BIN" serve >/dev/null &
pid=$!
until curl -fsS "http://127.0.0.1:$port/readyz" >/dev/null 2>&1; do sleep 0.05; done
node "$ROOT/bench/dashboards.mjs" "http://127.0.0.1:$port"
echo "server peak RSS: $(awk '/VmHWM/ {printf "%.0f MiB", $2/1024}' "/proc/$pid/status")"
