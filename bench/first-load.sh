#!/usr/bin/env bash
# What a first visit costs («Light first load»): starts the release server
# on a fresh SQLite database with the demo company and runs
# bench/first-load.mjs against it: the bytes a cold load transfers for the
# sign-in page and three pages of a signed-in manager, the time until each
# is hydrated, and Lighthouse 12's scores (LIGHTHOUSE=0 skips those; npx
# fetches Lighthouse from the npm registry the first time).
# Usage: bench/first-load.sh. Run after `make build`.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
BIN="${TANDEM_BIN:-$ROOT/target/release/tandem}"
[[ -x "$BIN" ]] || { echo "build first: make build" >&2; exit 1; }
dir="$(mktemp -d)"
cleanup() {
  [[ -n "${pid:-}" ]] && { kill -TERM "$pid" 2>/dev/null; wait "$pid" 2>/dev/null || true; }
  rm -rf "$dir"
}
trap cleanup EXIT
port="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')"
DATABASE_URL="sqlite://$dir/bench.db?mode=rwc" TANDEM_ADDR="127.0.0.1:$port" TANDEM_LOG=warn \
  TANDEM_SITE_ROOT="$ROOT/target/site" TANDEM_SEED_DEMO=true TANDEM_ADMIN_PASSWORD=bench-admin-pass-1 \
  "$BIN" serve >/dev/null &
pid=$!
until curl -fsS "http://127.0.0.1:$port/readyz" >/dev/null 2>&1; do sleep 0.1; done
echo "machine: $(nproc) cores; bundle: $(du -b "$ROOT"/target/site/pkg/*.wasm | awk '{printf "%s %.1f MB uncompressed", $2, $1/1048576}')"
node "$ROOT/bench/first-load.mjs" "http://127.0.0.1:$port"
