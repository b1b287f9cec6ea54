#!/usr/bin/env bash
# Installs what is missing, builds the release binary and front end, and
# serves Tandem on the embedded SQLite database with demo data.
# `make run` calls this. Configuration: see the README's table.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
export PATH="$HOME/.cargo/bin:$PATH"

scripts/install-tools.sh build
cargo leptos build --release
export TANDEM_SITE_ROOT="${TANDEM_SITE_ROOT:-$ROOT/target/site}"
export TANDEM_SEED_DEMO="${TANDEM_SEED_DEMO:-true}"
exec "$ROOT/target/release/tandem" serve
