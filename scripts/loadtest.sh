#!/usr/bin/env bash
# loadtest.sh is the load run of `make bench`: it generates a 10,000-entity catalog, imports it,
# starts `portal serve` and drives the catalog routes with a real load generator (rakyll/hey,
# pinned in go.mod as a tool), on SQLite and, when DATABASE_URL is set, on PostgreSQL.
#
#   ENTITIES=10000 REQUESTS=2000 CONCURRENCY=8 scripts/loadtest.sh
set -euo pipefail

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$repo"
pgurl=${DATABASE_URL:-}
n=${ENTITIES:-10000}
requests=${REQUESTS:-2000}
conc=${CONCURRENCY:-8}
work=$(mktemp -d)
# The load run reads as a viewer with a static token, as a dashboard or scraper would.
token="np_loadtest_$(head -c 16 /dev/urandom | od -An -tx1 | tr -d ' \n')"
export PORTAL_STATIC_TOKENS="loadtest:$token:viewer:read"
pid=""
cleanup() {
  [ -n "$pid" ] && kill "$pid" 2>/dev/null && wait "$pid" 2>/dev/null
  rm -rf "$work"
}
trap cleanup EXIT

go build -o "$work/portal" ./cmd/portal
go build -o "$work/hey" github.com/rakyll/hey
go run ./scripts/gencatalog -n "$n" -out "$work/catalog"
# A component name that exists, for the by-name route.
component=$(awk '/^kind: Component/ {c=1} c && /^  name:/ {print $2; exit}' "$work"/catalog/entities-*.yaml)

# run_engine NAME [DATABASE_URL]
run_engine() {
  local name=$1 url=${2:-}
  export PORTAL_DATA_DIR="$work/data-$name" PORTAL_FILE_LOCATION_ROOTS="$work/catalog" DATABASE_URL="$url"
  echo "== $name: importing $n entities"
  local t0=$SECONDS
  "$work/portal" catalog import "$work/catalog/catalog-info.yaml"
  echo "import took $((SECONDS - t0))s"
  local port=$((17000 + RANDOM % 2000))
  "$work/portal" serve --addr "127.0.0.1:$port" --refresh-interval 0 --log-level warn >"$work/serve-$name.log" 2>&1 &
  pid=$!
  for _ in $(seq 1 100); do
    curl -fsS "http://127.0.0.1:$port/readyz" >/dev/null 2>&1 && break
    sleep 0.1
  done
  local base="http://127.0.0.1:$port/api/catalog"
  local cursor
  cursor=$(curl -fsS -H "Authorization: Bearer $token" "$base/entities/by-query?filter=kind=component,spec.lifecycle=production&limit=20" |
    sed -n 's/.*"nextCursor":"\([^"]*\)".*/\1/p')
  for target in \
    "by-name|$base/entities/by-name/component/default/$component" \
    "by-query filter|$base/entities/by-query?filter=kind=component,spec.lifecycle=production&limit=20" \
    "by-query cursor|$base/entities/by-query?cursor=$cursor" \
    "entity-facets|$base/entity-facets?facet=kind&facet=spec.lifecycle"; do
    local label=${target%%|*} url=${target#*|}
    local out
    out=$("$work/hey" -n "$requests" -c "$conc" -H "Authorization: Bearer $token" "$url")
    printf '%-16s %s  p50 %s  p95 %s  p99 %s  non-200: %s\n' "$label" \
      "$(awk '/Requests\/sec/ {printf "%8.0f req/s", $2}' <<<"$out")" \
      "$(awk '/ 50%/ {printf "%.1fms", $3*1000}' <<<"$out")" \
      "$(awk '/ 95%/ {printf "%.1fms", $3*1000}' <<<"$out")" \
      "$(awk '/ 99%/ {printf "%.1fms", $3*1000}' <<<"$out")" \
      "$(awk '/^\s*\[[0-9]+\]/ && $1 != "[200]" {s+=$2} END {print s+0}' <<<"$out")"
  done
  echo "RSS after load: $(awk '/VmRSS/ {print $2/1024 " MiB"}' /proc/$pid/status)"
  kill "$pid"
  wait "$pid" 2>/dev/null || true
  pid=""
}

echo "load run: $n entities, $requests requests per route, $conc concurrent clients"
run_engine sqlite
if [ -n "$pgurl" ]; then
  db=portal_loadtest
  psql -qX "$pgurl" -c "DROP DATABASE IF EXISTS $db WITH (FORCE)" -c "CREATE DATABASE $db" >/dev/null
  run_engine postgres "$(sed -E "s#/[^/?]+(\?|$)#/$db\1#" <<<"$pgurl")"
else
  echo "== postgres: DATABASE_URL not set, skipped"
fi
