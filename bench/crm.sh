#!/usr/bin/env bash
# CRM at volume: loads 100,000 customers and 1,000,000 activities (with
# their timeline events) into a fresh database with `tandem seed-volume`,
# starts the release server on it and prints p50/p95 server time of the
# customer list's first page, a name-prefix search and the customer 360
# page. Usage: bench/crm.sh [sqlite|postgres]. Run after `make build`.
# CUSTOMERS, ACTIVITIES and ROUNDS override the sizes.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
BIN="$ROOT/target/release/tandem"
[[ -x "$BIN" ]] || { echo "build first: make build" >&2; exit 1; }
engine="${1:-sqlite}"
dir="$(mktemp -d)"
case "$engine" in
  sqlite) url="sqlite://$dir/bench.db?mode=rwc" ;;
  postgres)
    admin_url="$("$ROOT/scripts/start-postgres.sh" | tail -1)"
    db="tandem_bench_$$"
    psql "$admin_url" -qc "CREATE DATABASE $db" >/dev/null
    url="${admin_url%/*}/$db"
    ;;
  *) echo "usage: $0 [sqlite|postgres]" >&2; exit 2 ;;
esac
cleanup() {
  [[ -n "${pid:-}" ]] && { kill -TERM "$pid" 2>/dev/null; wait "$pid" 2>/dev/null || true; }
  [[ "$engine" == postgres ]] && psql "$admin_url" -qc "DROP DATABASE IF EXISTS $db WITH (FORCE)" >/dev/null
  rm -rf "$dir"
}
trap cleanup EXIT
export DATABASE_URL="$url" TANDEM_LOG=warn
echo "engine: $engine; machine: $(nproc) cores"
"$BIN" seed-volume --customers "${CUSTOMERS:-100000}" --activities "${ACTIVITIES:-1000000}"
port="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')"
TANDEM_ADDR="127.0.0.1:$port" TANDEM_ADMIN_PASSWORD=bench-admin-pass-1 "$BIN" serve >/dev/null &
pid=$!
until curl -fsS "http://127.0.0.1:$port/readyz" >/dev/null 2>&1; do sleep 0.05; done
node "$ROOT/bench/crm.mjs" "http://127.0.0.1:$port" manager@demo.tandem.test demo-manager-pass
