#!/usr/bin/env bash
# install-chromium.sh installs Debian's chromium for the headless UI tests. Idempotent.
set -euo pipefail
if command -v chromium >/dev/null 2>&1; then
  echo "chromium: already installed"
  exit 0
fi
sudo=""
[ "$(id -u)" -eq 0 ] || sudo="sudo"
$sudo apt-get update -qq
$sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
echo "chromium: installed"
