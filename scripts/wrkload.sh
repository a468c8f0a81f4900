#!/usr/bin/env bash
# wrkload.sh is the side-by-side-ready load run of `make bench` (issue 12): it generates 10,000
# entities with ../shared/peers/gen-entities.py (the generator the Backstage peer uses), ingests
# them through POST /api/catalog/locations (timed until all are queryable), then drives the four
# routes of the Backstage comparison with wrk and a viewer token (visibility on), printing
# requests/s and p50/p95/p99 per route; last, by-name at 5,000 connections. On SQLite and, when
# DATABASE_URL is set, on PostgreSQL. Install wrk with scripts/install-wrk.sh.
#
#   ENTITIES=10000 CONNS=32 DURATION=10s MANY=5000 scripts/wrkload.sh
#   READ_MODEL=false scripts/wrkload.sh   # every read from the database, for comparison
#   PPROF=1 scripts/wrkload.sh   # also saves a 10 s CPU profile of every route per engine
#   ROUTES="by-name facets" scripts/wrkload.sh   # only these routes (by-name query facets search many)
#   ONLY=ingest scripts/wrkload.sh   # only the timed ingest, per engine
#   PORTAL_BIN=/tmp/portal-main scripts/wrkload.sh   # run this binary instead of building one (A/B runs)
#   PEER=http://127.0.0.1:7107 scripts/wrkload.sh   # then, per engine, ../shared/peers/compare.sh
#       against a running Backstage peer with the same generated entities (ROUTES=none skips our own runs)
set -euo pipefail

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$repo"
pgurl=${DATABASE_URL:-}
n=${ENTITIES:-10000}
conns=${CONNS:-32}
duration=${DURATION:-10s}
many=${MANY:-5000}
gen=${GEN_ENTITIES:-$repo/../shared/peers/gen-entities.py}
term=${TERM_:-payments}
command -v wrk >/dev/null || { echo "wrkload: wrk not found; run scripts/install-wrk.sh"; exit 1; }
[ -f "$gen" ] || { echo "wrkload: $gen not found (set GEN_ENTITIES)"; exit 1; }
work=$(mktemp -d)
viewer="np_wrkview_$(head -c 16 /dev/urandom | od -An -tx1 | tr -d ' \n')"
admin="np_wrkadmin_$(head -c 16 /dev/urandom | od -An -tx1 | tr -d ' \n')"
export PORTAL_STATIC_TOKENS="wrkviewer:$viewer:viewer:read,wrkadmin:$admin:admin:write"
pid=""
cleanup() {
  [ -n "$pid" ] && kill "$pid" 2>/dev/null && wait "$pid" 2>/dev/null
  rm -rf "$work"
}
trap cleanup EXIT
# wrk needs one descriptor per connection.
ulimit -n "$(ulimit -Hn)" 2>/dev/null || true

if [ -n "${PORTAL_BIN:-}" ]; then
  cp "$PORTAL_BIN" "$work/portal"
else
  go build -o "$work/portal" ./cmd/portal
fi
mkdir -p "$work/catalog"
python3 "$gen" -n "$n" -o "$work/catalog/entities.yaml"
component=$(awk '/^kind: Component/ {c=1} c && /^  name:/ {print $2; exit}' "$work/catalog/entities.yaml")

# bench LABEL CONNS PATH KEY: one wrk run (after a 2 s warm-up) as the viewer; WRK_NOCACHE=1
# in its environment sends Cache-Control: no-cache, so the search route is searched afresh.
bench() {
  local label=$1 c=$2 path=$3 key=$4 out
  case " ${ROUTES:-by-name query facets search many} " in *" $key "*) ;; *) return 0 ;; esac
  WRK_TOKEN=$viewer wrk -t2 -c"$c" -d2s -s scripts/wrk-report.lua "$base$path" >/dev/null 2>&1 || true
  local t0 t1 cpu
  t0=$(awk '{print $14 + $15}' /proc/$pid/stat)
  out=$(WRK_TOKEN=$viewer wrk -t2 -c"$c" -d"$duration" --timeout 5s -s scripts/wrk-report.lua "$base$path" 2>&1 | awk '/^RESULT/')
  t1=$(awk '{print $14 + $15}' /proc/$pid/stat)
  read -r _ rps p50 p95 p99 non2xx errs econn eread ewrite etime <<<"$out"
  # The server's own CPU time per request: comparable across runs on a shared machine,
  # where requests/s mostly says how much CPU the server was given.
  cpu=$(awk -v d="$((t1 - t0))" -v hz="$(getconf CLK_TCK)" -v r="$rps" -v s="${duration%s}" \
    'BEGIN {n = r * s; if (n > 0) printf "%.3f", d / hz * 1000 / n; else print "-"}')
  printf '%-22s c=%-5s %8s req/s  p50 %7sms  p95 %7sms  p99 %7sms  non-2xx %s  socket errors %s (connect %s read %s write %s timeout %s)  server CPU %s ms/req\n' \
    "$label" "$c" "$rps" "$p50" "$p95" "$p99" "$non2xx" "$errs" "$econn" "$eread" "$ewrite" "$etime" "$cpu"
  if [ -n "${PPROF:-}" ]; then
    (WRK_TOKEN=$viewer wrk -t2 -c"$c" -d12s -s scripts/wrk-report.lua "$base$path" >/dev/null 2>&1 &)
    curl -fsS -o "${PPROF_OUT:-/tmp}/$key-$name.pprof" "http://127.0.0.1:$pprof/debug/pprof/profile?seconds=10"
    echo "cpu profile: ${PPROF_OUT:-/tmp}/$key-$name.pprof"
    sleep 3
  fi
}

