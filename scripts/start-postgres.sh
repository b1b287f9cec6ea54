#!/usr/bin/env bash
# Starts Debian's PostgreSQL cluster for the test suite (installing it when
# missing) and prints a URL for TANDEM_TEST_PG_URL. Idempotent.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
if ! ls /usr/lib/postgresql/*/bin/postgres >/dev/null 2>&1; then
  "$ROOT/scripts/install-tools.sh" postgres >&2
fi
version="$(ls /usr/lib/postgresql | sort -n | tail -n1)"
# A cluster of its own, made for throwaway test databases: nothing in it
# needs to survive a power cut, so it never waits for the disk (fsync off).
# A process killed with -9 still loses nothing it committed: the server's
# own memory holds it. This took the PostgreSQL half of the suite from
# I/O-bound to CPU-bound. The machine's own clusters are left alone.
cluster=tandem_test
if ! pg_lsclusters -h | awk -v v="$version" -v c="$cluster" '$1 == v && $2 == c' | grep -q .; then
  pg_createcluster "$version" "$cluster" \
    -o fsync=off -o synchronous_commit=off -o full_page_writes=off \
    -o max_connections=200 >&2
fi
if ! pg_lsclusters -h | awk -v v="$version" -v c="$cluster" '$1 == v && $2 == c && $4 == "online"' | grep -q .; then
  pg_ctlcluster --skip-systemctl-redirect "$version" "$cluster" start >&2
fi
port="$(pg_lsclusters -h | awk -v v="$version" -v c="$cluster" '$1 == v && $2 == c { print $3 }')"
# A role that may create and drop the per-test databases.
su postgres -c "psql -q -p $port -tAc \"SELECT 1 FROM pg_roles WHERE rolname = 'tandem_test'\"" | grep -q 1 ||
  su postgres -c "psql -q -p $port -c \"CREATE ROLE tandem_test LOGIN CREATEDB PASSWORD 'tandem_test'\"" >&2
echo "postgres://tandem_test:tandem_test@127.0.0.1:$port/postgres"
