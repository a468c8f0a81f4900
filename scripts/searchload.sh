#!/usr/bin/env bash
# searchload.sh is the search part of `make bench`: it writes a synthetic docs folder of about
# 100,000 chunks (scripts/gendocs), indexes it with `portal index` (the local embedder),
# starts `portal serve` and drives GET /api/v1/search per mode with 1 and 8 concurrent clients
# (scripts/searchbench), on SQLite and, when DATABASE_URL is set, on PostgreSQL.
#
#   DOCS=25000 REQUESTS=1000 scripts/searchload.sh
#   SEARCHLOAD_DB=portal_x_load scripts/searchload.sh   # the PostgreSQL database it recreates (default portal_searchload)
set -euo pipefail

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$repo"
pgurl=${DATABASE_URL:-}
docs=${DOCS:-25000}
requests=${REQUESTS:-1000}
work=$(mktemp -d)
token="np_searchload_$(head -c 16 /dev/urandom | od -An -tx1 | tr -d ' \n')"
export PORTAL_STATIC_TOKENS="searchload:$token:viewer:read"
pid=""
cleanup() {
  [ -n "$pid" ] && kill "$pid" 2>/dev/null && wait "$pid" 2>/dev/null
  rm -rf "$work"
}
trap cleanup EXIT

go build -o "$work/portal" ./cmd/portal
go build -o "$work/searchbench" ./scripts/searchbench
go run ./scripts/gendocs -n "$docs" -out "$work/docs"

# run_engine NAME [DATABASE_URL]
run_engine() {
  local name=$1 url=${2:-}
  export PORTAL_DATA_DIR="$work/data-$name" PORTAL_DOCS_DIRS="$work/docs" PORTAL_FILE_LOCATION_ROOTS="$work/docs" DATABASE_URL="$url"
  echo "== $name: indexing $docs docs"
  local t0=$SECONDS
  /usr/bin/time -f "index: %es, max RSS %M KiB" "$work/portal" index
  echo "index took $((SECONDS - t0))s"
  "$work/portal" index stats
  echo "re-index, nothing changed:"
  /usr/bin/time -f "re-index: %es, max RSS %M KiB" "$work/portal" index
  local port=$((19000 + RANDOM % 2000))
  "$work/portal" serve --addr "127.0.0.1:$port" --refresh-interval 0 --log-level warn >"$work/serve-$name.log" 2>&1 &
  pid=$!
  for _ in $(seq 1 600); do
    curl -fsS "http://127.0.0.1:$port/readyz" >/dev/null 2>&1 && break
    sleep 0.2
  done
  echo "RSS after start: $(awk '/VmRSS/ {print $2/1024 " MiB"}' /proc/$pid/status)"
  for c in 1 8; do
    "$work/searchbench" -url "http://127.0.0.1:$port" -token "$token" -queries "$work/docs/queries.txt" -c "$c" -n "$requests"
  done
  echo "RSS after load: $(awk '/VmRSS/ {print $2/1024 " MiB"}' /proc/$pid/status)"
  kill "$pid"
  wait "$pid" 2>/dev/null || true
  pid=""
}

echo "search load run: $docs docs (~$((docs * 4)) chunks), $requests requests per mode"
run_engine sqlite
if [ -n "$pgurl" ]; then
  db=${SEARCHLOAD_DB:-portal_searchload}
  psql -qX "$pgurl" -c "DROP DATABASE IF EXISTS $db WITH (FORCE)" -c "CREATE DATABASE $db" >/dev/null
  run_engine postgres "$(sed -E "s#/[^/?]+(\?|$)#/$db\1#" <<<"$pgurl")"
else
  echo "== postgres: DATABASE_URL not set, skipped"
fi