# total PATH: the totalItems of a by-query answer as the admin.
total() {
  curl -fsS -H "Authorization: Bearer $admin" "$base/api/catalog/entities/by-query?limit=1$1" |
    sed -n 's/.*"totalItems":\([0-9]*\).*/\1/p'
}

# run_engine NAME [DATABASE_URL]
run_engine() {
  local name=$1 url=${2:-}
  export PORTAL_DATA_DIR="$work/data-$name" PORTAL_FILE_LOCATION_ROOTS="$work/catalog" DATABASE_URL="$url"
  local port=$((21000 + RANDOM % 2000)) pprof=$((23000 + RANDOM % 2000))
  base="http://127.0.0.1:$port"
  "$work/portal" serve --addr "127.0.0.1:$port" --pprof-addr "127.0.0.1:$pprof" --refresh-interval 0 --log-level warn --read-model="${READ_MODEL:-true}" \
    >"$work/serve-$name.log" 2>&1 &
  pid=$!
  for _ in $(seq 1 300); do
    curl -fsS "$base/readyz" >/dev/null 2>&1 && break
    sleep 0.1
  done
  echo "== $name: RSS at start $(awk '/VmRSS/ {printf "%.0f MiB", $2/1024}' /proc/$pid/status)"
  local before t0 t1 want got c0 c1
  before=$(total "")
  c0=$(awk '{print $14 + $15}' /proc/$pid/stat)
  t0=$(date +%s.%N)
  curl -fsS -o /dev/null -X POST -H "Authorization: Bearer $admin" -H 'Content-Type: application/json' \
    -d "{\"type\":\"file\",\"target\":\"$work/catalog/entities.yaml\"}" "$base/api/catalog/locations" ||
    echo "POST /api/catalog/locations did not answer in time (the import goes on; waiting for the entities)"
  want=$((before + n))
  for _ in $(seq 1 6000); do
    got=$(total "")
    [ "${got:-0}" -ge "$want" ] && break
    sleep 0.05
  done
  t1=$(date +%s.%N)
  c1=$(awk '{print $14 + $15}' /proc/$pid/stat)
  printf 'ingest: %d entities via POST /api/catalog/locations, queryable after %.2fs (%s in the catalog), server CPU %.2fs, load avg %s\n' \
    "$n" "$(echo "$t1 - $t0" | bc -l)" "$got" "$(echo "($c1 - $c0) / $(getconf CLK_TCK)" | bc -l)" "$(cut -d' ' -f1 /proc/loadavg)"
  if [ "${ONLY:-}" = ingest ]; then
    kill "$pid"
    wait "$pid" 2>/dev/null || true
    pid=""
    return
  fi
  # Search follows the catalog in the background: wait until the term finds something.
  for _ in $(seq 1 600); do
    curl -fsS -H "Authorization: Bearer $viewer" "$base/api/search/query?term=$term" | grep -q '"type"' && break
    sleep 0.2
  done
  # Search indexes the new entities in the background: wait until the server is idle
  # (under 10% of a core for a second), so indexing does not run during the measurement.
  local idle0=$SECONDS
  for _ in $(seq 1 600); do
    local c1 c2
    c1=$(awk '{print $14 + $15}' /proc/$pid/stat)
    sleep 1
    c2=$(awk '{print $14 + $15}' /proc/$pid/stat)
    [ $((c2 - c1)) -lt $(($(getconf CLK_TCK) / 10)) ] && break
  done
  echo "server idle (background indexing done) $((SECONDS - idle0))s after the entities were queryable"
  echo "load avg before the run: $(cut -d' ' -f1-3 /proc/loadavg)"
  bench "by-name" "$conns" "/api/catalog/entities/by-name/component/default/$component" by-name
  bench "by-query kind=component" "$conns" "/api/catalog/entities/by-query?filter=kind=component&limit=20" query
  bench "entity-facets kind" "$conns" "/api/catalog/entity-facets?facet=kind" facets
  bench "search query" "$conns" "/api/search/query?term=$term" search
  WRK_NOCACHE=1 bench "search (no-cache)" "$conns" "/api/search/query?term=$term" search
  bench "by-name (many)" "$many" "/api/catalog/entities/by-name/component/default/$component" many
  echo "load avg after the run: $(cut -d' ' -f1-3 /proc/loadavg); RSS after load: $(awk '/VmRSS/ {printf "%.0f MiB", $2/1024}' /proc/$pid/status)"
  if [ -n "${PEER:-}" ]; then
    echo "side by side with $PEER (A: this portal on $name, B: the peer; median of ROUNDS=${ROUNDS:-3})"
    A=$base A_TOKEN=$viewer B=$PEER B_TOKEN=${PEER_TOKEN:-} ENTITY="component/default/$component" TERM_=$term \
      DURATION=$duration CONNS=$conns "$(dirname "$gen")/compare.sh"
  fi
  kill "$pid"
  wait "$pid" 2>/dev/null || true
  pid=""
}

echo "wrk load run: $n generated entities, $conns connections x $duration per route, viewer token, read model ${READ_MODEL:-true}, $(nproc) cores"
run_engine sqlite
if [ -n "$pgurl" ]; then
  db="$(sed -E 's#.*/([^/?]+)(\?.*)?$#\1#' <<<"$pgurl")_wrk"
  psql -qX "$pgurl" -c "DROP DATABASE IF EXISTS $db WITH (FORCE)" -c "CREATE DATABASE $db" >/dev/null
  psql -qX "$(sed -E "s#/[^/?]+(\?|$)#/$db\1#" <<<"$pgurl")" -c "CREATE EXTENSION IF NOT EXISTS vector" >/dev/null
  run_engine postgres "$(sed -E "s#/[^/?]+(\?|$)#/$db\1#" <<<"$pgurl")"
else
  echo "== postgres: DATABASE_URL not set, skipped"
fi
