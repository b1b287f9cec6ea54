#!/usr/bin/env bash
# Starts Debian's PostgreSQL cluster for the test suite (installing it when
# missing) and prints a URL for TANDEM_TEST_PG_URL. Idempotent.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
if ! ls /usr/lib/postgresql/*/bin/postgres >/dev/null 2>&1; then
  "$ROOT/scripts/install-tools.sh" postgres >&2
fi
version="$(ls /usr/lib/postgresql | sort -n | tail -n1)"
if ! pg_lsclusters -h | awk -v v="$version" '$1 == v && $2 == "main"' | grep -q .; then
  pg_createcluster "$version" main >&2
fi
if ! pg_lsclusters -h | awk -v v="$version" '$1 == v && $2 == "main" && $4 == "online"' | grep -q .; then
  pg_ctlcluster --skip-systemctl-redirect "$version" main start >&2
fi
port="$(pg_lsclusters -h | awk -v v="$version" '$1 == v && $2 == "main" { print $3 }')"
# A role that may create and drop the per-test databases.
su postgres -c "psql -q -p $port -tAc \"SELECT 1 FROM pg_roles WHERE rolname = 'tandem_test'\"" | grep -q 1 ||
  su postgres -c "psql -q -p $port -c \"CREATE ROLE tandem_test LOGIN CREATEDB PASSWORD 'tandem_test'\"" >&2
echo "postgres://tandem_test:tandem_test@127.0.0.1:$port/postgres"
