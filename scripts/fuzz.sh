#!/usr/bin/env bash
# fuzz.sh runs every Go fuzz target (func FuzzX in a *_test.go file) one after another, each
# for FUZZTIME with one worker, and prints per target its executions and how long it ran.
# `make fuzz` (5 minutes each) and `make fuzz-smoke` (a few seconds each, in CI) use it.
# A crash stops only its own target: the input is saved under the package's
# testdata/fuzz/FuzzX/ (commit it as a regression seed once fixed), the others still run, and
# the script exits non-zero at the end.
#
# Usage: scripts/fuzz.sh FUZZTIME [PACKAGE...]   (default: every package with a FuzzX target)
# Environment: GO (default go), FUZZ_LOG_DIR (default: a temp dir) keeps each target's output.
set -uo pipefail

if [ "$#" -lt 1 ]; then
  echo "usage: $0 FUZZTIME [PACKAGE...]" >&2
  exit 2
fi
fuzztime=$1
shift
go=${GO:-go}
cd "$(dirname "${BASH_SOURCE[0]}")/.."

pkgs=("$@")
if [ "${#pkgs[@]}" -eq 0 ]; then
  mapfile -t pkgs < <(grep -rl --include='*_test.go' --exclude-dir=node_modules --exclude-dir=.data '^func Fuzz' . |
    xargs -r -n1 dirname | sort -u)
fi
logdir=${FUZZ_LOG_DIR:-$(mktemp -d)}
mkdir -p "$logdir"

failed=0
summary=()
for pkg in "${pkgs[@]}"; do
  if ! targets=$("$go" test -list '^Fuzz' "$pkg" | grep '^Fuzz'); then
    echo "no fuzz targets in $pkg (or it does not build)" >&2
    failed=1
    continue
  fi
  for target in $targets; do
    log="$logdir/$(basename "$pkg")-$target.log"
    echo "==> $pkg $target for $fuzztime ($(date -u +%H:%M:%S))"
    start=$SECONDS
    "$go" test -run '^$' -fuzz "^$target\$" -fuzztime "$fuzztime" -parallel 1 "$pkg" >"$log" 2>&1
    rc=$?
    took=$((SECONDS - start))
    # The last progress line holds the totals: "fuzz: elapsed: 5m0s, execs: 123456 (411/sec), ..."
    # (its rate is of the last 3s only, so it is left out).
    last=$(grep -o 'elapsed: [^,]*, execs: [0-9]*' "$log" | tail -n 1)
    status=ok
    if [ "$rc" -ne 0 ]; then
      status=FAIL
      failed=1
      tail -n 30 "$log"
    fi
    line="$status $pkg $target: ${last:-no progress line} (wall ${took}s)"
    echo "$line"
    summary+=("$line")
  done
done
echo "==> fuzz summary (logs in $logdir)"
printf '%s\n' "${summary[@]}"
exit "$failed"
