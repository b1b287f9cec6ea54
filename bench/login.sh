#!/usr/bin/env bash
# Login latency and throughput of a release build (argon2id with OWASP's
# parameters sets both). Run after `make build`.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
BIN="$ROOT/target/release/tandem"
[[ -x "$BIN" ]] || { echo "build first: make build" >&2; exit 1; }
dir="$(mktemp -d)"
port="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')"
TANDEM_ADDR="127.0.0.1:$port" DATABASE_URL="sqlite://$dir/t.db?mode=rwc" TANDEM_LOG=warn \
  TANDEM_SIGN_IN_PER_MINUTE=1000000 \
  TANDEM_ADMIN_PASSWORD=bench-admin-pass-1 "$BIN" serve >/dev/null &
pid=$!
trap 'kill -TERM $pid; wait $pid || true; rm -rf "$dir"' EXIT
until curl -fsS "http://127.0.0.1:$port/readyz" >/dev/null 2>&1; do sleep 0.05; done
echo "machine: $(nproc) cores; argon2id m=19456 KiB, t=2, p=1"
node "$ROOT/bench/login.mjs" "http://127.0.0.1:$port" admin@localhost bench-admin-pass-1
