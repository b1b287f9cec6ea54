#!/usr/bin/env bash
# Runs every Tandem test: lints, the Rust tests (each database test on
# SQLite and on PostgreSQL, in one run), and the browser tests. Installs
# what is missing first.
# `make test` calls this; so does .ci/run.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
export PATH="$HOME/.cargo/bin:$PATH"
LOGS="$(mktemp -d)"
trap 'rm -rf "$LOGS"' EXIT

# The tests build with the flag a debug `cargo leptos build` gives the server
# and the browser bundle: components are type-erased, which compiles faster
# (the test build took 8m55s here, against 14.5 min without it) and keeps
# deep views off a debug worker thread's stack. The browser tests then run
# the server binary the Rust tests built, with the bundle from a front-end-
# only cargo-leptos build, so no dependency compiles twice.
# (.cargo/config.toml gives plain cargo the LEPTOS_OUTPUT_NAME that makes
# that server ask for the bundle cargo-leptos writes.)
export RUSTFLAGS="--cfg erase_components"

START=$SECONDS
# Each step says how long the run has taken so far, so a slow CI shows where.
step() { printf '\n==> [%dm%02ds] %s\n' $(((SECONDS - START) / 60)) $(((SECONDS - START) % 60)) "$*"; }

# Sums the "test result: ok. N passed; M failed" lines of a cargo test log.
count_rust() {
  awk '/^test result:/ { for (i = 1; i <= NF; i++) { if ($(i+1) ~ /^passed/) p += $i; if ($(i+1) ~ /^failed/) f += $i } }
       END { printf "%d %d\n", p, f }' "$1"
}

step "installing what is missing"
scripts/install-tools.sh test

step "format and lints"
# Lints see the code as a release build compiles it (components not erased).
cargo fmt --all --check
leptosfmt --check --quiet app/src
RUSTFLAGS= cargo clippy --workspace --all-targets --locked -- -D warnings
RUSTFLAGS= cargo clippy -p tandem-app --lib --features hydrate --target wasm32-unknown-unknown --locked -- -D warnings
# The browser build must not pull in server-only crates.
for crate in sea-orm sqlx argon2 tokio; do
  if cargo tree -p tandem-app --features hydrate --target wasm32-unknown-unknown -e normal -i "$crate" 2>/dev/null |
    grep -q "^$crate v"; then
    echo "the browser build depends on $crate" >&2
    exit 1
  fi
done

step "Rust tests on SQLite and PostgreSQL"
# The PostgreSQL test cluster starts while the tests build.
if [[ -z "${TANDEM_TEST_PG_URL:-}" ]]; then
  TANDEM_TEST_PG_URL="$(scripts/start-postgres.sh)"
fi
export TANDEM_TEST_PG_URL
cargo test --workspace --locked --no-run --message-format=json-render-diagnostics >"$LOGS/build.json"
# The browser bundle builds while the Rust tests run: cargo-leptos builds it
# with its own profile (wasm-dev) and target, so it takes no lock the tests
# need, and the tests leave a core idle much of the time.
cargo leptos build --frontend-only >"$LOGS/front.log" 2>&1 &
front=$!
trap 'kill "$front" 2>/dev/null || true; rm -rf "$LOGS"' EXIT
# Each database test is two tests, `…_on_sqlite` and `…_on_postgres`, in
# one run. The test binaries run one after the other, each from its
# package's folder as `cargo test` would, with its own number of threads:
# the domain's tests wait on the databases much of the time, and four
# threads took them from 877 s to 611 s here; the server's render pages,
# and more than one thread per core pushed a render past its timeout.
node -e '
  for (const line of require("fs").readFileSync(process.argv[1], "utf8").split("\n")) {
    if (!line.startsWith("{")) continue;
    const m = JSON.parse(line);
    if (m.reason !== "compiler-artifact" || !m.executable || !m.profile.test) continue;
    const dir = require("path").dirname(m.manifest_path);
    console.log([dir.endsWith("/server") ? "server" : "other", dir, m.target.name, m.executable].join("\t"));
  }' "$LOGS/build.json" >"$LOGS/tests.tsv"
: >"$LOGS/rust.log"
# As `cargo test` does: the proc-macro crate's tests link the toolchain's
# shared standard library.
libdir="$(rustc --print target-libdir)"
while IFS=$'\t' read -r package dir target executable; do
  threads=2
  if [[ $package == other && $target == it ]]; then threads=4; fi
  echo "     Running $target ($executable, $threads threads)" | tee -a "$LOGS/rust.log"
  (cd "$dir" && LD_LIBRARY_PATH="$libdir${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}" "$executable" --test-threads="$threads") 2>&1 |
    tee -a "$LOGS/rust.log"
done <"$LOGS/tests.tsv"
read -r rust_passed rust_failed < <(count_rust "$LOGS/rust.log")
sqlite_passed=$(grep -c '_on_sqlite \.\.\. ok$' "$LOGS/rust.log" || true)
pg_passed=$(grep -c '_on_postgres \.\.\. ok$' "$LOGS/rust.log" || true)

step "browser tests (Playwright with Debian's Chromium)"
# The bundle, styles and assets from the cargo-leptos build started above;
# the server is the target/debug/tandem the Rust tests built.
if ! wait "$front"; then
  cat "$LOGS/front.log"
  echo "the front-end build failed" >&2
  exit 1
fi
tail -n 3 "$LOGS/front.log"
PLAYWRIGHT_JSON_OUTPUT_NAME="$LOGS/e2e.json" \
  npx playwright test --config end2end/playwright.config.ts --reporter=list,json
read -r e2e_passed e2e_failed < <(node -e '
  const s = require(process.argv[1]).stats;
  console.log(`${s.expected} ${s.unexpected + s.flaky}`);' "$LOGS/e2e.json")

step "summary"
echo "Rust:               $rust_passed passed, $rust_failed failed ($sqlite_passed on SQLite, $pg_passed on PostgreSQL, the rest engine-free)"
echo "Browser:            $e2e_passed passed, $e2e_failed failed"
total_passed=$((rust_passed + e2e_passed))
total_failed=$((rust_failed + e2e_failed))
echo "$total_passed passed, $total_failed failed"
