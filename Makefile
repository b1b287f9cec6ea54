# Tandem's two commands. Both install whatever is missing, idempotently.
.PHONY: run test build fmt

## Build and serve the portal on SQLite with demo data (http://127.0.0.1:3000).
run:
	scripts/run.sh

## Run every test: lints, Rust on SQLite and PostgreSQL, browser tests.
test:
	scripts/test.sh

## Release build only.
build:
	scripts/install-tools.sh build
	cargo leptos build --release

fmt:
	cargo fmt --all
