#!/usr/bin/env bash
# install-wrk.sh installs wrk (Debian's package), the HTTP load generator of scripts/wrkload.sh
# (part of `make bench`). Idempotent: does nothing when wrk is on PATH.
set -euo pipefail

if command -v wrk >/dev/null 2>&1; then
  exit 0
fi
sudo=""
[ "$(id -u)" -eq 0 ] || sudo="sudo"
$sudo apt-get update -qq
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq wrk >/dev/null
command -v wrk >/dev/null
