#!/usr/bin/env bash
# with-postgres.sh runs a command with DATABASE_URL pointing at a PostgreSQL server and
# PORTAL_REQUIRE_POSTGRES=1, so PostgreSQL tests fail instead of skipping. `make test-pg` uses it.
#
# Which server, in order:
#   1. DATABASE_URL already set: used as is.
#   2. a server accepting connections on 127.0.0.1:5432: its database portal_test (created if missing).
#   3. otherwise a throwaway cluster (initdb + pg_ctl) in a temp dir on a free port, with trust auth
#      and fsync off, stopped and deleted when the command ends.
# The extension pgvector must be installed for the server (scripts/install-pgvector.sh does that).
#
# Usage: scripts/with-postgres.sh COMMAND [ARG...]
set -euo pipefail

if [ "$#" -eq 0 ]; then
  echo "usage: $0 COMMAND [ARG...]" >&2
  exit 2
fi

export PORTAL_REQUIRE_POSTGRES=1

if [ -n "${DATABASE_URL:-}" ]; then
  echo "with-postgres: using DATABASE_URL from the environment"
  exec "$@"
fi

if command -v pg_isready >/dev/null 2>&1 && pg_isready -q -h 127.0.0.1 -p 5432; then
  if command -v psql >/dev/null 2>&1 &&
    ! psql -h 127.0.0.1 -U postgres -d postgres -tAc "SELECT 1 FROM pg_database WHERE datname = 'portal_test'" | grep -q 1; then
    psql -h 127.0.0.1 -U postgres -d postgres -qc "CREATE DATABASE portal_test"
  fi
  export DATABASE_URL="postgres://postgres@127.0.0.1:5432/portal_test?sslmode=disable"
  echo "with-postgres: using the server on 127.0.0.1:5432 (database portal_test)"
  exec "$@"
fi

# No server: start a throwaway one. Find the server binaries (Debian keeps them off PATH).
bindir=""
if command -v pg_config >/dev/null 2>&1 && [ -x "$(pg_config --bindir)/initdb" ]; then
  bindir=$(pg_config --bindir)
elif command -v initdb >/dev/null 2>&1; then
  bindir=$(dirname "$(command -v initdb)")
else
  latest=$(ls /usr/lib/postgresql 2>/dev/null | sort -n | tail -n 1 || true)
  [ -n "$latest" ] && bindir="/usr/lib/postgresql/${latest}/bin"
fi
if [ -z "$bindir" ] || [ ! -x "$bindir/initdb" ] || [ ! -x "$bindir/pg_ctl" ]; then
  echo "with-postgres: no PostgreSQL server running and no initdb/pg_ctl found; install PostgreSQL or set DATABASE_URL" >&2
  exit 1
fi

# A free TCP port: the first one from 55432 on that nothing answers.
port=55432
while (exec 3<>"/dev/tcp/127.0.0.1/${port}") 2>/dev/null; do
  port=$((port + 1))
done

dir=$(mktemp -d "${TMPDIR:-/tmp}/portal-pg.XXXXXX")
# PostgreSQL refuses to run as root: run it as the postgres user then.
as=()
if [ "$(id -u)" -eq 0 ]; then
  if ! id postgres >/dev/null 2>&1; then
    echo "with-postgres: running as root and there is no postgres user to run the server as" >&2
    exit 1
  fi
  chown postgres: "$dir"
  as=(runuser -u postgres --)
fi

cleanup() {
  "${as[@]}" "$bindir/pg_ctl" -D "$dir/data" -m immediate -w stop >/dev/null 2>&1 || true
  rm -rf "$dir"
}
trap cleanup EXIT

echo "with-postgres: starting a throwaway PostgreSQL in ${dir} on port ${port}"
"${as[@]}" "$bindir/initdb" -D "$dir/data" -U postgres -A trust -E UTF8 --no-sync >"$dir/initdb.log" 2>&1 ||
  { cat "$dir/initdb.log" >&2; exit 1; }
"${as[@]}" "$bindir/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 \
  -o "-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off" \
  start >/dev/null || { cat "$dir/server.log" >&2; exit 1; }
"${as[@]}" "$bindir/psql" -h 127.0.0.1 -p "$port" -U postgres -d postgres -qc "CREATE DATABASE portal_test"

export DATABASE_URL="postgres://postgres@127.0.0.1:${port}/portal_test?sslmode=disable"
# Not exec: the trap must stop the server when the command ends.
"$@"
