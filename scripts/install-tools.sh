#!/usr/bin/env bash
# Installs, idempotently, every tool the Tandem build needs that a fresh
# machine of this kind lacks. Each step checks first and skips what is there.
#   scripts/install-tools.sh build   # wasm target, cargo-leptos, wasm-bindgen-cli, npm packages
#   scripts/install-tools.sh test    # the above plus leptosfmt, Chromium and PostgreSQL
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
WHAT="${1:-build}"
CARGO_LEPTOS_VERSION="0.3.11"
LEPTOSFMT_VERSION="0.1.33"
export PATH="$HOME/.cargo/bin:$PATH"

log() { printf '==> %s\n' "$*"; }

# The wasm-bindgen CLI must equal the wasm-bindgen crate in Cargo.lock.
wasm_bindgen_version() {
  if [[ -f "$ROOT/Cargo.lock" ]]; then
    awk '/^name = "wasm-bindgen"$/ { getline; gsub(/version = |"/, ""); print; exit }' "$ROOT/Cargo.lock"
  fi
}

# Unpack a crate's source into a scratch folder so its lockfile can be
# patched before `cargo install --path` (two of the tools need that here).
unpack_crate() {
  local name="$1" version="$2" dest="$3"
  local src
  cargo info "$name@$version" >/dev/null 2>&1 || true
  src="$(ls -d "$HOME"/.cargo/registry/src/*/"$name-$version" 2>/dev/null | head -n1)"
  if [[ -z "$src" ]]; then
    echo "could not unpack $name $version from the registry" >&2
    exit 1
  fi
  rm -rf "$dest"
  cp -r "$src" "$dest"
}

# The formatter of `view!` markup the lints check (rustfmt skips macros).
install_leptosfmt() {
  if command -v leptosfmt >/dev/null && leptosfmt --version | grep -q "$LEPTOSFMT_VERSION"; then
    log "leptosfmt $LEPTOSFMT_VERSION present"
    return
  fi
  log "building leptosfmt $LEPTOSFMT_VERSION (once per machine)"
  cargo install leptosfmt --version "$LEPTOSFMT_VERSION" --locked
}

install_wasm_target() {
  if rustup target list --installed | grep -qx wasm32-unknown-unknown; then
    log "wasm32 target present"
  else
    log "adding wasm32-unknown-unknown target"
    rustup target add wasm32-unknown-unknown
  fi
}

install_cargo_leptos() {
  if command -v cargo-leptos >/dev/null && cargo-leptos --version | grep -q "$CARGO_LEPTOS_VERSION"; then
    log "cargo-leptos $CARGO_LEPTOS_VERSION present"
    return
  fi
  log "building cargo-leptos $CARGO_LEPTOS_VERSION (no_downloads, unoptimised; once per machine)"
  local dir
  dir="$(mktemp -d)/cargo-leptos"
  unpack_crate cargo-leptos "$CARGO_LEPTOS_VERSION" "$dir"
  # cargo-util-schemas 0.14.2 needs a newer rustc than this machine has.
  (cd "$dir" && cargo update -p cargo-util-schemas --precise 0.14.1)
  # It only drives cargo and the other tools, so it is built unoptimised:
  # the optimised, fat-LTO build took 11 minutes of every fresh CI run.
  cargo install --path "$dir" --locked --features no_downloads --debug
}

install_wasm_bindgen() {
  local version
  version="$(wasm_bindgen_version)"
  version="${version:-0.2.130}"
  if command -v wasm-bindgen >/dev/null && wasm-bindgen --version | grep -q " $version\b"; then
    log "wasm-bindgen-cli $version present"
    return
  fi
  log "building wasm-bindgen-cli $version"
  local dir
  dir="$(mktemp -d)/wasm-bindgen-cli"
  unpack_crate wasm-bindgen-cli "$version" "$dir"
  # Its lockfile names a webpki-roots release the registry here does not serve.
  (cd "$dir" && { cargo update -p webpki-roots@1.0.11 --precise 1.0.10 2>/dev/null || true; })
  cargo install --path "$dir" --locked
}

install_npm_packages() {
  local stamp="$ROOT/node_modules/.tandem-lock-sha256"
  local want
  want="$(sha256sum "$ROOT/package-lock.json" | cut -d' ' -f1)"
  if [[ -f "$stamp" && "$(cat "$stamp")" == "$want" ]]; then
    log "npm packages present"
    return
  fi
  log "installing npm packages (sass, binaryen's wasm-opt, Playwright; no browser download)"
  (cd "$ROOT" && PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --no-audit --no-fund)
  echo "$want" >"$stamp"
}

apt_updated=0
apt_install() {
  if [[ $apt_updated == 0 ]]; then
    apt-get update -qq
    apt_updated=1
  fi
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@"
}

install_chromium() {
  if [[ -x /usr/bin/chromium ]]; then
    log "chromium present"
  else
    log "installing chromium from Debian"
    apt_install chromium
  fi
}

install_postgres() {
  if ls /usr/lib/postgresql/*/bin/postgres >/dev/null 2>&1; then
    log "postgresql server present"
  else
    log "installing postgresql from Debian"
    apt_install postgresql
  fi
}

case "$WHAT" in
  postgres)
    install_postgres
    ;;
  build|test)
    install_wasm_target
    install_cargo_leptos
    install_wasm_bindgen
    install_npm_packages
    if [[ "$WHAT" == "test" ]]; then
      install_leptosfmt
      install_chromium
      install_postgres
    fi
    ;;
  *)
    echo "usage: $0 build|test|postgres" >&2
    exit 2
    ;;
esac
log "tools ready"
