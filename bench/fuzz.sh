#!/usr/bin/env bash
# Fuzzes the REST API over HTTP with schemathesis (from PyPI, installed into
# target/fuzz-venv when missing): a fresh database with the demo data, an
# API token of the first administrator (every permission), then generated
# valid and invalid requests for every operation of /api/v1/openapi.json from
# WORKERS concurrent workers (default 4) for FUZZ_SECONDS (default 300).
# Checks: no 5xx, every status and content type documented, every response
# body matching its schema. The server functions are fuzzed in the test
# suite (server/tests/it/fuzz.rs, also printed here with --nocapture).
# Usage: bench/fuzz.sh [sqlite|postgres]. Run after `make build` (or point
# TANDEM_BIN at another build).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
BIN="${TANDEM_BIN:-$ROOT/target/release/tandem}"
[[ -x "$BIN" ]] || { echo "build first: make build" >&2; exit 1; }
engine="${1:-sqlite}"
WORKERS="${WORKERS:-4}"
FUZZ_SECONDS="${FUZZ_SECONDS:-300}"
VENV="$ROOT/target/fuzz-venv"
if [[ ! -x "$VENV/bin/schemathesis" ]]; then
  python3 -m venv "$VENV"
  "$VENV/bin/pip" install -q 'schemathesis>=4.3,<5'
fi
dir="$(mktemp -d)"
case "$engine" in
  sqlite) url="sqlite://$dir/fuzz.db?mode=rwc" ;;
  postgres)
    admin_url="$("$ROOT/scripts/start-postgres.sh" | tail -1)"
    psql "$admin_url" -qc "CREATE DATABASE tandem_fuzz_$$" >/dev/null
    url="${admin_url%/*}/tandem_fuzz_$$"
    ;;
  *) echo "usage: $0 [sqlite|postgres]" >&2; exit 2 ;;
esac
cleanup() {
  [[ -n "${pid:-}" ]] && { kill -TERM "$pid" 2>/dev/null; wait "$pid" 2>/dev/null || true; }
  [[ "$engine" == postgres ]] && psql "$admin_url" -qc "DROP DATABASE IF EXISTS tandem_fuzz_$$ WITH (FORCE)" >/dev/null
  rm -rf "$dir"
}
trap cleanup EXIT

# The first administrator (admin@localhost) and the demo data, as `make run`.
export DATABASE_URL="$url" TANDEM_LOG=warn TANDEM_ADMIN_PASSWORD=fuzz-admin-pass-1 TANDEM_SEED_DEMO=true
port="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')"
TANDEM_ADDR="127.0.0.1:$port" "$BIN" serve 2>"$dir/server.log" &
pid=$!
until curl -fsS "http://127.0.0.1:$port/readyz" >/dev/null 2>&1; do sleep 0.05; done
token="$("$BIN" token create --email admin@localhost --name fuzz | tail -1)"
set +e
"$VENV/bin/schemathesis" run "http://127.0.0.1:$port/api/v1/openapi.json" \
  --header "Authorization: Bearer $token" \
  --workers "$WORKERS" --max-time "$FUZZ_SECONDS" \
  --phases examples,coverage,fuzzing \
  --checks not_a_server_error,status_code_conformance,content_type_conformance,response_schema_conformance \
  --continue-on-failure --no-color 2>&1 | tee "$dir/fuzz.log"
status=${PIPESTATUS[0]}
set -e
echo "server log lines at error level: $(grep -c -i ' error ' "$dir/server.log" || true)"
echo "panics in the server log: $(grep -c -i 'panicked' "$dir/server.log" || true)"
kill -TERM "$pid"; wait "$pid" 2>/dev/null || true; pid=
"$BIN" check
exit "$status"
